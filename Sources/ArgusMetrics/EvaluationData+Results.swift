import ArgusCore
import ArgusMasks
import Dispatch

/// COCO results joined to the ground truth: checked, measured and placed on every core.
extension EvaluationData {
    /// Adds COCO results (ids as in the ground truth). Results for an image the ground truth does
    /// not have are an error (pycocotools asserts); results of unknown categories are left out and counted.
    public mutating func addResults(_ results: DetectionResults, segm: Bool) throws(EvaluationError) -> Int {
        let imageIndex = IDIndex(images.map(\.id))
        let categoryIndex = IDIndex(categoryIDs)
        // pycocotools' loadRes decides by the first result: with a bbox, every result needs one and
        // takes its area from it; without, areas (and missing boxes) come from the masks.
        let boxBranch = results.firstResultHasBox ?? (results.count > 0 && results.box(at: 0) != nil)
        // Masks measured once, on every core (their areas serve here, their boxes the IoUs later):
        // from the footprint the reader worked out on the walk that checked a compressed RLE, else
        // decoded (kept for the IoUs). The checks that may fail stay in order below.
        let decoding = segm || !boxBranch
        let sizes = images.map { (height: $0.height, width: $0.width) }
        var measures: [Measure] = []
        let (slots, firstProblem) = Self.measure(
            results, imageIndex: imageIndex, sizes: sizes, decoding: decoding, into: &measures)
        if slots.contains(-1) {
            let unknownImages = Set(results.imageIDs.indices.filter { slots[$0] < 0 }.map { results.imageIDs[$0] })
            throw EvaluationError(
                "results refer to \(unknownImages.count) image id(s) that the ground truth does not have, e.g. \(unknownImages.sorted().prefix(5).map(String.init).joined(separator: ", "))"
            )
        }
        let placing = Placing(
            results: results, slots: slots, sizes: sizes, boxBranch: boxBranch, decoding: decoding,
            firstProblem: firstProblem, measured: measures.isEmpty ? [] : measures.map(\.footprint))
        // Where every result has a compressed RLE its reader measured, in order, the detections take
        // the results' shapes and footprints as they are (shared, not copied), unless some are left out.
        let shapeIndex = results.segmentationIndex
        let shared =
            segm && measures.isEmpty && results.segmentations.count == results.count
            && shapeIndex.indices.allSatisfy { shapeIndex[$0] == $0 }
        var objects: Objects
        var skipped = 0
        if !segm || shared {
            (objects, skipped) = try placing.placedConcurrently(categoryIndex: categoryIndex)
        } else {
            objects = Objects()
            for i in 0..<results.count {
                let (box, area) = try placing.place(i).get()
                // Results of categories the ground truth does not have take no part (pycocotools filters them).
                guard let category = categoryIndex[results.categoryIDs[i]] else {
                    skipped += 1
                    continue
                }
                objects.append(
                    image: slots[i], category: category, box: box, area: area, id: results.position(at: i) + 1,
                    score: results.scores[i])
                // A decoded mask moved, not copied: the measures go with this loop.
                objects.footprints.append(placing.footprint(i))
                let mask = measures.isEmpty ? nil : measures[i].decoded.take().map(Segmentation.rle)
                let given = !measures.isEmpty && measures[i].unreadable ? nil : results.segmentation(at: i)
                objects.segmentations.append(mask ?? given ?? .polygons([Self.boxPolygon(box)]))
            }
        }
        if shared {
            let shapes = results.segmentations
            let footprints = results.footprints
            objects.segmentations = skipped == 0 ? shapes : keptShapes(results, categoryIndex)
            objects.footprints = skipped == 0 ? footprints : keptValues(results, categoryIndex, results.footprint)
        }
        detections = objects
        return skipped
    }

    /// What is wrong with a result's mask for `image`: RLE of another size, or (where masks are
    /// measured) a polygon point far outside the image.
    static func problem(of shape: Segmentation?, height: Int, width: Int, decoding: Bool) -> String? {
        if let size = sizeProblem(shape?.rleDimensions, height: height, width: width) { return size }
        if decoding, case .polygons(let rings)? = shape,
            let point = MaskOperations.farPoint(rings, width: Double(width), height: Double(height))
        {
            return "polygon point (\(point.0), \(point.1)) lies far outside the \(width)×\(height) image"
        }
        return nil
    }

