/// scikit-learn's binary ranking curves and their areas, with its order of operations
/// (`_binary_clf_curve`, `roc_curve`, `precision_recall_curve`, `auc`, `average_precision_score`).
public enum BinaryCurves {
    /// Distinct-threshold cumulative counts (sklearn `_binary_clf_curve`): scores sorted descending
    /// (stable sort reversed, as sklearn), one point at the last index of each distinct score.
    static func clfCurve(_ truth: [Bool], _ scores: [Double]) -> (fps: [Double], tps: [Double], thresholds: [Double]) {
        let n = scores.count
        // np.argsort(kind="mergesort")[::-1]: descending, equal scores in reverse index order.
        let order = (0..<n).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }
        var fps: [Double] = [], tps: [Double] = [], thresholds: [Double] = []
        var cumulative = 0.0
        for (position, index) in order.enumerated() {
            if truth[index] { cumulative += 1 }
            let last = position == n - 1
            if last || scores[order[position + 1]] != scores[index] {
                tps.append(cumulative)
                fps.append(Double(position + 1) - cumulative)
                thresholds.append(scores[index])
            }
        }
        return (fps, tps, thresholds)
    }

    /// sklearn `roc_curve(drop_intermediate=True)`: fpr, tpr and thresholds (the first threshold +inf).
    /// fpr (tpr) is NaN throughout when there are no negatives (positives), as in sklearn.
    public static func roc(_ truth: [Bool], _ scores: [Double]) -> (fpr: [Double], tpr: [Double], thresholds: [Double]) {
        var (fps, tps, thresholds) = clfCurve(truth, scores)
        if fps.count > 2 {
            var keep = [0]
            for i in 1..<(fps.count - 1) {
                let secondFps = fps[i + 1] - 2 * fps[i] + fps[i - 1]
                let secondTps = tps[i + 1] - 2 * tps[i] + tps[i - 1]
                if secondFps != 0 || secondTps != 0 { keep.append(i) }
            }
            keep.append(fps.count - 1)
            fps = keep.map { fps[$0] }; tps = keep.map { tps[$0] }; thresholds = keep.map { thresholds[$0] }
        }
        fps.insert(0, at: 0); tps.insert(0, at: 0); thresholds.insert(.infinity, at: 0)
        let lastF = fps.last!, lastT = tps.last!
        let fpr = fps.map { lastF <= 0 ? Double.nan : $0 / lastF }
        let tpr = tps.map { lastT <= 0 ? Double.nan : $0 / lastT }
        return (fpr, tpr, thresholds)
    }

    /// sklearn `roc_auc_score` for one binary column: NaN when only one class is present.
    public static func rocAUC(_ truth: [Bool], _ scores: [Double]) -> Double {
        let positives = truth.filter { $0 }.count
        if positives == 0 || positives == truth.count { return .nan }
        let (fpr, tpr, _) = roc(truth, scores)
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
    public static func precisionRecall(_ truth: [Bool], _ scores: [Double]) -> (precision: [Double], recall: [Double], thresholds: [Double]) {
        let (fps, tps, thresholds) = clfCurve(truth, scores)
        let lastT = tps.last ?? 0
        var precision: [Double] = [], recall: [Double] = []
        for i in stride(from: tps.count - 1, through: 0, by: -1) {
            let predicted = tps[i] + fps[i]
            precision.append(predicted == 0 ? 0 : tps[i] / predicted)
            recall.append(lastT == 0 ? 1 : tps[i] / lastT)
        }
        precision.append(1); recall.append(0)
        return (precision, recall, Array(thresholds.reversed()))
    }

    /// sklearn `average_precision_score` for one column: `-sum(diff(recall) * precision[:-1])`.
    public static func averagePrecision(_ truth: [Bool], _ scores: [Double]) -> Double {
        let (precision, recall, _) = precisionRecall(truth, scores)
        var terms = [Double](repeating: 0, count: recall.count - 1)
        for i in 0..<(recall.count - 1) { terms[i] = (recall[i + 1] - recall[i]) * precision[i] }
        return -NumpyMath.sum(terms)
    }
}
