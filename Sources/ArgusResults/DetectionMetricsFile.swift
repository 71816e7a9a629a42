import ArgusCore
import ArgusIO
import ArgusMetrics

/// `metrics.json` of a detection or instance-segmentation evaluation.
///
/// Keys are written in the order of the properties below; optional sections are left out when
/// the evaluation did not compute them (`per_label` and `image_level` and `tide` need VOC mode,
/// `coco` needs COCO mode). Undefined values (a class without detections has no precision) are
/// `null` in the file and nil here.
public struct DetectionMetricsFile: Sendable, Equatable {
    /// The name of the primary metric.
    public static let primaryMetricName = "mean_average_precision"

    public var task: VisionTask
    public var metricType: DetectionMetricType
    public var iouThreshold: Double
    /// The headline: VOC mAP, or COCO AP50 where VOC was not computed.
    public var meanAveragePrecision: Double?
    public var precision: Double?
    public var recall: Double?
    /// VOC's interpolation (VOC mode only).
    public var interpolation: VOCEvaluator.Interpolation?
    /// VOC results per label, in the ground truth's category order (VOC mode only).
    public var perLabel: [LabelMetrics]?
    public var coco: COCOSection?
    public var confusionMatrix: ConfusionSection
    public var imageLevel: ImageLevelSection?
    public var tide: TIDESection?
    public var counts: Counts
    public var inputs: EvaluationInputs
    /// What a reader of the evaluation should know about how its inputs were read (categories
    /// whose names repeat, renamed apart); written as `notes` only when there are any.
    public var notes: [String]

    /// One label's VOC figures.
    public struct LabelMetrics: Sendable, Equatable {
        public var label: String
        public var precision: Double?
        public var recall: Double?
        public var averagePrecision: Double?
        public var groundTruth: Int
        public var detections: Int

        public init(
            label: String, precision: Double?, recall: Double?, averagePrecision: Double?, groundTruth: Int,
            detections: Int
        ) {
            self.label = label
            self.precision = precision
            self.recall = recall
            self.averagePrecision = averagePrecision
            self.groundTruth = groundTruth
            self.detections = detections
        }
    }

    /// pycocotools' 12 statistics and the per-category AP.
    public struct COCOSection: Sendable, Equatable {
        public var iouType: COCOParameters.IoUType
        /// In `COCOStatistic.allCases` order; -1 where pycocotools reports -1.
        public var stats: [Double]
        public var perCategory: [Category]

        public struct Category: Sendable, Equatable {
            public var name: String
            public var id: Int
            public var ap: Double?
            public var ap50: Double?

            public init(name: String, id: Int, ap: Double?, ap50: Double?) {
                self.name = name
                self.id = id
                self.ap = ap
                self.ap50 = ap50
            }
        }

        public init(iouType: COCOParameters.IoUType, stats: [Double], perCategory: [Category]) {
            self.iouType = iouType
            self.stats = stats
            self.perCategory = perCategory
        }

        /// A statistic, or nil where pycocotools reports -1 (no ground truth in its range).
        public func value(_ statistic: COCOStatistic) -> Double? {
            let index = statistic.index
            guard index < stats.count, stats[index] >= 0 else { return nil }
            return stats[index]
        }
    }

    /// The confusion matrix over labels plus a last "background" row and column.
    public struct ConfusionSection: Sendable, Equatable {
        public var iouThreshold: Double
        public var scoreThreshold: Double
        /// The labels, then "background".
        public var labels: [String]
        public var counts: [[Int]]

        public init(iouThreshold: Double, scoreThreshold: Double, labels: [String], counts: [[Int]]) {
            self.iouThreshold = iouThreshold
            self.scoreThreshold = scoreThreshold
            self.labels = labels
            self.counts = counts
        }
    }

    /// Images counted as hits: an image is positive when it has objects, predicted positive when it
    /// has a detection scoring at least the threshold.
    public struct ImageLevelSection: Sendable, Equatable {
        public var scoreThreshold: Double
        public var truePositives: Int
        public var falseNegatives: Int
        public var falsePositives: Int
        public var trueNegatives: Int
        public var precision: Double?
        public var recall: Double?
        public var accuracy: Double?

        public init(
            scoreThreshold: Double, truePositives: Int, falseNegatives: Int, falsePositives: Int, trueNegatives: Int,
            precision: Double?, recall: Double?, accuracy: Double?
        ) {
            self.scoreThreshold = scoreThreshold
            self.truePositives = truePositives
            self.falseNegatives = falseNegatives
            self.falsePositives = falsePositives
            self.trueNegatives = trueNegatives
            self.precision = precision
            self.recall = recall
            self.accuracy = accuracy
        }
    }

    /// TIDE's error counts and the AP each error type costs.
    public struct TIDESection: Sendable, Equatable {
        public var foregroundIoU: Double
        public var backgroundIoU: Double
        /// Counts in `TIDEBreakdown.ErrorType.allCases` order.
        public var errors: [TIDEBreakdown.ErrorType: Int]
        public var deltaAP: [TIDEBreakdown.ErrorType: Double?]

        public init(
            foregroundIoU: Double, backgroundIoU: Double, errors: [TIDEBreakdown.ErrorType: Int],
            deltaAP: [TIDEBreakdown.ErrorType: Double?]
        ) {
            self.foregroundIoU = foregroundIoU
            self.backgroundIoU = backgroundIoU
            self.errors = errors
            self.deltaAP = deltaAP
        }
    }

    public struct Counts: Sendable, Equatable {
        public var images: Int
        public var groundTruth: Int
        public var detections: Int
        public var skippedDetections: Int

        public init(images: Int, groundTruth: Int, detections: Int, skippedDetections: Int) {
            self.images = images
            self.groundTruth = groundTruth
            self.detections = detections
            self.skippedDetections = skippedDetections
        }
    }

    /// Creates the file's content.
    public init(
        task: VisionTask, metricType: DetectionMetricType, iouThreshold: Double, meanAveragePrecision: Double?,
        precision: Double?, recall: Double?, interpolation: VOCEvaluator.Interpolation?, perLabel: [LabelMetrics]?,
        coco: COCOSection?, confusionMatrix: ConfusionSection, imageLevel: ImageLevelSection?, tide: TIDESection?,
        counts: Counts, inputs: EvaluationInputs, notes: [String] = []
    ) {
        self.notes = notes
        self.task = task
        self.metricType = metricType
        self.iouThreshold = iouThreshold
        self.meanAveragePrecision = meanAveragePrecision
        self.precision = precision
        self.recall = recall
        self.interpolation = interpolation
        self.perLabel = perLabel
        self.coco = coco
        self.confusionMatrix = confusionMatrix
        self.imageLevel = imageLevel
        self.tide = tide
        self.counts = counts
        self.inputs = inputs
    }

    /// The headline scalars, in file order.
    public var scalars: [(name: String, value: Double?)] {
        [(Self.primaryMetricName, meanAveragePrecision), ("precision", precision), ("recall", recall)]
    }
}
