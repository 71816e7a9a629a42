import ArgusCore
import ArgusIO
import Foundation
import Yams

/// A deployment gate's policy (`gate.yml`): rules on any metric of the results model.
///
/// ```yaml
/// resamples: 1000        # paired bootstrap resamples (optional)
/// seed: 42               # the bootstrap's seed (optional)
/// rules:
///   - {metric: mean_average_precision, min: 0.45}                  # absolute floor
///   - {metric: log_loss, max: 0.3}                                 # absolute ceiling
///   - {metric: mean_average_precision, max_drop: 0.01}             # against the baseline
///   - {metric: recall, max_drop_relative: 0.02}
///   - {metric: mean_average_precision, significant: {confidence: 0.95, margin: 0.005}}
///   - {metric: accuracy, mcnemar: {alpha: 0.05}}
///   - {per_label: average_precision, max_drop: 0.05, correction: holm, alpha: 0.05}
/// ```
public struct GatePolicy: Sendable {
    /// The rules, in the file's order.
    public var rules: [Rule]
    /// Paired bootstrap resamples.
    public var resamples: Int
    /// The bootstrap's seed.
    public var seed: UInt64
    /// The policy's text, as recorded with a decision.
    public var text: String

    /// One rule, with where it is written (for messages).
    public struct Rule: Sendable {
        /// What the rule checks.
        public var check: Check
        /// Where it is written.
        public var location: SourceLocation
        /// `rules[i]`.
        public var field: String

        /// What a rule checks.
        public enum Check: Sendable, Equatable {
            case minimum(metric: String, value: Double)
            case maximum(metric: String, value: Double)
            case maxDrop(metric: String, value: Double)
            case maxDropRelative(metric: String, value: Double)
            /// Non-inferiority: the lower bound of the paired bootstrap interval of candidate − baseline,
            /// at `confidence`, must be at least −margin.
            case significant(metric: String, confidence: Double, margin: Double)
            /// McNemar's exact test: fails when the candidate is right on significantly fewer images.
            case mcNemar(metric: String, alpha: Double)
            /// Per label: fails the labels whose drop is significantly larger than `maxDrop`, after
            /// Holm's correction (or none).
            case perLabel(metric: String, maxDrop: Double, holm: Bool, alpha: Double)

            /// The metric the rule reads.
            public var metric: String {
                switch self {
                case .minimum(let metric, _), .maximum(let metric, _), .maxDrop(let metric, _),
                    .maxDropRelative(let metric, _), .significant(let metric, _, _), .mcNemar(let metric, _),
                    .perLabel(let metric, _, _, _):
                    metric
                }
            }

            /// Whether the rule compares with a baseline.
            public var needsBaseline: Bool {
                switch self {
                case .minimum, .maximum: false
                default: true
                }
            }

            /// Whether the rule needs the per-image records (a bootstrap or a paired test).
            public var needsResampling: Bool {
                switch self {
                case .significant, .perLabel: true
                default: false
                }
            }

            /// The rule as one line (`mean_average_precision max_drop 0.01`).
            public var summary: String {
                switch self {
                case .minimum(let metric, let value): "\(metric) ≥ \(value)"
                case .maximum(let metric, let value): "\(metric) ≤ \(value)"
                case .maxDrop(let metric, let value): "\(metric) drops by at most \(value)"
                case .maxDropRelative(let metric, let value): "\(metric) drops by at most \(value * 100)%"
                case .significant(let metric, let confidence, let margin):
                    "\(metric) not worse by more than \(margin) at \(confidence * 100)% confidence"
                case .mcNemar(let metric, let alpha): "\(metric) not significantly worse (McNemar, α = \(alpha))"
                case .perLabel(let metric, let maxDrop, let holm, let alpha):
                    "per-label \(metric) drops by at most \(maxDrop) (\(holm ? "Holm" : "uncorrected"), α = \(alpha))"
                }
            }
        }
    }

    static let topKeys = ["rules", "resamples", "seed"]
    static let ruleKeys = [
        "metric", "per_label", "min", "max", "max_drop", "max_drop_relative", "significant", "mcnemar", "correction",
        "alpha",
    ]
    static let checkKeys = ["min", "max", "max_drop", "max_drop_relative", "significant", "mcnemar"]

    /// Reads a policy file.
    /// - Throws: `DataError` naming the file, line and column and what is allowed, for every mistake.
    public static func read(_ path: String) throws(DataError) -> GatePolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(.unreadable, SourceLocation(file: path), "cannot read the policy file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses a policy's text.
    /// - Throws: `DataError` naming the line and column and what is allowed.
    public static func parse(_ text: String, file: String) throws(DataError) -> GatePolicy {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DataError(.invalidData, SourceLocation(file: file), "the policy is empty: it needs `rules`")
            }
            root = node
        } catch let error as DataError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw DataError(.invalidData, SourceLocation(file: file), "\(error)")
        }
        let reader = PolicyReader(file: file)
        return try reader.policy(root, text: text)
    }

    static func yamlError(_ error: YamlError, file: String) -> DataError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return DataError(
                .invalidData, SourceLocation(file: file, line: mark.line, column: mark.column),
                "invalid YAML: \(problem)")
        default:
            return DataError(.invalidData, SourceLocation(file: file), "invalid YAML: \(error)")
        }
    }
}

