import ArgumentParser
import ArgusCompute
import ArgusData
import ArgusIO
import ArgusJobs
import Foundation

/// The job folder's data and the driver's run, shared by `job run` and `job resume`.
enum JobFolder {
    /// The settings every trial gets: the data as the runner reads it (written once into `folder/data`;
    /// a validation share split off, seeded, when the job names no validation data), and this executable.
    static func baseConfiguration(_ spec: JobSpec, folder: String) throws -> RunnerConfiguration {
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
        return base
    }

    /// Runs the driver with the local launcher, printing what happens; exit 1 when no trial completed.
    static func drive(_ spec: JobSpec, folder: String, base: RunnerConfiguration, state: JobState) throws {
        let python: String
        do {
            python = try RunnerLocation.python()
        } catch {
            Console.printError("error: \(error.message)")
            throw ExitCode(1)
        }
        let driver = JobDriver(
            spec: spec, folder: folder, launcher: LocalLauncher(python: python), base: base, state: state)
        driver.report = { print($0) }
        let final = try driver.run()
        let counts = Dictionary(grouping: final.trials, by: \.status.rawValue).mapValues(\.count)
        print("job: " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        guard let best = final.bestTrial else {
            Console.printError("error: no trial reported a validation metric")
            throw ExitCode(1)
        }
        print("best model: \(driver.trialFolder(best.id))/run/model")
    }
}
