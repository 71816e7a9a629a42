import ArgusCore
import ArgusData
import ArgusIO
import ArgusMasks
import ArgusMetrics
import ArgusResults
import Foundation

/// `argus evaluate` for detection and instance segmentation: reads ground truth and predictions in
/// any supported format, evaluates them (VOC, COCO or both) and writes the output folder.
public struct DetectionEvaluationJob: Sendable {
    /// The metrics computed (VOC, COCO or both).
    public typealias MetricType = DetectionMetricType

    /// Object detection or instance segmentation.
    public var task: VisionTask
    /// The ground truth (any detection format).
    public var groundTruthPath: String
    /// The predictions (scoring output, COCO results or another format).
    public var predictionsPath: String
    /// The ground truth's format; detected (and said why) when nil.
    public var groundTruthFormat: DataFormat?
    /// The predictions' format; detected (and said why) when nil.
    public var predictionsFormat: DataFormat?
    /// Which metrics to compute.
    public var metricType: MetricType = .voc
    /// The VOC IoU threshold.
    public var iouThreshold = EvaluationDefaults.iouThreshold
    /// VOC's AP interpolation.
    public var interpolation: VOCEvaluator.Interpolation = .allPoint
    /// Whether boxes are measured the VOC devkit's way (x2 − x1 + 1 wide).
    public var pixelInclusive = false
    /// The score threshold of the confusion matrix and the image-level metrics (`box_score_thresh`).
    public var scoreThreshold = EvaluationDefaults.scoreThreshold
    /// How the inputs are read.
    public var readOptions = ReadOptions()

    /// A job on these files with the default settings.
    public init(task: VisionTask, groundTruth: String, predictions: String) {
        self.task = task
        groundTruthPath = groundTruth
        predictionsPath = predictions
    }

    /// What an evaluation produced, before it is written.
    public struct Outcome: Sendable {
        /// The evaluated data (empty for a merge or a streamed evaluation).
        public var data: EvaluationData
        /// VOC's results, in VOC mode.
        public var voc: VOCEvaluator.Result?
        /// COCO's results, in COCO mode.
        public var coco: COCOEvaluation?
        /// The confusion matrix with a background row and column.
        public var confusion: DetectionConfusionMatrix
        /// Image-level hits, in VOC mode.
        public var imageLevel: ImageLevelMetrics?
        /// TIDE's error breakdown, in VOC mode.
        public var tide: TIDEBreakdown?
        /// TIDE's error of each VOC match (aligned with `voc.matches`), for the match records.
        public var tideErrors: [TIDEBreakdown.DetectionError?]?
        /// Detections of labels the ground truth does not have, left out.
        public var skippedDetections: Int
        /// What reading the inputs found (notes and warnings).
        public var diagnostics: Diagnostics
        /// How many images, objects and detections were evaluated.
        public var counts: Counts
        /// The lines of matches.jsonl when they come ready-made (a merge of shards).
        public var matchLines: [String]?
        /// The folder the ground truth's image URLs are relative to (for images.jsonl's paths).
        public var imageFolder: String?
        /// What the report should say about how the inputs were read (categories renamed, …).
        public var notes: [String] = []
        /// Every image's COCO matching, for coco_matches.json (nil when not kept).
        public var cocoMatches: COCOMatchesFile?

        /// How much an evaluation covered.
        public struct Counts: Sendable { public var images: Int, groundTruth: Int, detections: Int }

        /// An outcome; counts default to the data's.
        public init(
            data: EvaluationData, voc: VOCEvaluator.Result?, coco: COCOEvaluation?, confusion: DetectionConfusionMatrix,
            imageLevel: ImageLevelMetrics?, tide: TIDEBreakdown?, skippedDetections: Int, diagnostics: Diagnostics,
            counts: Counts? = nil, matchLines: [String]? = nil
        ) {
            self.data = data
            self.voc = voc
            self.coco = coco
            self.confusion = confusion
            self.imageLevel = imageLevel
            self.tide = tide
            self.skippedDetections = skippedDetections
            self.diagnostics = diagnostics
            self.counts =
                counts
                ?? Counts(
                    images: data.images.count, groundTruth: data.groundTruth.count, detections: data.detections.count)
            self.matchLines = matchLines
        }
    }

    /// Keep every image's COCO matching in the output (`coco_matches.json`), for a bootstrap of the
    /// COCO statistics; not with `passes` > 1.
    public var keepCOCOMatching = false
    /// Evaluate only the images whose position (in image-id order) is `index` modulo `count`.
    public var shard: (index: Int, count: Int)?
    /// Read COCO results in this many passes, each keeping the detections of 1/passes of the
    /// images, and merge the passes' states (the same metrics). The merged per-detection state
    /// still grows with the number of detections.
    public var passes = 1
    /// The results file was read whole without a problem (by an earlier pass): this pass may pass
    /// over other images' results unread.
    var resultsChecked = false
    /// Where passes after the first find the ground truth.
    var truthCache: TruthCache?

    /// Reads the inputs and evaluates them in memory (`passes` apply to `evaluate(into:overwrite:)`,
    /// which streams).
    /// - Returns: the evaluation's results.
    /// - Throws: `DataError` naming the file, line and field of bad input.
    public func run() throws -> Outcome {
        let prepared = try prepare()
        var outcome = evaluate(
            prepared.data, skipped: prepared.skipped, diagnostics: prepared.diagnostics,
            truthMasks: prepared.truthMasks)
        outcome.imageFolder = prepared.imageFolder
        outcome.notes = prepared.notes
        return outcome
    }

    /// The metrics of one evaluation's data (`truthMasks`: its ground truth's masks, rasterised ahead).
    func evaluate(
        _ data: EvaluationData, skipped: Int, diagnostics: Diagnostics, truthMasks: MaskCache.TruthMasks?
    ) -> Outcome {
        let parts = EvaluationParts(self, data, cocoAccumulated: true, truthMasks: truthMasks)
        let tide = parts.voc.map { result -> TIDEBreakdown in
            let (errors, missed) = parts.tideErrors ?? ([], [])
            return TIDEBreakdown(
                records: result.records, errors: errors, missedByClass: missed, truthCounts: result.truthCounts,
                names: data.categoryNames, interpolation: interpolation, foregroundThreshold: iouThreshold)
        }
        var outcome = Outcome(
            data: data, voc: parts.voc, coco: parts.coco, confusion: parts.confusion, imageLevel: parts.imageLevel,
            tide: tide, skippedDetections: skipped, diagnostics: diagnostics)
        outcome.tideErrors = parts.tideErrors?.errors
        if let coco = parts.coco, let table = coco.matchTable {
            outcome.cocoMatches = COCOMatchesFile(
                parameters: coco.parameters, categoryIDs: data.categoryIDs, categoryNames: data.categoryNames,
                imageIDs: data.images.map(\.id), imageNames: data.images.map(\.name), table: table)
        }
        return outcome
    }
}
