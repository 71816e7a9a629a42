import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusPipelineTestSupport
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusPipeline

@Suite struct DetectionEvaluationJobTests {
    static let root = Repository.root
    static let toy = root + "/golden/peers/review_object_detection_metrics/toyexample"

    func scratch(_ name: String = #function) -> String { Scratch.folder(name) }

    func metrics(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/metrics.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func vocAndCOCOOnTheToyExample() throws {
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: Self.toy + "/gts_vocpascal_format",
            predictions: Self.toy + "/dets_coco_format/coco_dets.json")
        job.metricType = .cocoVOC
        let outcome = try job.run()
        let folder = scratch() + "/eval"
        try job.write(outcome, to: folder, overwrite: false)
        let json = try metrics(folder)
        let primary = try #require(json["primary_metric"] as? [String: Any])
        #expect(primary["name"] as? String == "mean_average_precision")
        // The toy's published all-point AP at IoU 0.5 is 89.58%.
        #expect(abs((try #require(primary["value"] as? Double)) - 0.8958) < 5e-5)
        let perLabel = try #require(json["per_label"] as? [String: [String: Any]])
        #expect(!perLabel.isEmpty)
        let coco = try #require(json["coco"] as? [String: Any])
        #expect((coco["stats"] as? [Double])?.count == 12)
        #expect(FileManager.default.fileExists(atPath: folder + "/curves.json"))
        let matches = try String(contentsOfFile: folder + "/matches.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(matches.count >= outcome.data.detections.count)
        // The same output twice is refused without --overwrite, and nothing changes.
        #expect(throws: DataError.self) { try job.write(outcome, to: folder, overwrite: false) }
    }

    @Test func cocoOnlyModeHasNoVOCValues() throws {
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: Self.toy + "/gts_coco_format/toy_example_coco.JSON",
            predictions: Self.toy + "/dets_coco_format/coco_dets.json")
        job.groundTruthFormat = .coco
        job.metricType = .coco
        let outcome = try job.run()
        let folder = scratch() + "/eval"
        try job.write(outcome, to: folder, overwrite: false)
        let json = try metrics(folder)
        let values = try #require(json["metrics"] as? [String: Any])
        #expect(values["precision"] is NSNull && values["recall"] is NSNull)
        let coco = try #require(json["coco"] as? [String: Any])
        let stats = try #require(coco["stats"] as? [Double])
        #expect(values["mean_average_precision"] as? Double == stats[1])
        #expect(json["per_label"] == nil)
    }
}

/// Shards evaluated separately and merged write the metrics one evaluation writes, byte for byte.
@Suite struct ShardMergeTests {
    @Test(arguments: [
        ("bbox_101", VisionTask.imageObjectDetection, 3), ("segm_202", VisionTask.imageInstanceSegmentation, 4),
        ("bbox_103", VisionTask.imageObjectDetection, 1),
    ])
    func mergedShardsEqualOneEvaluation(_ name: String, _ task: VisionTask, _ shards: Int) throws {
        let base = DetectionEvaluationJobTests.root + "/golden/detection/cases/" + name
        var job = DetectionEvaluationJob(
            task: task, groundTruth: base + "_gt.json", predictions: base + "_results.json")
        job.metricType = .cocoVOC
        let single = try job.run()
        var states: [(file: String, state: EvaluationState)] = []
        let folder = DetectionEvaluationJobTests().scratch()
        for index in 0..<shards {
            var shardJob = job
            shardJob.shard = (index, shards)
            let (state, _) = try shardJob.runState()
            // Through the file format.
            let path = folder + "/shard\(index).state"
            try OutputFile.write(state.bytes(), to: path)
            states.append((path, try EvaluationState.read(path)))
        }
        let merged = try EvaluationState.merge(states.reversed())
        let (mergedJob, outcome) = merged.outcome()
        #expect(mergedJob.metricsFile(outcome).encoded() == job.metricsFile(single).encoded())
        #expect(mergedJob.curvesFile(outcome).encoded() == job.curvesFile(single).encoded())
        #expect(outcome.coco?.stats == single.coco?.stats)
    }

