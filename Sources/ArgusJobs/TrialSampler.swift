import ArgusCompute

/// Draws each trial's hyper-parameters from a job's search space: random (seeded), grid (every
/// combination of the choices, sub-space after sub-space, keys in name order) or Bayesian (a
/// tree-structured Parzen estimator that learns from the finished trials). Its state is saved with
/// the job, so that a resumed job draws on where it stopped.
public struct TrialSampler: Sendable, Codable, Equatable {
    /// The random generator's state.
    public var generator: SeededGenerator
    /// The next grid combination (or Sobol point).
    public var gridIndex = 0

    /// A sampler seeded with `seed`.
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// The next trial's parameters, or nil when the grid is exhausted. An empty space gives one empty trial.
    /// Bayesian sampling learns from `observations`, the finished trials' parameters and best values.
    public mutating func next(
        _ spec: JobSpec, observations: [(parameters: [String: RunnerValue], value: Double)] = []
    ) -> [String: RunnerValue]? {
        let spaces = spec.searchSpace.isEmpty ? [[:]] : spec.searchSpace
        switch spec.sampling {
        case .grid:
            let combinations = Self.grid(spaces)
            guard gridIndex < combinations.count else { return nil }
            defer { gridIndex += 1 }
            return combinations[gridIndex]
        case .bayesian:
            return TreeParzenEstimator().next(spaces[0], observations: observations, generator: &generator)
        case .random where spec.sobol:
            let space = spaces[0].sorted { $0.key < $1.key }
            let point = SobolSequence(dimensions: max(space.count, 1)).point(gridIndex)
            gridIndex += 1
            var drawn: [String: RunnerValue] = [:]
            for ((name, distribution), u) in zip(space, point) { drawn[name] = distribution.value(at: u) }
            return drawn
        case .random:
            let space = spaces[generator.index(below: spaces.count)]
            var drawn: [String: RunnerValue] = [:]
            for (name, distribution) in space.sorted(by: { $0.key < $1.key }) {
                drawn[name] = distribution.sample(&generator)
            }
            return drawn
        }
    }

    /// Every combination of the choices of each sub-space, in order.
    public static func grid(_ spaces: [[String: Distribution]]) -> [[String: RunnerValue]] {
        var all: [[String: RunnerValue]] = []
        for space in spaces {
            var combinations: [[String: RunnerValue]] = [[:]]
            for (name, distribution) in space.sorted(by: { $0.key < $1.key }) {
                guard case .choice(let values) = distribution else { continue }
                combinations = combinations.flatMap { partial in
                    values.map { value in partial.merging([name: value]) { $1 } }
                }
            }
            all += combinations
        }
        return all
    }
}
