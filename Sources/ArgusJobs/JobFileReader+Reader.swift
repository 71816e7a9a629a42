import ArgusCompute
import ArgusCore
import Foundation
import Yams

/// The walk over one job file's YAML nodes.
struct Reader {
    var folder: String
    var problems: [JobProblem] = []

    init(folder: String) { self.folder = folder }

    mutating func read(_ text: String) -> JobSpec? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                fail(nil, "the file is empty")
                return nil
            }
            root = node
        } catch let error as YamlError {
            problems.append(JobProblem(Self.position(of: error), "not YAML: \(error)"))
            return nil
        } catch {
            fail(nil, "not YAML: \(error)")
            return nil
        }
        guard let mapping = root.mapping else {
            fail(root, "expected a mapping of job keys")
            return nil
        }
        checkKeys(mapping, allowed: JobFileReader.topKeys, in: "the job")
        let task = string(mapping["task"], "task", allowed: JobFileReader.tasks)
        let training = dataPath(mapping["training_data"], "training_data", required: true)
        var spec = JobSpec(task: task ?? "image_classification", trainingData: training ?? "")
        if let type = mapping["type"], type.string != "automl" { fail(type, "type must be automl") }
        spec.validationData = dataPath(mapping["validation_data"], "validation_data", required: false)
        spec.validationDataSize = number(mapping["validation_data_size"], "validation_data_size", 0.01...0.99)
        spec.primaryMetric = string(mapping["primary_metric"], "primary_metric", allowed: nil)
        readLimits(mapping["limits"], into: &spec)
        readSweep(mapping["sweep"], into: &spec)
        readSearchSpace(mapping["search_space"], into: &spec)
        readTrainingParameters(mapping["training_parameters"], into: &spec)
        readProperties(mapping["properties"], into: &spec)
        checkSampler(&spec)
        return spec
    }

    // MARK: - Sections

    mutating func readLimits(_ node: Node?, into spec: inout JobSpec) {
        guard let node else { return }
        guard let mapping = mapping(node, "limits") else { return }
        checkKeys(
            mapping, allowed: ["max_trials", "max_concurrent_trials", "timeout_minutes", "trial_timeout_minutes"],
            in: "limits")
        if let value = integer(mapping["max_trials"], "max_trials", 1...1000) { spec.limits.maxTrials = value }
        if let value = integer(mapping["max_concurrent_trials"], "max_concurrent_trials", 1...100) {
            spec.limits.maxConcurrentTrials = value
        }
        spec.limits.maxConcurrentTrials = min(spec.limits.maxConcurrentTrials, spec.limits.maxTrials)
        if let value = number(mapping["timeout_minutes"], "timeout_minutes", 1...86_400) {
            spec.limits.timeoutMinutes = value
        }
        spec.limits.trialTimeoutMinutes = number(
            mapping["trial_timeout_minutes"], "trial_timeout_minutes", 0.01...86_400)
    }

    mutating func readSweep(_ node: Node?, into spec: inout JobSpec) {
        guard let node, let mapping = mapping(node, "sweep") else { return }
        checkKeys(mapping, allowed: ["sampling_algorithm", "early_termination"], in: "sweep")
        if let algorithm = mapping["sampling_algorithm"] {
            var name = algorithm.string
            if let object = algorithm.mapping {
                checkKeys(object, allowed: ["type", "seed", "rule"], in: "sampling_algorithm")
                name = object["type"]?.string
                if let seed = integer(object["seed"], "seed", 0...Int(Int32.max)) { spec.seed = UInt64(seed) }
                if let rule = object["rule"] {
                    switch rule.string?.lowercased() {
                    case "random": break
                    case "sobol": spec.sobol = true
                    default: fail(rule, "rule must be random or sobol")
                    }
                }
            }
            if let sampling = name.flatMap({ JobSpec.Sampling(rawValue: $0.lowercased()) }) {
                spec.sampling = sampling
            } else {
                fail(algorithm, "sampling_algorithm must be random, grid or bayesian")
            }
        }
        if let policy = mapping["early_termination"] { spec.earlyTermination = readPolicy(policy) }
    }

    mutating func readPolicy(_ node: Node) -> TerminationPolicy? {
        guard let mapping = mapping(node, "early_termination") else { return nil }
        checkKeys(
            mapping,
            allowed: [
                "type", "evaluation_interval", "delay_evaluation", "slack_factor", "slack_amount",
                "truncation_percentage",
            ], in: "early_termination")
        let interval = integer(mapping["evaluation_interval"], "evaluation_interval", 1...10_000) ?? 1
        let delay = integer(mapping["delay_evaluation"], "delay_evaluation", 0...10_000) ?? 0
        let kind = string(mapping["type"], "type", allowed: ["bandit", "median_stopping", "truncation_selection"])
        let rule: TerminationPolicy.Rule
        switch kind {
        case "bandit":
            let factor = number(mapping["slack_factor"], "slack_factor", 0...1000)
            let amount = number(mapping["slack_amount"], "slack_amount", 0...1e12)
            if (factor == nil) == (amount == nil) {
                fail(node, "bandit needs exactly one of slack_factor and slack_amount")
            }
            rule = .bandit(slackFactor: factor, slackAmount: amount)
        case "median_stopping": rule = .medianStopping
        case "truncation_selection":
            let percentage = integer(mapping["truncation_percentage"], "truncation_percentage", 1...99)
            if percentage == nil && mapping["truncation_percentage"] == nil {
                fail(node, "truncation_selection needs truncation_percentage (1…99)")
            }
            rule = .truncationSelection(percentage: percentage ?? 10)
        default: return nil
        }
        return TerminationPolicy(rule: rule, evaluationInterval: interval, delayEvaluation: delay)
    }

    mutating func readTrainingParameters(_ node: Node?, into spec: inout JobSpec) {
        guard let node, let mapping = mapping(node, "training_parameters") else { return }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            spec.positions[name] = Self.position(key)
            switch name {
            case "checkpoint_run_id": spec.checkpointRunID = value.string
            case "advanced_settings": readAdvancedSettings(value, into: &spec)
            default:
                if let scalar = scalar(value, name) { spec.trainingParameters[name] = scalar }
            }
        }
    }

    mutating func readAdvancedSettings(_ node: Node, into spec: inout JobSpec) {
        guard let text = node.string, let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            fail(node, "advanced_settings must be a JSON object written as a string")
            return
        }
        for (key, value) in object {
            switch key {
            case "apply_automl_train_augmentations":
                spec.trainingParameters[key] = .bool((value as? Bool) ?? true)
                spec.positions[key] = Self.position(node)
            case "stream_image_files", "apply_mosaic_for_yolo": break
            default:
                let hint = Spelling.nearest(key, in: ["apply_automl_train_augmentations", "stream_image_files"])
                fail(node, "advanced_settings: unknown key '\(key)'" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
            }
        }
    }

    mutating func readProperties(_ node: Node?, into spec: inout JobSpec) {
        guard let node, let mapping = mapping(node, "properties") else { return }
        if let count = mapping["node_count_per_trial"] {
            if let value = count.string.flatMap(Int.init), (1...64).contains(value) {
                spec.nodeCountPerTrial = value
            } else {
                fail(count, "node_count_per_trial must be an integer in 1…64")
            }
        }
    }
}