    @Test(arguments: [
        ("bbox_102", VisionTask.imageObjectDetection), ("segm_203", VisionTask.imageInstanceSegmentation),
    ])
    func passesOverTheResultsEqualOneRead(_ name: String, _ task: VisionTask) throws {
        let base = DetectionEvaluationJobTests.root + "/golden/detection/cases/" + name
        var job = DetectionEvaluationJob(
            task: task, groundTruth: base + "_gt.json", predictions: base + "_results.json")
        job.metricType = .cocoVOC
        let single = try job.run()
        var streamed = job
        streamed.passes = 3
        let folder = DetectionEvaluationJobTests().scratch()
        let outcome = try streamed.evaluate(into: folder + "/streamed", overwrite: false)
        #expect(streamed.metricsFile(outcome).encoded() == job.metricsFile(single).encoded())
        // The files too: curves.json written class by class from the state spilled to disk, and
        // nothing left behind but the four files.
        try job.write(single, to: folder + "/single", overwrite: false)
        // (coco_matches.json is written only with --bootstrap-records, which passes do not take.)
        for file in ResultsSchema.File.allCases where file != .cocoMatches {
            func lines(_ name: String) throws -> [Substring] {
                let text = try String(contentsOfFile: file.path(in: folder + "/" + name), encoding: .utf8)
                // Match records come pass by pass: the same lines in another order.
                return file == .matches ? text.split(separator: "\n").sorted() : text.split(separator: "\n")
            }
            #expect(try lines("streamed") == lines("single"), "\(file)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/streamed").count == 4)
        let curves = try Data(contentsOf: URL(fileURLWithPath: folder + "/streamed/curves.json"))
        #expect(curves == Data(job.curvesFile(single).encoded()))
    }

    @Test func passesOnThePeersVOCData() throws {
        // The peers' Pascal VOC sample with a detector's boxes: TIDE finds every error type here.
        var job = try PeerEvaluations.vocJob()
        job.metricType = .cocoVOC
        let single = try job.run()
        #expect((single.tide?.counts[.classification] ?? 0) > 0 && (single.tide?.counts[.localization] ?? 0) > 0)
        var streamed = job
        streamed.passes = 4
        let folder = DetectionEvaluationJobTests().scratch()
        let outcome = try streamed.evaluate(into: folder + "/streamed", overwrite: false)
        #expect(streamed.metricsFile(outcome).encoded() == job.metricsFile(single).encoded())
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: folder + "/streamed/curves.json"))
                == Data(job.curvesFile(single).encoded()))
    }

    @Test func overlappingOrMismatchedStatesAreRefused() throws {
        let base = DetectionEvaluationJobTests.root + "/golden/detection/cases/bbox_102"
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: base + "_gt.json", predictions: base + "_results.json")
        job.shard = (0, 2)
        let (state, _) = try job.runState()
        func expectRefusal(_ states: [(file: String, state: EvaluationState)], _ words: String...) {
            #expect {
                _ = try EvaluationState.merge(states)
            } throws: { error in
                let message = "\(error)"
                return words.allSatisfy { message.contains($0) }
            }
        }
        expectRefusal([("a.state", state), ("b.state", state)], "b.state", "shard 0/2 is given twice")
        var other = job
        other.shard = (1, 2)
        other.iouThreshold = 0.7
        let (different, _) = try other.runState()
        expectRefusal(
            [("a.state", state), ("b.state", different)], "b.state", "settings.iou_threshold", "0.7", "0.5")
        // A set without every shard would give the metrics of half the images.
        expectRefusal([("a.state", state)], "incomplete", "missing 1/2")
    }
}

extension DetectionEvaluationJobTests {
    /// COCO results are read while the ground truth is; ids given as strings (which need the
    /// ground truth's table) are read again with it: the same metrics as with numeric ids.
    @Test func stringImageIDsGiveTheSameMetricsAsNumbers() throws {
        let folder = scratch()
        func files(_ a: String, _ b: String) -> (String, String) {
            let truth = Scratch.write(
                """
                {"images": [{"id": \(a), "file_name": "a.jpg", "width": 100, "height": 80},
                            {"id": \(b), "file_name": "b.jpg", "width": 100, "height": 80}],
                 "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
                 "annotations": [
                   {"id": 1, "image_id": \(a), "category_id": 1, "bbox": [10, 10, 30, 20], "area": 600, "iscrowd": 0},
                   {"id": 2, "image_id": \(b), "category_id": 2, "bbox": [50, 40, 20, 20], "area": 400, "iscrowd": 0},
                   {"id": 3, "image_id": \(b), "category_id": 1, "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0}]}
                """, folder, "truth_\(a.count).json")
            let results = Scratch.write(
                """
                [{"image_id": \(a), "category_id": 1, "bbox": [11, 10, 30, 20], "score": 0.9},
                 {"image_id": \(b), "category_id": 2, "bbox": [50, 42, 20, 20], "score": 0.8},
                 {"image_id": \(b), "category_id": 1, "bbox": [60, 5, 10, 10], "score": 0.7}]
                """, folder, "results_\(a.count).json")
            return (truth, results)
        }
        var stats: [[Double]] = []
        for (a, b) in [("1", "2"), ("\"a\"", "\"b\"")] {
            let (truth, results) = files(a, b)
            var job = DetectionEvaluationJob(task: .imageObjectDetection, groundTruth: truth, predictions: results)
            job.metricType = .coco
            stats.append(try #require(try job.run().coco?.stats))
        }
        #expect(stats[0] == stats[1] && stats[0][0] > 0, "\(stats)")
    }
}
