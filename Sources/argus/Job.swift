import ArgumentParser
import ArgusCompute
import ArgusData
import ArgusIO
import ArgusJobs
import Foundation

struct Job: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run AutoML job files: sweeps with early termination under limits (the job driver).",
        discussion: """
            Examples:
              argus job validate job.yml --check-data
              argus job run job.yml --output jobs/night-42
              argus job resume jobs/night-42
            """,
        subcommands: [JobValidate.self, JobRun.self, JobResume.self, JobManifests.self]
    )
}

/// What `job validate` and `job run` share: reading the file and checking it.
enum JobChecks {
    /// The job, or every mistake printed (`file:line:column: message`) and exit 1.
    static func read(_ file: String, checkValues: Bool) throws -> JobSpec {
        let spec: JobSpec
        do {
            spec = try JobFileReader.read(file)
        } catch {
            Console.printError(error.description)
            Console.printError("error: \(error.problems.count) mistake(s) in \(file)")
            throw ExitCode(1)
        }
        guard checkValues else { return spec }
        let problems: [JobProblem]
        do {
            problems = try JobValidation.problems(spec, python: RunnerLocation.python())
        } catch {
            Console.printError("error: \(error.message)")
            throw ExitCode(1)
        }
        guard problems.isEmpty else {
            for problem in problems { Console.printError("\(file):\(problem)") }
            Console.printError("error: \(problems.count) mistake(s) in \(file)")
            throw ExitCode(1)
        }
        return spec
    }
}

struct JobValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a job file (its keys, limits, sweep, search space and parameter values).",
        discussion: "Example:\n  argus job validate job.yml --check-data")

    @Argument(help: "The AutoML job YAML file.")
    var file: String

    @Flag(name: .customLong("check-data"), help: "Also read the training and validation data.")
    var checkData = false

    func run() throws {
        let spec = try JobChecks.read(file, checkValues: true)
        if checkData {
            try Console.guarding {
                for path in [spec.trainingData] + (spec.validationData.map { [$0] } ?? []) {
                    let loaded = try DatasetReader.read(path, format: nil, options: ReadOptions())
                    try Console.failIfErrors(loaded.diagnostics)
                    print("\(path): \(loaded.dataset.images.count) images")
                }
            }
        }
        let space = spec.searchSpace.isEmpty ? "no search space" : "\(spec.searchSpace.count) search space(s)"
        print(
            "\(file): valid (\(spec.task), \(spec.sampling.rawValue), \(space), up to \(spec.limits.maxTrials) trial(s))"
        )
    }
}

struct JobRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job file: each trial is the runner's train; the best trial's model folder is reported.",
        discussion: """
            The job folder holds job.json (the state, kept up to date: `argus job resume` continues from it), \
            data/ (the data as the runner reads it) and trials/NNNN/ (config.json, events.jsonl, stderr.log and \
            the run folder run/).

            Example:
              argus job run job.yml --output jobs/2026-11-30
            """)

    @Argument(help: "The AutoML job YAML file.")
    var file: String

    @Option(name: .shortAndLong, help: "The job folder to create.")
    var output: String

    @OptionGroup var registry: RegistryOptions

    @Option(name: .long, help: "Where trials run: local (processes on this machine) or slurm (sbatch).")
    var launcher = "local"

    @Option(
        name: .long,
        help: """
            The production model's evaluation on the same validation data (a folder, or registry:MODEL@VERSION / \
            registry:MODEL@latest-passing): the best trial is compared with it in JOB/compare.html and .pdf.
            """)
    var production: String?

    @Option(
        name: .customLong("slurm-option"), help: "An sbatch option for every trial (repeatable; e.g. --partition=gpu).")
    var slurmOptions: [String] = []

    func validate() throws {
        guard launcher == "local" || launcher == "slurm" else {
            throw ValidationError("--launcher must be local or slurm")
        }
    }

    func run() throws {
        let spec = try JobChecks.read(file, checkValues: true)
        guard !FileManager.default.fileExists(atPath: output + "/" + "job.json") else {
            Console.printError("error: \(output) already holds a job; use `argus job resume \(output)`")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(atPath: output + "/data", withIntermediateDirectories: true)
        let base = try JobFolder.baseConfiguration(spec, folder: output, registry: registry)
        var state = JobState(
            jobFile: PathTools.absolute(file), sampler: TrialSampler(seed: spec.seed),
            started: Date().timeIntervalSince1970)
        state.launcher = launcher
        state.launcherOptions = slurmOptions
        state.production = production
        try JobFolder.drive(spec, folder: output, base: base, state: state, registry: registry)
    }
}

struct JobResume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a job whose driver stopped: finished trials are kept, running ones resume.",
        discussion: "Example:\n  argus job resume jobs/2026-11-30")

    @Argument(help: "The job folder.")
    var folder: String

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let state: JobState
        do {
            state = try JobState.load(from: folder)
        } catch {
            Console.printError("error: \(folder)/job.json: cannot read the job's state (\(error))")
            throw ExitCode(1)
        }
        guard !state.finished else {
            print("\(folder): the job has finished")
            return
        }
        let spec = try JobChecks.read(state.jobFile, checkValues: false)
        let base = try JobFolder.baseConfiguration(spec, folder: folder, registry: registry)
        try JobFolder.drive(spec, folder: folder, base: base, state: state, registry: registry)
    }
}
