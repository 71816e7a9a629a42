import ArgusCore
import Testing

@Suite struct ShapesTests {
    /// Shapes of every kind, compressed ones filling several buffers: the column gives back what was
    /// appended, however it was put together (one by one, joined, or copied shape by shape).
    @Test func givesBackWhatWasAppendedHoweverJoined() {
        var random = SplitMix64(seed: 11)
        var values: [Segmentation] = []
        for i in 0..<3000 {
            switch i % 5 {
            case 0: values.append(.polygons([[1, 2, 3, 4, Double(i), 6]]))
            case 1:
                values.append(.rle(RunLengthMask(height: 2, width: 3, counts: [1, UInt32(i % 5), 5 - UInt32(i % 5)])))
            default:
                // Counts of 1 to 300 characters of the alphabet: 3,000 masks pass 64 KiB.
                let length = 1 + random.index(below: 300)
                let counts = String(
                    (0..<length).map { _ in Character(UnicodeScalar(UInt8(48 + random.index(below: 64)))) })
                values.append(.compressedRLE(counts: counts, height: 10 + i, width: 20))
            }
        }
        let whole = Shapes(values)
        #expect(Array(whole) == values && whole.count == values.count)
        #expect(whole.compressedBytes > 64 << 10)
        // Joined from parts, as a results file read in slices is.
        var joined = Shapes()
        for start in stride(from: 0, to: values.count, by: 700) {
            joined.append(contentsOf: Shapes(values[start..<min(values.count, start + 700)]))
        }
        #expect(Array(joined) == values && joined == whole && joined.hashValue == whole.hashValue)
        // Copied shape by shape, every third left out.
        var copied = Shapes()
        for i in joined.indices where i % 3 != 0 { copied.append(from: joined, at: i) }
        #expect(Array(copied) == values.indices.filter { $0 % 3 != 0 }.map { values[$0] })
        // Compressed counts read in place, with their size.
        for i in joined.indices {
            let inPlace = joined.withCompressedCounts(at: i) { bytes, height, width in
                (String(decoding: bytes, as: UTF8.self), height, width)
            }
            if case .compressedRLE(let counts, let height, let width) = values[i] {
                #expect(inPlace?.0 == counts && inPlace?.1 == height && inPlace?.2 == width)
                #expect(joined.isCompressed(i) && joined.compressedDimensions(at: i)! == (height, width))
            } else {
                #expect(inPlace == nil && !joined.isCompressed(i) && joined.compressedDimensions(at: i) == nil)
            }
        }
    }
}
