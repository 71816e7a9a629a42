import ArgumentParser
import ArgusCore
import ArgusData
import ArgusMetrics
import ArgusPipeline

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate predictions against ground truth and write metrics.json.",
        discussion: """
        Detection and instance segmentation: VOC mode (the AutoML default: one IoU threshold, \
        all-point AP per label), COCO mode (identical to pycocotools COCOeval: the 12 statistics and \
        per-category AP) or both. Ground truth and predictions may be in any supported format; \
        COCO results are joined to COCO ground truth by id, other predictions by image file name.

        Writes OUTPUT/metrics.json (schema in the README), OUTPUT/curves.json (PR curve points per \
        label) and OUTPUT/matches.jsonl (every detection's outcome and every missed object).

        Examples:
          argus evaluate --task image_object_detection --ground-truth val.jsonl --predictions scored.jsonl --output eval/
          argus evaluate --ground-truth instances_val.json --predictions results.json --metric-type coco_voc --output eval/
        """
    )

    @Option(name: .long, help: "image_object_detection or image_instance_segmentation; inferred from the ground truth when omitted.")
    var task: VisionTask?

    @Option(name: .customLong("ground-truth"), help: "The ground truth (any supported format).")
    var groundTruth: String

    @Option(name: .long, help: "The predictions: AutoML scoring output, COCO results, or another format.")
    var predictions: String

    @Option(name: .customLong("ground-truth-format"), help: "The ground truth's format; detected when omitted.")
    var groundTruthFormat: DataFormat?

    @Option(name: .customLong("predictions-format"), help: "The predictions' format; detected when omitted.")
    var predictionsFormat: DataFormat?

    @Option(name: .customLong("metric-type"), help: "voc, coco or coco_voc (VOC values primary).")
    var metricType: MetricTypeArgument = .voc

    @Option(name: .customLong("iou-threshold"), help: "The VOC IoU threshold, in [0.1, 1].")
    var iouThreshold = 0.5

    @Option(name: .long, help: "VOC AP interpolation: all-point or eleven-point.")
    var interpolation: InterpolationArgument = .allPoint

    @Flag(name: .customLong("pixel-inclusive"), help: "VOC devkit IoU for integer pixel boxes (x2 − x1 + 1 wide), as older peer tools compute it.")
    var pixelInclusive = false

    @Option(name: .long, help: "Multi-label: a label is predicted when its probability is greater than this.")
    var threshold = 0.5

    @Option(name: .long, help: "Classification: images without a prediction are an error, or (as-wrong) count as wrong.")
    var missing: MissingArgument = .error

    @Option(name: .customLong("score-threshold"), help: "The score threshold of the confusion matrix and the image-level metrics.")
    var scoreThreshold = 0.3

    @Option(name: .customLong("data-root"), help: "A local folder onto which azureml:// and AmlDatastore:// image URLs are mapped.")
    var dataRoot: String?

    @Option(name: .long, help: "A names file for class ids in YOLO or text files.")
    var names: String?

    @Option(name: .long, help: "The folder holding the images (for image sizes).")
    var images: String?

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String?

    @Option(name: .long, help: "Evaluate one shard of the images, I/N (images by id order, position modulo N); needs --state-output.")
    var shard: ShardArgument?

    @Option(name: .long, help: "Read the predictions in this many passes, each keeping the detections of 1/N of the images; the per-detection state goes to disk, so memory stays bounded (same results).")
    var passes = 1

    @Option(name: .customLong("state-output"), help: "Write the shard's mergeable state to this file (see `argus merge`).")
    var stateOutput: String?

    @Flag(name: .long, help: "Replace the output folder if it exists.")
    var overwrite = false

    func validate() throws {
        guard iouThreshold >= 0.1 && iouThreshold <= 1 else {
            throw ValidationError("--iou-threshold must be in [0.1, 1], got \(iouThreshold)")
        }
        if output == nil && stateOutput == nil { throw ValidationError("give --output (or --state-output for a shard)") }
        if shard != nil && stateOutput == nil { throw ValidationError("--shard needs --state-output") }
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
        guard threshold > 0 && threshold < 1 else { throw ValidationError("--threshold must be in (0, 1), got \(threshold)") }
    }

    func run() throws {
        try Report.guarding {
            var readOptions = ReadOptions(task: task, dataRoot: dataRoot)
            if let names { readOptions.labelNames = try TextReader.readNames(names) }
            readOptions.imagesFolder = images
            var resolvedTask = task
            if resolvedTask == nil {
                let probe = try DatasetReader.read(groundTruth, format: groundTruthFormat, options: readOptions)
                resolvedTask = probe.dataset.task
                Report.note("--task not given: the ground truth reads as \(resolvedTask?.rawValue ?? "unknown")")
            }
            if resolvedTask == .imageClassification || resolvedTask == .imageClassificationMultilabel {
                guard let output else { throw ValidationError("give --output") }
                try OutputFile.checkDestination(output, overwrite: overwrite)
                var job = ClassificationEvaluationJob(groundTruth: groundTruth, predictions: predictions)
                job.groundTruthFormat = groundTruthFormat
                job.missing = missing == .asWrong ? .asWrong : .error
                job.readOptions = readOptions
                job.multilabel = resolvedTask == .imageClassificationMultilabel
                job.threshold = threshold
                try evaluateClassification(job, output: output)
                return
            }
            guard let resolvedTask, resolvedTask.hasObjects else {
                Report.printError("error: argus evaluate does not handle \(resolvedTask?.rawValue ?? "this task") yet")
                throw ExitCode(64)
            }
            var job = DetectionEvaluationJob(task: resolvedTask, groundTruth: groundTruth, predictions: predictions)
            job.groundTruthFormat = groundTruthFormat
            job.predictionsFormat = predictionsFormat
            job.metricType = metricType.value
            job.iouThreshold = iouThreshold
            job.interpolation = interpolation == .allPoint ? .allPoint : .elevenPoint
            job.pixelInclusive = pixelInclusive
            job.scoreThreshold = scoreThreshold
            job.readOptions = readOptions
            job.shard = shard.map { ($0.index, $0.count) }
            job.passes = passes
            if let stateOutput {
                try OutputFile.checkDestination(stateOutput, overwrite: overwrite)
                let (state, diagnostics) = try job.runState()
                Report.show(diagnostics)
                try OutputFile.write(state.bytes(), to: stateOutput)
                print("wrote \(stateOutput) (\(shard.map { "shard \($0.index)/\($0.count): " } ?? "")\(state.imageIDs.count) images, \(state.detectionCount) detections)")
                if output == nil { return }
            }
            guard let output else { return }
            try OutputFile.checkDestination(output, overwrite: overwrite)
            let outcome = try job.run()
            Report.show(outcome.diagnostics)
            try job.write(outcome, to: output, overwrite: overwrite)
            print(summary(outcome, output: output))
        }
    }

    /// Multi-class or multi-label evaluation into `output`.
    func evaluateClassification(_ job: ClassificationEvaluationJob, output: String) throws {
        func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "undefined" }
        if job.multilabel {
            let (metrics, missingCount, diagnostics) = try job.runMultilabel()
            Report.show(diagnostics)
            try OutputFile.writeFolder(at: output) { partial in
                try OutputFile.write(job.multilabelJSON(metrics, missingPredictions: missingCount), to: partial + "/metrics.json")
                try OutputFile.write(job.multilabelCurvesJSON(metrics), to: partial + "/curves.json")
            }
            let value = Dictionary(uniqueKeysWithValues: metrics.scalars())
            print("iou \(format(value["iou"])), f1_score_micro \(format(value["f1_score_micro"])), hamming_loss \(format(value["hamming_loss"]))")
            print("wrote \(output)/metrics.json (\(metrics.sampleCount) images, \(metrics.classCount) labels)")
        } else {
            let outcome = try job.run()
            Report.show(outcome.diagnostics)
            try job.write(outcome, to: output, overwrite: overwrite)
            let value = Dictionary(uniqueKeysWithValues: outcome.metrics.scalars(predicted: outcome.predicted))
            print("accuracy \(format(value["accuracy"])), f1_score_macro \(format(value["f1_score_macro"])), log_loss \(format(value["log_loss"]))")
            print("wrote \(output)/metrics.json (\(outcome.metrics.sampleCount) images, \(outcome.metrics.classCount) labels)")
        }
    }

    func summary(_ outcome: DetectionEvaluationJob.Outcome, output: String) -> String {
        Self.summary(outcome, output: output, iouThreshold: iouThreshold)
    }

    static func summary(_ outcome: DetectionEvaluationJob.Outcome, output: String, iouThreshold: Double) -> String {
        var lines: [String] = []
        func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "undefined" }
        if let voc = outcome.voc {
            lines.append("VOC @ IoU \(iouThreshold): mean_average_precision \(format(voc.meanAveragePrecision)), precision \(format(voc.precision)), recall \(format(voc.recall))")
        }
        if let coco = outcome.coco {
            let names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
            lines.append("COCO \(coco.parameters.iouType.rawValue): " + zip(names, coco.stats).map { "\($0) \(String(format: "%.4f", $1))" }.joined(separator: ", "))
        }
        lines.append("wrote \(output)/metrics.json (\(outcome.counts.images) images, \(outcome.counts.groundTruth) objects, \(outcome.counts.detections) detections)")
        return lines.joined(separator: "\n")
    }
}

