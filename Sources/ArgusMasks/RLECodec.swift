import ArgusCore

/// COCO's compressed RLE string codec (pycocotools `rleToString` / `rleFrString`).
///
/// Each count is written as 5-bit groups, least significant first, as characters from `0`
/// (48) upward; bit 0x20 says another group follows, bit 0x10 of the last group is the sign.
/// From the third count on, the difference to the count two places earlier is written.
public enum RLECodec {
    /// Decodes a compressed counts string into runs.
    /// - Returns: nil when the string is malformed (a negative run, or a truncated group).
    public static func decode(_ text: String) -> [UInt32]? {
        var text = text
        return text.withUTF8 { decode($0) }
    }

    /// Decodes a compressed counts string's bytes into runs.
    /// - Returns: nil when they are malformed (a negative run, or a truncated group).
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32]? {
        // Exactly as many runs as group-ending characters (bit 0x20 clear): the array is
        // allocated once at its size and filled in place.
        let capacity = runCount(bytes)
        var well = true
        let counts = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, count in
            well = walk(bytes) { run in
                guard count < capacity else { return }
                buffer[count] = UInt32(truncatingIfNeeded: run)
                count += 1
            }
        }
        // A well-formed string ends each run with a group-ending character: no more, no fewer.
        return well && counts.count == capacity ? counts : nil
    }

    /// The number of runs a well-formed compressed counts string holds: its characters that end a group.
    static func runCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for byte in bytes where (byte &- 48) & 0x20 == 0 { n += 1 }
        return n
    }

    /// What one walk over a compressed counts string tells without keeping its runs: the pixels
    /// it covers, its area and its bounding box (as `MaskOperations.boundingBox` gives them).
    /// - Returns: nil when the string is malformed, as `decode` would.
    public static func footprint(_ text: String, height: Int, width: Int) -> (pixels: Int, footprint: MaskFootprint)? {
        var text = text
        return text.withUTF8 { footprint($0, height: height, width: width) }
    }

    /// `footprint` of a compressed counts string's bytes.
    public static func footprint(
        _ bytes: UnsafeBufferPointer<UInt8>, height: Int, width: Int
    ) -> (pixels: Int, footprint: MaskFootprint)? {
        guard height > 0 else {
            // No rows: nothing to place, only runs to add up.
            var total = 0
            guard walk(bytes, { total &+= $0 }) else { return nil }
            return (total, MaskFootprint(area: 0, box: (0, 0, 0, 0)))
        }
        if height < 1 << 32, let found = RowWalk.footprint(bytes, height: height) { return found }
        return walkedFootprint(bytes, height: height, width: width)
    }

    /// `footprint` by `BoxWalk`, which places each run by stepping from column to column: for
    /// what `RowWalk` leaves (runs before the first pixel, masks of 2^32 pixels or more).
    static func walkedFootprint(
        _ bytes: UnsafeBufferPointer<UInt8>, height: Int, width: Int
    ) -> (pixels: Int, footprint: MaskFootprint)? {
        var box = BoxWalk(height: height, width: width)
        let walked = walkPairs(bytes) { box.add(zeros: $0, ones: $1) }
        guard walked.well else { return nil }
        return (box.covered &+ walked.trailing, MaskFootprint(area: walked.area, box: box.box))
    }

    /// Calls `body` with each run of zeros and the run of ones after it, in order.
    /// - Returns: whether the string is well formed (as `walk`), the ones added up, and the run of
    ///   zeros left at the end without ones after it (0 without one).
    @inline(__always)
    static func walkPairs(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (_ zeros: Int, _ ones: Int) -> Void
    ) -> (well: Bool, area: Int, trailing: Int) {
        var runs = Runs(bytes)
        var area = 0
        // Two runs a step: no state flips from one run to the next.
        while let zeros = runs.next() {
            guard let ones = runs.next() else { return (!runs.malformed, area, zeros) }
            area &+= ones
            body(zeros, ones)
        }
        return (!runs.malformed, area, 0)
    }

    /// Calls `body` with each run of a compressed counts string, in order (nothing allocated).
    /// - Returns: false when the walk stopped at a malformed group (see `Runs`).
    @inline(__always)
    static func walk(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) -> Bool {
        var runs = Runs(bytes)
        while let run = runs.next() { body(run) }
        return !runs.malformed
    }

    /// The runs of a compressed counts string, one at a time (nothing allocated).
    struct Runs {
        private let base: UnsafePointer<UInt8>?
        private let count: Int
        private var p = 0
        private var decoded = 0
        private var older = 0
        private var previous = 0
        /// Whether reading stopped at a malformed group: a negative run, a run past `UInt32.max`, a
        /// character outside the alphabet, or a truncated group.
        private(set) var malformed = false

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            base = bytes.baseAddress
            count = bytes.count
        }

        /// The next run; nil at the end or at a malformed group.
        @inline(__always)
        mutating func next() -> Int? {
            guard p < count, let base else { return nil }
            var value: Int
            let first = Int(base[p]) &- 48
            // Most runs are one group (the differences between columns are small): its five bits,
            // bit 0x10 the sign.
            if UInt(bitPattern: first) < 32 {
                value = (first &<< 59) &>> 59
                p &+= 1
            } else {
                guard let long = longGroup(base, count: count, at: &p) else {
                    malformed = true
                    return nil
                }
                value = long
            }
            // From the fourth run on, the difference to the run two places earlier is written.
            if decoded > 2 { value &+= older }
            guard UInt(bitPattern: value) <= UInt(UInt32.max) else {
                malformed = true
                return nil
            }
            older = previous
            previous = value
            decoded &+= 1
            return value
        }
    }

    /// A value of several 5-bit groups from `p`, which moves past it; nil when malformed.
    @inline(never)
    static func longGroup(_ base: UnsafePointer<UInt8>, count n: Int, at p: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while p < n {
            let c = Int(base[p]) &- 48
            p &+= 1
            guard UInt(bitPattern: c) < 64 else { return nil }
            value |= (c & 0x1F) << shift
            shift += 5
            guard shift < 64 else { return nil }
            if c & 0x20 == 0 { return c & 0x10 != 0 ? value | (-1 << shift) : value }
        }
        return nil
    }

    /// Encodes runs as a compressed counts string.
    public static func encode(_ counts: [UInt32]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 2)
        for i in counts.indices {
            var value = Int(counts[i])
            if i > 2 { value -= Int(counts[i - 2]) }
            var more = true
            while more {
                var c = value & 0x1F
                value >>= 5
                more = (c & 0x10) != 0 ? value != -1 : value != 0
                if more { c |= 0x20 }
                bytes.append(UInt8(c + 48))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension RunLengthMask {
    /// The runs of a compressed COCO RLE string.
    public init?(compressed counts: String, height: Int, width: Int) {
        guard let runs = RLECodec.decode(counts) else { return nil }
        self.init(height: height, width: width, counts: runs)
    }

    /// The mask as a compressed COCO RLE string.
    public var compressedCounts: String { RLECodec.encode(counts) }

    /// Encodes a column-major binary mask (`pixels[x * height + y]`).
    public init(height: Int, width: Int, columnMajor pixels: [Bool]) {
        var counts: [UInt32] = []
        var current = false
        var run: UInt32 = 0
        for pixel in pixels {
            if pixel != current {
                counts.append(run)
                run = 0
                current = pixel
            }
            run += 1
        }
        counts.append(run)
        self.init(height: height, width: width, counts: counts)
    }

    /// The mask as column-major pixels (`pixels[x * height + y]`).
    public func columnMajorPixels() -> [Bool] {
        var pixels = [Bool](repeating: false, count: height * width)
        var position = 0
        var value = false
        for run in counts {
            let end = min(position + Int(run), pixels.count)
            if value { for i in position..<end { pixels[i] = true } }
            position = end
            value.toggle()
        }
        return pixels
    }
}

extension Segmentation {
    /// The mask as runs, for the RLE forms (polygons need rasterising, see `PolygonRasterizer`).
    public var runLengthMask: RunLengthMask? {
        switch self {
        case .rle(let mask): mask
        case .compressedRLE(let counts, let height, let width):
            RunLengthMask(compressed: counts, height: height, width: width)
        case .polygons: nil
        }
    }
}

extension Shapes {
    /// Shape `i`'s runs, for the RLE forms (a compressed one decoded from its bytes in place); nil
    /// for polygons or counts that do not decode.
    public func runLengthMask(at i: Int) -> RunLengthMask? {
        decodedCompressed(at: i) ?? self[i].runLengthMask
    }

    /// Shape `i` in pycocotools' `annToRLE` terms (`Segmentation.mask`), a compressed one decoded
    /// from its bytes in place.
    public func mask(at i: Int, height: Int, width: Int) -> RunLengthMask? {
        decodedCompressed(at: i) ?? self[i].mask(height: height, width: width)
    }

    /// A compressed shape's runs (nil inside where its counts do not decode); nil for other shapes.
    private func decodedCompressed(at i: Int) -> RunLengthMask?? {
        withCompressedCounts(at: i) { counts, height, width in
            RLECodec.decode(counts).map { RunLengthMask(height: height, width: width, counts: $0) }
        }
    }
}
