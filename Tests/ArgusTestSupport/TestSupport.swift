import Foundation
import Testing

/// The repository's folders, found from this file's place in it.
public enum Repository {
    /// The repository root (the folder holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// A path inside the repository.
    /// - Parameter relative: a path relative to the root, such as `golden/detection/cases`.
    /// - Returns: the absolute path.
    public static func path(_ relative: String) -> String { root + "/" + relative }
}

/// A temporary folder that is removed when the value goes away.
public final class ScratchFolder: @unchecked Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates an empty folder under the system's temporary directory.
    public init() {
        path = NSTemporaryDirectory() + "argus-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to a file in the folder.
    /// - Returns: the file's path.
    @discardableResult
    public func write(_ text: String, to name: String) -> String {
        let target = file(name)
        try? FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
        return target
    }
}

/// Golden and snapshot files, read without crashing: a missing or unreadable file is a recorded
/// test failure and a nil result.
public enum Golden {
    /// The bytes of a file of the repository.
    /// - Parameter relative: the file's path relative to the repository root.
    /// - Returns: its bytes, or nil (with a recorded issue) when it cannot be read.
    public static func bytes(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: Repository.path(relative)) else {
            Issue.record("cannot read the golden file \(relative)", sourceLocation: sourceLocation)
            return nil
        }
        return [UInt8](data)
    }

    /// A JSON golden file as a dictionary, with its own `tolerance` (0 when it names none).
    public static func json(
        _ relative: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> (values: [String: Any], tolerance: Double)? {
        guard let bytes = bytes(relative, sourceLocation: sourceLocation) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            Issue.record("the golden file \(relative) is not a JSON object", sourceLocation: sourceLocation)
            return nil
        }
        return (object, (object["tolerance"] as? Double) ?? 0)
    }

    /// Compares two arrays element by element within `tolerance`, checking the counts first.
    /// - Returns: whether they agree (each disagreement is recorded).
    @discardableResult
    public static func expectClose(
        _ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard actual.count == expected.count else {
            Issue.record("\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
            return false
        }
        var agree = true
        for (index, (a, e)) in zip(actual, expected).enumerated() where !(a == e || abs(a - e) <= tolerance) {
            Issue.record(
                "\(what)[\(index)]: \(a), expected \(e) (tolerance \(tolerance))", sourceLocation: sourceLocation)
            agree = false
        }
        return agree
    }

    /// Compares bytes with a committed snapshot; with `ARGUS_UPDATE_SNAPSHOTS=1` in the
    /// environment, writes the snapshot instead (then review the change with git diff).
    public static func expectSnapshot(
        _ actual: [UInt8], _ relative: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if ProcessInfo.processInfo.environment["ARGUS_UPDATE_SNAPSHOTS"] == "1" {
            FileManager.default.createFile(atPath: Repository.path(relative), contents: Data(actual))
            return
        }
        guard let expected = bytes(relative, sourceLocation: sourceLocation) else { return }
        if actual != expected {
            let mismatch = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            let offset = mismatch ?? min(actual.count, expected.count)
            let message = "\(relative): the bytes differ from the snapshot at offset \(offset) "
            Issue.record(
                Comment(rawValue: message + "(\(actual.count) bytes, snapshot \(expected.count))"),
                sourceLocation: sourceLocation
            )
        }
    }
}

/// Runs a program and collects its standard output and standard error, read at the same time so
/// that a chatty program never blocks on a full pipe.
public enum ProgramRun {
    /// What a run gave.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Everything written to standard output.
        public var out: String
        /// Everything written to standard error.
        public var err: String
    }

    /// Runs `executable` with `arguments` and waits for it.
    /// - Parameter environment: variables set for the program, over this process's own.
    /// - Returns: its exit status and both outputs.
    /// - Throws: when the program cannot be started.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errBox.data, as: UTF8.self)
        )
    }
}

/// Scratch folders for tests that keep a path rather than a `ScratchFolder`: each is a new empty
/// folder inside one folder of this test process, removed with it when the process exits.
public enum Scratch {
    /// The test process's folder.
    static let root: String = {
        let path = NSTemporaryDirectory() + "argus-tests-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return path
    }()

    /// A new empty folder named after the test.
    public static func folder(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let path = root + "/\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to `folder/name` (creating folders) and returns the path; a failure to write
    /// is a recorded test failure.
    @discardableResult
    public static func write(
        _ text: String, _ folder: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let path = folder + "/" + name
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
            Issue.record("cannot write \(path)", sourceLocation: sourceLocation)
        }
        return path
    }
}

extension Golden {
    /// A golden file decoded as `T`, or nil (with a recorded issue) when it cannot be read or decoded.
    public static func decode<T: Decodable>(
        _ type: T.Type, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> T? {
        guard let bytes = bytes(relative, sourceLocation: sourceLocation) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            Issue.record("the golden file \(relative) does not decode: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
