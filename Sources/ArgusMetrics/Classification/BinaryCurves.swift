/// scikit-learn's binary ranking curves and their areas, with its order of operations
/// (`_binary_clf_curve`, `roc_curve`, `precision_recall_curve`, `auc`, `average_precision_score`).
public enum BinaryCurves {
    /// Distinct-threshold cumulative counts (sklearn `_binary_clf_curve`): scores sorted descending
    /// (stable sort reversed, as sklearn), one point at the last index of each distinct score.
    static func clfCurve(_ truth: [Bool], _ scores: [Double]) -> (fps: [Double], tps: [Double], thresholds: [Double]) {
        // The order among equal scores does not change the points: sort the positives' and the
        // negatives' scores apart (plain Double sorts) and walk both from the top.
        var positives: [Double] = []
        var negatives: [Double] = []
        positives.reserveCapacity(scores.count)
        negatives.reserveCapacity(scores.count)
        for (isPositive, score) in zip(truth, scores) {
            if isPositive { positives.append(score) } else { negatives.append(score) }
        }
        sortDescending(&positives)
        sortDescending(&negatives)
        return clfCurve(sortedPositives: positives, sortedNegatives: negatives)
    }

    /// The curve from the positives' and the negatives' scores, each sorted descending.
    static func clfCurve(sortedPositives positives: [Double], sortedNegatives negatives: [Double]) -> (
        fps: [Double], tps: [Double], thresholds: [Double]
    ) {
        var fps: [Double] = []
        var tps: [Double] = []
        var thresholds: [Double] = []
        var i = 0
        var j = 0
        var tp = 0.0
        var fp = 0.0
        while i < positives.count || j < negatives.count {
            let value: Double
            if i < positives.count && (j >= negatives.count || positives[i] >= negatives[j]) {
                value = positives[i]
            } else {
                value = negatives[j]
            }
            while i < positives.count && positives[i] == value {
                tp += 1
                i += 1
            }
            while j < negatives.count && negatives[j] == value {
                fp += 1
                j += 1
            }
            tps.append(tp)
            fps.append(fp)
            thresholds.append(value)
        }
        return (fps, tps, thresholds)
    }

    /// Sorts finite Doubles in descending order: an LSD radix sort on their order-preserving bit
    /// patterns for large arrays (bytes every key shares are skipped), the standard sort otherwise.
    /// Complexity: O(n) passes over the data (at most 8).
    static func sortDescending(_ values: inout [Double]) {
        let n = values.count
        guard n > 2048 else {
            values.sort(by: >)
            return
        }
        // Order-preserving keys: flip the sign bit of positives, every bit of negatives; then
        // invert so that ascending keys are descending values.
        var keys = values.map { value -> UInt64 in
            let bits = value.bitPattern
            let ordered = bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
            return ~ordered
        }
        keys.withUnsafeMutableBufferPointer { radixSort($0) }
        for i in 0..<n { values[i] = value(ofKey: keys[i]) }
    }

    /// ROC AUC and average precision from the positives' and the negatives' scores (sorted here).
    public static func aucAndAveragePrecision(positives: inout [Double], negatives: inout [Double]) -> (
        auc: Double, averagePrecision: Double
    ) {
        sortDescending(&positives)
        sortDescending(&negatives)
        let curve = clfCurve(sortedPositives: positives, sortedNegatives: negatives)
        let auc = (positives.isEmpty || negatives.isEmpty) ? .nan : rocArea(curve)
        return (auc, averagePrecision(curve))
    }

    /// ROC AUC and average precision of one column from a single sort.
    public static func aucAndAveragePrecision(_ truth: [Bool], _ scores: [Double]) -> (
        auc: Double, averagePrecision: Double
    ) {
        let curve = clfCurve(truth, scores)
        let positives = curve.tps.last ?? 0
        let total = Double(truth.count)
        let auc = (positives == 0 || positives == total) ? .nan : rocArea(curve)
        return (auc, averagePrecision(curve))
    }

    /// sklearn `roc_curve(drop_intermediate=True)`: fpr, tpr and thresholds (the first threshold +inf).
    /// fpr (tpr) is NaN throughout when there are no negatives (positives), as in sklearn.
    public static func roc(_ truth: [Bool], _ scores: [Double]) -> (fpr: [Double], tpr: [Double], thresholds: [Double])
    {
        roc(clfCurve(truth, scores))
    }

