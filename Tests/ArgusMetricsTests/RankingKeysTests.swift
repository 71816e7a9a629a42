import Testing

@testable import ArgusMetrics

/// The one-walk ranking (sorted keys, no curves materialised) gives bit for bit the AUC and
/// average precision of the curve-building path (which the scikit-learn goldens pin).
@Suite struct RankingKeysTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    @Test(arguments: [(1, 300, 4), (2, 5000, 7), (3, 20000, 3), (4, 3000, 12)])
    func sameBitsAsTheCurves(seed: UInt64, samples: Int, classes: Int) {
        var random = SplitMix(state: seed)
        // Coarse scores (many ties) for some seeds, fine ones for others; the last class never true.
        let levels = seed % 2 == 0 ? 20.0 : 1e9
        let truth = (0..<samples).map { _ in Int(random.next() % UInt64(classes - 1)) }
        var scores: [Double] = []
        for _ in 0..<samples {
            let row = (0..<classes).map { _ in (random.unit() * levels).rounded() / levels + 1e-3 }
            let total = row.reduce(0, +)
            scores += row.map { $0 / total }
        }
        scores[0] = -0.0 + 0.0 * scores[0]  // a zero score
        let metrics = MulticlassMetrics(labels: (0..<classes).map(String.init), truth: truth, scores: scores)
        let fast = metrics.ranking
        for c in 0..<classes {
            let column = metrics.column(c)
            let slow = BinaryCurves.aucAndAveragePrecision(column.truth, column.scores)
            #expect(
                fast.auc[c].bitPattern == slow.auc.bitPattern || (fast.auc[c].isNaN && slow.auc.isNaN),
                "seed \(seed) class \(c) AUC")
            #expect(
                fast.averagePrecision[c].bitPattern == slow.averagePrecision.bitPattern,
                "seed \(seed) class \(c) AP \(fast.averagePrecision[c]) vs \(slow.averagePrecision)")
        }
        let micro = metrics.microRanking()
        #expect(fast.microAUC.bitPattern == micro.0.bitPattern, "seed \(seed) micro AUC")
        #expect(fast.microAveragePrecision.bitPattern == micro.1.bitPattern, "seed \(seed) micro AP")
    }

    @Test func sparseSumReplaysNumpysTree() {
        var random = SplitMix(state: 9)
        for n in [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4099] {
            var dense = [Double](repeating: 0, count: n)
            var entries: [(Int, Double)] = []
            for i in 0..<n where random.next() % 5 == 0 {
                dense[i] = random.unit() * 1e3 - 500
                entries.append((i, dense[i]))
            }
            #expect(
                NumpyMath.sparseSum(count: n, entries: entries[...]).bitPattern == NumpyMath.sum(dense).bitPattern,
                "n = \(n)")
        }
    }
}
