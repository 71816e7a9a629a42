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
    ///   - inputs: the files and folders the command reads: an output that is one of them, holds
    ///     one, or (unless `insideInputsAllowed`) lies inside one is refused, so that `--overwrite`
    ///     never deletes what the command reads. The current folder, and any folder holding it,
    ///     is refused as an output folder too.
    ///   - insideInputsAllowed: whether the output may lie inside an input folder (a report beside
    ///     its evaluation).
    public static func checkDestination(
        _ path: String, overwrite: Bool, inputs: [String] = [], insideInputsAllowed: Bool = false
    ) throws(DataError) {
        let output = PathTools.resolved(path)
        let here = PathTools.resolved(FileManager.default.currentDirectoryPath)
        if PathTools.isInside(here, root: output) {
            throw DataError(
                .usage, SourceLocation(file: path),
                "is the current folder or holds it: writing there would replace it; name a new folder")
        }
        for input in inputs where !input.isEmpty && FileManager.default.fileExists(atPath: input) {
            let source = PathTools.resolved(input)
            if PathTools.isInside(source, root: output) {
                throw DataError(
                    .usage, SourceLocation(file: path),
                    source == output
                        ? "is also an input: writing it would destroy \(input)"
                        : "holds the input \(input): writing it would destroy the input")
            }
            if !insideInputsAllowed && PathTools.isInside(output, root: source) {
                throw DataError(
                    .usage, SourceLocation(file: path),
                    "lies inside the input \(input): write the output elsewhere")
            }
        }
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

    /// Writes `text` as UTF-8 to `path` through a temporary file and a rename.
    /// - Throws: `DataError` naming the path when it cannot be written.
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
        removeLeftovers(of: name, in: base)
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

    /// Removes what an earlier, killed run left beside `name` in `folder`: hidden
    /// `.name.partial-PID-…` and `.name.old-PID-…` entries whose process no longer runs. Never
    /// a finished output, never another running process's work.
    public static func removeLeftovers(of name: String, in folder: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries {
            for marker in [".partial-", ".old-"] {
                let prefix = "." + name + marker
                guard entry.hasPrefix(prefix) else { continue }
                let rest = entry.dropFirst(prefix.count)
                guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
                // kill(pid, 0) fails with ESRCH when no such process runs.
                if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                    try? FileManager.default.removeItem(atPath: folder + "/" + entry)
                }
            }
        }
    }

    /// Creates `path` and its parents where missing.
    /// - Throws: `DataError` naming the folder when it cannot be created.
    public static func ensureFolder(_ path: String) throws(DataError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw DataError(
                .unwritable, SourceLocation(file: path), "cannot create folder: \(error.localizedDescription)")
        }
    }
}

/// A file written in pieces under a temporary name, renamed into place by `commit()`.
public final class StreamingFile {
    /// Where the file appears on `commit()`.
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    /// Opens a hidden temporary file beside `path` (removing what killed runs left there).
    /// - Throws: `DataError` naming the path when the folder cannot be written.
    public init(path: String) throws(DataError) {
        self.path = path
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try OutputFile.ensureFolder(parent) }
        let directory = parent.isEmpty ? "." : parent
        OutputFile.removeLeftovers(of: (path as NSString).lastPathComponent, in: directory)
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

    /// Appends bytes (buffered; written in blocks of a megabyte).
    /// - Throws: `DataError` naming the path when the disk refuses them.
    public func write(_ bytes: [UInt8]) throws(DataError) {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends text as UTF-8.
    /// - Throws: `DataError` naming the path when the disk refuses it.
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
