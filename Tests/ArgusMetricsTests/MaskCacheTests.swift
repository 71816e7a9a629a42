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
    /// few as uncompressed runs; with several `categories`, detections take them in turn (two by
    /// two) with scores spread over 0…0.9.
    static func data(seed: UInt64, categories: Int = 1) -> EvaluationData {
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
            truth.category.append(Int32(n % categories))
            truth.boxes += [0, 0, 1, 1]
            truth.areas.append(1)
            truth.ids.append(n + 1)
            truth.isCrowd.append(n % 5 == 0)
            truth.segmentations.append(.polygons([ring]))
        }
        for n in 0..<120 {
            let mask = MaskOperations.rasterize(polygons: [polygon()], height: 30, width: 40)
            detections.image.append(Int32(n % 2))
            detections.category.append(Int32((n / 2) % categories))
            detections.boxes += [0, 0, 1, 1]
            detections.areas.append(1)
            detections.ids.append(n + 1)
            detections.isCrowd.append(false)
            detections.scores.append(categories > 1 ? Double(n % 10) / 10 : 1)
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
            images: images, categoryIDs: Array(1...categories), categoryNames: (1...categories).map { "c\($0)" },
            groundTruth: truth, detections: detections)
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

    /// The shared IoUs hold every pair a reader counts (IoU at least `minimum`, same category or
    /// a detection scoring at least `crossScore`) exactly as the cache gives it, and 0 for pairs
    /// never compared.
    @Test(arguments: [1, 2] as [UInt64])
    func overlapsHoldEveryPairTheirReadersCount(seed: UInt64) {
        let data = Self.data(seed: seed, categories: 2)
        let cache = MaskCache(data)
        let overlaps = MaskOverlaps(data, masks: cache, minimum: 0.5, crossScore: 0.6)
        var kept = 0
        var crossed = 0
        for d in 0..<data.detections.count {
            let truths = (0..<data.groundTruth.count).filter { data.groundTruth.image[$0] == data.detections.image[d] }
            var exact: [Double] = []
            cache.appendIoUs(
                detection: d, groundTruths: truths, crowd: { data.groundTruth.isCrowd[$0] }, to: &exact)
            for (index, g) in truths.enumerated() {
                let same = data.groundTruth.category[g] == data.detections.category[d]
                let compared = same || data.detections.scores[d] >= 0.6
                let value = overlaps.iou(detection: d, truth: g)
                if !compared {
                    #expect(value == 0, "detection \(d), truth \(g): never compared")
                } else if exact[index] >= 0.5 {
                    #expect(value == exact[index], "detection \(d), truth \(g)")
                    kept += 1
                    if !same { crossed += 1 }
                } else {
                    #expect(value == 0 || value == exact[index], "detection \(d), truth \(g)")
                }
            }
        }
        // Pairs are kept, some across categories.
        #expect(kept > 0 && crossed > 0, "kept \(kept), crossed \(crossed)")
    }
}
