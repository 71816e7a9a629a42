import ArgusGate
import ArgusMetrics
import ArgusPipeline
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

/// The COCO bootstrap: pycocotools' statistics re-accumulated from `coco_matches.json` under
/// per-image weights, against pycocotools run on data sets made by copying each drawn image.
@Suite struct COCOBootstrapTests {
    static let groundTruth = "golden/detection/cases/bbox_102_gt.json"

    /// Evaluates the bbox_102 case (`coco_voc`) with `predictions` into `folder/name`.
    static func evaluate(_ folder: ScratchFolder, _ name: String, predictions: String) throws -> GateInput {
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: Repository.path(groundTruth),
            predictions: Repository.path(predictions))
        job.metricType = .cocoVOC
        job.keepCOCOMatching = true
        _ = try job.evaluate(into: folder.file(name), overwrite: false)
        return try GateInput(folder: folder.file(name))
    }

    @Test func everyWeightGivesPycocotoolsStatistics() throws {
        guard let golden = Golden.json("golden/gate/coco_bootstrap.json") else { return }
        let folder = ScratchFolder()
        let inputs = [
            "candidate": try Self.evaluate(folder, "a", predictions: "golden/detection/cases/bbox_102_results.json"),
            "baseline": try Self.evaluate(folder, "b", predictions: "golden/gate/coco_bbox_102_baseline.json"),
        ]
        let ids = try #require(golden.values["image_ids"] as? [Int])
        let rows = try #require(golden.values["resamples"] as? [[String: Any]])
        for (model, input) in inputs {
            let file = try COCOMatchesFile.read(folder.file(model == "candidate" ? "a" : "b") + "/coco_matches.json")
            let records = COCOResampling(file: file)
            // The image axis is coco_matches.json's; the golden weights are given by image id.
            var position: [Int: Int] = [:]
            for (index, id) in file.imageIDs.enumerated() { position[id] = index }
            #expect(Set(file.imageIDs) == Set(ids))
            // Every weight 1 gives metrics.json's statistics exactly.
            let ones = records.snapshot(weights: [Int32](repeating: 1, count: ids.count))
            for statistic in COCOStatistic.allCases {
                let name = COCOResampling.scalarName(statistic)
                #expect(ones.scalars[name] == input.scalars[name], "\(model) \(name)")
            }
            for (index, row) in rows.enumerated() {
                var weights = [Int32](repeating: 0, count: ids.count)
                for (id, weight) in zip(ids, try #require(row["weights"] as? [Int])) {
                    weights[position[id]!] = Int32(weight)
                }
                let snapshot = records.snapshot(weights: weights)
                let expected = try #require(row[model] as? [String: Any])
                let stats = try #require(expected["stats"] as? [Any])
                for (statistic, value) in zip(COCOStatistic.allCases, stats) {
                    let got = snapshot.scalars[COCOResampling.scalarName(statistic)] ?? nil
                    let want = value as? Double
                    #expect((got == nil) == (want == nil), "resample \(index) \(model) \(statistic)")
                    if let got, let want {
                        #expect(abs(got - want) <= golden.tolerance, "resample \(index) \(model) \(statistic)")
                    }
                }
                let perCategory = try #require(expected["per_category_ap"] as? [String: Any])
                let aps = try #require(snapshot.perLabel["coco.AP"])
                for (k, id) in file.categoryIDs.enumerated() {
                    let want = perCategory[String(id)] as? Double
                    #expect((aps[k] == nil) == (want == nil), "resample \(index) \(model) category \(id)")
                    if let got = aps[k], let want {
                        #expect(abs(got - want) <= golden.tolerance, "resample \(index) \(model) category \(id)")
                    }
                }
            }
        }
    }

    @Test func intervalsOfTheDifferenceEqualNumpy() throws {
        guard let golden = Golden.json("golden/gate/coco_bootstrap.json") else { return }
        let folder = ScratchFolder()
        let candidate = try Self.evaluate(folder, "a", predictions: "golden/detection/cases/bbox_102_results.json")
        let baseline = try Self.evaluate(folder, "b", predictions: "golden/gate/coco_bbox_102_baseline.json")
        let a = try candidate.resampling()
        let b = try baseline.resampling()
        let ids = try #require(golden.values["image_ids"] as? [Int])
        let rows = try #require(golden.values["resamples"] as? [[String: Any]])
        let file = try COCOMatchesFile.read(folder.file("a") + "/coco_matches.json")
        var nameOfID: [Int: String] = [:]
        for (id, name) in zip(file.imageIDs, file.imageNames) { nameOfID[id] = name }
        var position: [String: Int] = [:]
        for (index, name) in a.imageNames.enumerated() { position[name] = index }
        let intervals = try #require(golden.values["intervals"] as? [String: [String: Double]])
        for statistic in ["AP", "AP50"] {
            var deltas: [Double] = []
            for row in rows {
                var weights = [Int32](repeating: 0, count: a.imageNames.count)
                for (id, weight) in zip(ids, try #require(row["weights"] as? [Int])) {
                    weights[position[nameOfID[id]!]!] = Int32(weight)
                }
                let x = a.scalar("coco.\(statistic)", weights: weights)
                let y = b.scalar("coco.\(statistic)", weights: weights)
                if let x, let y { deltas.append(x - y) }
            }
            deltas.sort()
            let expected = try #require(intervals[statistic])
            Golden.expectClose(
                [percentile(deltas, 2.5), percentile(deltas, 97.5)], [expected["low"]!, expected["high"]!],
                tolerance: golden.tolerance, statistic)
        }
    }
}

