import ArgusCompute
import ArgusCore
import Foundation
import Yams

extension Reader {
    // MARK: - Search space

    mutating func readSearchSpace(_ node: Node?, into spec: inout JobSpec) {
        guard let node else { return }
        let spaces: [Node]
        if let sequence = node.sequence {
            spaces = Array(sequence)
        } else if node.mapping != nil {
            spaces = [node]
        } else {
            fail(node, "search_space must be a list of mappings of parameter → distribution")
            return
        }
        for space in spaces {
            guard let mapping = mapping(space, "a search space") else { continue }
            var distributions: [String: Distribution] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                spec.positions["search_space.\(name)"] = Self.position(key)
                if let distribution = readDistribution(value, name) { distributions[name] = distribution }
            }
            spec.searchSpace.append(distributions)
        }
    }

    mutating func readDistribution(_ node: Node, _ name: String) -> Distribution? {
        guard let mapping = node.mapping else {
            return scalar(node, name).map { .choice([$0]) }
        }
        let kinds = [
            "choice", "randint", "uniform", "quniform", "loguniform", "qloguniform", "normal", "qnormal", "lognormal",
            "qlognormal",
        ]
        guard let kind = string(mapping["type"], "\(name).type", allowed: kinds) else {
            if mapping["type"] == nil {
                fail(node, "\(name): a distribution needs type (\(kinds.joined(separator: ", ")))")
            }
            return nil
        }
        let keys: [String] =
            switch kind {
            case "choice": ["values"]
            case "randint": ["upper"]
            case "uniform", "loguniform": ["min_value", "max_value"]
            case "quniform", "qloguniform": ["min_value", "max_value", "q"]
            case "normal", "lognormal": ["mu", "sigma"]
            default: ["mu", "sigma", "q"]
            }
        checkKeys(mapping, allowed: ["type"] + keys, in: "\(name) (\(kind))")
        if kind == "choice" {
            guard let values = mapping["values"]?.sequence, values.count > 0 else {
                fail(node, "\(name): choice needs a non-empty list of values")
                return nil
            }
            let scalars = values.compactMap { scalar($0, name) }
            return scalars.count == values.count ? .choice(scalars) : nil
        }
        var numbers: [String: Double] = [:]
        for key in keys {
            guard let value = mapping[key] else {
                fail(node, "\(name): \(kind) needs \(keys.joined(separator: ", "))")
                return nil
            }
            guard let number = value.float ?? value.int.map(Double.init), number.isFinite else {
                fail(value, "\(name).\(key) must be a number")
                return nil
            }
            numbers[key] = number
        }
        if let low = numbers["min_value"], let high = numbers["max_value"], low >= high {
            fail(node, "\(name): min_value must be below max_value")
            return nil
        }
        if let q = numbers["q"], q <= 0 { fail(mapping["q"], "\(name).q must be positive") }
        if let sigma = numbers["sigma"], sigma <= 0 { fail(mapping["sigma"], "\(name).sigma must be positive") }
        let n = numbers
        switch kind {
        case "randint":
            guard let upper = mapping["upper"]?.int, upper >= 1 else {
                fail(mapping["upper"], "\(name).upper must be an integer of at least 1")
                return nil
            }
            return .randint(upper: upper)
        case "uniform": return .uniform(min: n["min_value"]!, max: n["max_value"]!)
        case "quniform": return .quniform(min: n["min_value"]!, max: n["max_value"]!, q: n["q"]!)
        case "loguniform": return .loguniform(min: n["min_value"]!, max: n["max_value"]!)
        case "qloguniform": return .qloguniform(min: n["min_value"]!, max: n["max_value"]!, q: n["q"]!)
        case "normal": return .normal(mu: n["mu"]!, sigma: n["sigma"]!)
        case "qnormal": return .qnormal(mu: n["mu"]!, sigma: n["sigma"]!, q: n["q"]!)
        case "lognormal": return .lognormal(mu: n["mu"]!, sigma: n["sigma"]!)
        default: return .qlognormal(mu: n["mu"]!, sigma: n["sigma"]!, q: n["q"]!)
        }
    }

    /// Grid takes only `choice`; Bayesian only `choice`, `uniform` and `quniform`, and no conditional space.
    mutating func checkSampler(_ spec: inout JobSpec) {
        for (index, space) in spec.searchSpace.enumerated() {
            for (name, distribution) in space.sorted(by: { $0.key < $1.key }) {
                let at = spec.positions["search_space.\(name)"] ?? .init(line: 1, column: 1)
                if spec.sampling == .grid, case .choice = distribution {
                } else if spec.sampling == .grid {
                    problems.append(
                        JobProblem(at, "\(name): grid sampling takes only choice, not \(distribution.name)"))
                }
                if spec.sampling == .bayesian, !["choice", "uniform", "quniform"].contains(distribution.name) {
                    problems.append(
                        JobProblem(
                            at,
                            "\(name): bayesian sampling takes choice, uniform and quniform, not \(distribution.name)"))
                }
            }
            if spec.sampling == .bayesian, index == 1 {
                problems.append(
                    JobProblem(
                        spec.positions.values.min { $0.line < $1.line } ?? .init(line: 1, column: 1),
                        "bayesian sampling takes one search space, not a list conditional on model_name"))
            }
        }
        if spec.sampling == .bayesian {
            problems.append(
                JobProblem(.init(line: 1, column: 1), "bayesian sampling is not supported yet: use random or grid"))
        }
        if spec.sobol {
            let sobolKinds = ["choice", "randint", "uniform", "quniform", "loguniform", "qloguniform"]
            for (name, distribution) in (spec.searchSpace.first ?? [:]).sorted(by: { $0.key < $1.key })
            where !sobolKinds.contains(distribution.name) {
                let at = spec.positions["search_space.\(name)"] ?? .init(line: 1, column: 1)
                problems.append(
                    JobProblem(
                        at, "\(name): rule sobol takes \(sobolKinds.joined(separator: ", ")), not \(distribution.name)")
                )
            }
            if spec.searchSpace.count > 1 || (spec.searchSpace.first?.count ?? 0) > SobolSequence.maximumDimensions {
                problems.append(
                    JobProblem(
                        .init(line: 1, column: 1),
                        "rule sobol takes one search space of at most \(SobolSequence.maximumDimensions) parameters"))
            }
        }
        if spec.searchSpace.isEmpty, spec.limits.maxTrials > 1 {
            spec.searchSpace = JobSpec.autoModeSpace(task: spec.task)
            spec.sampling = .random
        }
    }

    // MARK: - Values

    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], in context: String) {
        for key in mapping.keys {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let hint = Spelling.nearest(name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            fail(key, "unknown key '\(name)' in \(context)\(hint); allowed: \(allowed.joined(separator: ", "))")
        }
    }

    mutating func mapping(_ node: Node, _ name: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        fail(node, "\(name) must be a mapping")
        return nil
    }

    mutating func string(_ node: Node?, _ name: String, allowed: [String]?) -> String? {
        guard let node else { return nil }
        guard let text = node.scalar?.string else {
            fail(node, "\(name) must be a string")
            return nil
        }
        if let allowed, !allowed.contains(text) {
            let hint = Spelling.nearest(text, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            fail(node, "\(name) must be one of \(allowed.joined(separator: ", ")), got '\(text)'\(hint)")
            return nil
        }
        return text
    }

    mutating func number(_ node: Node?, _ name: String, _ range: ClosedRange<Double>) -> Double? {
        guard let node else { return nil }
        guard let value = node.float ?? node.int.map(Double.init), range.contains(value) else {
            fail(
                node,
                "\(name) must be a number in [\(range.lowerBound), \(range.upperBound)], got \(node.string ?? "?")")
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node?, _ name: String, _ range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard let value = node.int, range.contains(value) else {
            fail(
                node, "\(name) must be an integer in \(range.lowerBound)…\(range.upperBound), got \(node.string ?? "?")"
            )
            return nil
        }
        return value
    }

    mutating func scalar(_ node: Node, _ name: String) -> RunnerValue? {
        guard let scalar = node.scalar else {
            fail(node, "\(name) must be a single value")
            return nil
        }
        if scalar.style == .plain {
            if let flag = node.bool { return .bool(flag) }
            if let integer = node.int { return .int(integer) }
            if let number = node.float { return .double(number) }
        }
        return .string(scalar.string)
    }

    mutating func dataPath(_ node: Node?, _ name: String, required: Bool) -> String? {
        guard let node else {
            if required { fail(nil, "\(name) is required ({path: …, type: mltable})") }
            return nil
        }
        let path: String?
        if let mapping = node.mapping {
            checkKeys(mapping, allowed: ["path", "type"], in: name)
            path = mapping["path"]?.string
            if let type = mapping["type"]?.string, type != "mltable" && type != "uri_file" && type != "uri_folder" {
                fail(mapping["type"], "\(name).type must be mltable, uri_file or uri_folder")
            }
        } else {
            path = node.string
        }
        guard let path, !path.isEmpty else {
            fail(node, "\(name) needs a path")
            return nil
        }
        if path.hasPrefix("/") || path.contains("://") || folder.isEmpty { return path }
        return (folder as NSString).appendingPathComponent(path)
    }

    mutating func fail(_ node: Node?, _ message: String) {
        problems.append(JobProblem(node.map(Self.position) ?? .init(line: 1, column: 1), message))
    }

    static func position(_ node: Node) -> JobProblem.Position {
        JobProblem.Position(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    static func position(of error: YamlError) -> JobProblem.Position {
        let text = "\(error)"
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return JobProblem.Position(line: numbers.first ?? 1, column: numbers.dropFirst().first ?? 1)
    }
}
