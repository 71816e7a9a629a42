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
        public var segmentations = Shapes()
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