enum MetricTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case voc, coco
    case cocoVOC = "coco_voc"
    var value: DetectionEvaluationJob.MetricType {
        switch self { case .voc: .voc; case .coco: .coco; case .cocoVOC: .cocoVOC }
    }
}

enum InterpolationArgument: String, ExpressibleByArgument, CaseIterable {
    case allPoint = "all-point", elevenPoint = "eleven-point"
}

/// `I/N`: shard I of N (0-based).
struct ShardArgument: ExpressibleByArgument {
    var index: Int
    var count: Int
    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, index >= 0, index < count else { return nil }
        self.index = index; self.count = count
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the states of evaluation shards into one evaluation's output.",
        discussion: """
        Each shard is evaluated with `argus evaluate … --shard I/N --state-output FILE`, anywhere; the \
        merge writes the metrics.json (and curves.json, matches.jsonl) that one evaluation of all the \
        images would write. Shards must come from the same inputs and settings and must not overlap.

        Example:
          for i in 0 1 2 3; do argus evaluate --ground-truth gt.json --predictions results.json --metric-type coco_voc --shard $i/4 --state-output shard$i.state; done
          argus merge shard0.state shard1.state shard2.state shard3.state --output eval/
        """
    )

    @Argument(help: "The state files.")
    var states: [String]

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(name: .long, help: "Replace the output folder if it exists.")
    var overwrite = false

    func run() throws {
        try Report.guarding {
            try OutputFile.checkDestination(output, overwrite: overwrite)
            var loaded: [EvaluationState] = []
            for path in states { loaded.append(try EvaluationState.read(path)) }
            let merged = try EvaluationState.merge(loaded)
            let (job, outcome) = merged.outcome()
            try job.write(outcome, to: output, overwrite: overwrite)
            print(Evaluate.summary(outcome, output: output, iouThreshold: merged.settings.iouThreshold))
        }
    }
}

enum MissingArgument: String, ExpressibleByArgument, CaseIterable {
    case error
    case asWrong = "as-wrong"
}
