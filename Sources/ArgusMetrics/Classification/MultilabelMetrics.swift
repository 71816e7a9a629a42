/// Multi-label classification metrics as scikit-learn computes them on indicator matrices, with
/// the AutoML service's rule that a label is predicted when its probability is strictly greater
/// than the threshold (default 0.5) and `zero_division = 0`.
public struct MultilabelMetrics: Sendable {
    /// The labels, in column order.
    public var labels: [String]
    /// N × C truth, row-major.
    public var truth: [Bool]
    /// N × C probabilities, row-major.
    public var scores: [Double]
    /// A label is predicted when its score is greater than this.
    public var threshold: Double

    /// Metrics of a label-indicator matrix and scores (row-major).
    public init(labels: [String], truth: [Bool], scores: [Double], threshold: Double = 0.5) {
        precondition(truth.count == scores.count && scores.count % max(1, labels.count) == 0, "N × C matrices")
        self.labels = labels
        self.truth = truth
        self.scores = scores
        self.threshold = threshold
    }

    /// The number of labels.
    public var classCount: Int { labels.count }
    /// The number of samples.
    public var sampleCount: Int { classCount == 0 ? 0 : scores.count / classCount }
    /// The predicted indicator matrix.
    public var predicted: [Bool] { scores.map { $0 > threshold } }

    struct Counts { var tp: [Double], predicted: [Double], actual: [Double] }

    /// True positives, predicted and actual counts per label (or per sample).
    func counts(samplewise: Bool) -> Counts {
        let p = predicted
        let n = samplewise ? sampleCount : classCount
        var result = Counts(
            tp: .init(repeating: 0, count: n), predicted: .init(repeating: 0, count: n),
            actual: .init(repeating: 0, count: n))
        for i in 0..<sampleCount {
            for c in 0..<classCount {
                let k = samplewise ? i : c
                let index = i * classCount + c
                if truth[index] { result.actual[k] += 1 }
                if p[index] { result.predicted[k] += 1 }
                if truth[index] && p[index] { result.tp[k] += 1 }
            }
        }
        return result
    }

