import ArgusCore
import CSimdJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes in one allocation, followed by the zeroed padding that simdjson may read.
///
/// Owns its memory; the bytes are valid as long as the buffer lives.
public final class PaddedBytes: @unchecked Sendable {
    /// The number of bytes (the padding not included).
    public let count: Int
    /// The first byte.
    public let base: UnsafeMutableRawPointer

    /// The padding kept readable after the last byte.
    public static let padding = max(64, argus_json_padding())

    /// Zeroed bytes, with the padding after them.
    public init(count: Int) {
        self.count = count
        self.base = UnsafeMutableRawPointer.allocate(byteCount: count + Self.padding, alignment: 64)
        (base + count).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
    }

    /// A copy of `bytes`.
    public convenience init(_ bytes: some Collection<UInt8>) {
        self.init(count: bytes.count)
        let target = base.bindMemory(to: UInt8.self, capacity: count)
        _ = UnsafeMutableBufferPointer(start: target, count: count).initialize(from: bytes)
    }

    /// The UTF-8 of `string`.
    public convenience init(string: String) { self.init(Array(string.utf8)) }

    /// Reads a whole file; a UTF-8 byte-order mark at its start is left out (JSON parsers may
    /// ignore one, and editors on Windows write one).
    /// - Throws: `DataError` naming the file when it cannot be opened or read, or is a folder or a
    ///   device.
    public convenience init(contentsOfFile path: String) throws(DataError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.unreadable, SourceLocation(file: path), "is a folder, not a file")
        }
        if (info.st_mode & S_IFMT) == S_IFCHR || (info.st_mode & S_IFMT) == S_IFBLK {
            throw DataError(.unreadable, SourceLocation(file: path), "is a device, not a file")
        }
        var head: [UInt8] = [0, 0, 0]
        let peeked = pread(fd, &head, 3, 0)
        let skip = peeked == 3 && head == [0xEF, 0xBB, 0xBF] ? 3 : 0
        if skip > 0 { lseek(fd, off_t(skip), SEEK_SET) }
        let size = Int(info.st_size) - skip
        self.init(count: size)
        var done = 0
        while done < size {
            let got = read(fd, base + done, size - done)
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
            }
            if got == 0 { break }
            done += got
        }
        guard done == size else {
            throw DataError(.unreadable, SourceLocation(file: path), "file changed while being read")
        }
    }

    deinit { base.deallocate() }

    /// The bytes, without the padding.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The first byte that is not JSON white space, or nil.
    public var firstNonSpaceByte: UInt8? {
        bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    }

    /// The bytes as a string (UTF-8, invalid sequences repaired).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number.
    public func forEachLine(_ body: (_ line: UnsafeRawBufferPointer, _ number: Int) throws -> Void) rethrows {
        let start = base.assumingMemoryBound(to: UInt8.self)
        var offset = 0
        var number = 0
        while offset < count {
            number += 1
            let remaining = count - offset
            let found = memchr(start + offset, Int32(UInt8(ascii: "\n")), remaining)
            var end = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? count
            let next = end + 1
            if end > offset && start[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            try body(UnsafeRawBufferPointer(start: start + offset, count: end - offset), number)
            offset = next
        }
    }
}

/// Facts about a file without reading it whole.
public enum FileSize {
    /// The size of the file at `path` in bytes (0 when it cannot be read).
    public static func of(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The first byte that is not white space, reading only the file's start.
    public static func firstNonSpaceByte(_ path: String) throws(DataError) -> UInt8? {
        guard let file = fopen(path, "rb") else {
            throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        while true {
            let c = fgetc(file)
            if c == EOF { return nil }
            if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 { return UInt8(c) }
        }
    }
}