/// The gate's rules on COCO statistics, from evaluations that kept their COCO matching.
@Suite struct COCOGateTests {
    func decide(_ rules: String, _ candidate: GateInput, _ baseline: GateInput) throws -> GateDecision {
        try Gate.judge(
            policy: try GatePolicy.parse("resamples: 200\nrules:\n" + rules, file: "gate.yml"), candidate: candidate,
            baseline: baseline)
    }

    @Test func significanceAndPerLabelRulesJudgeCOCOStatistics() throws {
        let folder = ScratchFolder()
        let candidate = try COCOBootstrapTests.evaluate(
            folder, "a", predictions: "golden/detection/cases/bbox_102_results.json")
        let baseline = try COCOBootstrapTests.evaluate(
            folder, "b", predictions: "golden/gate/coco_bbox_102_baseline.json")
        let cases: [(String, Bool)] = [
            ("  - {metric: coco.AP, significant: {confidence: 0.95, margin: 0.05}}\n", true),
            ("  - {metric: coco.AP, significant: {confidence: 0.95, margin: 0.0}}\n", false),
            ("  - {per_label: coco.AP, max_drop: 0.5, correction: holm, alpha: 0.05}\n", true),
            ("  - {per_label: coco.AP50, max_drop: 0.0, correction: none, alpha: 0.5}\n", true),
            // VOC and COCO records of one evaluation, drawn together.
            (
                "  - {metric: mean_average_precision, significant: {confidence: 0.9, margin: 0.2}}\n"
                    + "  - {metric: coco.AP50, significant: {confidence: 0.9, margin: 0.2}}\n", true
            ),
        ]
        for (rules, passes) in cases {
            let decision = try decide(rules, candidate, baseline)
            #expect(decision.passed == passes, "\(rules): \(decision.text)")
            #expect(decision.results.allSatisfy { $0.detail.contains("interval") || $0.detail.contains("label") })
        }
        // The jittered scores as the candidate: some categories drop.
        let reversed = try decide(
            "  - {per_label: coco.AP50, max_drop: 0.0, correction: none, alpha: 0.5}\n", baseline, candidate)
        #expect(!reversed.passed && !reversed.results[0].failedLabels.isEmpty, "\(reversed.text)")
    }

    @Test func withoutTheKeptMatchingTheGateSaysHowToKeepIt() throws {
        let folder = ScratchFolder()
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: Repository.path(COCOBootstrapTests.groundTruth),
            predictions: Repository.path("golden/detection/cases/bbox_102_results.json"))
        job.metricType = .coco
        _ = try job.evaluate(into: folder.file("plain"), overwrite: false)
        let plain = try GateInput(folder: folder.file("plain"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("plain") + "/coco_matches.json"))
        do {
            _ = try decide("  - {metric: coco.AP, significant: {confidence: 0.95}}\n", plain, plain)
            Issue.record("judged without the COCO matching")
        } catch {
            #expect("\(error)".contains("--bootstrap-records") && "\(error)".contains("coco_matches.json"))
        }
    }
}
