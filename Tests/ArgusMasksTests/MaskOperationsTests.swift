import ArgusCore
import ArgusMasks
import ArgusTestSupport
import Foundation
import Testing

/// Rasterisation, area, boxes and IoU against pycocotools (golden/masks/*.json).
@Suite struct MaskOperationsTests {
    static func load<T: Decodable>(_ name: String, as type: T.Type) -> T? {
        Golden.decode(T.self, "golden/masks/\(name)")
    }

    struct PolygonCase: Decodable {
        var height: Int
        var width: Int
        var polygons: [[Double]]
        var compressed: String
        var area: Int
        var bbox: [Double]
    }
    struct PolygonGolden: Decodable {
        var versions: [String: String]
        var cases: [PolygonCase]
    }

    struct BoxCase: Decodable {
        var height: Int
        var width: Int
        var detections: [[Double]]
        var ground_truth: [[Double]]
        var iscrowd: [Int]
        var detection_masks: [String]
        var ground_truth_masks: [String]
        var box_iou: [[Double]]
        var mask_iou: [[Double]]
    }
    struct BoxGolden: Decodable {
        var versions: [String: String]
        var cases: [BoxCase]
    }

    /// Small images with every kind of polygon; COCO-sized ones with long steep and shallow edges
    /// and points far outside the image.
    @Test(arguments: [("polygon_cases.json", 2000), ("polygon_large_cases.json", 300)])
    func polygonsRasteriseAsPycocotools(file: String, cases: Int) {
        guard let golden = Self.load(file, as: PolygonGolden.self) else { return }
        #expect(golden.cases.count >= cases && golden.versions["pycocotools"] != nil)
        var failures = 0
        for (index, item) in golden.cases.enumerated() {
            let mask = MaskOperations.rasterize(polygons: item.polygons, height: item.height, width: item.width)
            if mask.compressedCounts != item.compressed {
                failures += 1
                if failures <= 5 {
                    Issue.record(
                        "case \(index): \(mask.compressedCounts) != \(item.compressed) for \(item.polygons) in \(item.height)×\(item.width)"
                    )
                }
                continue
            }
            #expect(mask.area == item.area, "case \(index)")
            let box = MaskOperations.boundingBox(mask)
            #expect([box.0, box.1, box.2, box.3] == item.bbox, "case \(index)")
            // One walk over pycocotools' string tells the same area and box.
            let walked = RLECodec.footprint(item.compressed, height: item.height, width: item.width)
            #expect(walked?.pixels == item.height * item.width, "case \(index)")
            #expect(walked?.footprint.area == item.area, "case \(index)")
            let footprintBox = walked.map { [$0.footprint.box.minX, $0.footprint.box.minY] }
            #expect(footprintBox == [item.bbox[0], item.bbox[1]], "case \(index)")
            #expect(walked.map { [$0.footprint.box.width, $0.footprint.box.height] } == [item.bbox[2], item.bbox[3]])
        }
        #expect(failures == 0)
    }

    @Test func boxesAndIoUAsPycocotools() {
        guard let golden = Self.load("box_iou_cases.json", as: BoxGolden.self) else { return }
        for (index, item) in golden.cases.enumerated() {
            func tuple(_ b: [Double]) -> (Double, Double, Double, Double) { (b[0], b[1], b[2], b[3]) }
            let dtMasks = item.detections.map {
                MaskOperations.rasterize(
                    box: Box(x: $0[0], y: $0[1], width: $0[2], height: $0[3]), height: item.height, width: item.width)
            }
            let gtMasks = item.ground_truth.map {
                MaskOperations.rasterize(
                    box: Box(x: $0[0], y: $0[1], width: $0[2], height: $0[3]), height: item.height, width: item.width)
            }
            #expect(dtMasks.map(\.compressedCounts) == item.detection_masks, "case \(index)")
            #expect(gtMasks.map(\.compressedCounts) == item.ground_truth_masks, "case \(index)")
            for d in item.detections.indices {
                for g in item.ground_truth.indices {
                    let crowd = item.iscrowd[g] == 1
                    let boxIoU = MaskOperations.iou(
                        detection: tuple(item.detections[d]), groundTruth: tuple(item.ground_truth[g]), crowd: crowd)
                    #expect(boxIoU == item.box_iou[d][g], "case \(index) box \(d),\(g)")
                    let maskIoU = MaskOperations.iou(
                        detection: dtMasks[d], groundTruth: gtMasks[g], crowd: crowd,
                        detectionBox: MaskOperations.boundingBox(dtMasks[d]),
                        groundTruthBox: MaskOperations.boundingBox(gtMasks[g]))
                    #expect(maskIoU == item.mask_iou[d][g], "case \(index) mask \(d),\(g)")
                    // With the areas given (as the mask cache gives them).
                    let withAreas = MaskOperations.iou(
                        detection: dtMasks[d], groundTruth: gtMasks[g], crowd: crowd,
                        detectionBox: MaskOperations.boundingBox(dtMasks[d]),
                        groundTruthBox: MaskOperations.boundingBox(gtMasks[g]),
                        areas: (dtMasks[d].area, gtMasks[g].area))
                    #expect(withAreas == item.mask_iou[d][g], "case \(index) mask with areas \(d),\(g)")
                }
            }
        }
    }

    @Test func mergeUnionAndIntersection() {
        // Two overlapping 2×2 squares in a 4×4 image.
        var a = [Bool](repeating: false, count: 16)
        var b = a
        for x in 0...1 { for y in 0...1 { a[x * 4 + y] = true } }
        for x in 1...2 { for y in 1...2 { b[x * 4 + y] = true } }
        let ma = RunLengthMask(height: 4, width: 4, columnMajor: a)
        let mb = RunLengthMask(height: 4, width: 4, columnMajor: b)
        #expect(MaskOperations.merge([ma, mb], intersect: false).area == 7)
        #expect(MaskOperations.merge([ma, mb], intersect: true).area == 1)
        #expect(MaskOperations.merge([ma, mb], intersect: true).columnMajorPixels() == zip(a, b).map { $0 && $1 })
    }
}
