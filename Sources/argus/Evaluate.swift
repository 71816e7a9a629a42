import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusPipeline
import ArgusRegistry
import ArgusResults
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate predictions against ground truth and write metrics.json.",
        discussion: """
            Detection and instance segmentation: VOC mode (the AutoML default: one IoU threshold, \
            all-point AP per label), COCO mode (identical to pycocotools COCOeval: the 12 statistics and \
            per-category AP) or both. Ground truth and predictions may be in any supported format; \
            COCO results are joined to COCO ground truth by id, other predictions by image file name.

            Writes OUTPUT/metrics.json (schema in docs/results.md), OUTPUT/curves.json (PR curve points per \
            label) and OUTPUT/matches.jsonl (every detection's outcome and every missed object).

            Examples:
              argus evaluate --task image_object_detection --ground-truth val.jsonl --predictions scored.jsonl --output eval/
              argus evaluate --ground-truth instances_val.json --predictions results.json --metric-type coco_voc --output eval/
            """
    )

    @Option(
        name: .long,
        help: "image_object_detection or image_instance_segmentation; inferred from the ground truth when omitted."
    )
    var task: VisionTask?

    @Option(name: .customLong("ground-truth"), help: "The ground truth (any supported format).")
    var groundTruthOption: String?

    @Option(
        name: .customLong("predictions"),
        help: """
            The predictions: AutoML scoring output, COCO results, or another format. With --model: where the \
            model's predictions are written (default: OUTPUT.predictions.jsonl).
            """)
    var predictionsOption: String?

    @Option(
        name: .long,
        help: "Labelled images to infer on with the model folder given as --model, then evaluate against.")
    var data: String?

    @OptionGroup(title: "Inference (with --model)") var runner: RunnerOptions

    var groundTruth: String { groundTruthOption ?? data ?? "" }
    var predictions: String { predictionsOption ?? "" }

    @Option(name: .customLong("ground-truth-format"), help: "The ground truth's format; detected when omitted.")
    var groundTruthFormat: DataFormat?

    @Option(name: .customLong("predictions-format"), help: "The predictions' format; detected when omitted.")
    var predictionsFormat: DataFormat?

    @Option(name: .customLong("metric-type"), help: "voc, coco or coco_voc (VOC values primary).")
    var metricType: DetectionMetricType = .voc

    @Option(name: .customLong("iou-threshold"), parsing: .unconditional, help: "The VOC IoU threshold, in [0.1, 1].")
    var iouThreshold = EvaluationDefaults.iouThreshold

    @Option(name: .long, help: "VOC AP interpolation: all-point or eleven-point.")
    var interpolation: VOCEvaluator.Interpolation = .allPoint

    @Flag(
        name: .customLong("pixel-inclusive"),
        help: "VOC devkit IoU for integer pixel boxes (x2 − x1 + 1 wide), as older peer tools compute it."
    )
    var pixelInclusive = false

    @Option(
        name: .long, parsing: .unconditional,
        help: "Multi-label: a label is predicted when its probability is greater than this.")
    var threshold = EvaluationDefaults.multilabelThreshold

    @Option(
        name: .long,
        help: "Classification: images without a prediction are an error, or (as-wrong) count as wrong."
    )
    var missing: MissingPredictions = .error

    @Option(
        name: .customLong("score-threshold"), parsing: .unconditional,
        help: "The score threshold of the confusion matrix and the image-level metrics."
    )
    var scoreThreshold = EvaluationDefaults.scoreThreshold

    @OptionGroup var location: ReadingOptions

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String?

    @Option(
        name: .long,
        help: "Evaluate one shard of the images, I/N (images by id order, position modulo N); needs --state-output."
    )
    var shard: ShardArgument?

    @OptionGroup(title: "Shards run by a launcher") var sharding: ShardLaunchOptions

    @Option(
        name: .long, parsing: .unconditional,
        help: """
            Read the predictions in this many passes, each keeping the detections of 1/N of the images; the \
            per-detection state goes to disk, so memory stays bounded (same results).
            """
    )
    var passes = 1

    @Flag(
        name: .customLong("bootstrap-records"),
        help: """
            Keep what the gate's bootstrap needs beyond the match records: each image's COCO matching \
            (coco_matches.json; for coco.* statistics) or, in multi-class classification, each image's \
            probabilities (in matches.jsonl; for AUC). Not with --passes.
            """)
    var bootstrapRecords = false

    @Option(
        name: .customLong("state-output"), help: "Write the shard's mergeable state to this file (see `argus merge`).")
    var stateOutput: String?

    @OptionGroup var overwriting: OverwriteOption

    @Flag(name: .long, help: "Record the evaluation in the registry (see `argus record`).")
    var record = false

    @OptionGroup var recording: RecordingOptions
    @OptionGroup var registry: RegistryOptions

    var overwrite: Bool { overwriting.overwrite }

    func validate() throws {
        if data != nil {
            guard recording.modelFolder != nil else {
                throw ValidationError("--data needs --model naming a model folder (holding model.pt)")
            }
            guard output != nil else { throw ValidationError("--data needs --output") }
        } else {
            guard groundTruthOption != nil else { throw ValidationError("give --ground-truth (or --model and --data)") }
            guard predictionsOption != nil else { throw ValidationError("give --predictions (or --model and --data)") }
        }
        guard iouThreshold >= 0.1 && iouThreshold <= 1 else {
            throw ValidationError("--iou-threshold must be in [0.1, 1], got \(iouThreshold)")
        }
        if output == nil && stateOutput == nil {
            throw ValidationError("give --output (or --state-output for a shard)")
        }
        if shard != nil && stateOutput == nil { throw ValidationError("--shard needs --state-output") }
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
        if bootstrapRecords && passes > 1 {
            throw ValidationError("--bootstrap-records cannot be used with --passes")
        }
        guard threshold > 0 && threshold < 1 else {
            throw ValidationError("--threshold must be in (0, 1), got \(threshold)")
        }
        guard scoreThreshold >= 0 && scoreThreshold <= 1 else {
            throw ValidationError("--score-threshold must be in [0, 1], got \(scoreThreshold)")
        }
    }

    func run() throws {
        if let shards = sharding.shards {
            guard let output else { throw ValidationError("--shards needs --output") }
            return try ShardLaunch.run(
                shards: shards, options: sharding, output: output, overwrite: overwrite,
                keepCOCOMatching: bootstrapRecords)
        }
        guard let model = recording.modelFolder, let data, let output else { return try evaluate() }
        var inferred = self
        inferred.predictionsOption = predictionsOption ?? output + ".predictions.jsonl"
        try Console.guarding {
            let readOptions = try location.readOptions(task: task)
            let loaded = try DatasetReader.read(data, format: groundTruthFormat, options: readOptions)
            try Console.failIfErrors(loaded.diagnostics)
            let done = try RunnerSupport.withScratch { scratch in
                var configuration = try runner.configuration()
                configuration["model"] = .string(model)
                configuration["data"] = .string(
                    try RunnerSupport.prepare(loaded, dataRoot: location.dataRoot, in: scratch, name: "data.jsonl"))
                configuration["predictions"] = .string(inferred.predictions)
                return try RunnerSupport.run(.infer, configuration: configuration)
            }
            print("wrote \(inferred.predictions) (\(done.images ?? 0) images)")
        }
        try inferred.evaluate()
    }

    func evaluate() throws {
        try Console.guarding {
            let readOptions = try location.readOptions(task: task)
            var resolvedTask = task
            if resolvedTask == nil {
                let probe = try DatasetReader.read(groundTruth, format: groundTruthFormat, options: readOptions)
                resolvedTask = probe.dataset.task
                Console.note("--task not given: the ground truth reads as \(resolvedTask?.rawValue ?? "unknown")")
            }
            let started = Date()
            switch resolvedTask {
            case .imageClassification:
                try evaluateMulticlass(readOptions)
            case .imageClassificationMultilabel:
                try evaluateMultilabel(readOptions)
            case .some(let detectionTask) where detectionTask.hasObjects:
                try evaluateDetection(detectionTask, readOptions)
            default:
                Console.printError("error: argus evaluate does not handle \(resolvedTask?.rawValue ?? "this task") yet")
                throw ExitCode(64)
            }
            if record, let output {
                let entry = try EvaluationRecord(
                    folder: output, model: recording.reference, modelPath: recording.modelPath ?? recording.modelFolder,
                    dataset: recording.dataset, seconds: Date().timeIntervalSince(started))
                let id = try registry.open().record(entry)
                print("recorded evaluation \(id) in \(Secrets.redacted(registry.registry))")
            }
        }
    }

    func classificationOutput() throws -> String {
        guard let output else { throw ValidationError("give --output") }
        try OutputFile.checkDestination(output, overwrite: overwrite, inputs: [groundTruth, predictions])
        return output
    }

    func evaluateMulticlass(_ readOptions: ReadOptions) throws {
        let output = try classificationOutput()
        var job = ClassificationEvaluationJob(groundTruth: groundTruth, predictions: predictions)
        job.keepProbabilities = bootstrapRecords
        job.groundTruthFormat = groundTruthFormat
        job.missing = missing
        job.readOptions = readOptions
        let outcome = try job.run()
        Console.show(outcome.diagnostics)
        try job.write(outcome, to: output, overwrite: overwrite)
        let file = job.metricsFile(outcome)
        print(Self.line(file, ["accuracy", "f1_score_macro", "log_loss"]))
        print(
            "wrote \(output)/metrics.json (\(outcome.metrics.sampleCount) images, \(outcome.metrics.classCount) labels)"
        )
    }

    func evaluateMultilabel(_ readOptions: ReadOptions) throws {
        let output = try classificationOutput()
        var job = MultilabelEvaluationJob(groundTruth: groundTruth, predictions: predictions)
        job.groundTruthFormat = groundTruthFormat
        job.missing = missing
        job.readOptions = readOptions
        job.threshold = threshold
        let outcome = try job.run()
        Console.show(outcome.diagnostics)
        try job.write(outcome, to: output, overwrite: overwrite)
        let file = job.metricsFile(outcome)
        print(Self.line(file, ["iou", "f1_score_micro", "hamming_loss"]))
        print(
            "wrote \(output)/metrics.json (\(outcome.metrics.sampleCount) images, \(outcome.metrics.classCount) labels)"
        )
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "undefined" }

    static func line(_ file: ClassificationMetricsFile, _ names: [String]) -> String {
        names.map { "\($0) \(format(file.scalar($0)))" }.joined(separator: ", ")
    }

    func evaluateDetection(_ detectionTask: VisionTask, _ readOptions: ReadOptions) throws {
        var job = DetectionEvaluationJob(task: detectionTask, groundTruth: groundTruth, predictions: predictions)
        job.groundTruthFormat = groundTruthFormat
        job.predictionsFormat = predictionsFormat
        job.metricType = metricType
        job.iouThreshold = iouThreshold
        job.interpolation = interpolation
        job.pixelInclusive = pixelInclusive
        job.scoreThreshold = scoreThreshold
        job.readOptions = readOptions
        job.shard = shard.map { ($0.index, $0.count) }
        job.passes = passes
        job.keepCOCOMatching = bootstrapRecords
        if let stateOutput {
            let (state, diagnostics) = try job.writeState(to: stateOutput, overwrite: overwrite)
            Console.show(diagnostics)
            let shardText = shard.map { "shard \($0.index)/\($0.count): " } ?? ""
            print(
                "wrote \(stateOutput) (\(shardText)\(state.imageIDs.count) images, \(state.detectionCount) detections)")
        }
        guard let output else { return }
        let outcome = try job.evaluate(into: output, overwrite: overwrite)
        Console.show(outcome.diagnostics)
        print(Self.summary(job.metricsFile(outcome), output: output))
        // The process ends here when it runs `argus evaluate` itself (not a step of `argus nightly`).
        if CommandLine.arguments.dropFirst().first == Self.configuration.commandName { leaveToExit(outcome) }
    }

    /// The terminal summary of a detection evaluation.
    static func summary(_ file: DetectionMetricsFile, output: String) -> String {
        var lines: [String] = []
        if file.metricType.includesVOC {
            lines.append(
                "VOC @ IoU \(file.iouThreshold): mean_average_precision \(format(file.meanAveragePrecision)), "
                    + "precision \(format(file.precision)), recall \(format(file.recall))"
            )
        }
        if let coco = file.coco {
            let values = zip(COCOStatistic.names, coco.stats).map { "\($0) \(String(format: "%.4f", $1))" }
            lines.append("COCO \(coco.iouType.rawValue): " + values.joined(separator: ", "))
        }
        let counts = file.counts
        lines.append(
            "wrote \(output)/metrics.json (\(counts.images) images, \(counts.groundTruth) objects, "
                + "\(counts.detections) detections)"
        )
        return lines.joined(separator: "\n")
    }
}
