/// A run-length-encoded binary mask with COCO semantics: column-major runs that start
/// with a run of zeros (uncompressed COCO RLE, `{counts: [...], size: [h, w]}`).
public struct RunLengthMask: Hashable, Sendable {
    /// The mask's height in pixels.
    public var height: Int
    /// The mask's width in pixels.
    public var width: Int
    /// The runs, column by column, starting with a run of zeros.
    public var counts: [UInt32]

    /// A mask of runs.
    public init(height: Int, width: Int, counts: [UInt32]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// The number of foreground pixels (the sum of the odd-indexed runs).
    public var area: Int {
        var total = 0
        var index = 1
        while index < counts.count {
            total += Int(counts[index])
            index += 2
        }
        return total
    }
}

/// What a mask's runs tell without keeping them: how many pixels it holds and where.
public struct MaskFootprint: Hashable, Sendable {
    /// The number of foreground pixels.
    public var area: Int
    /// The bounding box of the foreground `(x, y, w, h)` in pixels (pycocotools `toBbox`).
    public var box: Box

    /// A footprint of `area` pixels within `box` `(x, y, w, h)`.
    public init(area: Int, box: (Double, Double, Double, Double)) {
        self.area = area
        self.box = Box(x: box.0, y: box.1, width: box.2, height: box.3)
    }
}

/// An instance's shape, as its source gave it.
public enum Segmentation: Hashable, Sendable {
    /// One or more rings `[x1, y1, x2, y2, …]`, in the dataset's coordinate space.
    case polygons([[Double]])
    /// Uncompressed COCO RLE (always in pixels).
    case rle(RunLengthMask)
    /// Compressed COCO RLE string (always in pixels), kept verbatim.
    case compressedRLE(counts: String, height: Int, width: Int)

    /// The rings of a polygon mask (nil for RLE).
    public var polygons: [[Double]]? {
        if case .polygons(let rings) = self { return rings }
        return nil
    }

    /// An RLE mask's height and width; nil for polygons (no array made, for per-object checks).
    public var rleDimensions: (height: Int, width: Int)? {
        switch self {
        case .polygons: nil
        case .rle(let mask): (mask.height, mask.width)
        case .compressedRLE(_, let height, let width): (height, width)
        }
    }
}
