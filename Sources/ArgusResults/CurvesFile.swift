import ArgusCore
import ArgusIO
import Dispatch

/// `curves.json`: the curves behind the metrics.
///
/// A detection evaluation writes `pr_curves` (VOC matching: one point per counted detection in
/// score order, with the F1 at each) and `best_f1` per label. A classification evaluation writes
/// `per_label` ROC and PR curves (scikit-learn's `roc_curve` and `precision_recall_curve`),
/// `macro_roc`, `macro_pr` and the `micro` curves.
public struct CurvesFile: Sendable {
    /// Detection curves, when the evaluation computed VOC matching.
    public var detection: DetectionCurves?
    /// Classification curves.
    public var classification: ClassificationCurves?

    /// Curves of one kind or none.
    public init(detection: DetectionCurves? = nil, classification: ClassificationCurves? = nil) {
        self.detection = detection
        self.classification = classification
    }

    /// A detection label's precision-recall curve.
    public struct DetectionCurve: Sendable, Equatable {
        /// Each counted detection's score, highest first.
        public var score: [Double]
        /// The precision after each.
        public var precision: [Double]
        /// The recall after each.
        public var recall: [Double]
        /// The F1 after each.
        public var f1: [Double]

        /// A curve with every point given.
        public init(score: [Double], precision: [Double], recall: [Double], f1: [Double]) {
            self.score = score
            self.precision = precision
            self.recall = recall
            self.f1 = f1
        }
    }

    /// The score threshold of a label's best F1, with the precision and recall there.
    public struct BestF1: Sendable, Equatable {
        /// The score threshold.
        public var threshold: Double
        /// The F1 there.
        public var f1: Double
        /// The precision there.
        public var precision: Double
        /// The recall there.
        public var recall: Double

        /// A best point.
        public init(threshold: Double, f1: Double, precision: Double, recall: Double) {
            self.threshold = threshold
            self.f1 = f1
            self.precision = precision
            self.recall = recall
        }
    }

    /// Detection curves per label, in label order.
    public struct DetectionCurves: Sendable {
        /// The labels.
        public var labels: [String]
        /// Each label's curve.
        public var curves: [DetectionCurve]
        /// nil for a label without a best F1 (no true positive).
        public var bestF1: [BestF1?]
        /// The confusion matrix at a sweep of score thresholds, where the evaluation made one.
        public var confusionSweep: ConfusionSweep?

        /// Curves per label.
        public init(
            labels: [String], curves: [DetectionCurve], bestF1: [BestF1?], confusionSweep: ConfusionSweep? = nil
        ) {
            self.labels = labels
            self.curves = curves
            self.bestF1 = bestF1
            self.confusionSweep = confusionSweep
        }
    }

    /// The detection confusion matrix (metrics.json's labels and background, same IoU) counted
    /// again at each of a list of score thresholds.
    public struct ConfusionSweep: Sendable, Equatable {
        /// The score thresholds, ascending.
        public var thresholds: [Double]
        /// `counts[k][truth][predicted]` at `thresholds[k]`.
        public var counts: [[[Int]]]

        /// The keys, spelled here only (curves.json and a shard's state hold the same object).
        enum Key: String {
            case sweep = "confusion_sweep"
            case thresholds, counts
        }

        /// A sweep.
        public init(thresholds: [Double], counts: [[[Int]]]) {
            self.thresholds = thresholds
            self.counts = counts
        }

        func write(to json: inout JSONWriter) {
            json.key(Key.sweep.rawValue)
            json.beginObject()
            json.key(Key.thresholds.rawValue)
            json.numbers(thresholds)
            json.key(Key.counts.rawValue)
            json.beginArray()
            for matrix in counts {
                json.beginArray()
                for row in matrix { json.integers(row) }
                json.endArray()
            }
            json.endArray()
            json.endObject()
        }

        static func decode(_ value: LocatedValue) throws(DataError) -> ConfusionSweep {
            let thresholds = try value.member(Key.thresholds.rawValue).doubles()
            let counts = try value.member(Key.counts.rawValue).elements().map { (matrix) throws(DataError) in
                try matrix.elements().map { (row) throws(DataError) in try row.ints() }
            }
            guard counts.count == thresholds.count else {
                throw DataError(
                    .invalidData, value.location, field: value.path + ".counts",
                    "\(counts.count) matrices for \(thresholds.count) thresholds")
            }
            return ConfusionSweep(thresholds: thresholds, counts: counts)
        }
    }

    /// A binary curve: `x` and `y` (FPR and TPR, or recall and precision) with their thresholds.
    public struct Curve: Sendable, Equatable {
        /// The x values (FPR or recall).
        public var x: [Double]
        /// The y values (TPR or precision).
        public var y: [Double]
        /// The threshold of each point (NaN for scikit-learn's infinite first threshold).
        public var thresholds: [Double]

        /// A curve.
        public init(x: [Double], y: [Double], thresholds: [Double] = []) {
            self.x = x
            self.y = y
            self.thresholds = thresholds
        }
    }

