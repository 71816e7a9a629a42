import ArgusCore
import ArgusIO

/// Which detection metrics an evaluation computes.
public enum DetectionMetricType: String, CaseIterable, Sendable {
    /// The AutoML service's default: one IoU threshold, AP per label.
    case voc
    /// pycocotools' COCOeval: the 12 statistics and per-category AP.
    case coco
    /// Both, with the VOC values as the headline.
    case cocoVOC = "coco_voc"

    /// Whether VOC matching is computed.
    public var includesVOC: Bool { self != .coco }
    /// Whether COCO evaluation is computed.
    public var includesCOCO: Bool { self != .voc }
}

/// The files an evaluation read, as given on the command line.
public struct EvaluationInputs: Sendable, Equatable {
    /// The ground truth, as given on the command line.
    public var groundTruth: String
    /// The predictions, as given on the command line.
    public var predictions: String

    /// The inputs.
    public init(groundTruth: String, predictions: String) {
        self.groundTruth = groundTruth
        self.predictions = predictions
    }

    func write(to json: inout JSONWriter) {
        json.key("inputs")
        json.beginObject()
        json.field("ground_truth", groundTruth)
        json.field("predictions", predictions)
        json.endObject()
    }

    static func read(_ top: LocatedValue) throws(DataError) -> EvaluationInputs {
        let inputs = try top.member("inputs")
        return EvaluationInputs(
            groundTruth: try inputs.member("ground_truth").string(),
            predictions: try inputs.member("predictions").string()
        )
    }
}
