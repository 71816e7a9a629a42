import ArgusCompute
import Foundation

/// Bayesian sampling by a tree-structured Parzen estimator (Bergstra et al., 2011), seeded.
///
/// The first `startup` trials are drawn at random. After that the finished trials are split at the
/// `gamma` quantile of their best values into good and bad ones; for each parameter a density is fitted
/// to each group (Gaussian kernels at the observed values with a uniform prior for `uniform`/`quniform`,
/// smoothed frequencies for `choice`), `candidates` points are drawn from the good density, and the one
/// with the largest ratio good/bad (summed over parameters in log space) is the next trial.
public struct TreeParzenEstimator: Sendable {
    /// Random trials before the model is used.
    public var startup = 5
    /// The share of trials counted as good.
    public var gamma = 0.25
    /// Points drawn from the good density for each new trial.
    public var candidates = 24

    /// An estimator with the usual settings.
    public init() {}

    /// The next parameters for `space` (choice, uniform and quniform only), given the finished trials.
    public func next(
        _ space: [String: Distribution], observations: [(parameters: [String: RunnerValue], value: Double)],
        generator: inout SeededGenerator
    ) -> [String: RunnerValue] {
        let names = space.keys.sorted()
        guard observations.count >= startup else {
            return Dictionary(uniqueKeysWithValues: names.map { ($0, space[$0]!.sample(&generator)) })
        }
        let ranked = observations.sorted { $0.value > $1.value }
        let cut = max(1, Int((gamma * Double(ranked.count)).rounded(.up)))
        let good = Array(ranked.prefix(cut)).map(\.parameters)
        let bad = Array(ranked.dropFirst(cut)).map(\.parameters)
        var best: (score: Double, parameters: [String: RunnerValue])?
        for _ in 0..<candidates {
            var drawn: [String: RunnerValue] = [:]
            var score = 0.0
            for name in names {
                let model = ParzenDensity(space[name]!, good.compactMap { $0[name] })
                let value = model.sample(&generator)
                let contrast = ParzenDensity(space[name]!, bad.compactMap { $0[name] })
                score += log(model.density(value)) - log(contrast.density(value))
                drawn[name] = value
            }
            if best == nil || score > best!.score { best = (score, drawn) }
        }
        return best!.parameters
    }
}

/// A one-dimensional Parzen density over a distribution's domain.
struct ParzenDensity {
    let distribution: Distribution
    let points: [RunnerValue]

    init(_ distribution: Distribution, _ points: [RunnerValue]) {
        self.distribution = distribution
        self.points = points
    }

    var bounds: (low: Double, high: Double) {
        switch distribution {
        case .uniform(let low, let high), .quniform(let low, let high, _): (low, high)
        default: (0, 1)
        }
    }

    /// The kernels' width: a fifth of the range, narrowing as observations grow (at least 1% of the range).
    var bandwidth: Double {
        let (low, high) = bounds
        return max((high - low) * 0.2 / pow(Double(max(points.count, 1)), 0.2), (high - low) * 0.01)
    }

    func sample(_ generator: inout SeededGenerator) -> RunnerValue {
        if case .choice(let values) = distribution {
            let weights = values.map { value in 1 + Double(points.filter { $0 == value }.count) }
            var pick = generator.unit() * weights.reduce(0, +)
            for (value, weight) in zip(values, weights) {
                pick -= weight
                if pick < 0 { return value }
            }
            return values[values.count - 1]
        }
        let (low, high) = bounds
        let index = generator.index(below: points.count + 1)
        var x: Double
        if index == points.count {
            x = low + (high - low) * generator.unit()  // the prior
        } else {
            x = (points[index].number ?? low) + bandwidth * generator.gaussian()
        }
        x = min(max(x, low), high)
        if case .quniform(_, _, let q) = distribution { return Distribution.rounded(x, q) }
        return .double(x)
    }

    func density(_ value: RunnerValue) -> Double {
        if case .choice(let values) = distribution {
            let count = Double(points.filter { $0 == value }.count)
            return (1 + count) / (Double(values.count) + Double(points.count))
        }
        let (low, high) = bounds
        let x = value.number ?? low
        let prior = 1 / (high - low)
        let kernels = points.compactMap(\.number).map { center -> Double in
            let z = (x - center) / bandwidth
            return exp(-0.5 * z * z) / (bandwidth * (2 * Double.pi).squareRoot())
        }
        return (prior + kernels.reduce(0, +)) / Double(points.count + 1)
    }
}
