import ArgusData
import ArgusIO
import ArgusMetrics
import Foundation
import Testing

/// Multi-class metrics against scikit-learn (golden/classification, version recorded).
@Suite struct ClassificationGoldenTests {
    @Test(arguments: ["ties_5", "absent_class_6", "many_1000"])
    func matchesScikitLearn(_ name: String) throws {
        let json = MetricFixtures.json("golden/classification/\(name).json")
        #expect((json["versions"] as? [String: String])?["scikit-learn"] != nil)
        let labels = try #require(json["labels"] as? [String])
        let truth = try #require(json["truth"] as? [Int])
        // Numbers through simdjson (correctly rounded), not Foundation's parser.
        let bytes = try PaddedBytes(contentsOfFile: MetricFixtures.root + "/golden/classification/\(name).json")
        let probs = try JSONDocument().parse(bytes) { root in root["probs"]!.elements.flatMap { $0.doubles! } }.get()
        let metrics = MulticlassMetrics(labels: labels, truth: truth, scores: probs)
        let expected = try #require(json["expected"] as? [String: Any])
        let ours = Dictionary(uniqueKeysWithValues: metrics.scalars())
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            let mine = try #require(ours[key], "\(key) missing")
            if let number = value as? Double {
                #expect(abs(mine - number) <= 1e-12, "\(name) \(key): \(mine) vs \(number)")
            } else {
                #expect(mine.isNaN, "\(name) \(key) should be undefined, got \(mine)")
            }
        }
        let per = metrics.perClass(metrics.confusionMatrix(metrics.predicted))
        let reference = try #require(json["per_label"] as? [String: [Double]])
        for (key, values) in [
            ("precision", per.precision), ("recall", per.recall), ("f1", per.f1),
            ("support", per.support.map(Double.init)),
        ] {
            #expect(zip(values, reference[key]!).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(name) per-label \(key)")
        }
        if let matrix = json["confusion_matrix"] as? [[Int]] {
            #expect(metrics.confusionMatrix(metrics.predicted) == matrix)
        }
        if json["macro_roc_tpr"] != nil {
            let reference = try JSONDocument().parse(bytes) { root in root["macro_roc_tpr"]!.doubles! }.get()
            let macro = metrics.macroROC()
            #expect(macro.tpr.count == reference.count)
            #expect(zip(macro.tpr, reference).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(name) macro ROC")
            let referencePR = try JSONDocument().parse(bytes) { root in root["macro_pr_precision"]!.doubles! }.get()
            let macroPR = metrics.macroPrecisionRecall()
            #expect(macroPR.precision.count == referencePR.count)
            #expect(zip(macroPR.precision, referencePR).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(name) macro PR")
        }
    }

    @Test func calibrationBins() {
        // Two samples at confidence 0.9 (one right), one at 0.6 (right).
        let metrics = MulticlassMetrics(labels: ["a", "b"], truth: [0, 1, 0], scores: [0.9, 0.1, 0.9, 0.1, 0.6, 0.4])
        let (ece, bins) = metrics.calibration(bins: 10)
        #expect(bins.count == 10 && bins[8].count == 2 && bins[5].count == 1)
        // |0.5 − 0.9| · 2/3 + |1 − 0.6| · 1/3
        #expect(abs(ece - (0.4 * 2 / 3 + 0.4 / 3)) < 1e-12)
    }
}

/// Multi-label metrics against scikit-learn.
@Suite struct MultilabelGoldenTests {
    @Test(arguments: ["multilabel_empty_sets", "multilabel_fine"])
    func matchesScikitLearn(_ name: String) throws {
        let path = MetricFixtures.root + "/golden/classification/\(name).json"
        let bytes = try PaddedBytes(contentsOfFile: path)
        let (labels, truth, probs, expected, classwise): ([String], [Bool], [Double], [(String, Double?)], [Double]) =
            try JSONDocument().parse(bytes) { root in
                (
                    root["labels"]!.elements.map { $0.string! },
                    root["truth"]!.elements.flatMap { $0.elements.map { $0.int! == 1 } },
                    root["probs"]!.elements.flatMap { $0.doubles! },
                    root["expected"]!.members.map { ($0.key, $0.value.double) },
                    root["iou_classwise"]!.doubles!
                )
            }.get()
        let metrics = MultilabelMetrics(labels: labels, truth: truth, scores: probs, threshold: 0.5)
        let ours = Dictionary(uniqueKeysWithValues: metrics.scalars())
        #expect(expected.count == 26)
        for (key, value) in expected {
            let mine = try #require(ours[key], "\(key) missing")
            if let value {
                #expect(abs(mine - value) <= 1e-12, "\(name) \(key): \(mine) vs \(value)")
            } else {
                #expect(mine.isNaN, "\(name) \(key) should be undefined, got \(mine)")
            }
        }
        #expect(zip(metrics.perLabel().map(\.iou), classwise).allSatisfy { abs($0 - $1) <= 1e-12 })
    }

    @Test func bestF1Threshold() {
        // One label: positives at 0.9 and 0.4, negatives at 0.6 and 0.2.
        let metrics = MultilabelMetrics(
            labels: ["a"], truth: [true, false, true, false], scores: [0.9, 0.6, 0.4, 0.2])
        let best = metrics.bestF1Thresholds()[0]
        // score > 0.2 predicts three: tp 2, F1 = 4/5, the best.
        #expect(best.threshold == 0.2 && abs(best.f1 - 0.8) < 1e-15)
    }
}
