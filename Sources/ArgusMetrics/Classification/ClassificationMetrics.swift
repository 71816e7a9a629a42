import ArgusCore
import Dispatch
import Foundation

/// Multi-class classification metrics, each as scikit-learn 1.x computes it with the AutoML
/// service's settings (`zero_division = 0`, labels = every class, one-vs-rest AUC).
public struct MulticlassMetrics: Sendable {
    /// The classes, in column order.
    public var labels: [String]
    /// Each sample's true class.
    public var truth: [Int]
    /// Per sample, the probabilities of `labels`, row-major (N × C).
    public var scores: [Double]

    /// The number of samples.
    public var sampleCount: Int { truth.count }
    /// The number of classes.
    public var classCount: Int { labels.count }

    /// Metrics of samples with their true class and one probability per class (row-major).
    public init(labels: [String], truth: [Int], scores: [Double]) {
        precondition(scores.count == truth.count * labels.count, "scores must be N × C")
        self.labels = labels
        self.truth = truth
        self.scores = scores
    }

    @inline(__always) func score(_ i: Int, _ c: Int) -> Double { scores[i * classCount + c] }

    /// The argmax of each row; ties go to the first label.
    public var predicted: [Int] {
        (0..<sampleCount).map { i in
            var best = 0
            for c in 1..<max(1, classCount) where score(i, c) > score(i, best) { best = c }
            return best
        }
    }

