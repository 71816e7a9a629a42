import ArgusCompute
import Foundation

/// A hyper-parameter's distribution, as the AutoML job file writes it (`{type: uniform, min_value: …}`).
///
/// `loguniform` and `lognormal` take their bounds and moments in log space (`exp(U(min, max))`,
/// `exp(N(mu, sigma))`); the `q` variants round to a multiple of `q` (`round(x / q) · q`).
public enum Distribution: Sendable, Equatable {
    case choice([RunnerValue])
    case randint(upper: Int)
    case uniform(min: Double, max: Double)
    case quniform(min: Double, max: Double, q: Double)
    case loguniform(min: Double, max: Double)
    case qloguniform(min: Double, max: Double, q: Double)
    case normal(mu: Double, sigma: Double)
    case qnormal(mu: Double, sigma: Double, q: Double)
    case lognormal(mu: Double, sigma: Double)
    case qlognormal(mu: Double, sigma: Double, q: Double)

    /// The distribution's name in the job file.
    public var name: String {
        switch self {
        case .choice: "choice"
        case .randint: "randint"
        case .uniform: "uniform"
        case .quniform: "quniform"
        case .loguniform: "loguniform"
        case .qloguniform: "qloguniform"
        case .normal: "normal"
        case .qnormal: "qnormal"
        case .lognormal: "lognormal"
        case .qlognormal: "qlognormal"
        }
    }

    /// One value drawn with `generator`.
    public func sample(_ generator: inout SeededGenerator) -> RunnerValue {
        switch self {
        case .choice(let values): values[generator.index(below: values.count)]
        case .randint(let upper): .int(generator.index(below: upper))
        case .uniform(let low, let high): .double(low + (high - low) * generator.unit())
        case .quniform(let low, let high, let q): Self.rounded(low + (high - low) * generator.unit(), q)
        case .loguniform(let low, let high): .double(exp(low + (high - low) * generator.unit()))
        case .qloguniform(let low, let high, let q): Self.rounded(exp(low + (high - low) * generator.unit()), q)
        case .normal(let mu, let sigma): .double(mu + sigma * generator.gaussian())
        case .qnormal(let mu, let sigma, let q): Self.rounded(mu + sigma * generator.gaussian(), q)
        case .lognormal(let mu, let sigma): .double(exp(mu + sigma * generator.gaussian()))
        case .qlognormal(let mu, let sigma, let q): Self.rounded(exp(mu + sigma * generator.gaussian()), q)
        }
    }

    /// The value at quantile-like position `u` in [0, 1) (for Sobol points): the inverse of the
    /// distribution's CDF for the uniform kinds, the `⌊u·n⌋`-th value for choice and randint.
    public func value(at u: Double) -> RunnerValue {
        switch self {
        case .choice(let values): values[min(Int(u * Double(values.count)), values.count - 1)]
        case .randint(let upper): .int(min(Int(u * Double(upper)), upper - 1))
        case .uniform(let low, let high): .double(low + (high - low) * u)
        case .quniform(let low, let high, let q): Self.rounded(low + (high - low) * u, q)
        case .loguniform(let low, let high): .double(exp(low + (high - low) * u))
        case .qloguniform(let low, let high, let q): Self.rounded(exp(low + (high - low) * u), q)
        default: .double(.nan)  // the reader refuses the normal kinds with rule sobol
        }
    }

    /// Values that stand for the distribution when its range is checked: each choice, or the bounds.
    public var probes: [RunnerValue] {
        switch self {
        case .choice(let values): values
        case .randint(let upper): [.int(0), .int(max(upper - 1, 0))]
        case .uniform(let low, let high), .quniform(let low, let high, _): [.double(low), .double(high)]
        case .loguniform(let low, let high), .qloguniform(let low, let high, _):
            [.double(exp(low)), .double(exp(high))]
        default: []
        }
    }

    /// `round(x / q) · q`, an integer when `q` is one.
    static func rounded(_ x: Double, _ q: Double) -> RunnerValue {
        let value = (x / q).rounded() * q
        if q == q.rounded(), abs(value) < 1e15 { return .int(Int(value)) }
        return .double(value)
    }
}
