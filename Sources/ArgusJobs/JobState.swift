import ArgusCompute
import Foundation

/// A job's progress, saved to `JOB/job.json` after every change (written whole, then renamed), so that
/// `argus job resume` continues after the driver is killed at any moment.
public struct JobState: Codable, Sendable {
    /// One trial.
    public struct Trial: Codable, Sendable, Equatable {
        /// Where a trial stands.
        public enum Status: String, Codable, Sendable {
            case running, completed, failed, canceled
            case timedOut = "timed_out"
        }

        /// 1, 2, …
        public var id: Int
        /// The sampled hyper-parameters.
        public var parameters: [String: RunnerValue]
        /// Where it stands.
        public var status: Status
        /// The primary metric at each evaluation (one value an interval), as Argus computed it.
        public var metrics: [Double] = []
        /// The metric's name.
        public var metricName: String?
        /// Why it ended other than by completing (early termination, the exit status and error, a timeout).
        public var reason: String?
        /// Its launcher's handle while running (`pid:N`, `slurm:N`).
        public var handle: String?
        /// When it started (seconds since 1970).
        public var started: Double
        /// How many times it was started (a resumed trial counts again).
        public var starts = 1

        /// A trial record.
        public init(
            id: Int, parameters: [String: RunnerValue], status: Status, metrics: [Double] = [], started: Double
        ) {
            self.id = id
            self.parameters = parameters
            self.status = status
            self.metrics = metrics
            self.started = started
        }

        /// The best value it reported.
        public var best: Double? { metrics.max() }
    }

    /// The job file (absolute path).
    public var jobFile: String
    /// The trials, in start order.
    public var trials: [Trial] = []
    /// The sampler, as it stands.
    public var sampler: TrialSampler
    /// When the job started (seconds since 1970).
    public var started: Double
    /// Whether the job has ended.
    public var finished = false
    /// Where trials run: `local` or `slurm`.
    public var launcher = "local"
    /// More `sbatch` options for the Slurm launcher.
    public var launcherOptions: [String] = []
    /// The production model's evaluation the best trial is compared with, if given.
    public var production: String?

    static let fileName = "job.json"

    /// A new job's state.
    public init(jobFile: String, sampler: TrialSampler, started: Double) {
        self.jobFile = jobFile
        self.sampler = sampler
        self.started = started
    }

    /// Reads `folder/job.json`.
    public static func load(from folder: String) throws -> JobState {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + fileName))
        return try JSONDecoder().decode(JobState.self, from: data)
    }

    /// Writes `folder/job.json` whole (a temporary file renamed into place).
    public func save(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let temporary = folder + "/.\(Self.fileName).partial-\(getpid())"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, folder + "/" + Self.fileName) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// The trial with the best primary metric, if any reported one.
    public var bestTrial: Trial? {
        trials.filter { $0.best != nil }.max { ($0.best!, -$0.id) < ($1.best!, -$1.id) }
    }
}
