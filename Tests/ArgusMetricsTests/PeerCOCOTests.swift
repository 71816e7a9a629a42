import ArgusCore
import ArgusData
import ArgusIO
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusMetrics

enum MetricFixtures {
    static let root = Repository.root

    /// A golden JSON file (empty, with a recorded issue, when it cannot be read).
    static func json(_ relative: String) -> [String: Any] {
        Golden.json(relative)?.values ?? [:]
    }

    /// Evaluates COCO ground truth and results files as pycocotools would.
    static func evaluate(groundTruth: String, results: String, parameters: COCOParameters) throws -> COCOEvaluation {
        let gt = try DatasetReader.read(groundTruth, format: .coco)
        precondition(!gt.diagnostics.hasErrors, "\(gt.diagnostics.errors)")
        var (data, _) = try EvaluationData.groundTruth(gt.dataset, segm: parameters.iouType == .segm)
        let (detections, diagnostics) = try COCOReader.readResults(results)
        precondition(!diagnostics.hasErrors, "\(diagnostics.errors)")
        _ = try data.addResults(detections, segm: parameters.iouType == .segm)
        return COCOEvaluator.evaluate(data, parameters: parameters)
    }
}

@Suite struct PeerCOCOTests {
    @Test func sampledCOCOBboxStatsMatchPycocotools() throws {
        let base = MetricFixtures.root + "/golden/peers/review_object_detection_metrics/tests/test_coco_eval"
        let evaluation = try MetricFixtures.evaluate(
            groundTruth: base + "/gts/sampled_gts_bbox_area.json",
            results: base + "/cocoapi_results.json", parameters: COCOParameters(iouType: .bbox))
        let golden = MetricFixtures.json("golden/detection/peer_sampled_bbox_stats.json")
        let expected = try #require(golden["stats"] as? [Double])
        let stats = evaluation.stats
        for (index, (value, reference)) in zip(stats, expected).enumerated() {
            #expect(abs(value - reference) <= 1e-12, "stat \(index): \(value) vs \(reference)")
        }
        // The values the peers published (6 decimals).
        let published = [
            0.503647, 0.696973, 0.571667, 0.593252, 0.557991, 0.489363, 0.386813, 0.593680, 0.595353, 0.654764,
            0.603130, 0.553744,
        ]
        for (value, reference) in zip(stats, published) { #expect(abs(value - reference) < 5e-7) }
    }

    @Test func thresholdsAreNumpyLinspace() {
        let parameters = COCOParameters(iouType: .bbox)
        #expect(parameters.iouThresholds[7] == 0.85)
        #expect(parameters.iouThresholds.count == 10 && parameters.recallThresholds.count == 101)
        #expect(parameters.recallThresholds[7] == 7 * 0.01)
    }
}
