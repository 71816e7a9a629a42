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

    @Option(name: .customLong("score-threshold"), help: "The score threshold of the confusion matrix and the image-level metrics.")
    var scoreThreshold = 0.3

    @Option(name: .customLong("data-root"), help: "A local folder onto which azureml:// and AmlDatastore:// image URLs are mapped.")
    var dataRoot: String?

    @Option(name: .long, help: "A names file for class ids in YOLO or text files.")
    var names: String?

    @Option(name: .long, help: "The folder holding the images (for image sizes).")
    var images: String?

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(name: .long, help: "Replace the output folder if it exists.")
    var overwrite = false

    func validate() throws {
        guard iouThreshold >= 0.1 && iouThreshold <= 1 else {
            throw ValidationError("--iou-threshold must be in [0.1, 1], got \(iouThreshold)")
        }
        if let task, !task.hasObjects {
            throw ValidationError("argus evaluate handles image_object_detection and image_instance_segmentation so far; \(task) is not yet supported")
        }
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
            guard let resolvedTask, resolvedTask.hasObjects else {
                Report.printError("error: argus evaluate handles detection and instance segmentation so far; the ground truth is \(resolvedTask?.rawValue ?? "of an unknown task")")
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
            try OutputFile.checkDestination(output, overwrite: overwrite)
            let outcome = try job.run()
            Report.show(outcome.diagnostics)
            try job.write(outcome, to: output, overwrite: overwrite)
            print(summary(outcome))
        }
    }

    func summary(_ outcome: DetectionEvaluationJob.Outcome) -> String {
        var lines: [String] = []
        func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "undefined" }
        if let voc = outcome.voc {
            lines.append("VOC @ IoU \(iouThreshold): mean_average_precision \(format(voc.meanAveragePrecision)), precision \(format(voc.precision)), recall \(format(voc.recall))")
        }
        if let coco = outcome.coco {
            let names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
            lines.append("COCO \(coco.parameters.iouType.rawValue): " + zip(names, coco.stats).map { "\($0) \(String(format: "%.4f", $1))" }.joined(separator: ", "))
        }
        lines.append("wrote \(output)/metrics.json (\(outcome.data.images.count) images, \(outcome.data.groundTruth.count) objects, \(outcome.data.detections.count) detections)")
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
