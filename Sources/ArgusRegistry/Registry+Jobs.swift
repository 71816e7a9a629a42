import ArgusCore
import ArgusIO

extension Registry {
    /// One trial of a job, as the registry keeps it.
    public struct TrialRecord: Sendable, Equatable {
        /// The trial's number in its job (1, 2, …).
        public var trial: Int
        /// Its hyper-parameters, as a JSON object.
        public var parameters: String
        /// `running`, `completed`, `failed`, `canceled` or `timed_out`.
        public var status: String
        /// Why it ended other than by completing (the early-termination decision, the failure).
        public var reason: String?
        /// The primary metric's name.
        public var metric: String?
        /// Its best value.
        public var best: Double?
        /// Its value at each interval, as a JSON array.
        public var metrics: String
        /// How many times it was started.
        public var starts: Int

        /// A trial record.
        public init(
            trial: Int, parameters: String, status: String, reason: String?, metric: String?, best: Double?,
            metrics: String, starts: Int
        ) {
            self.trial = trial
            self.parameters = parameters
            self.status = status
            self.reason = reason
            self.metric = metric
            self.best = best
            self.metrics = metrics
            self.starts = starts
        }
    }

    /// A job of the driver, with its trials.
    public struct JobRecord: Sendable, Equatable {
        /// The job folder (the job's key).
        public var folder: String
        /// The job file.
        public var jobFile: String
        /// The task.
        public var task: String
        /// random, grid or bayesian.
        public var sampling: String
        /// When it started (ISO 8601).
        public var startedAt: String
        /// Whether it has ended.
        public var finished: Bool
        /// The best trial and its model folder, once known.
        public var bestTrial: Int?
        /// The best trial's model folder.
        public var bestModel: String?
        /// Every trial.
        public var trials: [TrialRecord]

        /// A job record.
        public init(
            folder: String, jobFile: String, task: String, sampling: String, startedAt: String, finished: Bool,
            bestTrial: Int?, bestModel: String?, trials: [TrialRecord]
        ) {
            self.folder = folder
            self.jobFile = jobFile
            self.task = task
            self.sampling = sampling
            self.startedAt = startedAt
            self.finished = finished
            self.bestTrial = bestTrial
            self.bestModel = bestModel
            self.trials = trials
        }
    }

    /// Records a job as it stands, in one transaction: a job recorded before (same folder) is updated and
    /// its trials replaced, so that a resumed job never counts a trial twice.
    /// - Returns: the job's id.
    @discardableResult
    public func recordJob(_ job: JobRecord) throws(DataError) -> Int64 {
        try database.transaction { () throws(DataError) -> Int64 in
            let values: [SQLValue] = [
                .text(job.jobFile), .text(job.task), .text(job.sampling), .text(job.startedAt), .text(Registry.now()),
                .integer(job.finished ? 1 : 0), job.bestTrial.map { .integer(Int64($0)) } ?? .null,
                job.bestModel.map(SQLValue.text) ?? .null,
            ]
            let id: Int64
            if let existing = try database.query("SELECT id FROM jobs WHERE folder = ?", [.text(job.folder)])
                .first?.first?.integer
            {
                id = existing
                try database.query(
                    """
                    UPDATE jobs SET job_file = ?, task = ?, sampling = ?, started_at = ?, updated_at = ?, finished = ?,
                      best_trial = ?, best_model = ? WHERE id = ?
                    """, values + [.integer(id)])
                try database.query("DELETE FROM trials WHERE job_id = ?", [.integer(id)])
            } else {
                id = try database.insert(
                    """
                    INSERT INTO jobs (job_file, task, sampling, started_at, updated_at, finished, best_trial, best_model,
                      folder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, values + [.text(job.folder)])
            }
            for trial in job.trials {
                try database.query(
                    """
                    INSERT INTO trials (job_id, trial, parameters, status, reason, metric, best, metrics, starts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .integer(id), .integer(Int64(trial.trial)), .text(trial.parameters), .text(trial.status),
                        trial.reason.map(SQLValue.text) ?? .null, trial.metric.map(SQLValue.text) ?? .null,
                        trial.best.map(SQLValue.real) ?? .null, .text(trial.metrics), .integer(Int64(trial.starts)),
                    ])
            }
            return id
        }
    }

    /// The trials recorded for the job in `folder`, in trial order (empty when none is recorded).
    public func trials(ofJob folder: String) throws(DataError) -> [TrialRecord] {
        try database.query(
            """
            SELECT t.trial, t.parameters, t.status, t.reason, t.metric, t.best, t.metrics, t.starts
            FROM trials t JOIN jobs j ON j.id = t.job_id WHERE j.folder = ? ORDER BY t.trial
            """, [.text(folder)]
        ).map {
            TrialRecord(
                trial: Int($0[0].integer ?? 0), parameters: $0[1].text ?? "{}", status: $0[2].text ?? "",
                reason: $0[3].text, metric: $0[4].text, best: $0[5].double, metrics: $0[6].text ?? "[]",
                starts: Int($0[7].integer ?? 0))
        }
    }
}
