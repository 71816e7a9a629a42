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
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
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
        relative(target, fromAbsolute: lexicalAbsolute(folder))
    }

    /// `target` written relative to `folder`, already made absolute with `lexicalAbsolute(_:)`
    /// (for many targets relative to one folder). Like Python's `os.path.relpath`, the paths are
    /// compared as written (`.` and `..` folded, symbolic links not followed).
    public static func relative(_ target: String, fromAbsolute folder: String) -> String {
        let a = lexicalAbsolute(target).split(separator: "/")
        let b = folder.split(separator: "/")
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        let rest = a[common...].map(String.init)
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }
}
