import ArgusCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a text file line by line in blocks, so that a JSONL file of any size is read in a few
/// megabytes. Each line is handed over in place, followed by readable bytes (the padding
/// simdjson needs), without its `\n` or `\r\n`.
public struct LineStream {
    /// The file read.
    public let path: String
    /// How much is read from the file at a time.
    public var blockBytes = 4 << 20
    /// The longest line accepted: a longer one (an endless stream such as /dev/zero, a binary
    /// file) is an error naming its line, never a read that grows until memory runs out.
    public var maxLineBytes = LineStream.defaultMaxLineBytes

    /// 256 MiB.
    public static let defaultMaxLineBytes = 256 << 20

    /// A stream over the file at `path` (opened when read).
    public init(path: String) { self.path = path }

    /// Calls `body` with each line (without its line break) and its 1-based number.
    /// - Throws: `DataError` naming the file (and line) when it cannot be read, is a folder or a device, or
    ///   holds a line longer than `maxLineBytes`; or what `body` throws.
    public func forEachLine(_ body: (_ line: UnsafeRawBufferPointer, _ number: Int) throws(DataError) -> Void)
        throws(DataError)
    {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.unreadable, SourceLocation(file: path), "is a folder, not a file")
        }
        if (info.st_mode & S_IFMT) == S_IFCHR || (info.st_mode & S_IFMT) == S_IFBLK {
            throw DataError(.unreadable, SourceLocation(file: path), "is a device, not a file")
        }
        var capacity = blockBytes * 2
        var window = PaddedBytes(count: capacity)
        var filled = 0
        var number = 0
        var atEnd = false
        while true {
            // Top up the window.
            if !atEnd {
                if capacity - filled < blockBytes {
                    capacity *= 2
                    let larger = PaddedBytes(count: capacity)
                    memcpy(larger.base, window.base, filled)
                    window = larger
                }
                var got = 0
                repeat {
                    got = read(descriptor, window.base + filled, capacity - filled)
                } while got < 0 && errno == EINTR
                if got < 0 {
                    throw DataError(.unreadable, SourceLocation(file: path), String(cString: strerror(errno)))
                }
                if got == 0 { atEnd = true } else { filled += got }
            }
            let bytes = window.base.assumingMemoryBound(to: UInt8.self)
            var start = 0
            while start < filled {
                guard let hit = memchr(bytes + start, Int32(UInt8(ascii: "\n")), filled - start) else { break }
                var end = UnsafeMutableRawPointer(hit) - window.base
                let next = end + 1
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                number += 1
                // A UTF-8 byte-order mark before the first line is not part of it.
                if number == 1 && end - start >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB
                    && bytes[start + 2] == 0xBF
                {
                    start += 3
                }
                try body(UnsafeRawBufferPointer(start: bytes + start, count: end - start), number)
                start = next
            }
            if atEnd {
                if start < filled {
                    // The last line has no newline; keep the padding after it zeroed and readable.
                    var end = filled
                    if bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    (window.base + filled).initializeMemory(
                        as: UInt8.self, repeating: 0,
                        count: min(PaddedBytes.padding, capacity + PaddedBytes.padding - filled))
                    number += 1
                    if number == 1 && end - start >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB
                        && bytes[start + 2] == 0xBF
                    {
                        start += 3
                    }
                    try body(UnsafeRawBufferPointer(start: bytes + start, count: end - start), number)
                }
                return
            }
            // Keep the unfinished line at the front.
            memmove(window.base, window.base + start, filled - start)
            filled -= start
            if filled > maxLineBytes {
                throw DataError(
                    .invalidData, SourceLocation(file: path, line: number + 1),
                    "the line is longer than \(maxLineBytes >> 20) MiB (the longest accepted): not a text file of lines?"
                )
            }
        }
    }
}
