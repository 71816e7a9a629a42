import ArgusCore
import ArgusIO
import ArgusMasks
import ArgusMetrics
import ArgusResults
import Foundation

/// An evaluation folder written by `argus evaluate` (metrics.json, curves.json, matches.jsonl,
/// images.jsonl), read back for reports. Only metrics.json is required; every other file
/// adds charts when it is there.
public struct EvaluationRun {
    /// The evaluation folder.
    public var folder: String
    /// The name reports show (the folder's, unless given).
    public var name: String
    /// The task's name.
    public var task: String
    /// The evaluation's metrics.json.
    public var metrics: EvaluationMetrics
    /// Its curves, as the charts draw them.
    public var curves: Curves
    /// Detection match records, columnar.
    public var detections: DetectionRecords?
    /// Classification match records.
    public var classifications: [ClassificationRecord]?
    /// Multi-label match records: each image's labels and probabilities.
    public var multilabelRecords: [MultilabelMatchRecord]?
    /// Image name → file path (relative to the current folder) and size.
    public var images: [String: ImageInfo] = [:]

    /// Where an image's file is and its size.
    public struct ImageInfo: Sendable {
        /// The file (relative to the working directory), where local.
        public var path: String?
        /// The width in pixels (0 where unknown).
        public var width: Int
        /// The height in pixels (0 where unknown).
        public var height: Int
    }

    /// A PR or ROC curve.
    public struct Curve {
        /// The x values (recall or FPR).
        public var x: [Double]
        /// The y values (precision or TPR).
        public var y: [Double]
        /// The threshold of each point.
        public var thresholds: [Double] = []
        /// Precision, recall and F1 per threshold (detection PR curves).
        public var f1: [Double] = []
    }

    /// Every curve of the evaluation.
    public struct Curves {
        /// Per label: PR (x recall, y precision) and ROC (x FPR, y TPR).
        public var precisionRecall: [String: Curve] = [:]
        /// Per label: its ROC curve (classification).
        public var roc: [String: Curve] = [:]
        /// The micro-averaged PR curve.
        public var microPR: Curve?
        /// The micro-averaged ROC curve.
        public var microROC: Curve?
        /// The macro-averaged PR curve.
        public var macroPR: Curve?
        /// The macro-averaged ROC curve.
        public var macroROC: Curve?
        /// Per label: the threshold of the best F1, with the precision and recall there.
        public var bestF1: [String: (threshold: Double, f1: Double, precision: Double, recall: Double)] = [:]
        /// Detection: the confusion matrix at a sweep of score thresholds, where the evaluation made one.
        public var confusionSweep: CurvesFile.ConfusionSweep?
    }

    /// One classified image.
    public struct ClassificationRecord {
        /// The image's URL.
        public var image: String
        /// Its file relative to the working directory, where local.
        public var path: String?
        /// The true label.
        public var label: String
        /// The predicted label.
        public var predicted: String
        /// The predicted label's probability.
        public var score: Double
        /// Whether the prediction is right.
        public var correct: Bool
    }

    /// Detection match records, columnar (labels and images interned).
    public struct DetectionRecords {
        /// What a record is.
        public enum Outcome: UInt8 { case truePositive, falsePositive, ignored, missed }
        /// The images' names, indexed by `image`.
        public var imageNames: [String] = []
        /// The labels, indexed by `label`.
        public var labelNames: [String] = []
        /// Each record's image index.
        public var image: [Int32] = []
        /// Each record's label index.
        public var label: [Int32] = []
        /// Each record's outcome.
        public var outcome: [Outcome] = []
        /// Each record's score (NaN for a missed object).
        public var score: [Double] = []
        /// Each record's box `(x, y, width, height)` in pixels.
        public var box: [(Double, Double, Double, Double)] = []
        /// The matched ground truth's box, where there is one.
        public var truthBox: [(Double, Double, Double, Double)?] = []
        /// Masks of instance segmentation (the record's own, and its matched ground truth's).
        public var shape: [Shape?] = []
        /// The matched ground truth's mask, where there is one.
        public var truthShape: [Shape?] = []
        /// TIDE's error type of a false positive or of an object TIDE counts as missed.
        public var tideError: [TIDEBreakdown.ErrorType?] = []
        /// The number of records.
        public var count: Int { outcome.count }

        /// A mask as a match record holds it.
        public enum Shape {
            case polygons([[Double]])
            case rle(counts: String, height: Int, width: Int)

            init(_ shape: MatchShape) {
                switch shape {
                case .polygons(let rings): self = .polygons(rings)
                case .rle(let counts, let height, let width): self = .rle(counts: counts, height: height, width: width)
                }
            }

