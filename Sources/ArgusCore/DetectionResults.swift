/// Detections in the COCO results layout, stored column by column (pixels, as in the file).
///
/// A results file of millions of detections is held here in a few flat arrays (about 56 bytes a
/// detection) instead of one object per detection; the evaluation engines read these columns.
public struct DetectionResults: Sendable, Hashable {
    /// COCO `image_id` of each detection.
    public var imageIDs: [Int] = []
    /// COCO `category_id` of each detection.
    public var categoryIDs: [Int] = []
    /// `score` of each detection.
    public var scores: [Double] = []
    /// `bbox` as x, y, w, h, four values a detection; NaN where the detection had no box.
    public var boxes: [Double] = []
    /// Index into `segmentations` for each detection, or -1 where it had none.
    public var segmentationIndex: [Int32] = []
    /// The masks of the detections that had one (compressed RLE counts held as bytes).
    public var segmentations = Shapes()
    /// Each mask's area and box where its reader worked them out (compressed RLE, on the walk that
    /// checks it), parallel to `segmentations`: the evaluation then needs not decode the mask for them.
    public var footprints: [MaskFootprint?] = []

    /// Each detection's position in its file, when only some of the file's detections were kept
    /// (empty: the positions are the indices).
    public var positions: [Int32] = []
    /// Whether the file's first detection has a box (pycocotools decides areas by it), when the
    /// first detection may not have been kept.
    public var firstResultHasBox: Bool?

    /// No detections.
    public init() {}

    /// The detection's position in its file.
    @inline(__always) public func position(at i: Int) -> Int { positions.isEmpty ? i : Int(positions[i]) }

    /// The number of detections.
    public var count: Int { scores.count }

    /// Reserves room for `n` detections in every column, `shapes` of them with a mask, and `positions`
    /// positions (where only some of a file's detections are kept).
    public mutating func reserveCapacity(_ n: Int, shapes: Int = 0, positions: Int = 0) {
        imageIDs.reserveCapacity(n)
        categoryIDs.reserveCapacity(n)
        scores.reserveCapacity(n)
        boxes.reserveCapacity(4 * n)
        segmentationIndex.reserveCapacity(n)
        segmentations.reserveCapacity(shapes)
        footprints.reserveCapacity(shapes)
        self.positions.reserveCapacity(positions)
    }

    /// Appends one detection.
    public mutating func append(
        imageID: Int, categoryID: Int, score: Double, box: (Double, Double, Double, Double)?,
        segmentation: Segmentation?, footprint: MaskFootprint? = nil
    ) {
        appendColumns(imageID: imageID, categoryID: categoryID, score: score, box: box, shaped: segmentation != nil)
        if let segmentation {
            segmentations.append(segmentation)
            footprints.append(footprint)
        }
    }

    /// Appends one detection whose mask is a compressed RLE, from its counts' bytes.
    public mutating func append(
        imageID: Int, categoryID: Int, score: Double, box: (Double, Double, Double, Double)?,
        compressedCounts: UnsafeBufferPointer<UInt8>, height: Int, width: Int, footprint: MaskFootprint?
    ) {
        appendColumns(imageID: imageID, categoryID: categoryID, score: score, box: box, shaped: true)
        segmentations.appendCompressed(compressedCounts, height: height, width: width)
        footprints.append(footprint)
    }

    /// Appends a detection's values but its shape, which follows where it has one.
    @inline(__always)
    private mutating func appendColumns(
        imageID: Int, categoryID: Int, score: Double, box: (Double, Double, Double, Double)?, shaped: Bool
    ) {
        imageIDs.append(imageID)
        categoryIDs.append(categoryID)
        scores.append(score)
        let (x, y, w, h) = box ?? (.nan, .nan, .nan, .nan)
        boxes.append(x)
        boxes.append(y)
        boxes.append(w)
        boxes.append(h)
        segmentationIndex.append(shaped ? Int32(segmentations.count) : -1)
    }

    /// Appends `other`'s detections, read from a later part of the same file: their positions (where
    /// only some were kept) are moved on by `positionOffset`, the detections before them in the file.
    public mutating func append(contentsOf other: DetectionResults, positionOffset: Int) {
        imageIDs += other.imageIDs
        categoryIDs += other.categoryIDs
        scores += other.scores
        boxes += other.boxes
        let shapesBefore = Int32(segmentations.count)
        segmentationIndex += other.segmentationIndex.map { $0 < 0 ? $0 : $0 &+ shapesBefore }
        segmentations.append(contentsOf: other.segmentations)
        footprints += other.footprints
        positions += other.positions.map { $0 &+ Int32(truncatingIfNeeded: positionOffset) }
    }

    /// The box of detection `i`, or nil.
    public func box(at i: Int) -> Box? {
        let x = boxes[4 * i]
        guard !x.isNaN else { return nil }
        return Box(x: x, y: boxes[4 * i + 1], width: boxes[4 * i + 2], height: boxes[4 * i + 3])
    }

    /// The mask of detection `i`, where it has one.
    public func segmentation(at i: Int) -> Segmentation? {
        let index = segmentationIndex[i]
        return index < 0 ? nil : segmentations[Int(index)]
    }

    /// The area and box of detection `i`'s mask, where its reader worked them out.
    public func footprint(at i: Int) -> MaskFootprint? {
        let index = segmentationIndex[i]
        return index < 0 ? nil : footprints[Int(index)]
    }
}
