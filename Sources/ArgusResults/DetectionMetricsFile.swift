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

    /// `image_object_detection` or `image_instance_segmentation`.
    public var task: VisionTask
    /// The metrics computed: VOC, COCO or both.
    public var metricType: DetectionMetricType
    /// The VOC IoU threshold.
    public var iouThreshold: Double
    /// The headline: VOC mAP, or COCO AP50 where VOC was not computed.
    public var meanAveragePrecision: Double?
    /// VOC: the mean over labels of their precision at every counted detection.
    public var precision: Double?
    /// VOC: the mean over labels of their recall at every counted detection.
    public var recall: Double?
    /// VOC's interpolation (VOC mode only).
    public var interpolation: VOCEvaluator.Interpolation?
    /// VOC results per label, in the ground truth's category order (VOC mode only).
    public var perLabel: [LabelMetrics]?
    /// pycocotools' statistics and per-category AP (COCO mode only).
    public var coco: COCOSection?
    /// The confusion matrix with a background row and column.
    public var confusionMatrix: ConfusionSection
    /// Image-level hits (VOC mode only).
    public var imageLevel: ImageLevelSection?
    /// TIDE's error breakdown (VOC mode only).
    public var tide: TIDESection?
    /// How many images, objects and detections were evaluated.
    public var counts: Counts
    /// The files the evaluation read.
    public var inputs: EvaluationInputs
    /// What a reader of the evaluation should know about how its inputs were read (categories
    /// whose names repeat, renamed apart); written as `notes` only when there are any.
    public var notes: [String]

    /// One label's VOC figures.
    public struct LabelMetrics: Sendable, Equatable {
        /// The label.
        public var label: String
        /// The share of the label's counted detections that are true positives (nil without detections).
        public var precision: Double?
        /// The share of the label's objects found (nil without objects).
        public var recall: Double?
        /// The label's VOC average precision (nil without objects).
        public var averagePrecision: Double?
        /// The label's objects, crowds left out.
        public var groundTruth: Int
        /// The label's counted detections.
        public var detections: Int

        /// A label's figures.
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
        /// `bbox` or `segm`.
        public var iouType: COCOParameters.IoUType
        /// In `COCOStatistic.allCases` order; -1 where pycocotools reports -1.
        public var stats: [Double]
        /// AP and AP50 per category, in category-id order.
        public var perCategory: [Category]

        /// One category's COCO figures.
        public struct Category: Sendable, Equatable {
            /// The category's name (unique: repeated names carry their id).
            public var name: String
            /// The COCO category id.
            public var id: Int
            /// AP over IoU 0.50:0.95 (nil without ground truth).
            public var ap: Double?
            /// AP at IoU 0.50 (nil without ground truth).
            public var ap50: Double?

            /// A category's figures.
            public init(name: String, id: Int, ap: Double?, ap50: Double?) {
                self.name = name
                self.id = id
                self.ap = ap
                self.ap50 = ap50
            }
        }

        /// A COCO section.
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
        /// The IoU at which a detection matches an object.
        public var iouThreshold: Double
        /// The score below which detections are not counted.
        public var scoreThreshold: Double
        /// The labels, then "background".
        public var labels: [String]
        /// Objects and detections per (true, predicted) pair, background last.
        public var counts: [[Int]]

        /// A confusion section.
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
        /// The score at which an image counts as predicted positive.
        public var scoreThreshold: Double
        /// Images with objects and a detection above the threshold.
        public var truePositives: Int
        /// Images with objects and none.
        public var falseNegatives: Int
        /// Images without objects but with a detection above the threshold.
        public var falsePositives: Int
        /// Images without objects and without detections above the threshold.
        public var trueNegatives: Int
        /// True positives over predicted positives (nil without any).
        public var precision: Double?
        /// True positives over images with objects (nil without any).
        public var recall: Double?
        /// The share of images judged right.
        public var accuracy: Double?

        /// An image-level section.
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
        /// The IoU at which a detection is a match.
        public var foregroundIoU: Double
        /// The IoU below which a detection is background.
        public var backgroundIoU: Double
        /// Counts in `TIDEBreakdown.ErrorType.allCases` order.
        public var errors: [TIDEBreakdown.ErrorType: Int]
        /// The mAP each error type costs (nil where undefined).
        public var deltaAP: [TIDEBreakdown.ErrorType: Double?]

        /// A TIDE section.
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

    /// How much the evaluation covered.
    public struct Counts: Sendable, Equatable {
        /// The images evaluated.
        public var images: Int
        /// Their ground-truth objects.
        public var groundTruth: Int
        /// Their detections.
        public var detections: Int
        /// Detections of labels the ground truth does not have, left out.
        public var skippedDetections: Int

        /// The counts.
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
