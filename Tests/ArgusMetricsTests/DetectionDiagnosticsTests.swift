import ArgusCore
import Testing

@testable import ArgusMetrics

@Suite struct DetectionDiagnosticsTests {
    let rules = VOCRulesTests()

    @Test func confusionMatrixWithBackground() {
        // a found as a, b found as a (confusion), c missed, one detection on nothing, one below the score threshold.
        let data = rules.data(
            truth: [
                (0, [0, 0, 10, 10], false), (1, [20, 20, 10, 10], false), (2, [40, 40, 10, 10], false),
                (3, [80, 80, 10, 10], true),
            ],
            detections: [
                (0, [0, 0, 10, 10], 0.9), (0, [20, 20, 10, 10], 0.8), (1, [60, 60, 10, 10], 0.7),
                (2, [40, 40, 10, 10], 0.1), (1, [82, 82, 5, 5], 0.9),
            ])
        let matrix = DetectionConfusionMatrix(data, iouThreshold: 0.5, scoreThreshold: 0.3)
        #expect(matrix.labels == ["a", "b", "c", "d"])
        let background = 4
        #expect(matrix.counts[0][0] == 1)  // a → a
        #expect(matrix.counts[1][0] == 1)  // b → a
        #expect(matrix.counts[2][background] == 1)  // c missed (its detection is below the threshold)
        #expect(matrix.counts[background][1] == 1)  // a b detection on nothing; the one on the crowd is not counted
        #expect(matrix.counts.joined().reduce(0, +) == 4)
    }

    /// A sweep's matrix at each threshold is the matrix counted afresh at that threshold (crowd
    /// regions, cross-class pairs and detections below the evaluation's threshold included).
    @Test func aConfusionSweepEqualsEachThresholdCountedAfresh() {
        let data = rules.data(
            truth: [
                (0, [0, 0, 10, 10], false), (1, [20, 20, 10, 10], false), (2, [40, 40, 10, 10], false),
                (3, [80, 80, 10, 10], true), (0, [1, 1, 10, 10], false),
            ],
            detections: [
                (0, [0, 0, 10, 10], 0.9), (0, [20, 20, 10, 10], 0.8), (1, [60, 60, 10, 10], 0.7),
                (2, [40, 40, 10, 10], 0.1), (1, [82, 82, 5, 5], 0.9), (0, [1, 1, 10, 10], 0.42),
                (2, [0, 0, 10, 10], 0.55), (1, [40, 40, 10, 10], 0.33),
            ])
        let swept = DetectionConfusionMatrix(data, iouThreshold: 0.5, scoreThreshold: 0.33, sweep: true)
        #expect(swept.sweepThresholds == DetectionConfusionMatrix.sweepThresholds(including: 0.33))
        #expect(swept.sweepThresholds.count == 22 && swept.sweep.count == 22)
        #expect(swept.counts == DetectionConfusionMatrix(data, iouThreshold: 0.5, scoreThreshold: 0.33).counts)
        for (threshold, counts) in zip(swept.sweepThresholds, swept.sweep) {
            let afresh = DetectionConfusionMatrix(data, iouThreshold: 0.5, scoreThreshold: threshold)
            #expect(counts == afresh.counts, "at \(threshold)")
        }
        #expect(Set(swept.sweep.map { $0.joined().reduce(0, +) }).count > 3)
    }

    @Test func imageLevelHits() {
        var data = rules.data(truth: [(0, [0, 0, 10, 10], false)], detections: [(0, [0, 0, 10, 10], 0.9)])
        data.images.append(.init(id: 2, width: 100, height: 100, name: "b.jpg", sourceIndex: 1))
        data.detections.image.append(1)
        data.detections.category.append(0)
        data.detections.boxes += [0, 0, 5, 5]
        data.detections.areas.append(25)
        data.detections.ids.append(2)
        data.detections.isCrowd.append(false)
        data.detections.scores.append(0.8)
        let voc = VOCEvaluator.evaluate(data)
        let images = ImageLevelMetrics(data, matches: voc.matches, scoreThreshold: 0.5)
        #expect(
            images.truePositives == 1 && images.falsePositives == 1 && images.falseNegatives == 0
                && images.trueNegatives == 0)
        #expect(images.precision == 0.5 && images.recall == 1)
        let strict = ImageLevelMetrics(data, matches: voc.matches, scoreThreshold: 0.95)
        #expect(strict.falseNegatives == 1 && strict.trueNegatives == 1)
    }

    @Test func bestF1Threshold() throws {
        let data = rules.data(
            truth: [(0, [0, 0, 10, 10], false), (0, [20, 20, 10, 10], false)],
            detections: [
                (0, [0, 0, 10, 10], 0.9), (0, [50, 50, 10, 10], 0.8), (0, [20, 20, 10, 10], 0.7),
                (0, [70, 70, 10, 10], 0.6),
            ])
        let result = VOCEvaluator.evaluate(data).classes[0]
        // F1: 2/3 at 0.9, 1/2 at 0.8, 4/5 at 0.7, 2/3 at 0.6.
        let best = try #require(result.bestF1)
        #expect(best.threshold == 0.7 && abs(best.f1 - 0.8) < 1e-15)
    }
}

@Suite struct TIDETests {
    @Test func everyErrorTypeAndItsCost() {
        let data = VOCRulesTests().data(
            truth: [
                (0, [0, 0, 10, 10], false), (1, [20, 20, 10, 10], false), (2, [50, 50, 10, 10], false),
                (0, [70, 70, 10, 10], false),
            ],
            detections: [
                (0, [0, 0, 10, 10], 0.9),  // true positive
                (0, [0, 0, 10, 10], 0.85),  // duplicate
                (0, [20, 20, 10, 10], 0.8),  // classification (on the b object)
                (0, [73, 73, 10, 10], 0.7),  // localisation (IoU 0.32)
                (1, [52, 52, 10, 10], 0.6),  // both (wrong class, IoU 0.47)
                (2, [90, 0, 5, 5], 0.5),
            ])  // background
        let voc = VOCEvaluator.evaluate(data)
        let (errors, missed) = TIDEBreakdown.classify(data, voc: voc)
        let tide = TIDEBreakdown(
            records: voc.records, errors: errors, missedByClass: missed, truthCounts: voc.truthCounts,
            names: data.categoryNames, interpolation: .allPoint, foregroundThreshold: 0.5)
        for type in TIDEBreakdown.ErrorType.allCases { #expect(tide.counts[type] == 1, "\(type)") }
        let delta = tide.deltaAP.mapValues { $0! }
        #expect(delta[.classification]! > 0 && delta[.localization]! > 0 && delta[.missed]! > 0)
        #expect(delta[.duplicate] == 0 && delta[.both] == 0 && delta[.background] == 0)
        // Fixing the localisation error: class a reaches recall 1 at precision 1/2 → AP 0.75; mAP over a, b, c.
        #expect(abs(delta[.localization]! - (0.75 - 0.5) / 3) < 1e-15)
    }
}
