import ArgusCompute

/// An AutoML job file, read and checked (`JobFileReader`): what to train, how to search, and the limits.
public struct JobSpec: Sendable {
    /// How trials are sampled.
    public enum Sampling: String, Sendable, Codable {
        case random, grid, bayesian
    }

    /// The job's limits.
    public struct Limits: Sendable, Codable, Equatable {
        /// Trials in all (1…1000).
        public var maxTrials = 1
        /// Trials at once (1…100, capped at `maxTrials`).
        public var maxConcurrentTrials = 1
        /// The whole job's time limit.
        public var timeoutMinutes = 10_080.0
        /// One trial's time limit (Argus's own key, `trial_timeout_minutes`); nil: the job's.
        public var trialTimeoutMinutes: Double?
    }

    /// The task (`image_classification`, …).
    public var task: String
    /// The training data as the file names it (an MLTable folder, JSONL, …), resolved against the file's folder.
    public var trainingData: String
    /// The validation data, if given.
    public var validationData: String?
    /// The share held out from the training data when no validation data is given.
    public var validationDataSize: Double?
    /// The metric that ranks trials (default: the task's primary metric).
    public var primaryMetric: String?
    /// The limits.
    public var limits = Limits()
    /// The sampler, its seed and (random) rule.
    public var sampling = Sampling.random
    /// The sampler's seed.
    public var seed: UInt64 = 0
    /// Random sampling by the Sobol sequence (`rule: sobol`): trial k takes point k.
    public var sobol = false
    /// Early termination, if any.
    public var earlyTermination: TerminationPolicy?
    /// The search space: one or more sub-spaces (conditional on `model_name` when several).
    public var searchSpace: [[String: Distribution]] = []
    /// The fixed training parameters (AutoML names), `advanced_settings` merged in.
    public var trainingParameters: [String: RunnerValue] = [:]
    /// `checkpoint_run_id`: a finished run to start from (incremental training).
    public var checkpointRunID: String?
    /// `properties.node_count_per_trial`.
    public var nodeCountPerTrial = 1
    /// Where each key of `training_parameters` and `search_space` was written, for later messages.
    public var positions: [String: JobProblem.Position] = [:]

    /// A job for `task` on `trainingData` with everything else at its default.
    public init(task: String, trainingData: String) {
        self.task = task
        self.trainingData = trainingData
    }

    /// The built-in search space of AutoMode (`max_trials` > 1 and no search space), per task.
    public static func autoModeSpace(task: String) -> [[String: Distribution]] {
        if task.hasPrefix("image_classification") {
            return [
                [
                    "model_name": .choice([.string("resnet18"), .string("mobilenetv2"), .string("resnet50")]),
                    "learning_rate": .loguniform(min: -9.2, max: -4.6),
                    "optimizer": .choice([.string("sgd"), .string("adam"), .string("adamw")]),
                ]
            ]
        }
        let model = task == "image_instance_segmentation" ? "maskrcnn_resnet50_fpn" : "fasterrcnn_resnet50_fpn"
        var models: [RunnerValue] = [.string(model)]
        if task == "image_object_detection" { models.append(.string("retinanet_resnet50_fpn")) }
        return [
            [
                "model_name": .choice(models), "learning_rate": .loguniform(min: -9.2, max: -5.3),
                "optimizer": .choice([.string("sgd"), .string("adamw")]),
            ]
        ]
    }
}

/// One mistake in a job file, at its line and column.
public struct JobProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// A place in the file (1-based).
    public struct Position: Sendable, Equatable {
        /// The line.
        public var line: Int
        /// The column.
        public var column: Int

        /// A position.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// Where.
    public var position: Position
    /// What is wrong and what is allowed.
    public var message: String

    /// A problem at `position`.
    public init(_ position: Position, _ message: String) {
        self.position = position
        self.message = message
    }

    /// `line:column: message`.
    public var description: String { "\(position.line):\(position.column): \(message)" }
}

/// Every mistake found in one job file.
public struct JobFileError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The mistakes, in file order.
    public var problems: [JobProblem]

    /// One line per mistake: `file:line:column: message`.
    public var description: String { problems.map { "\(file):\($0)" }.joined(separator: "\n") }
}