    /// ROC and PR of one label or of the micro average.
    public struct CurvePair: Sendable, Equatable {
        /// The ROC curve.
        public var roc: Curve
        /// The precision–recall curve.
        public var precisionRecall: Curve

        /// A pair of curves.
        public init(roc: Curve, precisionRecall: Curve) {
            self.roc = roc
            self.precisionRecall = precisionRecall
        }
    }

    /// Classification curves.
    public struct ClassificationCurves: Sendable {
        /// The labels.
        public var labels: [String]
        /// Each label's ROC and PR curves.
        public var perLabel: [CurvePair]
        /// The macro-averaged ROC curve (numpy's interpolation over every label's FPR).
        public var macroROC: Curve
        /// The macro-averaged PR curve.
        public var macroPR: Curve
        /// The curves of the flattened indicator matrix.
        public var micro: CurvePair

        /// Classification curves.
        public init(labels: [String], perLabel: [CurvePair], macroROC: Curve, macroPR: Curve, micro: CurvePair) {
            self.labels = labels
            self.perLabel = perLabel
            self.macroROC = macroROC
            self.macroPR = macroPR
            self.micro = micro
        }
    }
}

/// Writes a detection `curves.json` a label at a time, so that a streamed evaluation never holds
/// every curve: `begin`, then `add` per label (each written to the file at once), then `finish`.
public struct DetectionCurvesWriter {
    private var json = JSONWriter()
    private var bestF1: [(String, CurvesFile.BestF1?)] = []
    private let hasCurves: Bool
    private let sink: (([UInt8]) throws(DataError) -> Void)

    /// - Parameters:
    ///   - hasCurves: false when the evaluation has no VOC curves (COCO mode): the file then holds
    ///     only its version.
    ///   - sink: receives the file's bytes in order.
    public init(hasCurves: Bool, sink: @escaping ([UInt8]) throws(DataError) -> Void) {
        self.hasCurves = hasCurves
        self.sink = sink
        json.beginObject()
        json.field(ResultsSchema.versionKey, ResultsSchema.version)
        if hasCurves {
            json.key("pr_curves")
            json.beginObject()
        }
    }

    /// Writes one label's curve.
    public mutating func add(label: String, curve: CurvesFile.DetectionCurve, bestF1: CurvesFile.BestF1?)
        throws(DataError)
    {
        try add(label: label, encodedCurve: Self.encode(curve), bestF1: bestF1)
    }

    /// Writes one label's curve, encoded by `encode(_:)` (say, on another core).
    public mutating func add(label: String, encodedCurve: [UInt8], bestF1: CurvesFile.BestF1?) throws(DataError) {
        json.key(label)
        json.encoded(encodedCurve)
        self.bestF1.append((label, bestF1))
        try sink(json.bytes)
        json.removeAllBytes()
    }

    /// A label's curve as a compact JSON object.
    public static func encode(_ curve: CurvesFile.DetectionCurve) -> [UInt8] {
        var json = JSONWriter(capacity: 32 * curve.score.count + 64)
        json.beginObject()
        json.key("score")
        json.numbers(curve.score)
        json.key("precision")
        json.numbers(curve.precision)
        json.key("recall")
        json.numbers(curve.recall)
        json.key("f1")
        json.numbers(curve.f1)
        json.endObject()
        return json.bytes
    }

    /// Writes the best-F1 table (and the confusion sweep, where there is one) and closes the file.
    public mutating func finish(confusionSweep: CurvesFile.ConfusionSweep? = nil) throws(DataError) {
        if hasCurves {
            json.endObject()
            json.key("best_f1")
            json.beginObject()
            for (label, best) in bestF1 {
                json.key(label)
                if let best {
                    json.beginObject()
                    json.field("threshold", best.threshold)
                    json.field("f1", best.f1)
                    json.field("precision", best.precision)
                    json.field("recall", best.recall)
                    json.endObject()
                } else {
                    json.null()
                }
            }
            json.endObject()
            confusionSweep?.write(to: &json)
        }
        json.endObject()
        try sink(json.bytes + [UInt8(ascii: "\n")])
        json.removeAllBytes()
    }
}

extension CurvesFile {
    /// The file's bytes (compact JSON with a final newline).
    public func encoded() -> [UInt8] {
        let sink = ByteSink()
        // The sink cannot fail.
        try? write { (chunk) throws(DataError) in sink.bytes += chunk }
        return sink.bytes
    }

    /// Gives the file's bytes to `sink` a piece at a time (a label's curve each), as `encoded()`
    /// gives them whole: a file of millions of points is not held twice.
    /// - Throws: what `sink` throws.
    public func write(to sink: @escaping ([UInt8]) throws(DataError) -> Void) throws(DataError) {
        if let classification {
            return try sink(Self.encode(classification))
        }
        var writer = DetectionCurvesWriter(hasCurves: detection != nil, sink: sink)
        if let detection {
            // Each label's curve encoded on a core of its own, written in order.
            var encoded = [[UInt8]](repeating: [], count: detection.labels.count)
            encoded.withUnsafeMutableBufferPointer { buffer in
                let out = UnsafeMutableBufferPointerBox(buffer)
                DispatchQueue.concurrentPerform(iterations: detection.curves.count) { index in
                    out.buffer[index] = DetectionCurvesWriter.encode(detection.curves[index])
                }
            }
            for index in detection.labels.indices {
                try writer.add(
                    label: detection.labels[index], encodedCurve: encoded[index], bestF1: detection.bestF1[index])
                encoded[index] = []  // written now
            }
        }
        try writer.finish(confusionSweep: detection?.confusionSweep)
    }

