import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusPipeline

/// Multi-class evaluation on the real digits set (images from scikit-learn, predictions of a
/// logistic regression) against scikit-learn's values, and the bad inputs.
@Suite struct ClassificationEvaluationJobTests {
    static let digits = DetectionEvaluationJobTests.root + "/samples/digits"

    @Test func digitsMatchScikitLearn() throws {
        let job = ClassificationEvaluationJob(
            groundTruth: Self.digits + "/validation.jsonl", predictions: Self.digits + "/predictions.jsonl")
        let outcome = try job.run()
        #expect(outcome.metrics.sampleCount == 300 && outcome.metrics.classCount == 10)
        let bytes = try PaddedBytes(
            contentsOfFile: DetectionEvaluationJobTests.root + "/golden/classification/digits_expected.json")
        let expected: [(String, Double)] = try JSONDocument().parse(bytes) { root in
            root["expected"]!.members.map { ($0.key, $0.value.double!) }
        }.get()
        let ours = Dictionary(uniqueKeysWithValues: outcome.metrics.scalars(predicted: outcome.predicted))
        #expect(expected.count >= 19)
        for (name, value) in expected {
            #expect(abs(ours[name]! - value) <= 1e-12, "\(name): \(ours[name]!) vs \(value)")
        }
        // The images are real PNG files whose headers Argus reads.
        #expect(
            ImageHeader.size(ofFile: Self.digits + "/images/digit_0000.png") == ImageHeader.Size(width: 32, height: 32))
        let folder = DetectionEvaluationJobTests().scratch() + "/eval"
        try job.write(outcome, to: folder, overwrite: false)
        let file = try ClassificationMetricsFile.read(folder + "/metrics.json")
        #expect(file.primaryMetricName == "accuracy")
        #expect(file.confusionMatrix?.counts.joined().reduce(0, +) == 300)
    }

    func write(_ text: String, _ name: String, in folder: String) -> String {
        Scratch.write(text, folder, name)
    }

    @Test func missingPredictionsAndUnknownLabels() throws {
        let folder = DetectionEvaluationJobTests().scratch()
        let truth = write(
            (0..<4).map { #"{"image_url": "i\#($0).jpg", "label": "\#($0 % 2 == 0 ? "cat" : "dog")"}"# }.joined(
                separator: "\n"), "gt.jsonl", in: folder)
        let predictions = write(
            (0..<3).map { #"{"filename": "i\#($0).jpg", "probs": [0.9, 0.1], "labels": ["cat", "dog"]}"# }.joined(
                separator: "\n"), "p.jsonl", in: folder)
        var job = ClassificationEvaluationJob(groundTruth: truth, predictions: predictions)
        #expect {
            try job.run()
        } throws: { error in
            (error as? DataError)?.diagnostics.map(\.description).contains(
                truth + ":4: image_url: no prediction for i3.jpg (pass --missing as-wrong to count it wrong)") == true
        }
        job.missing = .asWrong
        let outcome = try job.run()
        #expect(outcome.missingPredictions == 1)
        // i0 cat→cat right, i1 dog→cat wrong, i2 cat→cat right, i3 missing → wrong.
        #expect(outcome.metrics.accuracy(outcome.predicted) == 0.5)

        let unknown = write(#"{"image_url": "i0.jpg", "label": "eel"}"#, "unknown.jsonl", in: folder)
        #expect {
            try ClassificationEvaluationJob(groundTruth: unknown, predictions: predictions).run()
        } throws: { error in
            (error as? DataError)?.diagnostics.map(\.description).contains(
                unknown + #":1: label: label "eel" is not among the predictions' labels"#) == true
        }
    }
}

@Suite struct MultilabelEvaluationJobTests {
    @Test func joinsByFileNameAndScores() throws {
        let folder = DetectionEvaluationJobTests().scratch()
        let tests = ClassificationEvaluationJobTests()
        let truth = tests.write("filename,labels\nb.jpg,cat dog\na.jpg,\nc.jpg,dog\n", "gt.csv", in: folder)
        let predictions = tests.write(
            """
            {"filename": "a.jpg", "probs": [0.2, 0.7, 0.1], "labels": ["cat", "dog", "eel"]}
            {"filename": "b.jpg", "probs": [0.9, 0.6, 0.5], "labels": ["cat", "dog", "eel"]}
            {"filename": "c.jpg", "probs": [0.6, 0.4, 0.1], "labels": ["cat", "dog", "eel"]}
            """, "p.jsonl", in: folder)
        let job = MultilabelEvaluationJob(groundTruth: truth, predictions: predictions)
        let outcome = try job.run()
        let (metrics, missing) = (outcome.metrics, outcome.missingPredictions)
        #expect(missing == 0 && metrics.sampleCount == 3 && metrics.labels == ["cat", "dog", "eel"])
        // b: {cat, dog} vs {cat, dog} → 1; a: {} vs {dog} → 0; c: {dog} vs {cat} → 0 (0.5 is not > 0.5).
        let values = Dictionary(uniqueKeysWithValues: metrics.scalars())
        #expect(abs(values["iou"]! - 1.0 / 3) < 1e-15)
        #expect(values["subset_accuracy"] == 1.0 / 3)
        let json = String(decoding: job.metricsFile(outcome).encoded(), as: UTF8.self)
        #expect(json.contains("\"classes_absent\": [\n    \"eel\"\n  ]"))
    }
}
