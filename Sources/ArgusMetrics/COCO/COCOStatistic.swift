/// pycocotools' 12 summary statistics, in the order of `COCOeval.stats` and `COCOEvaluation.stats`.
public enum COCOStatistic: String, CaseIterable, Sendable {
    case ap = "AP"
    case ap50 = "AP50"
    case ap75 = "AP75"
    case apSmall = "APs"
    case apMedium = "APm"
    case apLarge = "APl"
    case ar1 = "AR1"
    case ar10 = "AR10"
    case ar100 = "AR100"
    case arSmall = "ARs"
    case arMedium = "ARm"
    case arLarge = "ARl"

    /// The statistic's position in `stats`.
    public var index: Int { Self.allCases.firstIndex(of: self)! }

    /// The statistic's short name, as pycocotools' summary prints it ("AP50").
    public var name: String { rawValue }

    /// What the statistic averages, in words.
    public var definition: String {
        switch self {
        case .ap: "AP @ IoU 0.50:0.95, all areas, maxDets 100"
        case .ap50: "AP @ IoU 0.50"
        case .ap75: "AP @ IoU 0.75"
        case .apSmall: "AP small"
        case .apMedium: "AP medium"
        case .apLarge: "AP large"
        case .ar1: "AR maxDets 1"
        case .ar10: "AR maxDets 10"
        case .ar100: "AR maxDets 100"
        case .arSmall: "AR small"
        case .arMedium: "AR medium"
        case .arLarge: "AR large"
        }
    }

    /// The names of all statistics, in order.
    public static var names: [String] { allCases.map(\.rawValue) }
}
