import ArgumentParser
import ArgusCompute
import ArgusData
import ArgusIO
import ArgusJobs
import ArgusRegistry
import Foundation

/// The job folder's data and the driver's run, shared by `job run` and `job resume`.
enum JobFolder {
    /// The settings every trial gets: the data as the runner reads it (written once into `folder/data`;
    /// a validation share split off, seeded, when the job names no validation data), this executable, and
    /// the weights of `checkpoint_run_id`'s model when the job names one.
    static func baseConfiguration(
        _ spec: JobSpec, folder: String, registry: RegistryOptions
    ) throws -> RunnerConfiguration {
        var base = RunnerConfiguration()
        let data = folder + "/data"
        let training = data + "/train.jsonl"
        let validation = data + "/valid.jsonl"
        if !FileManager.default.fileExists(atPath: training) {
            try Console.guarding {
                let loaded = try DatasetReader.read(spec.trainingData, format: nil, options: ReadOptions())
                try Console.failIfErrors(loaded.diagnostics)
                if let path = spec.validationData {
                    let other = try DatasetReader.read(path, format: nil, options: ReadOptions())
                    try Console.failIfErrors(other.diagnostics)
                    _ = try RunnerSupport.prepare(loaded, dataRoot: nil, in: data, name: "train.jsonl")
                    _ = try RunnerSupport.prepare(other, dataRoot: nil, in: data, name: "valid.jsonl")
                } else {
                    let share = spec.validationDataSize ?? 0.2
                    let (train, valid) = DatasetSplitter.split(loaded.dataset, fraction: share, seed: spec.seed)
                    for (part, name) in [(train, "train.jsonl"), (valid, "valid.jsonl")] {
                        var piece = loaded
                        piece.dataset = part
                        _ = try RunnerSupport.prepare(piece, dataRoot: nil, in: data, name: name)
                    }
                }
            }
        }
        base["training_data"] = .string(training)
        base["validation_data"] = .string(validation)
        base["argus"] = .string(RunnerLocation.argusExecutable())
        if let run = spec.checkpointRunID {
            base["weights"] = .string(try ModelSource.folder(run, registry: registry) + "/model.pt")
        }
        return base
    }

    /// Runs the driver with the local launcher, printing what happens, and records the job and its trials
    /// in the registry; exit 1 when no trial reported a metric.
    static func drive(
        _ spec: JobSpec, folder: String, base: RunnerConfiguration, state: JobState, registry: RegistryOptions
    ) throws {
        let python: String
        do {
            python = try RunnerLocation.python()
        } catch {
            Console.printError("error: \(error.message)")
            throw ExitCode(1)
        }
        let launcher: any TrialLauncher =
            state.launcher == "slurm"
            ? SlurmLauncher(python: python, nodes: spec.nodeCountPerTrial, options: state.launcherOptions)
            : LocalLauncher(python: python)
        let driver = JobDriver(spec: spec, folder: folder, launcher: launcher, base: base, state: state)
        driver.report = { print($0) }
        if state.launcher == "slurm" { driver.pollInterval = 1 }
        let final = try driver.run()
        let bestModel = final.bestTrial.map { driver.trialFolder($0.id) + "/run/model" }
        let id = try registry.open().recordJob(record(final, spec: spec, folder: folder, bestModel: bestModel))
        print("recorded job \(id) and its \(final.trials.count) trial(s) in \(Secrets.redacted(registry.registry))")
        let counts = Dictionary(grouping: final.trials, by: \.status.rawValue).mapValues(\.count)
        print("job: " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        guard let best = final.bestTrial else {
            Console.printError("error: no trial reported a validation metric")
            throw ExitCode(1)
        }
        print("best model: \(driver.trialFolder(best.id))/run/model")
        if let production = final.production {
            try compare(best: best, in: driver.trialFolder(best.id), production: production, folder: folder, registry)
        }
    }

    /// Writes JOB/compare.html and .pdf: the best trial's best validation evaluation against production's.
    static func compare(
        best: JobState.Trial, in trialFolder: String, production: String, folder: String, _ registry: RegistryOptions
    ) throws {
        let validation = trialFolder + "/run/validation"
        let evaluations = ((try? FileManager.default.contentsOfDirectory(atPath: validation)) ?? [])
            .filter { $0.hasPrefix("epoch_") }.sorted()
        guard let index = best.metrics.firstIndex(of: best.best ?? .nan), index < evaluations.count else {
            Console.printError("note: no validation evaluation of the best trial to compare with production")
            return
        }
        var gate = try GateCommand.parse(["--policy", "x", "--candidate", folder, "--registry", registry.registry])
        gate.baseline = production
        let productionFolder = try gate.resolveBaseline() ?? production
        let compare = try Compare.parse([
            productionFolder, validation + "/" + evaluations[index] + "/evaluation", "--names",
            "production,trial \(best.id)", "--html", folder + "/compare.html", "--pdf", folder + "/compare.pdf",
            "--overwrite",
        ])
        try Console.guarding { try compare.run() }
    }

    /// The registry's record of a job's state.
    static func record(_ state: JobState, spec: JobSpec, folder: String, bestModel: String?) -> Registry.JobRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) -> String {
            String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
        }
        let trials = state.trials.map { trial in
            Registry.TrialRecord(
                trial: trial.id, parameters: json(trial.parameters), status: trial.status.rawValue,
                reason: trial.reason, metric: trial.metricName, best: trial.best, metrics: json(trial.metrics),
                starts: trial.starts)
        }
        let started = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: state.started))
        return Registry.JobRecord(
            folder: PathTools.absolute(folder), jobFile: state.jobFile, task: spec.task,
            sampling: spec.sampling.rawValue,
            startedAt: started, finished: state.finished, bestTrial: state.bestTrial?.id, bestModel: bestModel,
            trials: trials)
    }
}
