import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Path helpers used when a dataset is written to another folder.
public enum PathTools {
    /// The folder part of a path ("." for a bare name).
    public static func folder(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// An absolute, standardised path.
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// An absolute path with `.`, `..` and repeated slashes folded, symbolic links not followed
    /// (no file-system access but the working directory).
    public static func lexicalAbsolute(_ path: String) -> String {
        "/" + lexicalParts(path, workingDirectory: nil).joined(separator: "/")
    }

    /// The parts of `path` made absolute against the parts of `workingDirectory` (the process's
    /// when nil), `.` skipped and each `..` removing one (compared as bytes).
    static func lexicalParts(_ path: String, workingDirectory: [Substring]?) -> [Substring] {
        var parts: [Substring] = []
        if path.utf8.first != UInt8(ascii: "/") {
            parts = workingDirectory ?? FileManager.default.currentDirectoryPath.split(separator: "/")
        }
        let dot = UInt8(ascii: ".")
        for part in path.split(separator: "/") {
            let bytes = part.utf8
            if bytes.count == 1 && bytes.first == dot { continue }
            if bytes.count == 2 && bytes.first == dot && bytes.last == dot {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return parts
    }

    /// Whether `path` lies inside `root` once both are made absolute and `..`, `.` and symbolic
    /// links are resolved (for the parts that exist). A path equal to the root is inside it.
    public static func isInside(_ path: String, root: String) -> Bool {
        let resolvedRoot = resolved(root)
        let resolvedPath = resolved(path)
        return resolvedPath == resolvedRoot
            || resolvedPath.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/")
    }

    /// An absolute path with `..`, `.` and the symbolic links of its existing part resolved.
    public static func resolved(_ path: String) -> String {
        var existing = absolute(path)
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing) && existing != "/" {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        var real = existing
        if let pointer = realpath(existing, nil) {
            real = String(cString: pointer)
            free(pointer)
        }
        var components = real.split(separator: "/").map(String.init)
        for part in rest {
            switch part {
            case ".", "": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(part)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// `target` written relative to `folder` (both made absolute first).
    public static func relative(_ target: String, from folder: String) -> String {
        RelativePaths(from: folder).relative(target)
    }
}

/// Paths written relative to one folder, for many targets: the folder and the working directory
/// are looked at once. Like Python's `os.path.relpath`, the paths are compared as written (`.`
/// and `..` folded, symbolic links not followed).
public struct RelativePaths: Sendable {
    /// The working directory's parts when the folder was given.
    private let workingDirectory: [Substring]
    /// The folder's parts, absolute.
    private let folder: [Substring]

    /// Paths relative to `folder` (made absolute against the working directory).
    public init(from folder: String) {
        let workingDirectory = FileManager.default.currentDirectoryPath.split(separator: "/")
        self.workingDirectory = workingDirectory
        self.folder = PathTools.lexicalParts(folder, workingDirectory: workingDirectory)
    }

    /// `target` written relative to the folder ("." for the folder itself).
    public func relative(_ target: String) -> String {
        let parts = PathTools.lexicalParts(target, workingDirectory: workingDirectory)
        var common = 0
        while common < parts.count && common < folder.count && parts[common].utf8.elementsEqual(folder[common].utf8) {
            common += 1
        }
        var written = ""
        for _ in common..<folder.count { written += written.isEmpty ? ".." : "/.." }
        for part in parts[common...] {
            if !written.isEmpty { written += "/" }
            written += part
        }
        return written.isEmpty ? "." : written
    }
}