    static func roc(_ curve: (fps: [Double], tps: [Double], thresholds: [Double])) -> (
        fpr: [Double], tpr: [Double], thresholds: [Double]
    ) {
        var (fps, tps, thresholds) = curve
        if fps.count > 2 {
            var keep = [0]
            for i in 1..<(fps.count - 1) {
                let secondFps = fps[i + 1] - 2 * fps[i] + fps[i - 1]
                let secondTps = tps[i + 1] - 2 * tps[i] + tps[i - 1]
                if secondFps != 0 || secondTps != 0 { keep.append(i) }
            }
            keep.append(fps.count - 1)
            fps = keep.map { fps[$0] }
            tps = keep.map { tps[$0] }
            thresholds = keep.map { thresholds[$0] }
        }
        fps.insert(0, at: 0)
        tps.insert(0, at: 0)
        thresholds.insert(.infinity, at: 0)
        let lastF = fps.last!
        let lastT = tps.last!
        let fpr = fps.map { lastF <= 0 ? Double.nan : $0 / lastF }
        let tpr = tps.map { lastT <= 0 ? Double.nan : $0 / lastT }
        return (fpr, tpr, thresholds)
    }

    /// sklearn `roc_auc_score` for one binary column: NaN when only one class is present.
    public static func rocAUC(_ truth: [Bool], _ scores: [Double]) -> Double {
        let positives = truth.filter { $0 }.count
        if positives == 0 || positives == truth.count { return .nan }
        return rocArea(clfCurve(truth, scores))
    }

    /// sklearn `roc_auc_score` from a curve's cumulative counts (`_binary_clf_curve`'s, which may
    /// be weighted: false and true positives up to each distinct threshold, highest first); NaN
    /// when either count stays 0.
    public static func rocAUC(cumulative curve: (fps: [Double], tps: [Double], thresholds: [Double])) -> Double {
        guard let lastF = curve.fps.last, let lastT = curve.tps.last, lastF > 0, lastT > 0 else { return .nan }
        return rocArea(curve)
    }

    static func rocArea(_ curve: (fps: [Double], tps: [Double], thresholds: [Double])) -> Double {
        let (fpr, tpr, _) = roc(curve)
        return trapezoid(tpr, fpr)
    }

    /// numpy `trapezoid(y, x)`: `(diff(x) * (y[1:] + y[:-1]) / 2).sum()` with numpy's pairwise sum.
    static func trapezoid(_ y: [Double], _ x: [Double]) -> Double {
        guard y.count > 1 else { return 0 }
        var terms = [Double](repeating: 0, count: y.count - 1)
        for i in 0..<(y.count - 1) { terms[i] = (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0 }
        return NumpyMath.sum(terms)
    }

    /// sklearn `precision_recall_curve(drop_intermediate=False)`: precision and recall from the
    /// highest threshold down, ending with (1, 0); recall is 1 throughout without positives.
    public static func precisionRecall(_ truth: [Bool], _ scores: [Double]) -> (
        precision: [Double], recall: [Double], thresholds: [Double]
    ) {
        precisionRecall(clfCurve(truth, scores))
    }

    static func precisionRecall(_ curve: (fps: [Double], tps: [Double], thresholds: [Double])) -> (
        precision: [Double], recall: [Double], thresholds: [Double]
    ) {
        let (fps, tps, thresholds) = curve
        let lastT = tps.last ?? 0
        var precision: [Double] = []
        var recall: [Double] = []
        for i in stride(from: tps.count - 1, through: 0, by: -1) {
            let predicted = tps[i] + fps[i]
            precision.append(predicted == 0 ? 0 : tps[i] / predicted)
            recall.append(lastT == 0 ? 1 : tps[i] / lastT)
        }
        precision.append(1)
        recall.append(0)
        return (precision, recall, Array(thresholds.reversed()))
    }

    /// sklearn `average_precision_score` for one column: `-sum(diff(recall) * precision[:-1])`.
    public static func averagePrecision(_ truth: [Bool], _ scores: [Double]) -> Double {
        averagePrecision(clfCurve(truth, scores))
    }

    static func averagePrecision(_ curve: (fps: [Double], tps: [Double], thresholds: [Double])) -> Double {
        let (precision, recall, _) = precisionRecall(curve)
        var terms = [Double](repeating: 0, count: recall.count - 1)
        for i in 0..<(recall.count - 1) { terms[i] = (recall[i + 1] - recall[i]) * precision[i] }
        return -NumpyMath.sum(terms)
    }
}
