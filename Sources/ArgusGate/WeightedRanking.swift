import ArgusMetrics

/// ROC AUCs of multi-class probabilities under per-image weights: one-vs-rest per label, their
/// macro and support-weighted means, and the micro AUC over every (image, label) pair — what
/// scikit-learn's `roc_auc_score` gives with `sample_weight` (weight-0 images left out).
struct WeightedRanking: Sendable {
    /// One column's entries, best score first.
    struct Column: Sendable {
        /// The image of each entry.
        var image: [Int32]
        /// Whether the entry is a positive (the image's true label).
        var positive: [Bool]
        /// Whether the next entry has a lower score (the end of a threshold).
        var groupEnd: [Bool]
    }

    let labels: Int
    let truth: [Int32]
    let columns: [Column]
    let micro: Column

    /// - Parameters:
    ///   - probabilities: each image's probabilities, in label order.
    ///   - truth: each image's true label (−1 where unknown: never a positive).
    init(probabilities: [[Double]], truth: [Int32], labels: Int) {
        self.labels = labels
        self.truth = truth
        columns = (0..<labels).map { c in
            Self.column(probabilities.indices.map { (Int32($0), probabilities[$0][c], truth[$0] == Int32(c)) })
        }
        var all: [(Int32, Double, Bool)] = []
        all.reserveCapacity(probabilities.count * labels)
        for (i, row) in probabilities.enumerated() {
            for (c, value) in row.enumerated() { all.append((Int32(i), value, truth[i] == Int32(c))) }
        }
        micro = Self.column(all)
    }

    static func column(_ entries: [(image: Int32, score: Double, positive: Bool)]) -> Column {
        let sorted = entries.sorted { $0.score > $1.score }
        return Column(
            image: sorted.map(\.image), positive: sorted.map(\.positive),
            groupEnd: sorted.indices.map { $0 + 1 == sorted.count || sorted[$0 + 1].score != sorted[$0].score })
    }

    /// One column's AUC under `weights` (NaN without positives or negatives).
    static func auc(_ column: Column, weights: [Int32]) -> Double {
        var fps: [Double] = []
        var tps: [Double] = []
        var tp = 0.0
        var fp = 0.0
        var weighted = false
        for i in column.image.indices {
            let w = weights[Int(column.image[i])]
            if w > 0 {
                weighted = true
                if column.positive[i] { tp += Double(w) } else { fp += Double(w) }
            }
            if column.groupEnd[i] && weighted {
                fps.append(fp)
                tps.append(tp)
                weighted = false
            }
        }
        return BinaryCurves.rocAUC(cumulative: (fps, tps, [Double](repeating: 0, count: fps.count)))
    }

    /// Per label, then AUC_macro, AUC_weighted and AUC_micro (nil where undefined).
    func values(weights: [Int32]) -> (perLabel: [Double?], macro: Double?, weighted: Double?, micro: Double?) {
        let aucs = columns.map { Self.auc($0, weights: weights) }
        var support = [Double](repeating: 0, count: labels)
        for (i, t) in truth.enumerated() where t >= 0 { support[Int(t)] += Double(weights[i]) }
        func defined(_ value: Double) -> Double? { value.isNaN ? nil : value }
        return (
            aucs.map(defined), defined(MulticlassMetrics.average(aucs)),
            defined(MulticlassMetrics.average(aucs, weights: support)), defined(Self.auc(micro, weights: weights))
        )
    }
}
