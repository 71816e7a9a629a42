import ArgusCore
import ArgusMasks
import Dispatch

/// Ground truth and detections of one detection or segmentation evaluation, flat and in pixels,
/// with pycocotools' ids: images and categories sorted by id, detections numbered 1… in file order.
public struct EvaluationData: Sendable {
    /// An image.
    public struct Image: Sendable, Hashable {
        /// Its COCO id (or its position + 1).
        public var id: Int
        /// Its width in pixels (0 where unknown).
        public var width: Int
        /// Its height in pixels (0 where unknown).
        public var height: Int
        /// Its name (file name or URL).
        public var name: String
        /// The image's position in the ground-truth source.
        public var sourceIndex: Int
    }

    /// Objects of one side, one entry per object.
    public struct Objects: Sendable {
        /// Index into `images`.
        public var image: [Int32] = []
        /// Index into `categoryIDs`.
        public var category: [Int32] = []
        /// `[x, y, w, h]`, four values an object.
        public var boxes: [Double] = []
        /// COCO `area`: as given for ground truth; the box's (bbox, or segm results with a box) or the mask's.
        public var areas: [Double] = []
        /// Annotation ids (ground truth: as given, or 1… where the source had none; detections: 1… in file order).
        public var ids: [Int] = []
        /// Whether each object is a crowd (ignored when matching).
        public var isCrowd: [Bool] = []
        /// Detection scores (empty for ground truth).
        public var scores: [Double] = []
        /// Shapes, for `segm` (empty for `bbox`): a box's polygon for an object given without one.
        public var segmentations: [Segmentation] = []
        /// Each shape's area and bounding box where they were worked out with the mask (detections
        /// read from RLE; nil where not), or empty: `MaskCache` works out the rest.
        public var footprints: [MaskFootprint?] = []

        /// No objects.
        public init() {}

        /// The number of objects.
        public var count: Int { ids.count }

        /// Object `i`'s box `(x, y, w, h)`.
        @inline(__always) public func box(_ i: Int) -> (Double, Double, Double, Double) {
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3])
        }
    }

    /// The images, sorted by id.
    public var images: [Image]
    /// The category ids, sorted.
    public var categoryIDs: [Int]
    /// The categories' names, in the same order.
    public var categoryNames: [String]
    /// The ground-truth objects.
    public var groundTruth: Objects
    /// The detections.
    public var detections: Objects

    /// Evaluation data with every part given.
    public init(images: [Image], categoryIDs: [Int], categoryNames: [String], groundTruth: Objects, detections: Objects)
    {
        self.images = images
        self.categoryIDs = categoryIDs
        self.categoryNames = categoryNames
        self.groundTruth = groundTruth
        self.detections = detections
    }
}

