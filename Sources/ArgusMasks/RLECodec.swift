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
        return text.withUTF8 { bytes -> [UInt32]? in
            // Exactly as many runs as group-ending characters (bit 0x20 clear): the array is
            // allocated once at its size and filled in place.
            let capacity = runCount(bytes)
            var runs = Runs(bytes)
            let counts = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, count in
                while count < capacity, let run = runs.next() {
                    buffer[count] = UInt32(truncatingIfNeeded: run)
                    count += 1
                }
            }
            // A malformed string stops early, or has more (or a truncated group) past the count.
            let beyond = runs.next()
            return runs.malformed || beyond != nil ? nil : counts
        }
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
        return text.withUTF8 { bytes in
            var runs = Runs(bytes)
            var area = 0
            var trailing = 0
            guard height > 0 else {
                // No rows: nothing to place, only runs to add up.
                while let run = runs.next() { trailing &+= run }
                return runs.malformed ? nil : (trailing, MaskFootprint(area: 0, box: (0, 0, 0, 0)))
            }
            var box = BoxWalk(height: height, width: width)
            while let zeros = runs.next() {
                guard let ones = runs.next() else {
                    trailing = zeros
                    break
                }
                area &+= ones
                box.add(zeros: zeros, ones: ones)
            }
            guard !runs.malformed else { return nil }
            return (box.covered &+ trailing, MaskFootprint(area: area, box: box.box))
        }
    }

    /// The runs of a compressed counts string, one at a time (nothing allocated).
    public struct Runs {
        let bytes: UnsafeBufferPointer<UInt8>
        var p = 0
        var decoded = 0
        var older = 0
        var previous = 0
        /// Whether the walk stopped at a malformed group (a negative run, or a truncated group).
        public private(set) var malformed = false

        /// The runs of `bytes`, which must stay valid while they are read.
        public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The next run; nil at the end of the string or at a malformed group.
        @inline(__always)
        public mutating func next() -> Int? {
            let n = bytes.count
            guard p < n, !malformed else { return nil }
            var value = 0
            var shift = 0
            var more = true
            // Most runs are one group (the differences between columns are small).
            let first = Int(bytes[p]) - 48
            if first >= 0 && first < 32 {
                p += 1
                value = first & 0x10 != 0 ? first - 32 : first
                more = false
            }
            while more {
                guard p < n else { return fail() }
                let c = Int(bytes[p]) - 48
                p += 1
                guard c >= 0 && c < 64 else { return fail() }
                value |= (c & 0x1F) << shift
                more = (c & 0x20) != 0
                shift += 5
                if !more && (c & 0x10) != 0 { value |= -1 << shift }
                guard shift < 64 else { return fail() }
            }
            // From the third run on, the difference to the run two places earlier is written.
            if decoded > 2 { value += older }
            guard value >= 0 && value <= Int(UInt32.max) else { return fail() }
            older = previous
            previous = value
            decoded += 1
            return value
        }

        mutating func fail() -> Int? {
            malformed = true
            return nil
        }
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
