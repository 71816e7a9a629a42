import ArgusCore
import ArgusMasks
import Testing

@testable import ArgusMetrics

/// Results that cannot be evaluated stop the evaluation with a message naming the first of them
/// in file order, whether masks are measured on every core (segm) or not (bbox).
@Suite struct EvaluationDataTests {
    static func data() -> EvaluationData {
        let images = (0..<2).map {
            EvaluationData.Image(id: $0 + 1, width: 40, height: 30, name: "\($0)", sourceIndex: $0)
        }
        return EvaluationData(
            images: images, categoryIDs: [1], categoryNames: ["a"], groundTruth: .init(), detections: .init())
    }

    static func results(bad: [Int: Segmentation], count: Int = 12) -> DetectionResults {
        var results = DetectionResults()
        let good = RunLengthMask(height: 30, width: 40, counts: [100, 20, 1080])
        for i in 0..<count {
            let shape = bad[i] ?? .compressedRLE(counts: good.compressedCounts, height: 30, width: 40)
            let footprint: MaskFootprint? =
                if case .compressedRLE(let counts, let h, let w) = shape {
                    RLECodec.footprint(counts, height: h, width: w)?.footprint
                } else { nil }
            results.append(
                imageID: 1 + i % 2, categoryID: 1, score: 0.5, box: (1, 2, 3, 4), segmentation: shape,
                footprint: footprint)
        }
        return results
    }

    @Test func theFirstBadMaskInFileOrderIsNamed() {
        let otherSize = RunLengthMask(height: 4, width: 5, counts: [3, 5, 12])
        let far: Segmentation = .polygons([[1, 1, 5000, 1, 5000, 9]])
        let cases: [([Int: Segmentation], Bool, String)] = [
            (
                [9: .rle(otherSize), 4: far], true,
                "result 5: polygon point (5000.0, 1.0) lies far outside the 40×30 image"
            ),
            (
                [9: far, 6: .compressedRLE(counts: otherSize.compressedCounts, height: 4, width: 5)], true,
                "result 7: the mask is 4×5 (height × width) but the image is 30×40"
            ),
            // Boxes evaluated: a polygon is not rasterised, so only the size of an RLE is checked.
            ([2: far, 8: .rle(otherSize)], false, "result 9: the mask is 4×5 (height × width) but the image is 30×40"),
        ]
        for (bad, segm, message) in cases {
            var data = Self.data()
            #expect {
                _ = try data.addResults(Self.results(bad: bad), segm: segm)
            } throws: { error in
                (error as? EvaluationError)?.message == message
            }
        }
        // Masks are checked in blocks of 4,096 on every core: the first bad one in the file is named.
        let otherSizeRLE: Segmentation = .compressedRLE(counts: otherSize.compressedCounts, height: 4, width: 5)
        for (bad, first) in [([9000: otherSizeRLE, 5000: far], 5001), ([8200: far, 4100: otherSizeRLE], 4101)] {
            var data = Self.data()
            #expect {
                _ = try data.addResults(Self.results(bad: bad, count: 9001), segm: true)
            } throws: { error in
                (error as? EvaluationError)?.message.hasPrefix("result \(first): ") == true
            }
        }
        var data = Self.data()
        #expect(throws: Never.self) { _ = try data.addResults(Self.results(bad: [:]), segm: true) }
        #expect(data.detections.count == 12 && data.detections.footprints.allSatisfy { $0?.area == 20 })
    }

    /// Results of a category the ground truth lacks are left out; the kept detections' shapes and
    /// footprints stay with them, whether the results' own are taken as they are (every result a
    /// measured compressed RLE) or each is kept or decoded (a polygon among them).
    @Test func keptDetectionsKeepTheirShapes() throws {
        let polygon: Segmentation = .polygons([[2, 2, 12, 2, 12, 9]])
        for bad in [[:], [5: polygon]] as [[Int: Segmentation]] {
            var results = Self.results(bad: bad)
            for i in [3, 8] { results.categoryIDs[i] = 7 }
            var data = Self.data()
            let skipped = try data.addResults(results, segm: true)
            #expect(skipped == 2)
            let kept = (0..<12).filter { $0 != 3 && $0 != 8 }
            #expect(data.detections.ids == kept.map { $0 + 1 })
            for (d, i) in kept.enumerated() {
                let shape = data.detections.segmentations[d]
                let footprint = data.detections.footprints[d]
                if i == 5 && !bad.isEmpty {
                    let mask = try #require(polygon.mask(height: 30, width: 40))
                    #expect(shape == .rle(mask) && footprint?.area == mask.area)
                } else {
                    #expect(shape == results.segmentation(at: i) && footprint?.area == 20)
                }
            }
        }
    }

    /// Results for images the ground truth lacks stop the evaluation before anything else is
    /// checked, naming how many ids and the first few.
    @Test func resultsOfUnknownImagesAreNamed() {
        var results = Self.results(bad: [3: .polygons([[1, 1, 5000, 1, 5000, 9]])], count: 5000)
        for (i, id) in [(10, 99), (4500, 7), (4600, 99), (20, 1_000_000)] { results.imageIDs[i] = id }
        for segm in [true, false] {
            var data = Self.data()
            #expect {
                _ = try data.addResults(results, segm: segm)
            } throws: { error in
                (error as? EvaluationError)?.message
                    == "results refer to 3 image id(s) that the ground truth does not have, e.g. 7, 99, 1000000"
            }
        }
    }

    /// Results are placed in blocks of 16,384 on every core: the kept detections come out in file
    /// order with their own values, those of unknown categories are counted, and the first result
    /// without a box (in the file) is named.
    @Test func resultsPlacedInBlocksKeepFileOrder() throws {
        func results(missingBoxes: [Int]) -> DetectionResults {
            var results = DetectionResults()
            for i in 0..<40_000 {
                let box = (Double(i % 7), Double(i % 5), Double(1 + i % 3), Double(2 + i % 4))
                results.append(
                    imageID: 1 + i % 2, categoryID: i % 9 == 4 ? 7 : 1, score: Double(i % 100) / 100,
                    box: missingBoxes.contains(i) ? nil : box, segmentation: nil)
            }
            return results
        }
        let all = results(missingBoxes: [])
        var data = Self.data()
        let skipped = try data.addResults(all, segm: false)
        let kept = (0..<40_000).filter { $0 % 9 != 4 }
        #expect(skipped == 40_000 - kept.count)
        let detections = data.detections
        #expect(detections.ids == kept.map { $0 + 1 })
        #expect(detections.image == kept.map { Int32($0 % 2) })
        #expect(detections.category.allSatisfy { $0 == 0 } && detections.isCrowd.allSatisfy { !$0 })
        #expect(detections.scores == kept.map { all.scores[$0] })
        #expect(detections.boxes == kept.flatMap { Array(all.boxes[(4 * $0)..<(4 * $0 + 4)]) })
        #expect(detections.areas == kept.map { all.boxes[4 * $0 + 2] * all.boxes[4 * $0 + 3] })
        var broken = Self.data()
        #expect {
            _ = try broken.addResults(results(missingBoxes: [39_000, 20_000, 30_000]), segm: false)
        } throws: { error in
            (error as? EvaluationError)?.message
                == "result 20001 has no bbox while the first one has: pycocotools requires a bbox on every result then"
        }
    }
}