/// A problem that stops an evaluation (results for an image the ground truth lacks, …).
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    /// An error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension EvaluationData {
    /// Builds the evaluation from ground truth in pixels (`dataset.coordinateSpace == .pixels`).
    /// - Parameter segm: keep shapes for mask evaluation.
    /// Image ids: the dataset's where every image has one, else 1… in order; category ids likewise.
    public static func groundTruth(_ dataset: Dataset, segm: Bool) throws(EvaluationError) -> (
        EvaluationData, imageIDs: [String: Int]
    ) {
        guard dataset.coordinateSpace == .pixels else { throw EvaluationError("ground truth must be in pixels") }
        let ids = dataset.images.compactMap(\.id)
        let keepImageIDs = ids.count == dataset.images.count && Set(ids).count == ids.count
        var images: [Image] = []
        for (index, image) in dataset.images.enumerated() {
            // Boxes need no image size; masks do.
            guard let width = image.width, let height = image.height else {
                if segm {
                    throw EvaluationError(
                        "\(image.location?.description ?? image.imageURL): the size of \(image.imageURL) is unknown")
                }
                images.append(
                    Image(
                        id: keepImageIDs ? image.id! : index + 1, width: 0, height: 0, name: image.imageURL,
                        sourceIndex: index))
                continue
            }
            images.append(
                Image(
                    id: keepImageIDs ? image.id! : index + 1, width: width, height: height, name: image.imageURL,
                    sourceIndex: index))
        }
        // Categories: the COCO ids where known, else 1… in label order; sorted by id.
        let labels = dataset.allLabels
        let keepCategoryIDs = labels.allSatisfy { dataset.categoryIDs[$0] != nil }
        var categories = labels.enumerated().map { (id: keepCategoryIDs ? dataset.categoryIDs[$1]! : $0 + 1, name: $1) }
        categories.sort { $0.id < $1.id }
        let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.name, Int32($0)) })
        // Images sorted by id (pycocotools `p.imgIds`).
        let order = images.indices.sorted { images[$0].id < images[$1].id }
        var position = [Int](repeating: 0, count: images.count)
        for (rank, index) in order.enumerated() { position[index] = rank }
        var objects = Objects()
        var nextID = 1
        for (index, image) in dataset.images.enumerated() {
            for object in image.annotation.objects {
                guard
                    let box = object.box
                        ?? boxOfShape(object.segmentation, height: images[index].height, width: images[index].width)
                else { continue }
                objects.image.append(Int32(position[index]))
                objects.category.append(categoryIndex[object.label]!)
                objects.boxes += [box.minX, box.minY, box.width, box.height]
                var area = object.area
                if area == nil {
                    if segm,
                        let mask = object.segmentation?.mask(height: images[index].height, width: images[index].width)
                    {
                        area = Double(mask.area)
                    } else {
                        area = box.width * box.height
                    }
                }
                objects.areas.append(area!)
                objects.ids.append(object.id ?? nextID)
                nextID += 1
                objects.isCrowd.append(object.isCrowd)
                if segm { objects.segmentations.append(object.segmentation ?? .polygons([boxPolygon(box)])) }
            }
        }
        let data = EvaluationData(
            images: order.map { images[$0] }, categoryIDs: categories.map(\.id), categoryNames: categories.map(\.name),
            groundTruth: objects, detections: Objects())
        var byName: [String: Int] = [:]
        for image in data.images { byName[image.name] = image.id }
        return (data, byName)
    }

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
        var skipped = 0
        var objects = Objects()
        objects.image.reserveCapacity(results.count)
        objects.category.reserveCapacity(results.count)
        objects.boxes.reserveCapacity(4 * results.count)
        objects.areas.reserveCapacity(results.count)
        objects.ids.reserveCapacity(results.count)
        objects.scores.reserveCapacity(results.count)
        // A mask's area and box: measured by its reader, or here.
        func footprint(_ i: Int) -> MaskFootprint? {
            (measures.isEmpty ? nil : measures[i].footprint) ?? results.footprint(at: i)
        }
        // Where every result has a compressed RLE its reader measured, in order, the detections take
        // the results' shapes and footprints as they are (shared, not copied), unless some are left out.
        let shapeIndex = results.segmentationIndex
        let shared =
            segm && measures.isEmpty && results.segmentations.count == results.count
            && shapeIndex.indices.allSatisfy { shapeIndex[$0] == $0 }
        for i in 0..<results.count {
            let image = slots[i]
            var box = results.box(at: i)
            // The mask's problem, found with it on every core where masks are measured.
            let size = sizes[Int(image)]
            let problem =
                decoding
                ? (i == firstProblem?.index ? firstProblem?.message : nil)
                : Self.problem(
                    of: results.segmentation(at: i), height: size.height, width: size.width, decoding: false)
            if let problem { throw EvaluationError("result \(results.position(at: i) + 1): \(problem)") }
            let area: Double
            if boxBranch {
                guard let given = box else {
                    throw EvaluationError(
                        "result \(results.position(at: i) + 1) has no bbox while the first one has: pycocotools requires a bbox on every result then"
                    )
                }
                area = given.width * given.height
            } else {
                guard let footprint = footprint(i) else {
                    throw EvaluationError("result \(results.position(at: i) + 1) has neither a bbox nor a segmentation")
                }
                area = Double(footprint.area)
                if box == nil { box = footprint.box }
            }
            // Results of categories the ground truth does not have take no part (pycocotools filters them).
            guard let category = categoryIndex[results.categoryIDs[i]] else {
                skipped += 1
                continue
            }
            objects.image.append(image)
            objects.category.append(category)
            objects.boxes.append(box!.minX)
            objects.boxes.append(box!.minY)
            objects.boxes.append(box!.width)
            objects.boxes.append(box!.height)
            objects.areas.append(area)
            objects.ids.append(results.position(at: i) + 1)
            objects.isCrowd.append(false)
            objects.scores.append(results.scores[i])
            if segm && !shared {
                // A decoded mask moved, not copied: the measures go with this loop.
                objects.footprints.append(footprint(i))
                let mask = measures.isEmpty ? nil : measures[i].decoded.take().map(Segmentation.rle)
                let given = !measures.isEmpty && measures[i].unreadable ? nil : results.segmentation(at: i)
                objects.segmentations.append(mask ?? given ?? .polygons([Self.boxPolygon(box!)]))
            }
        }
        if shared {
            let shapes = results.segmentations
            let footprints = results.footprints
            objects.segmentations = skipped == 0 ? shapes : keptValues(results, categoryIndex) { shapes[$0] }
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
        // The shapes are read in place: a compressed RLE's size is checked without copying its
        // counts' reference (each copy a retain and a release of a string no other core holds).
        shapes.withUnsafeBufferPointer { shapeBuffer in
            slots.withUnsafeMutableBufferPointer { slotBuffer in
                measures.withUnsafeMutableBufferPointer { buffer in
                    problems.withUnsafeMutableBufferPointer { problemBuffer in
                        let slotsOut = UnsafeMutableBufferPointerBox(slotBuffer)
                        let measured = UnsafeMutableBufferPointerBox(buffer)
                        let found = UnsafeMutableBufferPointerBox(problemBuffer)
                        let shapes = UnsafeMutableBufferPointerBox(UnsafeMutableBufferPointer(mutating: shapeBuffer))
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
                                if case .compressedRLE(_, let h, let w) = shapes.buffer[shape] {
                                    problem = sizeProblem((h, w), height: height, width: width)
                                } else {
                                    problem = Self.problem(
                                        of: shapes.buffer[shape], height: height, width: width, decoding: true)
                                }
                                if let problem {
                                    found.buffer[block] = (i, problem)
                                } else if unmeasured && footprints[shape] == nil {
                                    measured.buffer[i] = Measure(
                                        decoding: shapes.buffer[shape], height: height, width: width)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (slots, problems.lazy.compactMap { $0 }.first)
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

    /// Adds predictions given as a dataset in pixels (AutoML scoring output, text layouts, …),
    /// joined to the ground truth by image file name (or by order where the prediction file named
    /// none: `#0`, `#1`, …) and by label.
    /// - Returns: the number of predictions left out (an unknown label), and the unknown images.
    public mutating func addPredictions(_ predictions: Dataset, segm: Bool) throws(EvaluationError) -> (
        skipped: Int, unknownImages: [String]
    ) {
        guard predictions.coordinateSpace == .pixels else { throw EvaluationError("predictions must be in pixels") }
        var byName: [String: Int] = [:]
        var byStem: [String: Int] = [:]
        var bySource: [Int: Int] = [:]
        for image in images {
            let record = ImageRecord(imageURL: image.name)
            byName[record.fileName] = image.id
            byStem[record.stem] = image.id
            bySource[image.sourceIndex] = image.id
        }
        var categoryOf: [String: Int] = [:]
        for (index, name) in categoryNames.enumerated() { categoryOf[name] = categoryIDs[index] }
        var results = DetectionResults()
        var skipped = 0
        var unknown: [String] = []
        for image in predictions.images {
            let id: Int?
            if image.imageURL.hasPrefix("#"), let position = Int(image.imageURL.dropFirst()) {
                id = bySource[position]
            } else {
                id = byName[image.fileName] ?? byStem[image.stem]
            }
            guard let id else {
                unknown.append(image.imageURL)
                continue
            }
            for object in image.annotation.objects {
                guard let category = categoryOf[object.label] else {
                    skipped += 1
                    continue
                }
                let box = object.box.map { ($0.minX, $0.minY, $0.width, $0.height) }
                results.append(
                    imageID: id, categoryID: category, score: object.score ?? 1, box: box,
                    segmentation: segm ? object.segmentation : nil)
            }
        }
        if !unknown.isEmpty { return (skipped, unknown) }
        let dropped = try addResults(results, segm: segm)
        return (skipped + dropped, [])
    }

    /// The polygon pycocotools' `loadRes` makes of a box: `[x1, y1, x1, y2, x2, y2, x2, y1]`.
    static func boxPolygon(_ box: Box) -> [Double] {
        let x1 = box.minX
        let y1 = box.minY
        let x2 = box.minX + box.width
        let y2 = box.minY + box.height
        return [x1, y1, x1, y2, x2, y2, x2, y1]
    }

    static func boxOfShape(_ shape: Segmentation?, height: Int, width: Int) -> Box? {
        guard let mask = shape?.mask(height: height, width: width) else { return nil }
        let b = MaskOperations.boundingBox(mask)
        return Box(x: b.0, y: b.1, width: b.2, height: b.3)
    }
}
