/// ROC AUC and average precision computed from sorted score keys in one walk, without
/// materialising the curves: the values are bit for bit those of `BinaryCurves.rocArea` and
/// `BinaryCurves.averagePrecision` (scikit-learn's order of operations), which build every array.
extension BinaryCurves {
    /// An order-preserving key: ascending keys are descending scores; −0 and +0 share a key
    /// (scikit-learn treats them as one threshold).
    @inline(__always) static func descendingKey(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        let ordered = bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
        return ~ordered
    }

    @inline(__always) static func value(ofKey key: UInt64) -> Double {
        let ordered = ~key
        return Double(bitPattern: ordered & (1 << 63) != 0 ? ordered & ~(1 << 63) : ~ordered)
    }

    /// LSD radix sort of keys, ascending, using `scratch` (at least as long); bytes every key
    /// shares are skipped. O(n) per pass, at most 8 passes.
    static func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>) {
        let n = keys.count
        var keys = keys
        guard n > 2048 else {
            keys.sort()
            return
        }
        var from = keys
        var to = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for i in 0..<256 { counts[i] = 0 }
            for key in from { counts[Int((key >> shift) & 0xFF)] += 1 }
            if counts.contains(n) { continue }
            var offset = 0
            for i in 0..<256 {
                let c = counts[i]
                counts[i] = offset
                offset += c
            }
            for key in from {
                let digit = Int((key >> shift) & 0xFF)
                to[counts[digit]] = key
                counts[digit] += 1
            }
            swap(&from, &to)
        }
        if from.baseAddress != keys.baseAddress { keys.baseAddress!.update(from: from.baseAddress!, count: n) }
    }

    static func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>) {
        let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, keys.count))
        defer { scratch.deallocate() }
        radixSort(keys, scratch: scratch)
    }

    /// AUC (NaN without positives or negatives) and average precision from the positives' and
    /// the negatives' keys, each sorted ascending. Walks the distinct thresholds once: the ROC
    /// points `drop_intermediate` keeps feed the trapezoid terms; the precision-recall terms are
    /// non-zero only where recall rises, and numpy's pairwise sum is replayed over their positions.
    /// Complexity: O(P + N) time, O(kept points + thresholds with positives) memory.
    static func aucAndAveragePrecision(
        sortedPositiveKeys positives: UnsafeBufferPointer<UInt64>,
        sortedNegativeKeys negatives: UnsafeBufferPointer<UInt64>
    ) -> (auc: Double, averagePrecision: Double) {
        let lastT = Double(positives.count)
        let lastF = Double(negatives.count)
        if positives.isEmpty {
            // Recall is 1 throughout: take the general path (an edge case, cheap enough).
            let curve = clfCurve(sortedPositives: [], sortedNegatives: negatives.map(value(ofKey:)))
            return (.nan, averagePrecision(curve))
        }
        var rocTerms: [Double] = []
        var apEntries: [(Int, Double)] = []
        // ROC window: the last two points, and the last kept point (starting at the prepended origin).
        var a = (fp: 0.0, tp: 0.0)
        var b = (fp: 0.0, tp: 0.0)
        var keptX = 0.0
        var keptY = 0.0
        @inline(__always) func keep(_ p: (fp: Double, tp: Double)) {
            let x = p.fp / lastF
            let y = p.tp / lastT
            rocTerms.append((x - keptX) * (y + keptY) / 2.0)
            keptX = x
            keptY = y
        }
        var k = 0
        var i = 0
        var j = 0
        var tp = 0.0
        var fp = 0.0
        let p = positives.count
        let n = negatives.count
        while i < p || j < n {
            let key = i < p && (j >= n || positives[i] <= negatives[j]) ? positives[i] : negatives[j]
            let previousTP = tp
            while i < p && positives[i] == key {
                tp += 1
                i += 1
            }
            while j < n && negatives[j] == key {
                fp += 1
                j += 1
            }
            let c = (fp: fp, tp: tp)
            if tp > previousTP {
                let recall = tp / lastT
                let previousRecall = previousTP / lastT
                apEntries.append((k, (previousRecall - recall) * (tp / (tp + fp))))
            }
            // Point k − 1 is kept if it is the first, or if the curve bends there.
            if k == 1 {
                keep(b)
            } else if k >= 2 {
                let secondFP = (c.fp - b.fp) - (b.fp - a.fp)
                let secondTP = (c.tp - b.tp) - (b.tp - a.tp)
                if secondFP != 0 || secondTP != 0 { keep(b) }
            }
            a = b
            b = c
            k += 1
        }
        keep(b)  // the last point
        let thresholds = k
        // Precision-recall terms sit at position thresholds − 1 − k of numpy's array.
        let entries = apEntries.reversed().map { (thresholds - 1 - $0.0, $0.1) }
        let ap = -NumpyMath.sparseSum(count: thresholds, entries: entries[...])
        let auc = negatives.isEmpty ? Double.nan : NumpyMath.sum(rocTerms)
        return (auc, ap)
    }
}

extension NumpyMath {
    /// `np.add.reduce` of an array of `count` values that are zero except at `entries`
    /// (position, value; positions ascending): the same pairwise tree as `sum`, zeros skipped
    /// (adding a zero never changes a partial sum).
    static func sparseSum(count n: Int, entries: ArraySlice<(Int, Double)>, offset: Int = 0) -> Double {
        if entries.isEmpty { return n == 0 ? -0.0 : 0.0 }
        if n < 8 {
            var result = -0.0 + 0.0
            for (_, v) in entries { result += v }
            return result
        }
        if n <= 128 {
            var r = [Double](repeating: 0, count: 8)
            let blockEnd = n - (n % 8)
            var result = 0.0
            var tail: [Double] = []
            for (position, v) in entries {
                let local = position - offset
                if local < blockEnd { r[local % 8] += v } else { tail.append(v) }
            }
            result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            for v in tail { result += v }
            return result
        }
        var half = n / 2
        half -= half % 8
        let split = entries.firstIndex { $0.0 - offset >= half } ?? entries.endIndex
        return sparseSum(count: half, entries: entries[entries.startIndex..<split], offset: offset)
            + sparseSum(count: n - half, entries: entries[split...], offset: offset + half)
    }
}
