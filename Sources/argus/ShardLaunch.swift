import ArgumentParser
import ArgusCompute
import ArgusJobs
import Foundation

/// `--shards N --launcher local|slurm`: the evaluation split into N shards, run by a launcher, merged.
struct ShardLaunchOptions: ParsableArguments {
    @Option(name: .long, help: "Split the evaluation into N shards, run them with --launcher, and merge them.")
    var shards: Int?

    @Option(name: .long, help: "Where shards run: local (processes here) or slurm (one job array).")
    var launcher = "local"

    @Option(name: .customLong("slurm-option"), help: "An sbatch option for the shards' job array (repeatable).")
    var slurmOptions: [String] = []

    func validate() throws {
        guard shards.map({ (2...10_000).contains($0) }) ?? true else {
            throw ValidationError("--shards must be in 2…10000")
        }
        guard launcher == "local" || launcher == "slurm" else {
            throw ValidationError("--launcher must be local or slurm")
        }
    }
}

/// Runs this same `argus evaluate` command once per shard (`--shard I/N --state-output`), through the
/// launcher, then `argus merge`s the states into the output folder.
enum ShardLaunch {
    /// Options of this command that the shards do not take.
    static let launcherOptions: Set<String> = ["--shards", "--launcher", "--slurm-option", "--output", "-o"]

    static func run(
        shards: Int, options: ShardLaunchOptions, output: String, overwrite: Bool, keepCOCOMatching: Bool = false
    ) throws {
        let work = output + ".shards"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var arguments: [String] = []
        var skipNext = false
        for argument in CommandLine.arguments.dropFirst() {
            if skipNext {
                skipNext = false
                continue
            }
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if launcherOptions.contains(name) {
                skipNext = !argument.contains("=")
                continue
            }
            arguments.append(argument)
        }
        let argus = RunnerLocation.argusExecutable()
        let states = (0..<shards).map { work + "/shard-\($0).state" }
        if options.launcher == "slurm" {
            let quoted: [String] = ([argus] + arguments).map { SlurmLauncher.quoted($0) }
            let shard = " --shard \"$SLURM_ARRAY_TASK_ID/\(shards)\" --state-output "
            let state: String = SlurmLauncher.quoted(work) + "/shard-\"$SLURM_ARRAY_TASK_ID\".state"
            let script: String = "#!/bin/sh\nexec " + quoted.joined(separator: " ") + shard + state + "\n"
            try script.write(toFile: work + "/shards.sbatch", atomically: true, encoding: .utf8)
            let id = try SlurmLauncher.command(
                "sbatch",
                [
                    "--parsable", "--wait", "--array=0-\(shards - 1)", "--job-name=argus-shards",
                    "--output=" + work + "/shard-%a.log",
                ]
                    + options.slurmOptions + [work + "/shards.sbatch"])
            print("ran \(shards) shards as Slurm job array \(id.split(separator: ";").first ?? "")")
        } else {
            try runLocally(argus, arguments, states: states, shards: shards)
        }
        let missing = states.filter { !FileManager.default.fileExists(atPath: $0) }
        guard missing.isEmpty else {
            Console.printError("error: \(missing.count) shard(s) left no state; see \(work)/shard-*.log")
            throw ExitCode(1)
        }
        let flags = (overwrite ? ["--overwrite"] : []) + (keepCOCOMatching ? ["--bootstrap-records"] : [])
        var merge = try Merge.parse(states + ["--output", output] + flags)
        try merge.run()
    }

    private static func runLocally(_ argus: String, _ arguments: [String], states: [String], shards: Int) throws {
        let parallel = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var running: [Process] = []
        for index in 0..<shards {
            if running.count == parallel {
                running[0].waitUntilExit()
                running.removeFirst()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: argus)
            process.arguments = arguments + ["--shard", "\(index)/\(shards)", "--state-output", states[index]]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            running.append(process)
        }
        running.forEach { $0.waitUntilExit() }
        print("ran \(shards) shards here")
    }
}
