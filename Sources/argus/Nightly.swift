import ArgumentParser
import ArgusCore
import ArgusGate
import ArgusIO
import ArgusPipeline
import ArgusRegistry
import ArgusReports
import Foundation
import Yams

struct Nightly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the nightly job of a file: evaluate, record, report with the trend, compare, gate.",
        discussion: """
            nightly.yml names the model, the dataset, the ground truth and the predictions, where \
            to write, the registry, the baseline and the gate's policy:

              model: detector@2026-11-30        # NAME@VERSION
              dataset: val2026
              ground_truth: data/val-mltable
              predictions: scored/val.jsonl     # or model_folder: models/detector (inferred with the runner)
              output: nightly                   # each run writes OUTPUT/<version>-<time>/
              registry: argus.sqlite            # or postgresql://…
              baseline: registry:detector@latest-passing
              policy: gate.yml
              on_failure: retrain               # or stop
              retrain_job: retrain.yml          # the AutoML job file run when the gate fails

            Each run evaluates into a new folder, records it, writes its report (with the trend of \
            the model's recorded runs), a comparison with the baseline, and the gate's decision \
            (gate.json, gate.xml, gate.md). When the gate fails and on_failure is retrain, the job file \
            retrain_job runs (`argus job run`, into the run's folder, retrain/); its checkpoint_run_id may \
            name the model to start from (e.g. registry:NAME@latest-passing). Exit codes as for gate.

            Example:
              argus nightly samples/nightly.yml
            """
    )

    @Argument(help: "The nightly job's file (YAML).")
    var file: String

    @Option(name: .long, help: "Where the runs' folders go, instead of the file's output.")
    var output: String?

    @Option(name: .long, help: "The registry, instead of the file's.")
    var registry: String?

    func run() throws {
        var job: NightlyJob
        do {
            job = try NightlyJob.read(file)
        } catch {
            Console.printError("error: \(error)")
            throw ExitCode(GateCommand.cannotJudge)
        }
        if let output { job.output = output }
        if let registry { job.registry = registry }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let version = job.model.split(separator: "@").last.map(String.init) ?? "run"
        var folder = job.output + "/" + version + "-" + stamp
        var attempt = 2
        while FileManager.default.fileExists(atPath: folder) {
            folder = job.output + "/" + version + "-" + stamp + "-\(attempt)"
            attempt += 1
        }
        var predictions = job.predictions ?? ""
        if let modelFolder = job.modelFolder {
            predictions = folder + ".predictions.jsonl"
            try FileManager.default.createDirectory(atPath: job.output, withIntermediateDirectories: true)
            var infer = try Infer.parse(["--model", modelFolder, "--data", job.groundTruth, "--output", predictions])
            try infer.run()
        }
        try Console.guarding {
            let arguments = [
                "--ground-truth", job.groundTruth, "--predictions", predictions, "--output", folder, "--record",
                "--model", job.model, "--dataset", job.dataset, "--registry", job.registry, "--bootstrap-records",
            ]
            let recordedPath = job.modelFolder.map { ["--model-path", $0] } ?? []
            let evaluate = try Evaluate.parse(arguments + recordedPath + (job.task.map { ["--task", $0] } ?? []))
            try evaluate.run()
            let report = try ReportCommand.parse([folder, "--registry", job.registry])
            try report.run()
        }
        var baselineFolder: String?
        if let baseline = job.baseline {
            var gate = try GateCommand.parse(["--policy", "x", "--candidate", folder, "--registry", job.registry])
            gate.baseline = baseline
            do { baselineFolder = try gate.resolveBaseline() } catch {
                Console.note("no baseline yet (\(error)): the comparison and the comparing rules are skipped")
            }
        }
        if let baselineFolder {
            let compare = try Compare.parse([
                baselineFolder, folder, "--names", "baseline,candidate", "--html", folder + "/compare.html",
            ])
            try Console.guarding { try compare.run() }
        }
        guard let policy = job.policy else { return }
        var arguments = [
            "--policy", policy, "--candidate", folder, "--registry", job.registry, "--json", folder + "/gate.json",
            "--junit", folder + "/gate.xml", "--markdown", folder + "/gate.md",
        ]
        if let baselineFolder {
            arguments += ["--baseline", baselineFolder]
        } else {
            arguments.append("--skip-comparisons-without-baseline")
        }
        let gate = try GateCommand.parse(arguments)
        do {
            try gate.run()
        } catch {
            if let exit = error as? ExitCode, exit.rawValue == 1, job.onFailure == "retrain" {
                if let retrainJob = job.retrainJob {
                    Console.printError("nightly: the gate failed: retraining with \(retrainJob)")
                    var retrain = try JobRun.parse([
                        retrainJob, "--output", folder + "/retrain", "--registry", job.registry,
                    ])
                    try retrain.run()
                } else {
                    Console.printError(
                        "nightly: the gate failed and on_failure is retrain, but no retrain_job is named")
                }
            }
            throw error
        }
    }
}

