/// COCOeval's `precision` (T×R×K×A×M), `scores` (same) and `recall` (T×K×A×M) arrays, with
/// named axes. An entry never computed (no ground truth for that category and area) is `nil`,
/// where pycocotools stores −1.
public struct PrecisionTable: Sendable {
    public let iouThresholds: Int, recallThresholds: Int, categories: Int, areaRanges: Int, maxDetections: Int
    private var precision: [Double]
    private var scores: [Double]
    private var recall: [Double]

    init(iouThresholds T: Int, recallThresholds R: Int, categories K: Int, areaRanges A: Int, maxDetections M: Int) {
        iouThresholds = T
        recallThresholds = R
        categories = K
        areaRanges = A
        maxDetections = M
        // Megabytes of fresh pages, which cost more to fault in than to fill: on every core.
        precision = Array(concurrentlyFilled: T * R * K * A * M) { _ in -1 }
        scores = Array(concurrentlyFilled: T * R * K * A * M) { _ in -1 }
        recall = [Double](repeating: -1, count: T * K * A * M)
    }

    @inline(__always) func precisionIndex(t: Int, r: Int, k: Int, a: Int, m: Int) -> Int {
        (((t * recallThresholds + r) * categories + k) * areaRanges + a) * maxDetections + m
    }

    @inline(__always) func recallIndex(t: Int, k: Int, a: Int, m: Int) -> Int {
        ((t * categories + k) * areaRanges + a) * maxDetections + m
    }

    /// Interpolated precision at IoU threshold `t`, recall threshold `r`, category `k`, area range `a`, maxDets `m`.
    public func precision(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double? {
        let value = precision[precisionIndex(t: t, r: r, k: k, a: a, m: m)]
        return value == -1 ? nil : value
    }

    /// The score at which that precision is reached.
    public func score(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double? {
        let value = scores[precisionIndex(t: t, r: r, k: k, a: a, m: m)]
        return value == -1 ? nil : value
    }

    /// Recall at IoU threshold `t`, category `k`, area range `a` and max-detection setting `m` (nil where −1).
    public func recall(t: Int, k: Int, a: Int, m: Int) -> Double? {
        let value = recall[recallIndex(t: t, k: k, a: a, m: m)]
        return value == -1 ? nil : value
    }

    /// Raw values with −1 for undefined, in pycocotools' layout (for exact means).
    func rawPrecision(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double {
        precision[precisionIndex(t: t, r: r, k: k, a: a, m: m)]
    }
    func rawRecall(t: Int, k: Int, a: Int, m: Int) -> Double { recall[recallIndex(t: t, k: k, a: a, m: m)] }

    /// Writable views for the concurrent accumulation (each category writes only its own entries).
    final class Storage: @unchecked Sendable {
        let precision: UnsafeMutablePointer<Double>, scores: UnsafeMutablePointer<Double>,
            recall: UnsafeMutablePointer<Double>
        let table: PrecisionTableShape
        init(
            precision: UnsafeMutablePointer<Double>, scores: UnsafeMutablePointer<Double>,
            recall: UnsafeMutablePointer<Double>, table: PrecisionTableShape
        ) {
            self.precision = precision
            self.scores = scores
            self.recall = recall
            self.table = table
        }
        @inline(__always) func setPrecision(_ value: Double, score: Double, t: Int, r: Int, k: Int, a: Int, m: Int) {
            let i = (((t * table.R + r) * table.K + k) * table.A + a) * table.M + m
            precision[i] = value
            scores[i] = score
        }
        @inline(__always) func setRecall(_ value: Double, t: Int, k: Int, a: Int, m: Int) {
            recall[((t * table.K + k) * table.A + a) * table.M + m] = value
        }
        /// Copies category `k`'s entries at maxDets `from` to maxDets `to` (the same detections kept).
        func copy(category k: Int, maxDetections from: Int, to: Int, iouThresholds T: Int) {
            for t in 0..<T {
                for a in 0..<table.A {
                    let base = ((t * table.K + k) * table.A + a) * table.M
                    recall[base + to] = recall[base + from]
                    for r in 0..<table.R {
                        let i = (((t * table.R + r) * table.K + k) * table.A + a) * table.M
                        precision[i + to] = precision[i + from]
                        scores[i + to] = scores[i + from]
                    }
                }
            }
        }
    }

    struct PrecisionTableShape { let R: Int, K: Int, A: Int, M: Int }

    mutating func withStorage(_ body: (Storage) -> Void) {
        let shape = PrecisionTableShape(R: recallThresholds, K: categories, A: areaRanges, M: maxDetections)
        precision.withUnsafeMutableBufferPointer { p in
            scores.withUnsafeMutableBufferPointer { s in
                recall.withUnsafeMutableBufferPointer { r in
                    body(
                        Storage(precision: p.baseAddress!, scores: s.baseAddress!, recall: r.baseAddress!, table: shape)
                    )
                }
            }
        }
    }
}
