import Foundation

/// One line of the runner's standard output: a JSON object whose `event` says what happened.
///
/// The runner (`runner/`, Python) writes `start`, `progress`, `epoch`, `log`, `done` and `error`
/// events; `docs/runner.md` lists their fields. Fields that an event does not carry are `nil`.
public struct RunnerEvent: Decodable, Sendable, Equatable {
    /// The metric that decides which model is best, with its value.
    public struct Metric: Decodable, Sendable, Equatable {
        /// The metric's name (`accuracy`, `mean_average_precision`, …).
        public var name: String
        /// Its value.
        public var value: Double

        /// A metric named `name` with `value`.
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// `start`, `progress`, `epoch`, `log`, `done` or `error`.
    public var event: String
    /// `train`, `validate`, `infer` or `explain`.
    public var phase: String?
    /// Images done in this phase, and their total.
    public var done: Int?
    /// The number of images the phase will handle.
    public var total: Int?
    /// The throughput so far, images per second.
    public var imagesPerSecond: Double?
    /// A message (`log` and `error`).
    public var message: String?
    /// The epoch (1-based) of a training event.
    public var epoch: Int?
    /// The number of epochs a training run is set to.
    public var epochs: Int?
    /// The mean training loss of an epoch, or the last step's loss in a progress event.
    public var loss: Double?
    /// The learning rate at the end of an epoch.
    public var learningRate: Double?
    /// Validation's primary metric for an epoch, computed by `argus evaluate`.
    public var primaryMetric: Metric?
    /// A checkpoint written at the end of an epoch.
    public var checkpoint: String?
    /// The predictions file a `done` event of inference or explanation wrote.
    public var predictions: String?
    /// The model folder a `done` event of training wrote.
    public var model: String?
    /// The epoch whose model was kept, and the number of epochs run.
    public var bestEpoch: Int?
    /// Epochs run in all, when training ends.
    public var epochsRun: Int?
    /// Whether early stopping ended training.
    public var earlyStopped: Bool?
    /// Images a resumed inference run found already done.
    public var resumedAt: Int?
    /// The most GPU memory PyTorch allocated, in bytes (absent on the CPU).
    public var peakGpuMemoryBytes: Int?
    /// Images handled in all (`done` of inference and explanation).
    public var images: Int?
    /// Images given attributions (`done` of explanation).
    public var explained: Int?
    /// The probe an `invalid` event is about (`check`), and its setting's name.
    public var index: Int?
    /// The setting an `invalid` event is about.
    public var key: String?
    /// The settings the runner knows (an `invalid` event about an unknown key).
    public var known: [String]?
    /// The device the runner uses (`cpu`, `cuda`, `cuda:1`).
    public var device: String?

    /// Reads one line; `nil` when the line is not a JSON object with an `event` (library chatter).
    public static func parse(_ line: Substring) -> RunnerEvent? {
        guard line.first == "{" else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(RunnerEvent.self, from: Data(line.utf8))
    }
}