            /// Outlines in image pixels, for drawing.
            public var outlines: [[(Double, Double)]] {
                let rings: [[Double]]
                switch self {
                case .polygons(let list): rings = list
                case .rle(let counts, let height, let width):
                    guard let runs = RLECodec.decode(counts) else { return [] }
                    rings = MaskContours.polygons(
                        of: RunLengthMask(height: height, width: width, counts: runs), maxPoints: 80)
                }
                return rings.map { ring in stride(from: 0, to: ring.count - 1, by: 2).map { (ring[$0], ring[$0 + 1]) } }
            }
        }
    }

    /// Whether the evaluation is of detection or segmentation.
    public var isDetection: Bool { detectionMetrics != nil }
    /// Whether the evaluation is of multi-label classification.
    public var isMultilabel: Bool { classificationMetrics?.isMultilabel ?? false }

    /// The detection metrics, for a detection evaluation.
    public var detectionMetrics: DetectionMetricsFile? {
        if case .detection(let file) = metrics { file } else { nil }
    }

    /// The classification metrics, for a classification evaluation.
    public var classificationMetrics: ClassificationMetricsFile? {
        if case .classification(let file) = metrics { file } else { nil }
    }

    /// Reads an evaluation folder.
    /// - Parameters:
    ///   - folder: a folder written by `argus evaluate` or `argus merge`.
    ///   - name: the name reports show (default: the folder's name).
    /// - Throws: `DataError` naming the file (and the key) when metrics.json is missing, a file is
    ///   malformed or a file's schema version is newer than this Argus reads.
    public init(folder: String, name: String? = nil) throws {
        self.folder = folder
        self.name = name ?? (PathTools.absolute(folder) as NSString).lastPathComponent
        let metricsPath = ResultsSchema.File.metrics.path(in: folder)
        guard FileManager.default.fileExists(atPath: metricsPath) else {
            throw DataError(
                .unreadable, SourceLocation(file: metricsPath),
                "no metrics.json: not an evaluation folder written by `argus evaluate`"
            )
        }
        metrics = try EvaluationMetrics.read(metricsPath)
        task = metrics.task.rawValue
        let curvesPath = ResultsSchema.File.curves.path(in: folder)
        if FileManager.default.fileExists(atPath: curvesPath) {
            curves = Curves(try CurvesFile.read(curvesPath))
        } else {
            curves = Curves()
        }
        let matchesPath = ResultsSchema.File.matches.path(in: folder)
        if FileManager.default.fileExists(atPath: matchesPath) {
            if isDetection {
                detections = try Self.readDetections(matchesPath)
            } else if isMultilabel {
                multilabelRecords = try MultilabelMatchRecord.read(matchesPath)
            } else {
                classifications = try ClassificationMatchRecord.read(matchesPath).map {
                    ClassificationRecord(
                        image: $0.image, path: $0.path, label: $0.label, predicted: $0.predicted, score: $0.score,
                        correct: $0.correct
                    )
                }
            }
        }
        let imagesPath = ResultsSchema.File.images.path(in: folder)
        if FileManager.default.fileExists(atPath: imagesPath) {
            for entry in try ImageEntry.read(imagesPath) {
                images[entry.image] = ImageInfo(
                    path: entry.path.map { Self.join(folder, $0) }, width: entry.width, height: entry.height
                )
            }
        }
        if let classifications {
            for record in classifications where images[record.image] == nil {
                images[record.image] = ImageInfo(path: record.path.map { Self.join(folder, $0) }, width: 0, height: 0)
            }
        }
    }

    static func join(_ folder: String, _ path: String) -> String {
        path.hasPrefix("/") ? path : (folder.hasSuffix("/") ? folder + path : folder + "/" + path)
    }

    // MARK: Convenient views of metrics.json

    /// The primary metric's name and value.
    public var primaryMetric: (name: String, value: Double?) { metrics.primaryMetric }

    /// `metrics.*` in file order.
    public var scalars: [(String, Double?)] { metrics.scalars.map { ($0.name, $0.value) } }

    /// The words a detection evaluation's metric names depend on (nil for classification).
    public var glossaryContext: MetricGlossary.DetectionContext? {
        guard let file = detectionMetrics else { return nil }
        let interpolation = file.interpolation == .elevenPoint ? "eleven-point" : "all-point"
        return MetricGlossary.DetectionContext(iouThreshold: file.iouThreshold, interpolation: interpolation)
    }

    /// A metric's readable name in this evaluation's words.
    public func metricName(_ key: String) -> String { MetricGlossary.name(key, detection: glossaryContext) }

