import ArgusCore
import ArgusMasks
import Dispatch

/// Masks of every object, rasterised once (in parallel) with their bounding boxes and areas; build
/// one and pass it to each evaluation of the same data. A detection given as a compressed RLE whose
/// footprint is known stays compressed until an IoU needs its runs.
public final class MaskCache: @unchecked Sendable {
    /// One side's objects: boxes and areas as plain values (read for every pair compared), the runs
    /// apart (nil where a compressed RLE is decoded when an IoU needs it).
    struct Side {
        var boxes: [(Double, Double, Double, Double)]
        var areas: [Int]
        var masks: [RunLengthMask?]
    }
    private let truth: Side
    private let detections: Side
    private let detectionShapes: Shapes

    /// The ground truth's masks alone, rasterised before the detections are at hand (while the
    /// results are still being read): hand them to `init(_:truth:)` with the same ground truth.
    public struct TruthMasks: @unchecked Sendable {
        fileprivate let side: Side
        fileprivate let count: Int
    }

    /// The masks of every ground truth and detection of `data`, rasterised once.
    /// - Parameter truth: the ground truth's masks, rasterised ahead by `truthMasks(_:)` from data
    ///   with this ground truth and these images; nil to rasterise them here.
    public init(_ data: EvaluationData, truth given: TruthMasks? = nil) {
        // Plain sizes for the workers: an `Image` copied on every core bounces its name's reference count.
        let sizes = Self.sizes(data)
        precondition(given.map { $0.count == data.groundTruth.count } ?? true, "masks of another ground truth")
        truth = given?.side ?? Self.side(data.groundTruth, sizes: sizes, compressedKept: false)
        detections = Self.side(data.detections, sizes: sizes, compressedKept: true)
        detectionShapes = data.detections.segmentations
    }

    /// The masks of `data`'s ground truth, rasterised on every core.
    public static func truthMasks(_ data: EvaluationData) -> TruthMasks {
        let side = side(data.groundTruth, sizes: sizes(data), compressedKept: false)
        return TruthMasks(side: side, count: data.groundTruth.count)
    }

    private static func sizes(_ data: EvaluationData) -> [(height: Int, width: Int)] {
        data.images.map { (height: $0.height, width: $0.width) }
    }

    private static func side(
        _ objects: EvaluationData.Objects, sizes: [(height: Int, width: Int)], compressedKept: Bool
    ) -> Side {
        let n = objects.count
        // Every column written once, in place, in blocks on every core: no fill on one core before.
        var boxes: [(Double, Double, Double, Double)] = []
        var areas: [Int] = []
        let masks = [RunLengthMask?](unsafeUninitializedCapacity: n) { maskBuffer, maskCount in
            areas = [Int](unsafeUninitializedCapacity: n) { areaBuffer, areaCount in
                boxes = [(Double, Double, Double, Double)](unsafeUninitializedCapacity: n) { boxBuffer, boxCount in
                    let (boxesOut, areasOut) = (
                        UnsafeMutableBufferPointerBox(boxBuffer), UnsafeMutableBufferPointerBox(areaBuffer)
                    )
                    let masksOut = UnsafeMutableBufferPointerBox(maskBuffer)
                    DispatchQueue.concurrentPerform(iterations: max(1, (n + 1023) / 1024)) { block in
                        for i in (block * 1024)..<min(n, (block + 1) * 1024) {
                            let (box, area, mask) = measured(objects, i, sizes: sizes, compressedKept: compressedKept)
                            (boxesOut.buffer.baseAddress! + i).initialize(to: box)
                            (areasOut.buffer.baseAddress! + i).initialize(to: area)
                            (masksOut.buffer.baseAddress! + i).initialize(to: mask)
                        }
                    }
                    boxCount = n
                }
                areaCount = n
            }
            maskCount = n
        }
        return Side(boxes: boxes, areas: areas, masks: masks)
    }