/// Reads a policy's nodes, each mistake an error at its line and column.
struct PolicyReader {
    let file: String

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
    }

    func fail(_ node: Node, _ field: String, _ message: String) -> DataError {
        DataError(.invalidData, location(node), field: field, message)
    }

    func mapping(_ node: Node, _ field: String) throws(DataError) -> [(key: String, keyNode: Node, value: Node)] {
        guard let mapping = node.mapping else { throw fail(node, field, "expected a mapping (key: value)") }
        var entries: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, field, "expected a key") }
            entries.append((name, key, value))
        }
        return entries
    }

    func unknownKey(_ key: String, _ node: Node, _ field: String, allowed: [String]) -> DataError {
        let hint = Spelling.nearest(key, in: allowed).map { " (did you mean `\($0)`?)" } ?? ""
        return fail(node, "\(field).\(key)", "unknown key\(hint); allowed: \(allowed.joined(separator: ", "))")
    }

    func number(_ node: Node, _ field: String, in range: ClosedRange<Double>) throws(DataError) -> Double {
        guard let value = node.float, value.isFinite else { throw fail(node, field, "expected a number") }
        guard range.contains(value) else {
            throw fail(node, field, "\(value) is out of range: allowed \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func policy(_ root: Node, text: String) throws(DataError) -> GatePolicy {
        var rules: [GatePolicy.Rule] = []
        var resamples = 1000
        var seed: UInt64 = 42
        var sawRules = false
        for (key, keyNode, value) in try mapping(root, "policy") {
            switch key {
            case "rules":
                sawRules = true
                guard let list = value.sequence else { throw fail(value, "rules", "expected a list of rules") }
                for (index, item) in list.enumerated() { rules.append(try rule(item, "rules[\(index)]")) }
            case "resamples":
                resamples = Int(try number(value, "resamples", in: 100...1_000_000))
            case "seed":
                guard let number = value.int, number >= 0 else {
                    throw fail(value, "seed", "expected a whole number ≥ 0")
                }
                seed = UInt64(number)
            default:
                throw unknownKey(key, keyNode, "policy", allowed: GatePolicy.topKeys)
            }
        }
        guard sawRules, !rules.isEmpty else { throw fail(root, "rules", "the policy needs at least one rule") }
        return GatePolicy(rules: rules, resamples: resamples, seed: seed, text: text)
    }

    func rule(_ node: Node, _ field: String) throws(DataError) -> GatePolicy.Rule {
        var values: [String: Node] = [:]
        for (key, keyNode, value) in try mapping(node, field) {
            guard GatePolicy.ruleKeys.contains(key) else {
                throw unknownKey(key, keyNode, field, allowed: GatePolicy.ruleKeys)
            }
            values[key] = value
        }
        let rule = { (check: GatePolicy.Rule.Check) in
            GatePolicy.Rule(check: check, location: location(node), field: field)
        }
        if let perLabel = values["per_label"] {
            guard let metric = perLabel.string else {
                throw fail(perLabel, "\(field).per_label", "expected a metric name")
            }
            guard let drop = values["max_drop"] else {
                throw fail(node, field, "a per_label rule needs max_drop (with correction: holm|none and alpha)")
            }
            var holm = true
            if let correction = values["correction"] {
                switch correction.string {
                case "holm": holm = true
                case "none": holm = false
                default: throw fail(correction, "\(field).correction", "expected holm or none")
                }
            }
            let alpha =
                try values["alpha"].map { (node) throws(DataError) in try number(node, "\(field).alpha", in: 1e-6...0.5)
                } ?? 0.05
            return rule(
                .perLabel(
                    metric: metric, maxDrop: try number(drop, "\(field).max_drop", in: 0...1), holm: holm, alpha: alpha)
            )
        }
        guard let metricNode = values["metric"], let metric = metricNode.string else {
            throw fail(node, field, "a rule needs `metric` (or `per_label`)")
        }
        for key in ["correction", "alpha"] where values[key] != nil {
            throw fail(values[key]!, "\(field).\(key)", "only per_label rules take \(key)")
        }
        let checks = GatePolicy.checkKeys.filter { values[$0] != nil }
        guard checks.count == 1, let kind = checks.first, let value = values[kind] else {
            throw fail(
                node, field,
                "a rule needs exactly one of \(GatePolicy.checkKeys.joined(separator: ", ")); found \(checks.isEmpty ? "none" : checks.joined(separator: ", "))"
            )
        }
        let place = "\(field).\(kind)"
        switch kind {
        case "min": return rule(.minimum(metric: metric, value: try number(value, place, in: -1e12...1e12)))
        case "max": return rule(.maximum(metric: metric, value: try number(value, place, in: -1e12...1e12)))
        case "max_drop": return rule(.maxDrop(metric: metric, value: try number(value, place, in: 0...1e12)))
        case "max_drop_relative":
            return rule(.maxDropRelative(metric: metric, value: try number(value, place, in: 0...1)))
        case "significant":
            var confidence = 0.95
            var margin = 0.0
            for (key, keyNode, inner) in try mapping(value, place) {
                switch key {
                case "confidence": confidence = try number(inner, "\(place).confidence", in: 0.5...0.9999)
                case "margin": margin = try number(inner, "\(place).margin", in: 0...1)
                default: throw unknownKey(key, keyNode, place, allowed: ["confidence", "margin"])
                }
            }
            return rule(.significant(metric: metric, confidence: confidence, margin: margin))
        default:
            var alpha = 0.05
            for (key, keyNode, inner) in try mapping(value, place) {
                guard key == "alpha" else { throw unknownKey(key, keyNode, place, allowed: ["alpha"]) }
                alpha = try number(inner, "\(place).alpha", in: 1e-6...0.5)
            }
            return rule(.mcNemar(metric: metric, alpha: alpha))
        }
    }
}