    /// A headline scalar by name (nil when absent or undefined).
    public func scalar(_ name: String) -> Double? { metrics.scalars.first { $0.name == name }?.value ?? nil }

    /// Per-label numbers in file order, by their metrics.json names (undefined values left out).
    public var perLabel: [(label: String, values: [String: Double])] {
        switch metrics {
        case .detection(let file):
            return (file.perLabel ?? []).map { entry in
                var values: [String: Double] = [
                    "ground_truth": Double(entry.groundTruth), "detections": Double(entry.detections),
                ]
                values["precision"] = entry.precision
                values["recall"] = entry.recall
                values["average_precision"] = entry.averagePrecision
                return (entry.label, values)
            }
        case .classification(let file):
            return file.perLabel.map { entry in
                var values: [String: Double] = ["support": Double(entry.support)]
                values["precision"] = entry.precision
                values["recall"] = entry.recall
                values["f1"] = entry.f1
                values["iou"] = entry.iou
                values["AUC"] = entry.auc
                values["average_precision"] = entry.averagePrecision
                return (entry.label, values)
            }
        }
    }

    /// The confusion matrix's labels and counts, where there is one.
    public var confusionMatrix: (labels: [String], counts: [[Double]])? {
        switch metrics {
        case .detection(let file):
            (file.confusionMatrix.labels, file.confusionMatrix.counts.map { $0.map(Double.init) })
        case .classification(let file):
            file.confusionMatrix.map { ($0.labels, $0.counts.map { $0.map(Double.init) }) }
        }
    }

    /// The number of images evaluated.
    public var imageCount: Int? { metrics.imageCount }

    /// The count rows of the summary table ("images", "ground truth", …), in file order.
    public var countRows: [(String, Int)] {
        switch metrics {
        case .detection(let file):
            [
                ("images", file.counts.images), ("ground truth", file.counts.groundTruth),
                ("detections", file.counts.detections), ("skipped detections", file.counts.skippedDetections),
            ]
        case .classification(let file):
            [("images", file.counts.images), ("missing predictions", file.counts.missingPredictions)]
        }
    }

    // MARK: Readers

    static func readDetections(_ path: String) throws -> DetectionRecords {
        var records = DetectionRecords()
        var imageIndex: [String: Int32] = [:]
        var labelIndex: [String: Int32] = [:]
        func intern(_ name: String, _ table: inout [String: Int32], _ list: inout [String]) -> Int32 {
            if let i = table[name] { return i }
            let i = Int32(list.count)
            table[name] = i
            list.append(name)
            return i
        }
        try DetectionMatchRecord.forEach(in: path) { record in
            records.image.append(intern(record.image, &imageIndex, &records.imageNames))
            records.label.append(intern(record.label, &labelIndex, &records.labelNames))
            let outcome: DetectionRecords.Outcome
            switch record.detection?.outcome {
            case .truePositive: outcome = .truePositive
            case .falsePositive: outcome = .falsePositive
            case .ignored: outcome = .ignored
            case nil: outcome = .missed
            }
            records.outcome.append(outcome)
            records.score.append(record.detection?.score ?? .nan)
            records.box.append(record.box)
            records.truthBox.append(record.detection?.groundTruthBox)
            records.shape.append(record.shape.map(DetectionRecords.Shape.init))
            records.truthShape.append(record.detection?.groundTruthShape.map(DetectionRecords.Shape.init))
            records.tideError.append(record.tideError)
        }
        return records
    }
}

extension EvaluationRun.Curves {
    /// The curves of a `curves.json`, as the charts draw them.
    init(_ file: CurvesFile) {
        self.init()
        if let detection = file.detection {
            confusionSweep = detection.confusionSweep
            for (index, label) in detection.labels.enumerated() {
                let curve = detection.curves[index]
                precisionRecall[label] = EvaluationRun.Curve(
                    x: curve.recall, y: curve.precision, thresholds: curve.score, f1: curve.f1
                )
                if let best = detection.bestF1[index] {
                    bestF1[label] = (best.threshold, best.f1, best.precision, best.recall)
                }
            }
        }
        if let classification = file.classification {
            func convert(_ curve: CurvesFile.Curve) -> EvaluationRun.Curve {
                EvaluationRun.Curve(x: curve.x, y: curve.y, thresholds: curve.thresholds)
            }
            for (label, pair) in zip(classification.labels, classification.perLabel) {
                precisionRecall[label] = convert(pair.precisionRecall)
                roc[label] = convert(pair.roc)
            }
            microPR = convert(classification.micro.precisionRecall)
            microROC = convert(classification.micro.roc)
            macroROC = convert(classification.macroROC)
            macroPR = convert(classification.macroPR)
        }
    }
}