    /// `confusion_matrix` with every label: rows true, columns predicted.
    public func confusionMatrix(_ predicted: [Int]) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (t, p) in zip(truth, predicted) { counts[t][p] += 1 }
        return counts
    }

    /// `confusion_matrix(normalize="true")`: rows divided by their sums (0 for an empty row).
    public static func rowNormalized(_ counts: [[Int]]) -> [[Double]] {
        counts.map { row in
            let total = row.reduce(0, +)
            return row.map { total == 0 ? 0 : Double($0) / Double(total) }
        }
    }

    /// Precision, recall, F1 and support per class.
    public struct PerClass: Sendable {
        public var precision: [Double], recall: [Double], f1: [Double], support: [Int]
        public var predictedCount: [Int], truePositives: [Int]
    }

    /// `precision_recall_fscore_support(average=None, zero_division=0)`.
    public func perClass(_ counts: [[Int]]) -> PerClass {
        var result = PerClass(precision: [], recall: [], f1: [], support: [], predictedCount: [], truePositives: [])
        for c in 0..<classCount {
            let tp = counts[c][c]
            let support = counts[c].reduce(0, +)
            let predicted = (0..<classCount).reduce(0) { $0 + counts[$1][c] }
            result.truePositives.append(tp)
            result.support.append(support)
            result.predictedCount.append(predicted)
            result.precision.append(predicted == 0 ? 0 : Double(tp) / Double(predicted))
            result.recall.append(support == 0 ? 0 : Double(tp) / Double(support))
            let denominator = Double(support) + Double(predicted)
            result.f1.append(denominator == 0 ? 0 : 2.0 * Double(tp) / denominator)
        }
        return result
    }

    /// `np.average(values, weights)` with numpy's summation (weights nil: the mean). As sklearn's
    /// `_average_binary_score`, values of weight 0 count as 0 (an undefined AUC of an absent class
    /// does not spoil the weighted mean), and a zero total weight gives 0.
    public static func average(_ values: [Double], weights: [Double]? = nil) -> Double {
        guard let weights else { return NumpyMath.mean(values) }
        let total = NumpyMath.sum(weights)
        if total == 0 { return 0 }
        return NumpyMath.sum(zip(values, weights).map { $1 == 0 ? 0 : $0 * $1 }) / total
    }

    /// `accuracy_score`: the share of samples whose argmax is the truth.
    public func accuracy(_ predicted: [Int]) -> Double {
        Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(sampleCount)
    }

    /// `balanced_accuracy_score`: the mean recall over the classes present in the truth.
    public func balancedAccuracy(_ counts: [[Int]]) -> Double {
        var recalls: [Double] = []
        for c in 0..<classCount {
            let support = counts[c].reduce(0, +)
            if support > 0 { recalls.append(Double(counts[c][c]) / Double(support)) }
        }
        return recalls.isEmpty ? 0 : NumpyMath.mean(recalls)
    }

    /// `matthews_corrcoef` (multi-class form), in float64 as scikit-learn (no integer overflow).
    public func matthews(_ counts: [[Int]]) -> Double {
        let t = (0..<classCount).map { Double(counts[$0].reduce(0, +)) }
        let p = (0..<classCount).map { c in Double((0..<classCount).reduce(0) { $0 + counts[$1][c] }) }
        let correct = Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] })
        let n = NumpyMath.sum(p)
        let covYtYp = correct * n - zip(t, p).reduce(0) { $0 + $1.0 * $1.1 }
        let covYpYp = n * n - p.reduce(0) { $0 + $1 * $1 }
        let covYtYt = n * n - t.reduce(0) { $0 + $1 * $1 }
        let product = covYpYp * covYtYt
        if product == 0 { return 0 }
        return covYtYp / product.squareRoot()
    }

    /// `log_loss` with probabilities clipped to [ε, 1 − ε] (ε = 2.22e-16), not renormalised.
    public var logLoss: Double {
        let eps = Double.ulpOfOne
        var losses = [Double](repeating: 0, count: sampleCount)
        for i in 0..<sampleCount {
            let p = min(max(score(i, truth[i]), eps), 1 - eps)
            losses[i] = -Foundation.log(p)
        }
        return NumpyMath.mean(losses)
    }

    /// `top_k_accuracy_score`: the truth among the k best scores (ties: the higher class index first).
    public func topKAccuracy(_ k: Int) -> Double {
        if k >= classCount { return 1 }
        var hits = 0
        for i in 0..<sampleCount {
            // The truth's rank: classes ahead of it (higher score, or equal score and higher index).
            let t = truth[i]
            let own = score(i, t)
            var ahead = 0
            for c in 0..<classCount where score(i, c) > own || (score(i, c) == own && c > t) { ahead += 1 }
            if ahead < k { hits += 1 }
        }
        return Double(hits) / Double(sampleCount)
    }

    /// One-vs-rest columns: truth of class c, scores of class c.
    public func column(_ c: Int) -> (truth: [Bool], scores: [Double]) {
        (truth.map { $0 == c }, (0..<sampleCount).map { score($0, c) })
    }

    /// `roc_auc_score(multi_class="ovr")` and `average_precision_score` per class (AUC NaN where a
    /// class has no positives), one sort per class, classes spread over every core.
    public var classwiseRanking: (auc: [Double], averagePrecision: [Double]) {
        let r = ranking
        return (r.auc, r.averagePrecision)
    }

    /// Per-class and micro-averaged ROC AUC and average precision. One pass turns the scores
    /// into order-preserving keys laid out class by class (each class's negatives, then each
    /// class's positives; the micro column is the union of both regions); each class's keys are
    /// radix-sorted in place and walked once, on every core, the micro column (all N × C scores,
    /// the longest) first in line.
    public var ranking: (auc: [Double], averagePrecision: [Double], microAUC: Double, microAveragePrecision: Double) {
        let n = sampleCount
        let c = classCount
        var support = [Int](repeating: 0, count: c)
        for t in truth { support[t] += 1 }
        let negativeTotal = n * c - n
        var negativeStart = [Int](repeating: 0, count: c + 1)
        var positiveStart = [Int](repeating: negativeTotal, count: c + 1)
        for k in 0..<c {
            negativeStart[k + 1] = negativeStart[k] + (n - support[k])
            positiveStart[k + 1] = positiveStart[k] + support[k]
        }
        let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, n * c))
        defer { keys.deallocate() }
        var negativeCursor = Array(negativeStart.prefix(c))
        var positiveCursor = Array(positiveStart.prefix(c))
        scores.withUnsafeBufferPointer { all in
            for i in 0..<n {
                let t = truth[i]
                let row = i * c
                for k in 0..<c {
                    let key = BinaryCurves.descendingKey(all[row + k])
                    if k == t {
                        keys[positiveCursor[k]] = key
                        positiveCursor[k] += 1
                    } else {
                        keys[negativeCursor[k]] = key
                        negativeCursor[k] += 1
                    }
                }
            }
        }
        // The micro column's own copy, sorted whole (the classes sort their ranges in place).
        let micro = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, n * c))
        defer { micro.deallocate() }
        if n * c > 0 { micro.baseAddress!.update(from: keys.baseAddress!, count: n * c) }
        let negativeStarts = negativeStart
        let positiveStarts = positiveStart
        var results = [(Double, Double)](repeating: (0, 0), count: c + 1)
        let shared = UnsafeMutableBufferPointerBox(keys)
        let microBox = UnsafeMutableBufferPointerBox(micro)
        results.withUnsafeMutableBufferPointer { buffer in
            let box = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: c + 1) { task in
                if task == 0 {
                    let negatives = UnsafeMutableBufferPointer(rebasing: microBox.buffer[0..<negativeTotal])
                    let positives = UnsafeMutableBufferPointer(rebasing: microBox.buffer[negativeTotal..<(n * c)])
                    BinaryCurves.radixSort(negatives)
                    BinaryCurves.radixSort(positives)
                    box.buffer[c] = BinaryCurves.aucAndAveragePrecision(
                        sortedPositiveKeys: UnsafeBufferPointer(positives),
                        sortedNegativeKeys: UnsafeBufferPointer(negatives))
                } else {
                    let k = task - 1
                    let negatives = UnsafeMutableBufferPointer(
                        rebasing: shared.buffer[negativeStarts[k]..<negativeStarts[k + 1]])
                    let positives = UnsafeMutableBufferPointer(
                        rebasing: shared.buffer[positiveStarts[k]..<positiveStarts[k + 1]])
                    BinaryCurves.radixSort(negatives)
                    BinaryCurves.radixSort(positives)
                    box.buffer[k] = BinaryCurves.aucAndAveragePrecision(
                        sortedPositiveKeys: UnsafeBufferPointer(positives),
                        sortedNegativeKeys: UnsafeBufferPointer(negatives))
                }
            }
        }
        return (results.prefix(c).map(\.0), results.prefix(c).map(\.1), results[c].0, results[c].1)
    }

    /// The micro average alone: every (sample, class) score, split into the true class's and the others'.
    public func microRanking() -> (Double, Double) {
        var positives: [Double] = []
        var negatives: [Double] = []
        positives.reserveCapacity(sampleCount)
        negatives.reserveCapacity(sampleCount * max(0, classCount - 1))
        scores.withUnsafeBufferPointer { all in
            for i in 0..<sampleCount {
                let t = truth[i]
                let row = i * classCount
                for c in 0..<classCount {
                    if c == t { positives.append(all[row + c]) } else { negatives.append(all[row + c]) }
                }
            }
        }
        return BinaryCurves.aucAndAveragePrecision(positives: &positives, negatives: &negatives)
    }

    /// Expected calibration error with equal-width bins over the top-class confidence: bin b holds
    /// confidences in (b/B, (b+1)/B] (the first bin also 0); Σ |B_b|/N · |accuracy − confidence|.
    public func calibration(bins: Int = 15) -> (
        ece: Double, bins: [(lower: Double, upper: Double, count: Int, confidence: Double?, accuracy: Double?)]
    ) {
        let predicted = self.predicted
        var counts = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        var correct = [Int](repeating: 0, count: bins)
        for i in 0..<sampleCount {
            let p = score(i, predicted[i])
            var b = Int((p * Double(bins)).rounded(.up)) - 1
            b = min(max(b, 0), bins - 1)
            counts[b] += 1
            confidence[b] += p
            if predicted[i] == truth[i] { correct[b] += 1 }
        }
        var ece = 0.0
        var table: [(Double, Double, Int, Double?, Double?)] = []
        for b in 0..<bins {
            let lower = Double(b) / Double(bins)
            let upper = Double(b + 1) / Double(bins)
            guard counts[b] > 0 else {
                table.append((lower, upper, 0, nil, nil))
                continue
            }
            let meanConfidence = confidence[b] / Double(counts[b])
            let accuracy = Double(correct[b]) / Double(counts[b])
            ece += Double(counts[b]) / Double(sampleCount) * abs(accuracy - meanConfidence)
            table.append((lower, upper, counts[b], meanConfidence, accuracy))
        }
        return (ece, table)
    }

    /// Every scalar of the issue, named as the service logs them (NaN where undefined).
    public func scalars() -> [(String, Double)] { scalars(predicted: predicted) }

    /// The scalars with given predicted classes (missing predictions counted wrong).
    public func scalars(predicted: [Int]) -> [(String, Double)] {
        let counts = confusionMatrix(predicted)
        let per = perClass(counts)
        let support = per.support.map(Double.init)
        let totalTP = per.truePositives.reduce(0, +)
        let totalPredicted = per.predictedCount.reduce(0, +)
        let totalSupport = per.support.reduce(0, +)
        let microP = totalPredicted == 0 ? 0 : Double(totalTP) / Double(totalPredicted)
        let microR = totalSupport == 0 ? 0 : Double(totalTP) / Double(totalSupport)
        let microF =
            Double(totalSupport + totalPredicted) == 0
            ? 0 : 2.0 * Double(totalTP) / Double(totalSupport + totalPredicted)
        let rankings = ranking
        let (auc, ap) = (rankings.auc, rankings.averagePrecision)
        let microRanking = (auc: rankings.microAUC, averagePrecision: rankings.microAveragePrecision)
        var result: [(String, Double)] = [
            ("accuracy", accuracy(predicted)),
            ("balanced_accuracy", balancedAccuracy(counts)),
            ("log_loss", logLoss),
            ("matthews_correlation", matthews(counts)),
        ]
        for k in [2, 3, 5] { result.append(("top_\(k)_accuracy", topKAccuracy(k))) }
        result.append(("expected_calibration_error", calibration().ece))
        result += [
            ("precision_score_macro", Self.average(per.precision)), ("precision_score_micro", microP),
            ("precision_score_weighted", Self.average(per.precision, weights: support)),
            ("recall_score_macro", Self.average(per.recall)), ("recall_score_micro", microR),
            ("recall_score_weighted", Self.average(per.recall, weights: support)),
            ("f1_score_macro", Self.average(per.f1)), ("f1_score_micro", microF),
            ("f1_score_weighted", Self.average(per.f1, weights: support)),
            ("AUC_macro", Self.average(auc)), ("AUC_micro", microRanking.auc),
            ("AUC_weighted", Self.average(auc, weights: support)),
            ("average_precision_score_macro", Self.average(ap)),
            ("average_precision_score_micro", microRanking.averagePrecision),
            ("average_precision_score_weighted", Self.average(ap, weights: support)),
        ]
        return result
    }
}