    /// Object `i`'s box, area and runs (nil for a compressed RLE whose footprint is known, where
    /// `compressedKept`: decoded when an IoU needs it).
    private static func measured(
        _ objects: EvaluationData.Objects, _ i: Int, sizes: [(height: Int, width: Int)], compressedKept: Bool
    ) -> (box: (Double, Double, Double, Double), area: Int, mask: RunLengthMask?) {
        let known = i < objects.footprints.count ? objects.footprints[i] : nil
        if compressedKept, let known, objects.segmentations.isCompressed(i) {
            return ((known.box.minX, known.box.minY, known.box.width, known.box.height), known.area, nil)
        }
        let (height, width) = sizes[Int(objects.image[i])]
        let mask =
            objects.segmentations.mask(at: i, height: height, width: width)
            ?? RunLengthMask(height: height, width: width, counts: [UInt32(height * width)])
        let box =
            known.map { ($0.box.minX, $0.box.minY, $0.box.width, $0.box.height) } ?? MaskOperations.boundingBox(mask)
        return (box, known?.area ?? mask.area, mask)
    }

    /// The mask IoUs (pycocotools `maskUtils.iou`) of detection `d` with each of `truths`, in order,
    /// appended to `ious`; `crowd(g)` tells how each ground truth counts. A detection kept as a
    /// compressed RLE is decoded once for them, and only if an IoU may reach `minimum`.
    ///
    /// - Parameter minimum: IoUs that cannot reach it come out as 0, their masks not compared:
    ///   the intersection is at most the smaller area and the boxes' overlap, the union at least
    ///   the larger area (the detection's, for a crowd), and rounding keeps that bound.
    func appendIoUs(
        detection d: Int, groundTruths truths: some Sequence<Int>, crowd: (Int) -> Bool, minimum: Double = 0,
        to ious: inout [Double]
    ) {
        let box = detections.boxes[d]
        let area = detections.areas[d]
        var mask: RunLengthMask?
        for g in truths {
            let isCrowd = crowd(g)
            let truthBox = truth.boxes[g]
            let truthArea = truth.areas[g]
            let overlap = Self.boxOverlap(box, truthBox)
            if overlap <= 0 || (minimum > 0 && Self.bound(overlap, area, truthArea, crowd: isCrowd) < minimum) {
                ious.append(0)
                continue
            }
            if mask == nil {
                mask =
                    detections.masks[d] ?? detectionShapes.runLengthMask(at: d)
                    ?? RunLengthMask(height: 0, width: 0, counts: [])
            }
            ious.append(
                MaskOperations.iou(
                    detection: mask!, groundTruth: truth.masks[g]!, crowd: isCrowd, detectionBox: box,
                    groundTruthBox: truthBox, areas: (area, truthArea)))
        }
    }

    /// The mask IoUs of one image's `detections` with its `truths`, where `comparing(d, g)`: each
    /// that is not 0 goes to `found(d, g, iou)`, in order; as `appendIoUs` for each detection, in
    /// one call (the cache is not retained and released per detection, on every core at once).
    func compare(
        detections: ArraySlice<Int>, truths: ArraySlice<Int>, comparing: (Int, Int) -> Bool, crowd: (Int) -> Bool,
        minimum: Double, found: (Int, Int, Double) -> Void
    ) {
        var compared: [Int] = []
        var row: [Double] = []
        for d in detections {
            compared.removeAll(keepingCapacity: true)
            for g in truths where comparing(d, g) { compared.append(g) }
            row.removeAll(keepingCapacity: true)
            appendIoUs(detection: d, groundTruths: compared, crowd: crowd, minimum: minimum, to: &row)
            for j in row.indices where row[j] != 0 { found(d, compared[j], row[j]) }
        }
    }

    /// The pixels two whole-pixel boxes share.
    @inline(__always)
    static func boxOverlap(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> Double {
        let w = min(a.0 + a.2, b.0 + b.2) - max(a.0, b.0)
        let h = min(a.1 + a.3, b.1 + b.3) - max(a.1, b.1)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// The largest IoU two masks of these areas can have when their boxes share `overlap` pixels.
    @inline(__always)
    static func bound(_ overlap: Double, _ detection: Int, _ truth: Int, crowd: Bool) -> Double {
        // pycocotools' 32-bit union could wrap past this bound (masks of over 2^31 pixels): no bound.
        guard detection + truth < 1 << 32 else { return 1 }
        let intersection = min(overlap, Double(min(detection, truth)))
        let union = crowd ? detection : max(detection, truth)
        return union > 0 ? intersection / Double(union) : 0
    }
}
