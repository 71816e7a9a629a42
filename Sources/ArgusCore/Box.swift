/// An axis-aligned box, in the coordinate space of the dataset that holds it.
///
/// Both corner and size forms are stored: each is kept exactly as the source gave it and
/// the other derived, so that a COCO `[x, y, w, h]` box (or an AutoML `topX … bottomY` box)
/// survives a round trip bit for bit.
public struct Box: Hashable, Sendable {
    /// The left edge.
    public var minX: Double
    /// The top edge.
    public var minY: Double
    /// The right edge.
    public var maxX: Double
    /// The bottom edge.
    public var maxY: Double
    /// The width as the source gave it (kept so that a round trip is exact).
    public var width: Double
    /// The height as the source gave it.
    public var height: Double

    /// A box from its corners (AutoML `topX, topY, bottomX, bottomY`; VOC `xmin … ymax`).
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
        self.width = maxX - minX
        self.height = maxY - minY
    }

    /// A box from its corner and size (COCO `bbox: [x, y, w, h]`).
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.minX = x
        self.minY = y
        self.width = width
        self.height = height
        self.maxX = x + width
        self.maxY = y + height
    }

    /// A box from its centre and size (YOLO `cx cy w h`).
    public init(centerX: Double, centerY: Double, width: Double, height: Double) {
        self.init(x: centerX - width / 2, y: centerY - height / 2, width: width, height: height)
    }

    /// The horizontal centre.
    public var centerX: Double { minX + width / 2 }
    /// The vertical centre.
    public var centerY: Double { minY + height / 2 }
    /// Width times height.
    public var area: Double { width * height }

    /// The box with every coordinate multiplied by the given factors
    /// (normalised → pixels with the image size, pixels → normalised with its inverse).
    public func scaled(x sx: Double, y sy: Double) -> Box {
        Box(minX: minX * sx, minY: minY * sy, maxX: maxX * sx, maxY: maxY * sy)
    }

    /// The box divided by the image size (pixels → normalised, see docs/formats.md).
    public func normalized(width w: Double, height h: Double) -> Box {
        Box(minX: minX / w, minY: minY / h, maxX: maxX / w, maxY: maxY / h)
    }

    /// The box multiplied by the image size (normalised → pixels).
    public func denormalized(width w: Double, height h: Double) -> Box {
        Box(minX: minX * w, minY: minY * h, maxX: maxX * w, maxY: maxY * h)
    }
}
