import ArgusCore
import ArgusData
import ArgusIO
import Testing

@testable import ArgusMetrics

/// VOC-style AP against the values the peer projects published (golden/peers/README.md).
@Suite struct PeerVOCTests {
    static let peers = MetricFixtures.root + "/golden/peers"

    static func evaluate(
        groundTruth: LoadedDataset, detections: LoadedDataset, iou: Double,
        interpolation: VOCEvaluator.Interpolation, pixelInclusive: Bool = false
    ) throws -> VOCEvaluator.Result {
        var (data, _) = try EvaluationData.groundTruth(groundTruth.dataset, segm: false)
        let (skipped, unknown) = try data.addPredictions(detections.dataset, segm: false)
        #expect(skipped == 0 && unknown.isEmpty)
        return VOCEvaluator.evaluate(
            data, iouThreshold: iou, interpolation: interpolation, pixelInclusive: pixelInclusive)
    }

    static func text(_ path: String, scored: Bool) throws -> LoadedDataset {
        var options = ReadOptions()
        options.textLayout = TextLayout(boxForm: .xywh, absolute: true, hasScores: scored)
        return try DatasetReader.read(path, format: .text, options: options)
    }

    @Test func testCaseOne() throws {
        let base = Self.peers + "/review_object_detection_metrics/tests/test_case_1"
        let gt = try Self.text(base + "/gts", scored: false)
        let dt = try Self.text(base + "/dets", scored: true)
        let published: [(Double, Double, Double)] = [
            (0.1, 0.3333333333, 0.3371980676), (0.3, 0.2683982683, 0.2456866804),
            (0.5, 0.0303030303, 0.0222222222), (0.75, 0.0, 0.0),
        ]
        for (iou, eleven, all) in published {
            let e = try Self.evaluate(
                groundTruth: gt, detections: dt, iou: iou, interpolation: .elevenPoint, pixelInclusive: true)
            let a = try Self.evaluate(
                groundTruth: gt, detections: dt, iou: iou, interpolation: .allPoint, pixelInclusive: true)
            #expect(abs(e.meanAveragePrecision! - eleven) < 1e-9, "11-point at \(iou): \(e.meanAveragePrecision!)")
            #expect(abs(a.meanAveragePrecision! - all) < 1e-9, "all-point at \(iou): \(a.meanAveragePrecision!)")
        }
    }

    @Test func toyExample() throws {
        let base = Self.peers + "/review_object_detection_metrics/toyexample"
        let gt = try DatasetReader.read(base + "/gts_vocpascal_format", format: .voc)
        let dt = try DatasetReader.read(base + "/dets_coco_format/coco_dets.json", format: .cocoResults)
        for (iou, eleven, all) in [(0.5, 0.8864, 0.8958), (0.75, 0.4924, 0.5097)] {
            let e = try Self.evaluate(groundTruth: gt, detections: dt, iou: iou, interpolation: .elevenPoint)
            let a = try Self.evaluate(groundTruth: gt, detections: dt, iou: iou, interpolation: .allPoint)
            #expect(abs(e.meanAveragePrecision! - eleven) < 5e-5, "11-point at \(iou): \(e.meanAveragePrecision!)")
            #expect(abs(a.meanAveragePrecision! - all) < 5e-5, "all-point at \(iou): \(a.meanAveragePrecision!)")
        }
    }

    @Test func objectDetectionMetrics() throws {
        let base = Self.peers + "/object_detection_metrics"
        let gt = try Self.text(base + "/groundtruths", scored: false)
        let dt = try Self.text(base + "/detections", scored: true)
        let result = try Self.evaluate(
            groundTruth: gt, detections: dt, iou: 0.3, interpolation: .allPoint, pixelInclusive: true)
        #expect(abs(result.meanAveragePrecision! - 0.2457) < 5e-5, "\(result.meanAveragePrecision!)")
    }
}
