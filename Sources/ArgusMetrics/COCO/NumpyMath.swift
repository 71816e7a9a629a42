/// numpy's summation order, so that means agree with pycocotools to the last bit.
public enum NumpyMath {
    /// `np.add.reduce` on a contiguous float64 array: pairwise summation with blocks of 128
    /// unrolled by eight (numpy's `pairwise_sum`).
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        let n = values.count
        if n < 8 {
            var result = -0.0
            for v in values { result += v }
            return result
        }
        if n <= 128 {
            var r = [Double](repeating: 0, count: 8)
            for j in 0..<8 { r[j] = values[j] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += values[i + j] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                result += values[i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return sum(UnsafeBufferPointer(rebasing: values[0..<half]))
            + sum(UnsafeBufferPointer(rebasing: values[half..<n]))
    }

    static func sum(_ values: [Double]) -> Double { values.withUnsafeBufferPointer { sum($0) } }

    /// `np.mean`: the pairwise sum divided by the count.
    public static func mean(_ values: [Double]) -> Double { sum(values) / Double(values.count) }
}

extension NumpyMath {
    /// numpy `interp(x, xp, fp)` for one x (xp non-decreasing): the last point with xp ≤ x, then
    /// a straight line to the next; fp[0] left of the range, fp[-1] right of it.
    static func interp(_ x: Double, _ xp: [Double], _ fp: [Double]) -> Double {
        let n = xp.count
        guard n > 0 else { return .nan }
        if x < xp[0] { return fp[0] }
        if x > xp[n - 1] { return fp[n - 1] }
        // Largest j with xp[j] <= x.
        var low = 0
        var high = n - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if xp[mid] <= x { low = mid } else { high = mid - 1 }
        }
        let j = low
        if j == n - 1 || xp[j] == x { return fp[j] }
        let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
        var value = slope * (x - xp[j]) + fp[j]
        if value.isNaN {
            value = slope * (x - xp[j + 1]) + fp[j + 1]
            if value.isNaN && fp[j] == fp[j + 1] { value = fp[j] }
        }
        return value
    }
}

/// Macro-averaged curves over one-vs-rest columns, as scikit-learn's documentation draws them.
public enum OneVsRest {
    /// Every class's TPR interpolated (`np.interp`) at 1,000 evenly spaced FPRs, summed class by
    /// class and divided by the number of classes; classes without positives (or negatives) are left out.
    public static func macroROC(classCount: Int, points: Int = 1000, column: (Int) -> (truth: [Bool], scores: [Double]))
        -> (fpr: [Double], tpr: [Double])
    {
        let grid = COCOParameters.linspace(0, 1, points)
        var mean = [Double](repeating: 0, count: points)
        var used = 0
        for c in 0..<classCount {
            let (truthColumn, scoreColumn) = column(c)
            let positives = truthColumn.filter { $0 }.count
            guard positives > 0 && positives < truthColumn.count else { continue }
            let roc = BinaryCurves.roc(truthColumn, scoreColumn)
            for (i, x) in grid.enumerated() { mean[i] += NumpyMath.interp(x, roc.fpr, roc.tpr) }
            used += 1
        }
        return (grid, used == 0 ? mean.map { _ in .nan } : mean.map { $0 / Double(used) })
    }

    /// Every class's precision interpolated (`np.interp`, recall taken in increasing order) at
    /// 1,000 evenly spaced recalls, summed class by class and divided by the number of classes
    /// with positives.
    public static func macroPrecisionRecall(
        classCount: Int, points: Int = 1000, column: (Int) -> (truth: [Bool], scores: [Double])
    ) -> (recall: [Double], precision: [Double]) {
        let grid = COCOParameters.linspace(0, 1, points)
        var mean = [Double](repeating: 0, count: points)
        var used = 0
        for c in 0..<classCount {
            let (truthColumn, scoreColumn) = column(c)
            guard truthColumn.contains(true) else { continue }
            let pr = BinaryCurves.precisionRecall(truthColumn, scoreColumn)
            let recall = Array(pr.recall.reversed())
            let precision = Array(pr.precision.reversed())
            for (i, x) in grid.enumerated() { mean[i] += NumpyMath.interp(x, recall, precision) }
            used += 1
        }
        return (grid, used == 0 ? mean.map { _ in .nan } : mean.map { $0 / Double(used) })
    }
}

extension MulticlassMetrics {
    /// The macro-averaged ROC curve (`OneVsRest.macroROC` over the one-vs-rest columns).
    public func macroROC(points: Int = 1000) -> (fpr: [Double], tpr: [Double]) {
        OneVsRest.macroROC(classCount: classCount, points: points) { column($0) }
    }

    /// The macro-averaged PR curve (`OneVsRest.macroPrecisionRecall` over the one-vs-rest columns).
    public func macroPrecisionRecall(points: Int = 1000) -> (recall: [Double], precision: [Double]) {
        OneVsRest.macroPrecisionRecall(classCount: classCount, points: points) { column($0) }
    }
}

extension MultilabelMetrics {
    /// Label c's truth and probabilities.
    public func column(_ c: Int) -> (truth: [Bool], scores: [Double]) {
        ((0..<sampleCount).map { truth[$0 * classCount + c] }, (0..<sampleCount).map { scores[$0 * classCount + c] })
    }

    /// The macro-averaged ROC curve on `points` FPR values.
    public func macroROC(points: Int = 1000) -> (fpr: [Double], tpr: [Double]) {
        OneVsRest.macroROC(classCount: classCount, points: points) { column($0) }
    }

    /// The macro-averaged precision–recall curve on `points` recall values.
    public func macroPrecisionRecall(points: Int = 1000) -> (recall: [Double], precision: [Double]) {
        OneVsRest.macroPrecisionRecall(classCount: classCount, points: points) { column($0) }
    }
}
