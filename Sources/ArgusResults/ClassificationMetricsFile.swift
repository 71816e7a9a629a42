import ArgusCore
import ArgusIO

/// `metrics.json` of a multi-class or multi-label classification evaluation.
///
/// The two tasks share the headline scalars, the per-label table and the counts. A multi-class file
/// adds the confusion matrix and the calibration; a multi-label file adds its threshold, the IoU
/// per label and the best-F1 threshold per label. Undefined values are `null` in the file and nil here.
public struct ClassificationMetricsFile: Sendable, Equatable {
    /// `image_classification` or `image_classification_multilabel`.
    public var task: VisionTask
    /// Multi-label: a label is predicted when its probability is greater than this.
    public var threshold: Double?
    /// The headline scalars in file order (scikit-learn's names, as the AutoML service reports them).
    public var scalars: [NamedValue]
    /// Multi-label: the IoU (Jaccard index) per label, in label order.
    public var iouClasswise: [Double?]?
    /// Every label's figures, in the predictions' label order.
    public var perLabel: [LabelMetrics]
    /// Multi-label: the threshold that maximises each label's F1.
    public var bestF1Thresholds: [BestF1]?
    /// Labels with no example in the ground truth.
    public var classesAbsent: [String]
    /// Multi-class: counts with rows the true label and columns the predicted one, and the rows normalised.
    public var confusionMatrix: ConfusionSection?
    /// Multi-class: the reliability diagram's bins and the expected calibration error.
    public var calibration: CalibrationSection?
    /// How many images were evaluated, and how many had no prediction.
    public var counts: Counts
    /// The files the evaluation read.
    public var inputs: EvaluationInputs

    /// A named scalar (nil where undefined).
    public struct NamedValue: Sendable, Equatable {
        /// The metric's name, as scikit-learn spells it (`f1_score_macro`).
        public var name: String
        /// The value; nil where it is undefined (`null` in the file).
        public var value: Double?

        /// A named value.
        public init(_ name: String, _ value: Double?) {
            self.name = name
            self.value = value
        }
    }

    /// One label's figures.
    public struct LabelMetrics: Sendable, Equatable {
        /// The label.
        public var label: String
        /// Of the images given this label, the share that have it (nil without any).
        public var precision: Double?
        /// Of the images that have this label, the share given it (nil without any).
        public var recall: Double?
        /// The harmonic mean of precision and recall.
        public var f1: Double?
        /// The number of images that have this label.
        public var support: Int
        /// Multi-label only.
        public var iou: Double?
        /// The area under the label's ROC curve (nil when the label is absent or on every image).
        public var auc: Double?
        /// The average precision of the label's scores (scikit-learn's step-wise sum).
        public var averagePrecision: Double?

        /// A label's figures; the multi-label IoU is nil for multi-class files.
        public init(
            label: String, precision: Double?, recall: Double?, f1: Double?, support: Int, iou: Double? = nil,
            auc: Double?, averagePrecision: Double?
        ) {
            self.label = label
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
            self.iou = iou
            self.auc = auc
            self.averagePrecision = averagePrecision
        }
    }

    /// A multi-label label's best F1 and the threshold that gives it.
    public struct BestF1: Sendable, Equatable {
        /// The label.
        public var label: String
        /// The probability threshold with the best F1.
        public var threshold: Double?
        /// The F1 at that threshold.
        public var f1: Double?

        /// A label's best F1 and its threshold.
        public init(label: String, threshold: Double?, f1: Double?) {
            self.label = label
            self.threshold = threshold
            self.f1 = f1
        }
    }

    /// The multi-class confusion matrix: rows the true label, columns the predicted one.
    public struct ConfusionSection: Sendable, Equatable {
        /// The labels, in row and column order.
        public var labels: [String]
        /// Images per (true, predicted) pair.
        public var counts: [[Int]]
        /// Each row divided by its sum (nil for a row without examples).
        public var normalized: [[Double?]]

        /// A matrix of counts and its normalised rows.
        public init(labels: [String], counts: [[Int]], normalized: [[Double?]]) {
            self.labels = labels
            self.counts = counts
            self.normalized = normalized
        }
    }

    /// The reliability diagram's bins and the expected calibration error.
    public struct CalibrationSection: Sendable, Equatable {
        /// The bins' mean gap between confidence and accuracy, weighted by their counts.
        public var expectedCalibrationError: Double?
        /// Equal-width bins of the predicted class's probability.
        public var bins: [Bin]

        /// One bin of the reliability diagram.
        public struct Bin: Sendable, Equatable {
            /// The bin's lower edge.
            public var lower: Double
            /// The bin's upper edge.
            public var upper: Double
            /// The images whose confidence falls in the bin.
            public var count: Int
            /// Their mean confidence (nil for an empty bin).
            public var confidence: Double?
            /// The share of them predicted right (nil for an empty bin).
            public var accuracy: Double?

            /// A bin with its figures.
            public init(lower: Double, upper: Double, count: Int, confidence: Double?, accuracy: Double?) {
                self.lower = lower
                self.upper = upper
                self.count = count
                self.confidence = confidence
                self.accuracy = accuracy
            }
        }

        /// A calibration section.
        public init(expectedCalibrationError: Double?, bins: [Bin]) {
            self.expectedCalibrationError = expectedCalibrationError
            self.bins = bins
        }
    }

    /// How many images the evaluation covered.
    public struct Counts: Sendable, Equatable {
        /// The images evaluated.
        public var images: Int
        /// The images without a prediction (counted wrong with `--missing as-wrong`).
        public var missingPredictions: Int

        /// The counts.
        public init(images: Int, missingPredictions: Int) {
            self.images = images
            self.missingPredictions = missingPredictions
        }
    }

    /// Creates the file's content.
    public init(
        task: VisionTask, threshold: Double? = nil, scalars: [NamedValue], iouClasswise: [Double?]? = nil,
        perLabel: [LabelMetrics], bestF1Thresholds: [BestF1]? = nil, classesAbsent: [String],
        confusionMatrix: ConfusionSection? = nil, calibration: CalibrationSection? = nil, counts: Counts,
        inputs: EvaluationInputs
    ) {
        self.task = task
        self.threshold = threshold
        self.scalars = scalars
        self.iouClasswise = iouClasswise
        self.perLabel = perLabel
        self.bestF1Thresholds = bestF1Thresholds
        self.classesAbsent = classesAbsent
        self.confusionMatrix = confusionMatrix
        self.calibration = calibration
        self.counts = counts
        self.inputs = inputs
    }

    /// Whether this is a multi-label evaluation.
    public var isMultilabel: Bool { task == .imageClassificationMultilabel }

    /// The name of the primary metric: accuracy (multi-class) or IoU (multi-label).
    public var primaryMetricName: String { Self.primaryMetricName(for: task) }

    /// The primary metric of a classification task.
    public static func primaryMetricName(for task: VisionTask) -> String {
        task == .imageClassificationMultilabel ? "iou" : "accuracy"
    }

    /// A headline scalar by name (nil when absent or undefined).
    public func scalar(_ name: String) -> Double? {
        scalars.first { $0.name == name }?.value ?? nil
    }
}
