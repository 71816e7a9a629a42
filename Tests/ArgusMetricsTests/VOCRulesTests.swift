import ArgusCore
import Testing

@testable import ArgusMetrics

/// The matching and undefined-value rules of see docs/metrics.md, one by one.
@Suite struct VOCRulesTests {
    /// One 100×100 image; categories a, b, c, d; objects given as (category, box, crowd).
    func data(truth: [(Int, [Double], Bool)], detections: [(Int, [Double], Double)]) -> EvaluationData {
        var gt = EvaluationData.Objects()
        var dt = EvaluationData.Objects()
        for (i, (k, box, crowd)) in truth.enumerated() {
            gt.image.append(0)
            gt.category.append(Int32(k))
            gt.boxes += box
            gt.areas.append(box[2] * box[3])
            gt.ids.append(i + 1)
            gt.isCrowd.append(crowd)
        }
        for (i, (k, box, score)) in detections.enumerated() {
            dt.image.append(0)
            dt.category.append(Int32(k))
            dt.boxes += box
            dt.areas.append(box[2] * box[3])
            dt.ids.append(i + 1)
            dt.isCrowd.append(false)
            dt.scores.append(score)
        }
        return EvaluationData(
            images: [.init(id: 1, width: 100, height: 100, name: "a.jpg", sourceIndex: 0)],
            categoryIDs: [1, 2, 3, 4], categoryNames: ["a", "b", "c", "d"], groundTruth: gt, detections: dt)
    }

    @Test func takenGroundTruthMakesAFalsePositiveWithoutFallback() {
        // Two objects; both detections overlap the first best. The second detection does not fall
        // back to the second object.
        let result = VOCEvaluator.evaluate(
            data(
                truth: [(0, [0, 0, 10, 10], false), (0, [2, 0, 10, 10], false)],
                detections: [(0, [0, 0, 10, 10], 0.9), (0, [0.5, 0, 10, 10], 0.8)]))
        #expect(result.matches.map(\.outcome) == [.truePositive, .falsePositive])
        #expect(result.classes[0].precision == 0.5 && result.classes[0].recall == 0.5)
        #expect(result.missed.count == 1)
    }

    @Test func crowdMatchesAreIgnoredAndNotCounted() {
        let result = VOCEvaluator.evaluate(
            data(
                truth: [(0, [0, 0, 50, 50], true), (0, [60, 60, 10, 10], false)],
                detections: [(0, [10, 10, 10, 10], 0.9), (0, [60, 60, 10, 10], 0.8)]))
        // Crowd IoU is intersection over the detection's area: 1 here.
        #expect(result.matches.map(\.outcome) == [.ignored, .truePositive])
        #expect(result.classes[0].groundTruthCount == 1)
        #expect(result.classes[0].averagePrecision == 1 && result.classes[0].precision == 1)
    }

    @Test func equalIoUsGoToTheFirstGroundTruthAndEqualScoresKeepFileOrder() {
        let result = VOCEvaluator.evaluate(
            data(
                truth: [(0, [0, 0, 10, 10], false), (0, [0, 0, 10, 10], false)],
                detections: [(0, [0, 0, 10, 10], 0.5), (0, [30, 30, 5, 5], 0.5), (0, [0, 0, 10, 10], 0.5)]))
        #expect(result.matches.map(\.detection) == [0, 1, 2])
        #expect(result.matches[0].groundTruth == 0 && result.matches[0].outcome == .truePositive)
        #expect(result.matches[2].groundTruth == 0 && result.matches[2].outcome == .falsePositive)
    }

    @Test func undefinedValuesStayUndefined() {
        // a: ground truth and a detection; b: no ground truth, a detection; c: ground truth, no detection; d: nothing.
        let result = VOCEvaluator.evaluate(
            data(
                truth: [(0, [0, 0, 10, 10], false), (2, [50, 50, 10, 10], false)],
                detections: [(0, [0, 0, 10, 10], 0.9), (1, [20, 20, 10, 10], 0.8)]))
        let byName = Dictionary(uniqueKeysWithValues: result.classes.map { ($0.name, $0) })
        #expect(byName["a"]!.averagePrecision == 1 && byName["a"]!.precision == 1 && byName["a"]!.recall == 1)
        #expect(byName["b"]!.averagePrecision == nil && byName["b"]!.precision == 0 && byName["b"]!.recall == nil)
        #expect(byName["c"]!.averagePrecision == 0 && byName["c"]!.precision == nil && byName["c"]!.recall == 0)
        #expect(byName["d"]!.averagePrecision == nil && byName["d"]!.precision == nil && byName["d"]!.recall == nil)
        // Means over the defined values only.
        #expect(result.meanAveragePrecision == 0.5)
        #expect(result.precision == 0.5)
        #expect(result.recall == 0.5)
    }

    @Test func averagePrecisionInterpolations() {
        // Precision 1, 0.5, 2/3 at recall 1/3, 1/3, 2/3 (3 objects).
        let points: [(precision: Double, recall: Double)] = [(1, 1.0 / 3), (0.5, 1.0 / 3), (2.0 / 3, 2.0 / 3)]
        #expect(
            abs(VOCEvaluator.averagePrecision(points, interpolation: .allPoint) - (1.0 / 3 + 2.0 / 3 * 1.0 / 3)) < 1e-15
        )
        // 11-point: r = 0…0.3 → 1, 0.4…0.6 → 2/3 (0.3 is 0.30000000000000004 > 1/3? no: 1/3 > 0.3), 0.7… → 0.
        let eleven = VOCEvaluator.averagePrecision(points, interpolation: .elevenPoint)
        #expect(abs(eleven - (4 * 1 + 3 * 2.0 / 3) / 11) < 1e-15)
    }
}
