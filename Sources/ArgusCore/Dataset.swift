/// The coordinate space of boxes and polygons.
public enum CoordinateSpace: String, Sendable, Hashable {
    /// Fractions of the image width and height, in [0, 1] (AutoML JSONL, YOLO).
    case normalized
    /// Pixels (COCO, Pascal VOC, the absolute text layouts).
    case pixels
}

/// A set of images with their labels or predictions, in one coordinate space.
public struct Dataset: Sendable, Hashable {
    /// The task, as given or inferred (nil where nothing tells).
    public var task: VisionTask?
    /// The images, in source order.
    public var images: [ImageRecord]
    /// The label vocabulary in its source order (COCO categories, a names file, …).
    public var labels: [String]
    /// Whether boxes and polygons are fractions of the image or pixels.
    public var coordinateSpace: CoordinateSpace
    /// COCO category ids by label, kept so that a COCO round trip keeps its ids.
    public var categoryIDs: [String: Int]
    /// COCO image ids given as strings, with the numbers Argus evaluates them as: their ranks in
    /// sorted order (pycocotools sorts string ids as strings). Empty when the ids are numbers.
    public var stringImageIDs: [String: Int] = [:]

    /// A dataset.
    public init(
        task: VisionTask? = nil, images: [ImageRecord] = [], labels: [String] = [],
        coordinateSpace: CoordinateSpace = .normalized, categoryIDs: [String: Int] = [:]
    ) {
        self.task = task
        self.images = images
        self.labels = labels
        self.coordinateSpace = coordinateSpace
        self.categoryIDs = categoryIDs
    }

    /// Every label that occurs, in vocabulary order first, then in order of first appearance.
    public var allLabels: [String] {
        var seen = Set(labels)
        var result = labels
        func add(_ label: String) { if seen.insert(label).inserted { result.append(label) } }
        for image in images {
            switch image.annotation {
            case .none: break
            case .category(let label): add(label)
            case .categories(let list): list.forEach(add)
            case .scores(let list, _): list.forEach(add)
            case .objects(let objects): objects.forEach { add($0.label) }
            }
        }
        return result
    }

    /// The task the annotations imply, or `nil` where nothing tells. Every image is looked at
    /// until one tells: an empty label list fits both multi-label classification and detection,
    /// so it decides nothing.
    public var inferredTask: VisionTask? {
        var sawObjects = false
        for image in images {
            switch image.annotation {
            case .none: continue
            case .category: return .imageClassification
            case .categories(let list) where list.isEmpty: continue
            case .categories: return .imageClassificationMultilabel
            case .scores(_, let probabilities):
                // Multi-class probabilities sum to one; sigmoid outputs need not.
                let total = probabilities.reduce(0, +)
                return abs(total - 1) < 1e-3 ? .imageClassification : .imageClassificationMultilabel
            case .objects(let objects):
                if objects.contains(where: { $0.segmentation != nil }) { return .imageInstanceSegmentation }
                if !objects.isEmpty { sawObjects = true }
            }
        }
        return sawObjects ? .imageObjectDetection : nil
    }
}
