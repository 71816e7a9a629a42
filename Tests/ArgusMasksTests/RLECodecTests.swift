import ArgusCore
import ArgusMasks
import ArgusTestSupport
import Foundation
import Testing

/// The compressed RLE codec against pycocotools' encodings (golden/masks/rle_cases.json).
@Suite struct RLECodecTests {
    struct Case: Decodable {
        var height: Int
        var width: Int
        var counts: [UInt32]
        var compressed: String
        var area: Int
        var bbox: [Double]
    }
    struct Golden: Decodable {
        var versions: [String: String]
        var cases: [Case]
    }

    static let golden: Golden =
        ArgusTestSupport.Golden.decode(Golden.self, "golden/masks/rle_cases.json") ?? Golden(versions: [:], cases: [])

    @Test func goldenIsFromPycocotools() {
        #expect(Self.golden.versions["pycocotools"] != nil)
        #expect(Self.golden.cases.count >= 300)
    }

    @Test func encodeAndDecodeMatchPycocotools() {
        for (index, item) in Self.golden.cases.enumerated() {
            #expect(RLECodec.encode(item.counts) == item.compressed, "case \(index)")
            #expect(RLECodec.decode(item.compressed) == item.counts, "case \(index)")
            let mask = RunLengthMask(height: item.height, width: item.width, counts: item.counts)
            #expect(mask.area == item.area, "case \(index)")
            // The walk that checks a string tells pycocotools' area and box without keeping the runs.
            let walked = RLECodec.footprint(item.compressed, height: item.height, width: item.width)
            #expect(walked?.pixels == Int(item.counts.reduce(0, +)), "case \(index)")
            #expect(walked?.footprint.area == item.area, "case \(index)")
            let box = walked.map { [$0.footprint.box.minX, $0.footprint.box.minY, $0.footprint.box.width] }
            #expect(box == Array(item.bbox.prefix(3)) && walked?.footprint.box.height == item.bbox[3], "case \(index)")
            // Pixels → runs → pixels is the identity.
            let pixels = mask.columnMajorPixels()
            #expect(
                RunLengthMask(height: item.height, width: item.width, columnMajor: pixels).counts == item.counts,
                "case \(index)")
        }
    }

    @Test func malformedStringsAreRejected() {
        #expect(RLECodec.decode("\u{7F}") == nil)
        #expect(RLECodec.decode("o") == nil)  // a group that says more follows, then nothing
        #expect(RLECodec.footprint("\u{7F}", height: 1, width: 1) == nil)
        #expect(RLECodec.footprint("o", height: 1, width: 1) == nil)
    }

    /// Random runs (empty runs, runs that cross columns, a first run of ones ending before the first
    /// pixel): the walk over the string tells what decoding and `MaskOperations.boundingBox` tell.
    @Test func footprintAgreesWithDecodedRuns() {
        var random = SplitMix64(seed: 5)
        for round in 0..<3000 {
            let height = 1 + random.index(below: round % 3 == 0 ? 3 : 40)
            let width = 1 + random.index(below: 40)
            var counts: [UInt32] = []
            var left = height * width
            while left > 0 {
                let pick = random.index(below: 10)
                let run =
                    pick == 0
                    ? 0 : min(left, pick < 8 ? random.index(below: height + 1) : random.index(below: left + 1))
                counts.append(UInt32(run))
                left -= run
                if counts.count > 4 * width && random.index(below: 4) == 0 { break }
            }
            let text = RLECodec.encode(counts)
            let mask = RunLengthMask(height: height, width: width, counts: counts)
            let walked = RLECodec.footprint(text, height: height, width: width)
            #expect(RLECodec.decode(text) == counts, "round \(round)")
            #expect(walked?.pixels == counts.reduce(0) { $0 + Int($1) }, "round \(round)")
            #expect(walked?.footprint.area == mask.area, "round \(round)")
            let box = MaskOperations.boundingBox(mask)
            let found = walked?.footprint.box
            #expect(
                found.map { [$0.minX, $0.minY, $0.width, $0.height] } == [box.0, box.1, box.2, box.3], "round \(round)")
        }
    }

    /// Bytes at random: the walk fails exactly where decoding fails.
    @Test func footprintFailsWhereDecodingFails() {
        var random = SplitMix64(seed: 9)
        for _ in 0..<3000 {
            let bytes = (0..<random.index(below: 20)).map { _ in UInt8(40 + random.index(below: 80)) }
            let text = String(decoding: bytes, as: UTF8.self)
            let decoded = RLECodec.decode(text)
            for height in [0, 1, 7] {
                let walked = RLECodec.footprint(text, height: height, width: 3)
                #expect((walked == nil) == (decoded == nil), "\(bytes) at height \(height)")
                #expect(walked == nil || walked?.pixels == decoded?.reduce(0) { $0 + Int($1) })
            }
        }
        // Thirteen groups reach past 64 bits.
        #expect(RLECodec.decode(String(repeating: "P", count: 12) + "0") == nil)
        #expect(RLECodec.footprint(String(repeating: "P", count: 12) + "0", height: 1, width: 1) == nil)
    }

    @Test func contoursOfTwoRegions() {
        // 10×10 with a 4×4 square and a single pixel.
        var pixels = [Bool](repeating: false, count: 100)
        for x in 1...4 { for y in 1...4 { pixels[x * 10 + y] = true } }
        pixels[8 * 10 + 8] = true
        let polygons = MaskContours.polygons(of: RunLengthMask(height: 10, width: 10, columnMajor: pixels))
        #expect(polygons.count == 2)
        #expect(polygons[0] == [1, 1, 4, 1, 4, 4, 1, 4])
        #expect(polygons[1].count == 8)  // the lone pixel becomes its own square
    }

    @Test func contoursAreSimplifiedToTheLimit() {
        // A disc of radius 40 has far more than 20 boundary pixels.
        let size = 100
        var pixels = [Bool](repeating: false, count: size * size)
        for x in 0..<size {
            for y in 0..<size where (x - 50) * (x - 50) + (y - 50) * (y - 50) <= 1600 { pixels[x * size + y] = true }
        }
        let polygons = MaskContours.polygons(
            of: RunLengthMask(height: size, width: size, columnMajor: pixels), maxPoints: 20)
        #expect(polygons.count == 1)
        #expect(polygons[0].count / 2 <= 20 && polygons[0].count / 2 >= 8)
    }
}
