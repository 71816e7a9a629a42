import Foundation

/// The runner's commands.
public enum RunnerCommand: String, Sendable, CaseIterable {
    case train, infer, explain
    /// Checks settings without running anything (`invalid` events).
    case check
}

/// Starts `python -m argus_runner COMMAND --config FILE`, hands each event line to the caller as it
/// comes, forwards Ctrl-C (SIGINT) to the runner, and turns a failure into one `RunnerError`.
public enum RunnerProcess {
    /// Runs `command` with `configuration` and returns the last `done` event.
    /// - Parameters:
    ///   - python: the Python to use (`RunnerLocation.python()`).
    ///   - onEvent: called on the calling thread for every event line, in order.
    /// - Throws: `RunnerError` with the runner's own message (its `error` event), or the end of its
    ///   standard error when it died without one; status 130 when interrupted.
    @discardableResult
    public static func run(
        _ command: RunnerCommand, configuration: RunnerConfiguration, python: String,
        onEvent: (RunnerEvent) -> Void
    ) throws(RunnerError) -> RunnerEvent {
        let configFile = try writeConfiguration(configuration)
        defer { try? FileManager.default.removeItem(atPath: configFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "argus_runner", command.rawValue, "--config", configFile]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let stderrTail = StreamTail()
        do {
            try process.run()
        } catch {
            throw RunnerError("cannot start the runner (\(python)): \(error.localizedDescription)")
        }
        let interruption = InterruptForwarding(process)
        stderrTail.collect(from: errors.fileHandleForReading)
        var last: RunnerEvent?
        var failure: String?
        readLines(from: output.fileHandleForReading) { line in
            guard let event = RunnerEvent.parse(line) else { return }
            if event.event == "error" { failure = event.message }
            if event.event == "done" { last = event }
            onEvent(event)
        }
        process.waitUntilExit()
        interruption.stop()
        let status = process.terminationStatus
        if interruption.happened || status == 130 {
            throw RunnerError("interrupted; the runner stopped", status: 130)
        }
        if status != 0 || last == nil {
            let detail = failure ?? stderrTail.text().split(separator: "\n").suffix(8).joined(separator: "\n")
            throw RunnerError(
                "the runner's \(command.rawValue) failed (exit \(status)): \(detail.isEmpty ? "no message" : detail)",
                status: status)
        }
        return last!
    }

    private static func writeConfiguration(_ configuration: RunnerConfiguration) throws(RunnerError) -> String {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? NSTemporaryDirectory()
        let path = (folder as NSString).appendingPathComponent("argus-runner-\(UUID().uuidString).json")
        guard FileManager.default.createFile(atPath: path, contents: configuration.json()) else {
            throw RunnerError("cannot write the runner's configuration to \(path)")
        }
        return path
    }

    private static func readLines(from handle: FileHandle, _ body: (Substring) -> Void) {
        var buffer = LineBuffer()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk).forEach(body)
        }
        if let last = buffer.rest() { body(last) }
    }
}

/// The last few kilobytes of a stream, read on a background thread.
private final class StreamTail: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private let done = DispatchSemaphore(value: 0)

    func collect(from handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                buffer.append(chunk)
                if buffer.count > 16_384 { buffer.removeFirst(buffer.count - 16_384) }
                lock.unlock()
            }
            done.signal()
        }
    }

    func text() -> String {
        _ = done.wait(timeout: .now() + 5)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// While alive, SIGINT does not stop Argus but is passed to the runner, which stops cleanly.
private final class InterruptForwarding: @unchecked Sendable {
    private let source: any DispatchSourceSignal
    private let lock = NSLock()
    private var interrupted = false

    init(_ process: Process) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak process, unowned self] in
            lock.lock()
            interrupted = true
            lock.unlock()
            if let process, process.isRunning { kill(process.processIdentifier, SIGINT) }
        }
        source.resume()
    }

    var happened: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