/// A nightly job's file.
struct NightlyJob {
    var model: String
    var dataset: String
    var task: String?
    var groundTruth: String
    var predictions: String?
    var modelFolder: String?
    var output: String
    var registry: String
    var baseline: String?
    var policy: String?
    var onFailure: String
    var retrainJob: String?

    /// The file's keys, each spelled here only.
    enum Key: String, CaseIterable {
        case model, dataset, task, predictions, output, registry, baseline, policy
        case groundTruth = "ground_truth"
        case modelFolder = "model_folder"
        case onFailure = "on_failure"
        case retrainJob = "retrain_job"
    }

    static let keys = Key.allCases.map(\.rawValue)

    /// Reads the file; paths in it are relative to its folder.
    /// - Throws: `DataError` with the line and column of each mistake and what is allowed.
    static func read(_ path: String) throws(DataError) -> NightlyJob {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(.unreadable, SourceLocation(file: path), "cannot read the file")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)), node.mapping != nil else {
                throw DataError(.invalidData, SourceLocation(file: path), "expected a mapping of the job's settings")
            }
            root = node
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError(.invalidData, SourceLocation(file: path), "invalid YAML: \(error)")
        }
        var values: [Key: String] = [:]
        for (key, value) in root.mapping ?? [:] {
            let name = key.string ?? ""
            let location = SourceLocation(file: path, line: key.mark?.line, column: key.mark?.column)
            guard let key = Key(rawValue: name) else {
                let hint =
                    keys.min { Spelling.distance($0, name) < Spelling.distance($1, name) }
                    .flatMap { Spelling.distance($0, name) <= 3 ? " (did you mean `\($0)`?)" : nil } ?? ""
                throw DataError(
                    .invalidData, location, field: name,
                    "unknown key\(hint); allowed: \(keys.joined(separator: ", "))")
            }
            guard let text = value.string else {
                throw DataError(.invalidData, location, field: name, "expected a string")
            }
            values[key] = text
        }
        let base = PathTools.folder(of: path)
        func located(_ value: String) -> String {
            value.hasPrefix("/") || value.contains("://") ? value : base + "/" + value
        }
        func required(_ key: Key) throws(DataError) -> String {
            guard let value = values[key] else {
                throw DataError(.invalidData, SourceLocation(file: path), field: key.rawValue, "missing required key")
            }
            return value
        }
        guard (values[.predictions] == nil) != (values[.modelFolder] == nil) else {
            throw DataError(
                .invalidData, SourceLocation(file: path), field: Key.predictions.rawValue,
                "give either predictions or model_folder (a model folder to infer with)")
        }
        let onFailure = values[.onFailure] ?? "stop"
        guard onFailure == "retrain" || onFailure == "stop" else {
            throw DataError(
                .invalidData, SourceLocation(file: path), field: Key.onFailure.rawValue, "expected retrain or stop")
        }
        return NightlyJob(
            model: try required(.model), dataset: try required(.dataset), task: values[.task],
            groundTruth: located(try required(.groundTruth)), predictions: values[.predictions].map(located),
            modelFolder: values[.modelFolder].map(located),
            output: located(try required(.output)),
            registry: located(values[.registry] ?? Registry.defaultPath), baseline: values[.baseline],
            policy: values[.policy].map(located), onFailure: onFailure, retrainJob: values[.retrainJob].map(located))
    }
}
