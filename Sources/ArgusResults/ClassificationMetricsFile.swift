import ArgusCore
import ArgusIO

/// `metrics.json` of a multi-class or multi-label classification evaluation.
///
/// The two tasks share the headline scalars, the per-label table and the counts. A multi-class file
/// adds the confusion matrix and the calibration; a multi-label file adds its threshold, the IoU
/// per label and the best-F1 threshold per label. Undefined values are `null` in the file and nil here.
public struct ClassificationMetricsFile: Sendable, Equatable {
    public var task: VisionTask
    /// Multi-label: a label is predicted when its probability is greater than this.
    public var threshold: Double?
    /// The headline scalars in file order (scikit-learn's names, as the AutoML service reports them).
    public var scalars: [NamedValue]
    /// Multi-label: the IoU (Jaccard index) per label, in label order.
    public var iouClasswise: [Double?]?
    public var perLabel: [LabelMetrics]
    /// Multi-label: the threshold that maximises each label's F1.
    public var bestF1Thresholds: [BestF1]?
    /// Labels with no example in the ground truth.
    public var classesAbsent: [String]
    /// Multi-class: counts with rows the true label and columns the predicted one, and the rows normalised.
    public var confusionMatrix: ConfusionSection?
    public var calibration: CalibrationSection?
    public var counts: Counts
    public var inputs: EvaluationInputs

    /// A named scalar (nil where undefined).
    public struct NamedValue: Sendable, Equatable {
        public var name: String
        public var value: Double?

        public init(_ name: String, _ value: Double?) {
            self.name = name
            self.value = value
        }
    }

    /// One label's figures.
    public struct LabelMetrics: Sendable, Equatable {
        public var label: String
        public var precision: Double?
        public var recall: Double?
        public var f1: Double?
        public var support: Int
        /// Multi-label only.
        public var iou: Double?
        public var auc: Double?
        public var averagePrecision: Double?

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

    public struct BestF1: Sendable, Equatable {
        public var label: String
        public var threshold: Double?
        public var f1: Double?

        public init(label: String, threshold: Double?, f1: Double?) {
            self.label = label
            self.threshold = threshold
            self.f1 = f1
        }
    }

    public struct ConfusionSection: Sendable, Equatable {
        public var labels: [String]
        public var counts: [[Int]]
        /// Each row divided by its sum (nil for a row without examples).
        public var normalized: [[Double?]]

        public init(labels: [String], counts: [[Int]], normalized: [[Double?]]) {
            self.labels = labels
            self.counts = counts
            self.normalized = normalized
        }
    }

    /// The reliability diagram's bins and the expected calibration error.
    public struct CalibrationSection: Sendable, Equatable {
        public var expectedCalibrationError: Double?
        public var bins: [Bin]

        public struct Bin: Sendable, Equatable {
            public var lower: Double
            public var upper: Double
            public var count: Int
            public var confidence: Double?
            public var accuracy: Double?

            public init(lower: Double, upper: Double, count: Int, confidence: Double?, accuracy: Double?) {
                self.lower = lower
                self.upper = upper
                self.count = count
                self.confidence = confidence
                self.accuracy = accuracy
            }
        }

        public init(expectedCalibrationError: Double?, bins: [Bin]) {
            self.expectedCalibrationError = expectedCalibrationError
            self.bins = bins
        }
    }

    public struct Counts: Sendable, Equatable {
        public var images: Int
        public var missingPredictions: Int

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
