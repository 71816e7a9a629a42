import ArgusCompute
import Foundation

/// Trials as Slurm batch jobs: the trials started together are one job array (`sbatch --array`; a
/// single trial, one job), each task running the runner's `train` for its trial (through `srun torchrun`
/// across nodes when `nodes` > 1), writing its events to `events.jsonl`, its standard error to
/// `stderr.log` and its exit status to `exit_status`. State comes from those files and `squeue`;
/// stopping is `scancel --signal=TERM`, then `scancel`, on the trial's own array task.
public struct SlurmLauncher: TrialLauncher {
    /// The runner's Python on the compute nodes.
    public var python: String
    /// Nodes per trial (`properties.node_count_per_trial`).
    public var nodes: Int
    /// Processes per node when `nodes` > 1 (GPUs per node).
    public var processesPerNode: Int
    /// More `sbatch` options (`--partition=gpu`, `--gres=gpu:4`, …).
    public var options: [String]

    /// A launcher submitting with `sbatch`.
    public init(python: String, nodes: Int = 1, processesPerNode: Int = 1, options: [String] = []) {
        self.python = python
        self.nodes = nodes
        self.processesPerNode = processesPerNode
        self.options = options
    }

    /// The batch script of one trial.
    public func script(config: String, folder: String) -> String {
        let train: String
        if nodes > 1 {
            train =
                "head=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
                + "srun --nodes=\(nodes) --ntasks-per-node=1 \(Self.quoted(python)) -m torch.distributed.run "
                + "--nnodes=\(nodes) --nproc_per_node=\(processesPerNode) --rdzv_backend=c10d "
                + "--rdzv_id=\"$SLURM_JOB_ID\" --rdzv_endpoint=\"$head:29500\" -m argus_runner train --config "
                + Self.quoted(config)
        } else {
            train = "\(Self.quoted(python)) -m argus_runner train --config \(Self.quoted(config))"
        }
        return """
            #!/bin/sh
            #SBATCH --nodes=\(nodes)
            export PYTHONUNBUFFERED=1
            \(train) > \(Self.quoted(folder + "/events.jsonl")) 2> \(Self.quoted(folder + "/stderr.log"))
            echo $? > \(Self.quoted(folder + "/exit_status.partial"))
            mv \(Self.quoted(folder + "/exit_status.partial")) \(Self.quoted(folder + "/exit_status"))

            """
    }

    /// Writes `folder/config.json` and `folder/trial.sbatch` and submits it.
    public func start(id: Int, folder: String, configuration: RunnerConfiguration) throws -> any RunningTrial {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try configuration.json().write(to: URL(fileURLWithPath: folder + "/config.json"))
        let batch = folder + "/trial.sbatch"
        try script(config: folder + "/config.json", folder: folder).write(
            toFile: batch, atomically: true, encoding: .utf8)
        let submitted = try Self.command(
            "sbatch", ["--parsable", "--job-name=argus-trial-\(id)", "--output=/dev/null"] + options + [batch])
        guard let jobID = submitted.split(separator: ";").first.map(String.init), Int(jobID) != nil else {
            throw RunnerError("sbatch did not give a job id: \(submitted)")
        }
        return SlurmTrial(jobID: jobID, folder: folder)
    }

    /// Submits the trials as one job array: task K runs trial K's script (`trial.sbatch` in its folder).
    public func start(batch: [TrialStart]) throws -> [any RunningTrial] {
        guard batch.count > 1 else {
            return try batch.map { try start(id: $0.id, folder: $0.folder, configuration: $0.configuration) }
        }
        var cases = ""
        for (index, trial) in batch.enumerated() {
            try FileManager.default.createDirectory(atPath: trial.folder, withIntermediateDirectories: true)
            try trial.configuration.json().write(to: URL(fileURLWithPath: trial.folder + "/config.json"))
            let script = trial.folder + "/trial.sbatch"
            try self.script(config: trial.folder + "/config.json", folder: trial.folder).write(
                toFile: script, atomically: true, encoding: .utf8)
            cases += "  \(index)) exec sh \(Self.quoted(script)) ;;\n"
        }
        let array = (batch.first.map { $0.folder + "/.." } ?? ".") + "/array-\(batch[0].id)-\(batch.count).sbatch"
        let text = "#!/bin/sh\n#SBATCH --nodes=\(nodes)\ncase \"$SLURM_ARRAY_TASK_ID\" in\n\(cases)esac\nexit 1\n"
        try text.write(toFile: array, atomically: true, encoding: .utf8)
        let submitted = try Self.command(
            "sbatch",
            ["--parsable", "--array=0-\(batch.count - 1)", "--job-name=argus-trials", "--output=/dev/null"] + options
                + [array])
        guard let arrayID = submitted.split(separator: ";").first.map(String.init), Int(arrayID) != nil else {
            throw RunnerError("sbatch did not give a job id: \(submitted)")
        }
        return batch.indices.map { SlurmTrial(jobID: "\(arrayID)_\($0)", folder: batch[$0].folder) }
    }

    /// Cancels the Slurm job of `slurm:N`.
    public func abandon(handle: String) {
        guard handle.hasPrefix("slurm:") else { return }
        _ = try? Self.command("scancel", [String(handle.dropFirst(6))])
    }

    /// Runs a Slurm command and returns its standard output; a failure is an error with its message.
    public static func command(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RunnerError("\(name) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `text` quoted for the shell.
    public static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

final class SlurmTrial: RunningTrial, @unchecked Sendable {
    let jobID: String
    let folder: String
    private var offset: UInt64 = 0
    private var pending = LineBuffer()
    private var vanishedChecks = 0

    init(jobID: String, folder: String) {
        self.jobID = jobID
        self.folder = folder
    }

    var handle: String { "slurm:\(jobID)" }

    func poll() -> [RunnerEvent] {
        guard let file = FileHandle(forReadingAtPath: folder + "/events.jsonl") else { return [] }
        defer { try? file.close() }
        try? file.seek(toOffset: offset)
        let chunk = file.readDataToEndOfFile()
        offset += UInt64(chunk.count)
        return pending.append(chunk).compactMap(RunnerEvent.parse)
    }

    var exitStatus: Int32? {
        if let text = try? String(contentsOfFile: folder + "/exit_status", encoding: .utf8) {
            // Events written before the status count first.
            return pending.isEmpty ? Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 : nil
        }
        let queued = (try? SlurmLauncher.command("squeue", ["--noheader", "--jobs=\(jobID)", "--format=%T"])) ?? ""
        if queued.isEmpty {
            vanishedChecks += 1
            return vanishedChecks >= 3 ? -9 : nil  // gone without a status: cancelled, killed, or failed to start
        }
        return nil
    }

    var errorTail: String {
        let text = (try? String(contentsOfFile: folder + "/stderr.log", encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(5).joined(separator: "\n")
        return tail.isEmpty ? "Slurm job \(jobID) ended without an exit status" : tail
    }

    func stop(grace: Double) {
        _ = try? SlurmLauncher.command("scancel", ["--signal=TERM", "--full", jobID])
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [jobID] in
            _ = try? SlurmLauncher.command("scancel", [jobID])
        }
    }
}
