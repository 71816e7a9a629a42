extension COCOEvaluator {
    /// pycocotools `accumulate` for one category, from its matchings: per area range and maxDets,
    /// the detections of every image (in `entries`' order, which must be image-id order) sorted by
    /// score (stable), cumulative true and false positives at each IoU threshold, interpolated
    /// precision at the recall thresholds.
    /// - Parameters:
    ///   - matches: a table holding the category's entries (and maybe others').
    ///   - entries: the category's entries in `matches`, in image-id order.
    static func accumulate(
        category k: Int, matches: COCOMatchTable, entries: [Int], parameters: COCOParameters,
        storage: PrecisionTable.Storage
    ) {
        guard !entries.isEmpty else { return }
        let T = parameters.iouThresholds.count
        let A = parameters.areaRanges.count
        let largest = parameters.maxDetections.max() ?? 0
        // Every kept detection of every entry: score, rank in its image, and where its flags are
        // (flag of area a, threshold t: flagBase + (a × T + t) × D).
        var scores: [Double] = []
        var ranks: [Int32] = []
        var flagBase: [Int] = []
        var flagStride: [Int] = []
        for e in entries {
            let start = matches.starts[e]
            let D = matches.starts[e + 1] - start
            let kept = min(largest, D)
            scores.append(contentsOf: matches.scores[start..<(start + kept)])
            for d in 0..<kept {
                ranks.append(Int32(d))
                flagBase.append(A * T * start + d)
                flagStride.append(D)
            }
        }
        // One stable sort by score; each maxDets keeps the entries of rank below it, in that order.
        let order = stableOrderByScoreDescending(scores)
        let maxDetections = parameters.maxDetections
        let M = maxDetections.count
        // One curve per (maxDets m, threshold t), all built in one walk down the score order.
        var curves = [PositiveCurve](repeating: PositiveCurve(), count: M * T)
        var firstScores = [Double?](repeating: nil, count: M)
        for a in 0..<A {
            var groundTruthCount = 0
            for e in entries { groundTruthCount += Int(matches.groundTruthCounts[e * A + a]) }
            if groundTruthCount == 0 { continue }
            for c in curves.indices { curves[c].reset() }
            for m in 0..<M { firstScores[m] = nil }
            matches.flags.withUnsafeBufferPointer { flags in
                curves.withUnsafeMutableBufferPointer { curves in
                    for i in order {
                        let rank = Int(ranks[i])
                        let score = scores[i]
                        let stride = flagStride[i]
                        let base = flagBase[i] + a * T * stride
                        for m in 0..<M where rank < maxDetections[m] && firstScores[m] == nil { firstScores[m] = score }
                        for t in 0..<T {
                            let flag = flags[base + t * stride]
                            let outcome: PositiveCurve.Outcome =
                                flag & 2 != 0 ? .ignored : flag & 1 != 0 ? .truePositive : .falsePositive
                            for m in 0..<M where rank < maxDetections[m] {
                                curves[m * T + t].add(outcome, score: score)
                            }
                        }
                    }
                }
            }
            for m in 0..<M {
                for t in 0..<T {
                    storage.setRecall(
                        firstScores[m] == nil ? 0 : curves[m * T + t].truePositives / Double(groundTruthCount), t: t,
                        k: k, a: a, m: m)
                    curves[m * T + t].interpolate(
                        at: parameters.recallThresholds, groundTruthCount: groundTruthCount, firstScore: firstScores[m]
                    ) { r, precision, score in
                        storage.setPrecision(precision, score: score, t: t, r: r, k: k, a: a, m: m)
                    }
                }
            }
        }
    }
}

/// One category's precision–recall curve at one IoU threshold, kept at its true positives only.
///
/// pycocotools' interpolated precision at recall threshold r is the largest precision among the
/// points from the first whose recall reaches r. Recall grows only at true positives; a false
/// positive lowers the precision of the point before it and an ignored detection repeats it, so
/// that largest precision is always at a true positive, and for r > 0 the first point reaching r
/// is one: the curve needs only the true positives' precisions and scores, the same numbers.
struct PositiveCurve {
    enum Outcome: UInt8 { case falsePositive, truePositive, ignored }

    /// Each true positive's precision (made monotone from the right by `interpolate`) …
    var precision: [Double] = []
    /// … and score.
    var scores: [Double] = []
    /// The true positives, as pycocotools' cumulative sum.
    var truePositives = 0.0

    /// The false positives so far.
    var falsePositives = 0.0

    /// Empties the curve, keeping its storage.
    mutating func reset() {
        precision.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        truePositives = 0
        falsePositives = 0
    }

    /// Adds the next kept detection in score order (best first).
    @inline(__always) mutating func add(_ outcome: Outcome, score: Double) {
        switch outcome {
        case .truePositive:
            truePositives += 1
            precision.append(truePositives / (falsePositives + truePositives + 2.220446049250313e-16))  // np.spacing(1)
            scores.append(score)
        case .falsePositive: falsePositives += 1
        case .ignored: break
        }
    }

    /// The interpolated precision and its score at each recall threshold (np.searchsorted, side
    /// left; 0 and 0 beyond the last point). `firstScore` is the first kept detection's (the point
    /// a threshold of 0 reaches), nil when there is none.
    mutating func interpolate(
        at thresholds: [Double], groundTruthCount: Int, firstScore: Double?, _ set: (Int, Double, Double) -> Void
    ) {
        PositiveInterpolation.envelope(&precision)
        PositiveInterpolation.forEachThreshold(thresholds, positives: precision.count, truth: groundTruthCount) {
            r, m in
            guard let firstScore else { return set(r, 0, 0) }
            // A threshold of 0 reaches the first point of all, whatever it is: the curve's largest precision.
            if thresholds[r] <= 0 { return set(r, precision.first ?? 0, firstScore) }
            if let m { set(r, precision[m], scores[m]) } else { set(r, 0, 0) }
        }
    }
}

/// pycocotools' interpolation of a precision–recall curve kept at its true positives (the m-th, from
/// 0, has recall (m + 1) / truth): shared by the accumulation and the gate's resampled accumulation.
public enum PositiveInterpolation {
    /// Makes the true positives' precisions monotone from the right, in place.
    public static func envelope(_ precision: inout [Double]) {
        guard precision.count > 1 else { return }
        for i in stride(from: precision.count - 1, to: 0, by: -1) where precision[i] > precision[i - 1] {
            precision[i - 1] = precision[i]
        }
    }

    /// Calls `body(r, m)` for each recall threshold r (ascending): m is the first true positive whose
    /// recall reaches it (np.searchsorted, side left), nil when none of the `positives` does.
    public static func forEachThreshold(
        _ thresholds: [Double], positives: Int, truth: Int, _ body: (Int, Int?) -> Void
    ) {
        let total = Double(truth)
        var m = 0
        for (r, threshold) in thresholds.enumerated() {
            while m < positives && Double(m + 1) / total < threshold { m += 1 }
            body(r, m < positives ? m : nil)
        }
    }
}
