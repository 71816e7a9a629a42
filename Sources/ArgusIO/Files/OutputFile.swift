import ArgusCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes outputs so that a reader never sees a half-written file or folder: everything is
/// written under a temporary name beside the destination and renamed into place at the end.
public enum OutputFile {
    /// Fails when `path` exists and `overwrite` is false, so that nothing stored is lost by mistake.
    /// An existing empty folder is not in the way: it is replaced without `overwrite`.
    /// - Parameters:
    ///   - path: the file or folder about to be written.
    ///   - overwrite: whether an existing output may be replaced.
    /// - Throws: `DataError` naming the path when it holds something and `overwrite` is false.
    public static func checkDestination(_ path: String, overwrite: Bool) throws(DataError) {
        if !overwrite && FileManager.default.fileExists(atPath: path) && !isEmptyFolder(path) {
            throw DataError(.unwritable, SourceLocation(file: path), "already exists (pass --overwrite to replace it)")
        }
    }

    /// Whether `path` is a folder with nothing in it.
    public static func isEmptyFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return false
        }
        return (try? FileManager.default.contentsOfDirectory(atPath: path).isEmpty) ?? false
    }

    /// Writes `bytes` to `path` through a temporary file and a rename.
    public static func write(_ bytes: [UInt8], to path: String) throws(DataError) {
        let stream = try StreamingFile(path: path)
        do {
            try stream.write(bytes)
            try stream.commit()
        } catch {
            stream.abort()
            throw error
        }
    }

    public static func write(_ text: String, to path: String) throws(DataError) {
        try write(Array(text.utf8), to: path)
    }

    /// Builds a folder at `path`: `body` fills a temporary folder beside it, which then replaces
    /// `path` in one rename (an older folder there is removed only after that succeeded).
    public static func writeFolder(at path: String, _ body: (String) throws -> Void) throws {
        let fm = FileManager.default
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let base = parent.isEmpty ? "." : parent
        try ensureFolder(base)
        let temporary = base + "/.\(name).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        do {
            try body(temporary)
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isFolder) {
                let old = base + "/.\(name).old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                try fm.moveItem(atPath: path, toPath: old)
                do { try fm.moveItem(atPath: temporary, toPath: path) } catch {
                    try? fm.moveItem(atPath: old, toPath: path)
                    throw error
                }
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: temporary, toPath: path)
            }
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw error
        }
    }

    public static func ensureFolder(_ path: String) throws(DataError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw DataError(
                .unwritable, SourceLocation(file: path), "cannot create folder: \(error.localizedDescription)")
        }
    }
}

/// A file written in pieces under a temporary name, renamed into place by `commit()`.
public final class StreamingFile {
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    public init(path: String) throws(DataError) {
        self.path = path
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try OutputFile.ensureFolder(parent) }
        let directory = parent.isEmpty ? "." : parent
        temporaryPath =
            directory
            + "/.\((path as NSString).lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DataError(.unwritable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { if descriptor >= 0 { abort() } }

    public func write(_ bytes: [UInt8]) throws(DataError) {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(_ text: String) throws(DataError) { try write(Array(text.utf8)) }

    private func flush() throws(DataError) {
        var done = 0
        while done < buffer.count {
            let wrote = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw DataError(.unwritable, SourceLocation(file: path), String(cString: strerror(errno)))
            }
            done += wrote
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws(DataError) {
        try flush()
        guard fsync(descriptor) == 0 || errno == EINVAL, close(descriptor) == 0 else {
            descriptor = -1
            throw DataError(.unwritable, SourceLocation(file: path), String(cString: strerror(errno)))
        }
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw DataError(.unwritable, SourceLocation(file: path), reason)
        }
    }

    /// Closes and deletes the temporary file; the destination is untouched.
    public func abort() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporaryPath)
    }
}
