/// One object of an image: a ground-truth instance or a predicted one.
public struct ObjectAnnotation: Hashable, Sendable {
    /// The object's class.
    public var label: String
    /// The box, in the coordinate space of the dataset.
    public var box: Box?
    /// The object's mask, where it has one.
    public var segmentation: Segmentation?
    /// Crowd regions (COCO `iscrowd`, AutoML `isCrowd`, VOC `difficult`) are matched but never counted.
    public var isCrowd: Bool
    /// The confidence of a prediction; `nil` for ground truth.
    public var score: Double?
    /// The area as the source gave it (COCO `area`); never recomputed when present.
    public var area: Double?
    /// The source's annotation id (COCO `id`), when it had one.
    public var id: Int?

    /// An object with what is known of it.
    public init(
        label: String, box: Box? = nil, segmentation: Segmentation? = nil, isCrowd: Bool = false,
        score: Double? = nil, area: Double? = nil, id: Int? = nil
    ) {
        self.label = label
        self.box = box
        self.segmentation = segmentation
        self.isCrowd = isCrowd
        self.score = score
        self.area = area
        self.id = id
    }
}