    /// What is wrong with an RLE of size `given` for an image of `height` × `width`.
    @inline(__always)
    static func sizeProblem(_ given: (height: Int, width: Int)?, height: Int, width: Int) -> String? {
        guard let given, given != (height, width), height > 0 else { return nil }
        return "the mask is \(given.height)×\(given.width) (height × width) but the image is \(height)×\(width)"
    }

    /// The results' image slots and, where masks are measured, on every core: the first mask problem
    /// in file order (`problem`) and, where some mask was not measured by its reader, what decoding
    /// each such one gives, into `measures` (else left empty).
    static func measure(
        _ results: DetectionResults, imageIndex: IDIndex, sizes: [(height: Int, width: Int)], decoding: Bool,
        into measures: inout [Measure]
    ) -> (slots: [Int32], firstProblem: (index: Int, message: String)?) {
        // Plain values for the workers: copying `results` or an `Image` (its name) on every core
        // would bounce shared reference counts between them.
        let imageIDs = results.imageIDs
        let shapeIndex = results.segmentationIndex
        let shapes = results.segmentations
        let footprints = results.footprints
        let unmeasured = decoding && footprints.contains { $0 == nil }
        measures = [Measure](repeating: Measure(), count: unmeasured ? imageIDs.count : 0)
        var slots = [Int32](repeating: 0, count: imageIDs.count)
        let blocks = (imageIDs.count + 4095) / 4096
        var problems = [(index: Int, message: String)?](repeating: nil, count: blocks)
        // A compressed RLE's size is checked in place, its counts not made into a string.
        slots.withUnsafeMutableBufferPointer { slotBuffer in
            measures.withUnsafeMutableBufferPointer { buffer in
                problems.withUnsafeMutableBufferPointer { problemBuffer in
                    let slotsOut = UnsafeMutableBufferPointerBox(slotBuffer)
                    let measured = UnsafeMutableBufferPointerBox(buffer)
                    let found = UnsafeMutableBufferPointerBox(problemBuffer)
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        for i in (block * 4096)..<min(imageIDs.count, (block + 1) * 4096) {
                            // -1: an image the ground truth does not have (an error, told in order).
                            guard let slot = imageIndex[imageIDs[i]] else {
                                slotsOut.buffer[i] = -1
                                continue
                            }
                            slotsOut.buffer[i] = slot
                            let shape = Int(shapeIndex[i])
                            guard decoding, shape >= 0, found.buffer[block] == nil else { continue }
                            let (height, width) = sizes[Int(slot)]
                            let problem: String?
                            if let size = shapes.compressedDimensions(at: shape) {
                                problem = sizeProblem(size, height: height, width: width)
                            } else {
                                problem = Self.problem(
                                    of: shapes[shape], height: height, width: width, decoding: true)
                            }
                            if let problem {
                                found.buffer[block] = (i, problem)
                            } else if unmeasured && footprints[shape] == nil {
                                measured.buffer[i] = Measure(decoding: shapes[shape], height: height, width: width)
                            }
                        }
                    }
                }
            }
        }
        return (slots, problems.lazy.compactMap { $0 }.first)
    }

    /// The shapes of the results of categories the ground truth has (`shared` with some left out).
    private func keptShapes(_ results: DetectionResults, _ categoryIndex: IDIndex) -> Shapes {
        var kept = Shapes()
        for i in results.categoryIDs.indices where categoryIndex[results.categoryIDs[i]] != nil {
            kept.append(from: results.segmentations, at: i)
        }
        return kept
    }

    /// `value(i)` of each result `i` of a category the ground truth has (`shared` with some left out).
    private func keptValues<T>(_ results: DetectionResults, _ categoryIndex: IDIndex, _ value: (Int) -> T) -> [T] {
        results.categoryIDs.indices.compactMap { i in categoryIndex[results.categoryIDs[i]] == nil ? nil : value(i) }
    }

    /// What the evaluation learns of a detection's mask that its reader did not measure.
    struct Measure {
        /// The mask decoded …
        var decoded: RunLengthMask?
        /// … and its area and box.
        var footprint: MaskFootprint?
        /// Whether the mask cannot be decoded: the detection has none then.
        var unreadable = false

        init() {}

        /// A detection's mask `given`, decoded in an image of this size.
        init(decoding given: Segmentation, height: Int, width: Int) {
            guard let mask = given.mask(height: height, width: width) else {
                unreadable = true
                return
            }
            decoded = mask
            footprint = MaskFootprint(area: mask.area, box: MaskOperations.boundingBox(mask))
        }
    }
}