    /// Bytes gathered from a sink (a class, so that an escaping closure can add to them).
    private final class ByteSink {
        var bytes: [UInt8] = []
    }

    private static func encode(_ curves: ClassificationCurves) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field(ResultsSchema.versionKey, ResultsSchema.version)
        json.key("per_label")
        json.beginObject()
        for (label, pair) in zip(curves.labels, curves.perLabel) {
            json.key(label)
            write(pair, to: &json)
        }
        json.endObject()
        json.key("macro_roc")
        json.beginObject()
        json.key("fpr")
        json.numbers(curves.macroROC.x)
        json.key("tpr")
        json.numbers(curves.macroROC.y)
        json.endObject()
        json.key("macro_pr")
        json.beginObject()
        json.key("recall")
        json.numbers(curves.macroPR.x)
        json.key("precision")
        json.numbers(curves.macroPR.y)
        json.endObject()
        json.key("micro")
        write(curves.micro, to: &json)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    private static func write(_ pair: CurvePair, to json: inout JSONWriter) {
        json.beginObject()
        json.key("roc")
        json.beginObject()
        json.key("fpr")
        json.numbers(pair.roc.x)
        json.key("tpr")
        json.numbers(pair.roc.y)
        json.key("thresholds")
        json.numbers(pair.roc.thresholds)
        json.endObject()
        json.key("pr")
        json.beginObject()
        json.key("precision")
        json.numbers(pair.precisionRecall.y)
        json.key("recall")
        json.numbers(pair.precisionRecall.x)
        json.key("thresholds")
        json.numbers(pair.precisionRecall.thresholds)
        json.endObject()
        json.endObject()
    }

    /// Reads `curves.json`.
    /// - Parameter path: the file.
    /// - Returns: the curves it holds (a file with neither kind of curve gives an empty value).
    /// - Throws: `DataError` naming the file and the key when a curve is malformed, or when the
    ///   file's schema version is newer.
    public static func read(_ path: String) throws(DataError) -> CurvesFile {
        try ResultsFileReader.decode(path) { (top) throws(DataError) in try decode(top) }
    }

    static func decode(_ top: LocatedValue) throws(DataError) -> CurvesFile {
        var file = CurvesFile()
        if let section = try top.optionalMember("pr_curves") {
            var detection = DetectionCurves(labels: [], curves: [], bestF1: [])
            let best = try top.member("best_f1")
            for (label, value) in try section.members() {
                detection.labels.append(label)
                detection.curves.append(
                    DetectionCurve(
                        score: try value.member("score").doubles(),
                        precision: try value.member("precision").doubles(),
                        recall: try value.member("recall").doubles(),
                        f1: try value.member("f1").doubles()
                    )
                )
                let entry = try best.member(label)
                if entry.value.isNull {
                    detection.bestF1.append(nil)
                } else {
                    detection.bestF1.append(
                        BestF1(
                            threshold: try entry.member("threshold").double(), f1: try entry.member("f1").double(),
                            precision: try entry.member("precision").double(),
                            recall: try entry.member("recall").double()
                        )
                    )
                }
            }
            detection.confusionSweep = try top.optionalMember(ConfusionSweep.Key.sweep.rawValue).map {
                (value) throws(DataError) in try ConfusionSweep.decode(value)
            }
            file.detection = detection
        }
        if let section = try top.optionalMember("per_label") {
            var labels: [String] = []
            var pairs: [CurvePair] = []
            for (label, value) in try section.members() {
                labels.append(label)
                pairs.append(try decodePair(value))
            }
            let macroROC = try top.member("macro_roc")
            let macroPR = try top.member("macro_pr")
            file.classification = ClassificationCurves(
                labels: labels, perLabel: pairs,
                macroROC: Curve(x: try macroROC.member("fpr").doubles(), y: try macroROC.member("tpr").doubles()),
                macroPR: Curve(x: try macroPR.member("recall").doubles(), y: try macroPR.member("precision").doubles()),
                micro: try decodePair(try top.member("micro"))
            )
        }
        return file
    }

    private static func decodePair(_ value: LocatedValue) throws(DataError) -> CurvePair {
        let roc = try value.member("roc")
        let pr = try value.member("pr")
        return CurvePair(
            roc: Curve(
                x: try roc.member("fpr").doubles(), y: try roc.member("tpr").doubles(),
                thresholds: try roc.member("thresholds").doubles()
            ),
            precisionRecall: Curve(
                x: try pr.member("recall").doubles(), y: try pr.member("precision").doubles(),
                thresholds: try pr.member("thresholds").doubles()
            )
        )
    }
}
