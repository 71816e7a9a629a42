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
        let AT = A * T
        let largest = parameters.maxDetections.max() ?? 0
        let (scores, ranks, outcomes) = gather(matches, entries: entries, largest: largest, flagsPerDetection: AT)
        let truthCounts = (0..<A).map { a in entries.reduce(0) { $0 + Int(matches.groundTruthCounts[$1 * A + a]) } }
        // One stable sort by score; each maxDets keeps the entries of rank below it, in that order.
        let order = stableOrderByScoreDescending(scores)
        var curve = PositiveCurve()
        // maxDets keeping the same detections (kept sets nest: the same count is the same set) have
        // the same curves: computed once, copied.
        let maxRank = Int(ranks.max() ?? 0)
        var computed: [Int: Int] = [:]
        for (m, maxDetection) in parameters.maxDetections.enumerated() {
            let kept = maxDetection > maxRank ? order : order.filter { Int(ranks[$0]) < maxDetection }
            if let earlier = computed[kept.count] {
                storage.copy(category: k, maxDetections: earlier, to: m, iouThresholds: T)
                continue
            }
            computed[kept.count] = m
            let keptScores = kept.map { scores[$0] }
            let n = kept.count
            let table = rows(kept, outcomes, count: scores.count, flagsPerDetection: AT)
            for a in 0..<A where truthCounts[a] > 0 {
                for t in 0..<T {
                    table.withUnsafeBufferPointer { rows in
                        curve.build(
                            UnsafeBufferPointer(rebasing: rows[((a * T + t) * n)..<((a * T + t + 1) * n)]),
                            scores: keptScores)
                    }
                    storage.setRecall(
                        n == 0 ? 0 : curve.truePositives / Double(truthCounts[a]), t: t, k: k, a: a, m: m)
                    curve.interpolate(
                        at: parameters.recallThresholds, groundTruthCount: truthCounts[a], firstScore: keptScores.first
                    ) { r, precision, score in
                        storage.setPrecision(precision, score: score, t: t, r: r, k: k, a: a, m: m)
                    }
                }
            }
        }
    }
}

extension COCOEvaluator {
    /// Every kept detection of `entries`: its score, rank in its image, and flags gathered row by
    /// row (area a, threshold t, detection i at [(a × T + t) × count + i]), in the image tables' order.
    private static func gather(_ matches: COCOMatchTable, entries: [Int], largest: Int, flagsPerDetection AT: Int)
        -> (scores: [Double], ranks: [Int32], outcomes: [UInt8])
    {
        var count = 0
        for e in entries { count += min(largest, matches.starts[e + 1] - matches.starts[e]) }
        var scores = [Double](repeating: 0, count: count)
        var ranks = [Int32](repeating: 0, count: count)
        var outcomes = [UInt8](repeating: 0, count: count * AT)
        matches.flags.withUnsafeBufferPointer { flags in
            outcomes.withUnsafeMutableBufferPointer { outcomes in
                var i = 0
                for e in entries {
                    let start = matches.starts[e]
                    let D = matches.starts[e + 1] - start
                    let kept = min(largest, D)
                    let base = AT * start
                    for d in 0..<kept {
                        scores[i + d] = matches.scores[start + d]
                        ranks[i + d] = Int32(d)
                    }
                    // Bits 0 and 1 only: `PositiveCurve.build` reads whole words of them.
                    for at in 0..<AT {
                        let from = base + at * D
                        let to = at * count + i
                        for d in 0..<kept { outcomes[to + d] = flags[from + d] & 3 }
                    }
                    i += kept
                }
            }
        }
        return (scores, ranks, outcomes)
    }

    /// The `kept` detections' flags, one row per area range and threshold, in `kept`'s order;
    /// `outcomes` holds rows of `count` detections.
    private static func rows(_ kept: [Int], _ outcomes: [UInt8], count: Int, flagsPerDetection AT: Int) -> [UInt8] {
        let n = kept.count
        return [UInt8](unsafeUninitializedCapacity: AT * n) { rows, filled in
            outcomes.withUnsafeBufferPointer { outcomes in
                kept.withUnsafeBufferPointer { kept in
                    // Row by row: each reads one row of `outcomes`, small enough to stay in the cache.
                    for at in 0..<AT {
                        let row = UnsafeBufferPointer(rebasing: outcomes[(at * count)..<((at + 1) * count)])
                        let to = at * n
                        for p in 0..<n { rows[to + p] = row[kept[p]] }
                    }
                }
            }
            filled = AT * n
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
    /// Each true positive's precision (made monotone from the right by `interpolate`) …
    var precision: [Double] = []
    /// … and score.
    var scores: [Double] = []
    /// The true positives, as pycocotools' cumulative sum.
    var truePositives = 0.0

    /// Builds the curve of detections in score order (best first) from their matching flags (0 a
    /// false positive, 1 a true positive, 2 or 3 ignored) and scores, reusing the storage.
    mutating func build(_ flags: UnsafeBufferPointer<UInt8>, scores given: [Double]) {
        precision.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        // Counted as integers (exact, and no chain of floating-point additions), divided as Doubles.
        var positives = 0
        var falsePositives = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        var p = 0
        while p < flags.count {
            // Eight flags at a time while they hold no true positive: the false positives are the
            // zero bytes (a byte is 0…3).
            if p + 8 <= flags.count {
                let word = UnsafeRawPointer(flags.baseAddress! + p).loadUnaligned(as: UInt64.self)
                if word & ~(word >> 1) & ones == 0 {
                    falsePositives &+= 8 &- ((word | (word >> 1)) & ones).nonzeroBitCount
                    p &+= 8
                    continue
                }
            }
            let flag = flags[p]
            falsePositives &+= flag == 0 ? 1 : 0
            if flag == 1 {
                positives &+= 1
                let tp = Double(positives)
                precision.append(tp / (Double(falsePositives) + tp + 2.220446049250313e-16))  // np.spacing(1)
                scores.append(given[p])
            }
            p &+= 1
        }
        truePositives = Double(positives)
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
