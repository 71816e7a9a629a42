import ArgusCore
import ArgusIO

/// The `metrics.json` of any evaluation: detection or classification, decided by its `task`.
public enum EvaluationMetrics: Sendable {
    case detection(DetectionMetricsFile)
    case classification(ClassificationMetricsFile)

    /// Reads a `metrics.json` of any task.
    /// - Parameter path: the file.
    /// - Throws: `DataError` naming the file and the key when a key is missing or has another type,
    ///   or when the file's schema version is newer than this Argus reads.
    public static func read(_ path: String) throws(DataError) -> EvaluationMetrics {
        try ResultsFileReader.decode(path) { (top) throws(DataError) in
            let task = try top.member("task").enumeration(VisionTask.self)
            if task.hasObjects {
                return .detection(try DetectionMetricsFile.decode(top))
            }
            return .classification(try ClassificationMetricsFile.decode(top))
        }
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        switch self {
        case .detection(let file): file.encoded()
        case .classification(let file): file.encoded()
        }
    }

    /// The task the evaluation was of.
    public var task: VisionTask {
        switch self {
        case .detection(let file): file.task
        case .classification(let file): file.task
        }
    }

    /// The primary metric's name and value (nil where undefined).
    public var primaryMetric: (name: String, value: Double?) {
        switch self {
        case .detection(let file): (DetectionMetricsFile.primaryMetricName, file.meanAveragePrecision)
        case .classification(let file): (file.primaryMetricName, file.scalar(file.primaryMetricName))
        }
    }

    /// The headline scalars, in file order.
    public var scalars: [(name: String, value: Double?)] {
        switch self {
        case .detection(let file): file.scalars
        case .classification(let file): file.scalars.map { ($0.name, $0.value) }
        }
    }

    /// The number of images evaluated.
    public var imageCount: Int {
        switch self {
        case .detection(let file): file.counts.images
        case .classification(let file): file.counts.images
        }
    }

    /// The files the evaluation read.
    public var inputs: EvaluationInputs {
        switch self {
        case .detection(let file): file.inputs
        case .classification(let file): file.inputs
        }
    }
}
