/// COCOeval's parameters (pycocotools `Params` for `bbox` and `segm`).
public struct COCOParameters: Sendable, Hashable {
    /// Whether boxes or masks are compared.
    public enum IoUType: String, Sendable, Hashable { case bbox, segm }

    /// Whether boxes or masks are compared.
    public var iouType: IoUType
    /// `iouThrs`: np.linspace(.5, .95, 10).
    public var iouThresholds: [Double]
    /// `recThrs`: np.linspace(0, 1, 101).
    public var recallThresholds: [Double]
    /// `maxDets`: [1, 10, 100].
    public var maxDetections: [Int]
    /// `areaRng` with `areaRngLbl`: all, small, medium, large.
    public var areaRanges: [AreaRange]
    /// `useCats`: match within categories (true) or across them.
    public var useCategories: Bool

    /// A range of object areas (pycocotools' `areaRng`).
    public struct AreaRange: Sendable, Hashable {
        /// `all`, `small`, `medium` or `large`.
        public var label: String
        /// The smallest area in the range.
        public var lower: Double
        /// The largest area in the range.
        public var upper: Double
        /// A range.
        public init(_ label: String, _ lower: Double, _ upper: Double) {
            self.label = label
            self.lower = lower
            self.upper = upper
        }
    }

    /// pycocotools' default parameters.
    public init(iouType: IoUType) {
        self.iouType = iouType
        iouThresholds = Self.linspace(0.5, 0.95, Int((((0.95 - 0.5) / 0.05)).rounded(.toNearestOrEven)) + 1)
        recallThresholds = Self.linspace(0.0, 1.0, Int(((1.0 - 0.0) / 0.01).rounded(.toNearestOrEven)) + 1)
        maxDetections = [1, 10, 100]
        areaRanges = [
            AreaRange("all", 0, 1e10), AreaRange("small", 0, 1024), AreaRange("medium", 1024, 9216),
            AreaRange("large", 9216, 1e10),
        ]
        useCategories = true
    }

    /// numpy's `linspace(start, stop, num)` bit for bit: `i * step + start`, the last value `stop`.
    public static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }
}
