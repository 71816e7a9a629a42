import ArgusCompute
import Foundation

/// One trial to start: its number, its folder and its runner configuration.
public struct TrialStart: Sendable {
    /// The trial's number.
    public var id: Int
    /// Its folder (logs, the run folder).
    public var folder: String
    /// The runner's configuration.
    public var configuration: RunnerConfiguration

    /// A trial to start.
    public init(id: Int, folder: String, configuration: RunnerConfiguration) {
        self.id = id
        self.folder = folder
        self.configuration = configuration
    }
}

/// What starts trials: the local process pool by default; cluster launchers implement the same.
public protocol TrialLauncher: Sendable {
    /// Starts several trials at once (a cluster launcher submits them together); one each by default.
    func start(batch: [TrialStart]) throws -> [any RunningTrial]
    /// Starts `configuration` as the runner's `train` in `folder` (its logs go there).
    func start(id: Int, folder: String, configuration: RunnerConfiguration) throws -> any RunningTrial
    /// Stops a trial a killed driver left behind, by the handle its state kept.
    func abandon(handle: String)
}

extension TrialLauncher {
    /// Starts each trial on its own.
    public func start(batch: [TrialStart]) throws -> [any RunningTrial] {
        try batch.map { try start(id: $0.id, folder: $0.folder, configuration: $0.configuration) }
    }
}

/// A started trial.
public protocol RunningTrial: AnyObject {
    /// Events that arrived since the last call.
    func poll() -> [RunnerEvent]
    /// The exit status once it has ended.
    var exitStatus: Int32? { get }
    /// The last lines of its standard error.
    var errorTail: String { get }
    /// What identifies it to its launcher (`pid:1234`, `slurm:56`), kept in the job's state so that a
    /// resumed driver can stop an orphan.
    var handle: String { get }
    /// Asks it to stop (SIGTERM), and kills it (SIGKILL) when it has not after `grace` seconds.
    func stop(grace: Double)
}

/// Trials as processes on this machine: `python -m argus_runner train --config FOLDER/config.json`,
/// events kept in `events.jsonl` and standard error in `stderr.log`.
public struct LocalLauncher: TrialLauncher {
    /// The runner's Python.
    public var python: String

    /// A launcher that starts `python -m argus_runner`.
    public init(python: String) { self.python = python }

    /// Writes `folder/config.json` and starts the runner's `train` on it.
    public func start(id: Int, folder: String, configuration: RunnerConfiguration) throws -> any RunningTrial {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/config.json"
        try configuration.json().write(to: URL(fileURLWithPath: config))
        return try LocalTrial(python: python, config: config, folder: folder)
    }

    /// Kills the process of `pid:N`, if it still runs.
    public func abandon(handle: String) {
        guard handle.hasPrefix("pid:"), let pid = Int32(handle.dropFirst(4)), kill(pid, 0) == 0 else { return }
        kill(pid, SIGKILL)
    }
}

final class LocalTrial: RunningTrial, @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var pending: [RunnerEvent] = []
    private var status: Int32?
    private let folder: String

    init(python: String, config: String, folder: String) throws {
        self.folder = folder
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "argus_runner", "train", "--config", config]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let output = Pipe()
        FileManager.default.createFile(atPath: folder + "/stderr.log", contents: nil)
        FileManager.default.createFile(atPath: folder + "/events.jsonl", contents: nil)
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: folder + "/stderr.log")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let log = FileHandle(forWritingAtPath: folder + "/events.jsonl")
        Thread.detachNewThread { [self] in
            var buffer = LineBuffer()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                log?.write(chunk)
                let events = buffer.append(chunk).compactMap(RunnerEvent.parse)
                lock.lock()
                pending += events
                lock.unlock()
            }
            process.waitUntilExit()
            lock.lock()
            status = process.terminationStatus
            lock.unlock()
        }
    }

    func poll() -> [RunnerEvent] {
        lock.lock()
        defer { lock.unlock() }
        let events = pending
        pending = []
        return events
    }

    var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return pending.isEmpty ? status : nil
    }

    var errorTail: String {
        let text = (try? String(contentsOfFile: folder + "/stderr.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: "\n")
    }

    var handle: String { "pid:\(process.processIdentifier)" }

    func stop(grace: Double) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [process] in
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }
}
