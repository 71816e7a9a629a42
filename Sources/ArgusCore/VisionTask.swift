/// The four tasks of docs/formats.md, named as jobs and the command line name them.
public enum VisionTask: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case imageClassification = "image_classification"
    case imageClassificationMultilabel = "image_classification_multilabel"
    case imageObjectDetection = "image_object_detection"
    case imageInstanceSegmentation = "image_instance_segmentation"

    /// The task's name.
    public var description: String { rawValue }

    /// The name of the task's primary metric (docs/formats.md).
    public var primaryMetric: String {
        switch self {
        case .imageClassification: "accuracy"
        case .imageClassificationMultilabel: "iou"
        case .imageObjectDetection, .imageInstanceSegmentation: "mean_average_precision"
        }
    }

    /// True for the tasks whose labels are objects located in the image.
    public var hasObjects: Bool {
        self == .imageObjectDetection || self == .imageInstanceSegmentation
    }
}
