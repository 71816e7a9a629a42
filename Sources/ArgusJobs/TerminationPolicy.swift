/// Early termination as the AutoML service defines it. An "interval" is one report of the primary metric
/// (1-based); a policy judges a trial when it reports an interval that is a multiple of
/// `evaluationInterval` and at least `delayEvaluation`. Metrics are maximised.
public struct TerminationPolicy: Sendable, Equatable, Codable {
    /// The rule.
    public enum Rule: Sendable, Equatable, Codable {
        /// Cancel a trial whose best value is outside the slack of the best trial's:
        /// `Y · (1 + factor) < best`, or `Y + amount < best`.
        case bandit(slackFactor: Double?, slackAmount: Double?)
        /// Cancel a trial whose best value up to interval N is below the median of every trial's
        /// running average over intervals 1…N.
        case medianStopping
        /// Cancel a trial whose value at interval N is among the lowest `percentage`% of the values
        /// every trial reported at interval N.
        case truncationSelection(percentage: Int)
    }

    /// The rule.
    public var rule: Rule
    /// Judge at every this many intervals.
    public var evaluationInterval = 1
    /// Judge from this interval on.
    public var delayEvaluation = 0

    /// A policy.
    public init(rule: Rule, evaluationInterval: Int = 1, delayEvaluation: Int = 0) {
        self.rule = rule
        self.evaluationInterval = evaluationInterval
        self.delayEvaluation = delayEvaluation
    }

    /// Whether the trial whose reports are `history` (one value per interval; it has just reported the
    /// last) is cancelled, given every trial's reports (`all`, this one included).
    public func cancels(_ history: [Double], among all: [[Double]]) -> Bool {
        let interval = history.count
        guard interval > 0, interval % max(evaluationInterval, 1) == 0, interval >= delayEvaluation else {
            return false
        }
        let own = history.max()!
        switch rule {
        case .bandit(let factor, let amount):
            let best = all.compactMap { $0.prefix(interval).max() }.max() ?? own
            if let factor { return own * (1 + factor) < best }
            return own + (amount ?? 0) < best
        case .medianStopping:
            let averages = all.filter { $0.count >= interval }.map {
                $0.prefix(interval).reduce(0, +) / Double(interval)
            }
            return own < Self.median(averages)
        case .truncationSelection(let percentage):
            let values = all.filter { $0.count >= interval }.map { $0[interval - 1] }
            let cut = values.count * percentage / 100
            guard cut > 0 else { return false }
            let threshold = values.sorted()[cut - 1]
            return history[interval - 1] <= threshold
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return -.infinity }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
