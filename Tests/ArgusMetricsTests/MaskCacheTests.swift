import ArgusCore
import ArgusMasks
import Foundation
import Testing

@testable import ArgusMetrics

/// The mask cache's IoUs against `MaskOperations.iou` on decoded masks (itself checked against
/// pycocotools): detections kept compressed until an IoU needs them, and the bound that leaves
/// out the pairs that cannot reach a threshold.
@Suite struct MaskCacheTests {
    /// Random ellipse-like polygons in two 40 × 30 images: ground truth as polygons (some crowds),
    /// detections as compressed RLE with their footprints (as the results reader gives them), a
    /// few as uncompressed runs.
    static func data(seed: UInt64) -> EvaluationData {
        var random = SplitMix64(seed: seed)
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + Double(random.next() % 10_000) / 10_000 * (range.upperBound - range.lowerBound)
        }
        func polygon() -> [Double] {
            let (cx, cy, rx, ry) = (uniform(0...40), uniform(0...30), uniform(1...14), uniform(1...12))
            return (0..<7).flatMap { i -> [Double] in
                let angle = Double(i) / 7 * 2 * Double.pi
                return [cx + rx * cos(angle), cy + ry * sin(angle)]
            }
        }
        let images = (0..<2).map {
            EvaluationData.Image(id: $0 + 1, width: 40, height: 30, name: "\($0)", sourceIndex: $0)
        }
        var truth = EvaluationData.Objects()
        var detections = EvaluationData.Objects()
        for n in 0..<24 {
            let ring = polygon()
            truth.image.append(Int32(n % 2))
            truth.category.append(0)
            truth.boxes += [0, 0, 1, 1]
            truth.areas.append(1)
            truth.ids.append(n + 1)
            truth.isCrowd.append(n % 5 == 0)
            truth.segmentations.append(.polygons([ring]))
        }
        for n in 0..<120 {
            let mask = MaskOperations.rasterize(polygons: [polygon()], height: 30, width: 40)
            detections.image.append(Int32(n % 2))
            detections.category.append(0)
            detections.boxes += [0, 0, 1, 1]
            detections.areas.append(1)
            detections.ids.append(n + 1)
            detections.isCrowd.append(false)
            detections.scores.append(1)
            if n % 7 == 0 {
                detections.segmentations.append(.rle(mask))
                detections.footprints.append(nil)
            } else {
                let counts = mask.compressedCounts
                detections.segmentations.append(.compressedRLE(counts: counts, height: 30, width: 40))
                detections.footprints.append(RLECodec.footprint(counts, height: 30, width: 40)?.footprint)
            }
        }
        return EvaluationData(
            images: images, categoryIDs: [1], categoryNames: ["a"], groundTruth: truth, detections: detections)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func iousAreThoseOfTheDecodedMasks(seed: UInt64) {
        let data = Self.data(seed: seed)
        let cache = MaskCache(data)
        let truthMasks = data.groundTruth.segmentations.map { $0.mask(height: 30, width: 40)! }
        var pruned = 0
        var reaching = 0
        for d in 0..<data.detections.count {
            let detectionMask = data.detections.segmentations[d].mask(height: 30, width: 40)!
            let truths = (0..<data.groundTruth.count).filter { data.groundTruth.image[$0] == data.detections.image[d] }
            let crowd = { (g: Int) in data.groundTruth.isCrowd[g] }
            var exact: [Double] = []
            var bounded: [Double] = []
            cache.appendIoUs(detection: d, groundTruths: truths, crowd: crowd, to: &exact)
            cache.appendIoUs(detection: d, groundTruths: truths, crowd: crowd, minimum: 0.5, to: &bounded)
            for (index, g) in truths.enumerated() {
                let expected = MaskOperations.iou(
                    detection: detectionMask, groundTruth: truthMasks[g], crowd: crowd(g),
                    detectionBox: MaskOperations.boundingBox(detectionMask),
                    groundTruthBox: MaskOperations.boundingBox(truthMasks[g]))
                #expect(exact[index] == expected, "detection \(d), truth \(g)")
                // Below the minimum: 0, or the exact IoU; at or above it, always the exact IoU.
                #expect(bounded[index] == expected || (bounded[index] == 0 && expected < 0.5))
                if expected >= 0.5 { reaching += 1 }
                if bounded[index] == 0 && expected > 0 { pruned += 1 }
            }
        }
        // The data has pairs on both sides of the bound.
        #expect(pruned > 0 && reaching > 0, "pruned \(pruned), reaching \(reaching)")
    }
}
