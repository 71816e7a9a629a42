import ArgusCompute
import ArgusCore
import Foundation

/// Checks a job's parameter values with the runner, the one owner of the training settings: every fixed
/// training parameter and every value or bound of the search space is sent as a probe, and each one the
/// runner refuses becomes a problem at the key's place in the file.
public enum JobValidation {
    /// Keys of `training_parameters` that the driver itself takes (they are not runner settings).
    static let driverKeys: Set<String> = [
        "validation_metric_type", "validation_iou_threshold", "checkpoint_filename",
    ]

    /// The problems the runner finds (through `python`), in file order: each value is checked for the
    /// job's task and for each model it will train with.
    public static func problems(_ spec: JobSpec, python: String) throws(RunnerError) -> [JobProblem] {
        var probes: [(key: String, value: RunnerValue, at: JobProblem.Position, models: [String])] = []
        let everyModel = models(of: spec)
        for (key, value) in spec.trainingParameters.sorted(by: { $0.key < $1.key }) where !driverKeys.contains(key) {
            probes.append((key, value, spec.positions[key] ?? .init(line: 1, column: 1), everyModel))
        }
        for space in spec.searchSpace {
            let spaceModels = modelNames(space["model_name"]) ?? everyModel
            for (key, distribution) in space.sorted(by: { $0.key < $1.key }) {
                let at = spec.positions["search_space.\(key)"] ?? .init(line: 1, column: 1)
                probes += distribution.probes.map { (key, $0, at, spaceModels) }
            }
        }
        guard !probes.isEmpty else { return [] }
        struct Probe: Encodable {
            var key: String
            var value: RunnerValue
            var models: [String]
        }
        var configuration = RunnerConfiguration()
        let encoded =
            (try? JSONEncoder().encode(probes.map { Probe(key: $0.key, value: $0.value, models: $0.models) })) ?? Data()
        configuration["probes_json"] = .string(String(decoding: encoded, as: UTF8.self))
        configuration["task"] = .string(spec.task)
        var found: [JobProblem] = []
        try RunnerProcess.run(.check, configuration: configuration, python: python) { event in
            guard event.event == "invalid", let index = event.index, index < probes.count else { return }
            var message = event.message ?? "not accepted"
            if let known = event.known, let hint = Spelling.nearest(probes[index].key, in: known) {
                message += " (did you mean '\(hint)'?)"
            }
            found.append(JobProblem(probes[index].at, message))
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0.description).inserted }
    }

    /// The models a job trains: its fixed `model_name`, or every sub-space's choices (empty: the
    /// task's default, which the runner knows).
    static func models(of spec: JobSpec) -> [String] {
        if case .string(let name)? = spec.trainingParameters["model_name"] { return [name] }
        var names: [String] = []
        for space in spec.searchSpace {
            for name in modelNames(space["model_name"]) ?? [] where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The model names a `model_name` distribution draws from (nil when it is not a choice of names).
    static func modelNames(_ distribution: Distribution?) -> [String]? {
        guard case .choice(let values)? = distribution else { return nil }
        let names = values.compactMap { value -> String? in if case .string(let name) = value { name } else { nil } }
        return names.isEmpty ? nil : names
    }
}
