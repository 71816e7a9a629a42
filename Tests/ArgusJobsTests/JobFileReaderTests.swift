import ArgusCompute
import ArgusJobs
import ArgusTestSupport
import Testing

@Suite struct JobFileReaderTests {
    static let valid = """
        type: automl
        task: image_object_detection
        training_data: {path: data/train-mltable, type: mltable}
        validation_data: {path: data/valid-mltable, type: mltable}
        limits: {timeout_minutes: 60, max_trials: 10, max_concurrent_trials: 20}
        sweep:
          sampling_algorithm: random
          early_termination: {type: bandit, evaluation_interval: 2, slack_factor: 0.2, delay_evaluation: 6}
        search_space:
          - model_name: {type: choice, values: [fasterrcnn_resnet50_fpn]}
            learning_rate: {type: uniform, min_value: 0.0001, max_value: 0.001}
            optimizer: {type: choice, values: [sgd, adam, adamw]}
          - model_name: {type: choice, values: [retinanet_resnet50_fpn]}
            learning_rate: {type: loguniform, min_value: -9, max_value: -6}
        training_parameters:
          early_stopping: true
          evaluation_frequency: 1
          advanced_settings: '{"apply_automl_train_augmentations": false, "stream_image_files": true}'
        properties: {node_count_per_trial: "2"}
        """

    @Test func theAutoMLExampleReads() throws {
        let spec = try JobFileReader.parse(Self.valid, file: "/jobs/job.yml")
        #expect(spec.task == "image_object_detection")
        #expect(spec.trainingData == "/jobs/data/train-mltable")
        #expect(spec.limits.maxTrials == 10 && spec.limits.maxConcurrentTrials == 10)
        #expect(spec.limits.timeoutMinutes == 60)
        #expect(
            spec.earlyTermination
                == TerminationPolicy(
                    rule: .bandit(slackFactor: 0.2, slackAmount: nil), evaluationInterval: 2, delayEvaluation: 6))
        #expect(spec.searchSpace.count == 2)
        #expect(spec.searchSpace[1]["learning_rate"] == .loguniform(min: -9, max: -6))
        #expect(spec.trainingParameters["apply_automl_train_augmentations"] == .bool(false))
        #expect(spec.trainingParameters["early_stopping"] == .bool(true))
        #expect(spec.nodeCountPerTrial == 2)
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try JobFileReader.parse(yaml, file: "job.yml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func mistakesNameTheirLineAndColumnAndWhatIsAllowed() {
        let found = problems(
            """
            type: automl
            task: image_clasification
            training_data: {path: train.jsonl}
            limit: {max_trials: 3}
            sweep:
              sampling_algorithm: grid
              early_termination: {type: bandit, evaluation_interval: 1}
            search_space:
              - learning_rate: {type: uniform, min_value: 0.1, max_value: 0.01}
                optimizer: {type: uniform, min_value: 0, max_value: 1}
            """)
        #expect(
            found.contains {
                $0.hasPrefix("2:7: task must be one of") && $0.contains("did you mean 'image_classification'")
            })
        #expect(found.contains { $0.hasPrefix("4:1: unknown key 'limit' in the job (did you mean 'limits'?)") })
        #expect(found.contains { $0.hasPrefix("7:22: bandit needs exactly one of slack_factor and slack_amount") })
        #expect(found.contains { $0.hasPrefix("9:20: learning_rate: min_value must be below max_value") })
        #expect(found.contains { $0.hasPrefix("10:5: optimizer: grid sampling takes only choice, not uniform") })
    }

    @Test(arguments: [
        ("limits: {max_trials: 0}", "1:22: max_trials must be an integer in 1…1000, got 0"),
        ("limits: {max_concurrent_trials: 101}", "1:33: max_concurrent_trials must be an integer in 1…100"),
        ("sweep: {sampling_algorithm: sobol}", "1:29: sampling_algorithm must be random, grid or bayesian"),
        ("sweep: {early_termination: {type: truncation_selection}}", "1:28: truncation_selection needs"),
        (
            "sweep: {sampling_algorithm: bayesian}\nsearch_space:\n  - x: {type: normal, mu: 0, sigma: 1}",
            "3:5: x: bayesian sampling takes choice, uniform and quniform, not normal"
        ),
        (
            "sweep: {sampling_algorithm: {type: random, rule: sobol}}\nsearch_space:\n  - x: {type: normal, mu: 0, sigma: 1}",
            "3:5: x: rule sobol takes choice, randint, uniform, quniform, loguniform, qloguniform, not normal"
        ),
        ("search_space:\n  - x: {type: choice, values: []}", "2:8: x: choice needs a non-empty list of values"),
        ("search_space:\n  - x: {type: randint}", "2:8: x: randint needs upper"),
        ("properties: {node_count_per_trial: many}", "1:36: node_count_per_trial must be an integer"),
        ("training_parameters: {advanced_settings: 'not json'}", "1:42: advanced_settings must be a JSON object"),
        ("task: [a", "not YAML"),
    ])
    func eachMistakeIsReported(_ line: String, _ expected: String) {
        let found = problems("task: image_classification\ntraining_data: t.jsonl\n" + line)
        let shifted = found.map { text -> String in
            // The two lines above shift every line number by 2.
            guard let colon = text.firstIndex(of: ":"), let number = Int(text[..<colon]) else { return text }
            return "\(number - 2)" + text[colon...]
        }
        #expect(
            shifted.contains { $0.hasPrefix(expected) || (expected == "not YAML" && $0.contains(expected)) }, "\(found)"
        )
    }

    @Test func autoModeUsesTheBuiltInSpaceWhenTrialsAreManyAndNoSpaceIsGiven() throws {
        let spec = try JobFileReader.parse(
            "task: image_classification\ntraining_data: t.jsonl\nlimits: {max_trials: 4}", file: "job.yml")
        #expect(spec.searchSpace == JobSpec.autoModeSpace(task: "image_classification"))
        let single = try JobFileReader.parse("task: image_classification\ntraining_data: t.jsonl", file: "job.yml")
        #expect(single.searchSpace.isEmpty)
    }
}