    static func divide(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $1 == 0 ? 0 : $0 / $1 } }

    /// `np.average` over labels: macro (mean), weighted (by support; 0 when no support), samples (mean over samples).
    static func average(_ values: [Double], weights: [Double]?) -> Double {
        MulticlassMetrics.average(values, weights: weights)
    }

    /// The scalars of the issue (NaN where undefined).
    public func scalars() -> [(String, Double)] {
        let perLabel = counts(samplewise: false)
        let perSample = counts(samplewise: true)
        let support = perLabel.actual
        func micro() -> (tp: Double, predicted: Double, actual: Double) {
            (perLabel.tp.reduce(0, +), perLabel.predicted.reduce(0, +), perLabel.actual.reduce(0, +))
        }
        let m = micro()
        // Jaccard: tp / (pred + true − tp).
        func jaccard(_ c: Counts) -> [Double] {
            Self.divide(c.tp, zip(zip(c.predicted, c.actual), c.tp).map { $0.0 + $0.1 - $1 })
        }
        let jaccardLabels = jaccard(perLabel)
        let jaccardSamples = jaccard(perSample)
        let microJaccard = (m.predicted + m.actual - m.tp) == 0 ? 0 : m.tp / (m.predicted + m.actual - m.tp)
        var result: [(String, Double)] = [
            ("iou", MulticlassMetrics.average(jaccardSamples)),
            ("iou_micro", microJaccard),
            ("iou_macro", MulticlassMetrics.average(jaccardLabels)),
            ("iou_weighted", MulticlassMetrics.average(jaccardLabels, weights: support)),
        ]
        let p = predicted
        var differences = 0
        var exact = 0
        for i in 0..<sampleCount {
            var same = true
            for c in 0..<classCount where truth[i * classCount + c] != p[i * classCount + c] {
                differences += 1
                same = false
            }
            if same { exact += 1 }
        }
        result.append(("hamming_loss", Double(differences) / Double(sampleCount * classCount)))
        result.append(("subset_accuracy", Double(exact) / Double(sampleCount)))
        // Precision, recall, F1.
        let f = { (c: Counts) -> [Double] in
            Self.divide(c.tp.map { 2.0 * $0 }, zip(c.actual, c.predicted).map { $0 + $1 })
        }
        let precision = Self.divide(perLabel.tp, perLabel.predicted)
        let recall = Self.divide(perLabel.tp, perLabel.actual)
        let f1 = f(perLabel)
        let sp = Self.divide(perSample.tp, perSample.predicted)
        let sr = Self.divide(perSample.tp, perSample.actual)
        let sf = f(perSample)
        let microP = m.predicted == 0 ? 0 : m.tp / m.predicted
        let microR = m.actual == 0 ? 0 : m.tp / m.actual
        let microF = (m.actual + m.predicted) == 0 ? 0 : 2.0 * m.tp / (m.actual + m.predicted)
        for (name, values, microValue, sampleValues) in [
            ("precision_score", precision, microP, sp), ("recall_score", recall, microR, sr),
            ("f1_score", f1, microF, sf),
        ] {
            result.append(("\(name)_macro", MulticlassMetrics.average(values)))
            result.append(("\(name)_micro", microValue))
            result.append(("\(name)_weighted", MulticlassMetrics.average(values, weights: support)))
            result.append(("\(name)_samples", MulticlassMetrics.average(sampleValues)))
        }
        // Ranking metrics.
        let columns = (0..<classCount).map { c in
            (
                (0..<sampleCount).map { truth[$0 * classCount + c] },
                (0..<sampleCount).map { scores[$0 * classCount + c] }
            )
        }
        let rows = (0..<sampleCount).map { i in
            (
                Array(truth[(i * classCount)..<((i + 1) * classCount)]),
                Array(scores[(i * classCount)..<((i + 1) * classCount)])
            )
        }
        let auc = columns.map { BinaryCurves.rocAUC($0.0, $0.1) }
        let ap = columns.map { BinaryCurves.averagePrecision($0.0, $0.1) }
        result += [
            ("AUC_macro", MulticlassMetrics.average(auc)), ("AUC_micro", BinaryCurves.rocAUC(truth, scores)),
            ("AUC_weighted", MulticlassMetrics.average(auc, weights: support)),
            ("AUC_samples", MulticlassMetrics.average(rows.map { BinaryCurves.rocAUC($0.0, $0.1) })),
            ("average_precision_score_macro", MulticlassMetrics.average(ap)),
            ("average_precision_score_micro", BinaryCurves.averagePrecision(truth, scores)),
            ("average_precision_score_weighted", MulticlassMetrics.average(ap, weights: support)),
            (
                "average_precision_score_samples",
                MulticlassMetrics.average(rows.map { BinaryCurves.averagePrecision($0.0, $0.1) })
            ),
        ]
        return result
    }

    /// Per label: precision, recall, F1, support, IoU (jaccard), AUC and AP.
    public func perLabel() -> [(
        label: String, precision: Double, recall: Double, f1: Double, support: Int, iou: Double, auc: Double,
        averagePrecision: Double
    )] {
        let c = counts(samplewise: false)
        return (0..<classCount).map { k in
            let tp = c.tp[k]
            let pred = c.predicted[k]
            let actual = c.actual[k]
            let column = (
                (0..<sampleCount).map { truth[$0 * classCount + k] },
                (0..<sampleCount).map { scores[$0 * classCount + k] }
            )
            return (
                labels[k], pred == 0 ? 0 : tp / pred, actual == 0 ? 0 : tp / actual,
                actual + pred == 0 ? 0 : 2.0 * tp / (actual + pred), Int(actual),
                pred + actual - tp == 0 ? 0 : tp / (pred + actual - tp),
                BinaryCurves.rocAUC(column.0, column.1), BinaryCurves.averagePrecision(column.0, column.1)
            )
        }
    }

    /// For each label, the threshold with the best F1 when predicting `score > threshold`
    /// (candidates: 0 and every distinct score below the highest; the first best in ascending order).
    public func bestF1Thresholds() -> [(label: String, threshold: Double, f1: Double)] {
        (0..<classCount).map { k in
            let pairs = (0..<sampleCount).map { (truth[$0 * classCount + k], scores[$0 * classCount + k]) }
            let candidates = [0.0] + Array(Set(pairs.map(\.1))).sorted()
            var best = (threshold: 0.0, f1: -1.0)
            for t in candidates {
                var tp = 0.0
                var pred = 0.0
                var actual = 0.0
                for (isTrue, s) in pairs {
                    if isTrue { actual += 1 }
                    if s > t {
                        pred += 1
                        if isTrue { tp += 1 }
                    }
                }
                let f1 = actual + pred == 0 ? 0 : 2 * tp / (actual + pred)
                if f1 > best.f1 { best = (t, f1) }
            }
            return (labels[k], best.threshold, max(0, best.f1))
        }
    }
}
