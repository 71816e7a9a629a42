import ArgusCore
import ArgusIO

extension Registry {
    /// One recorded evaluation, as lists and trends show it.
    public struct Run: Sendable, Equatable {
        /// The evaluation's id in the registry.
        public var id: Int64
        /// The model, as `NAME@VERSION` (nil when none was given).
        public var model: String?
        /// The dataset's name.
        public var dataset: String
        /// The task.
        public var task: String
        /// When it was recorded (ISO 8601, UTC).
        public var recordedAt: String
        /// The primary metric's name.
        public var primaryMetric: String
        /// The primary metric's value (nil where undefined).
        public var primaryValue: Double?
        /// The evaluation folder (absolute).
        public var folder: String
    }

    /// A recorded evaluation with everything recorded of it.
    public struct RunDetails: Sendable {
        /// The evaluation.
        public var run: Run
        /// The settings, as a JSON object.
        public var settings: String
        /// The Argus version that recorded it.
        public var argusVersion: String
        /// The machine it was recorded on.
        public var host: String
        /// The git commit of the working directory, where known.
        public var gitCommit: String?
        /// The command line, secrets removed.
        public var commandLine: String
        /// How long the evaluation took, where known.
        public var seconds: Double?
        /// Every scalar metric, in the order recorded.
        public var metrics: [(name: String, value: Double?)]
        /// Every per-label value, in the order recorded.
        public var labelMetrics: [(label: String, name: String, value: Double?)]
        /// The evaluation's files and reports with their checksums.
        public var artifacts: [(kind: String, path: String, sha256: String, bytes: Int)]
    }

    static let runColumns = """
        e.id, m.name || '@' || m.version, d.name, e.task, e.recorded_at, e.primary_metric, e.primary_value, e.folder
        """
    static let runJoins = """
        FROM evaluations e LEFT JOIN models m ON m.id = e.model_id LEFT JOIN datasets d ON d.id = e.dataset_id
        """

    static func run(_ row: [SQLValue]) -> Run {
        Run(
            id: row[0].integer ?? 0, model: row[1].text, dataset: row[2].text ?? "", task: row[3].text ?? "",
            recordedAt: row[4].text ?? "", primaryMetric: row[5].text ?? "", primaryValue: row[6].double,
            folder: row[7].text ?? "")
    }

    /// Recorded evaluations, newest first, optionally of one model (`NAME` or `NAME@VERSION`) and dataset.
    public func runs(model: String? = nil, dataset: String? = nil, limit: Int = 100) throws(DataError) -> [Run] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let model {
            if let reference = ModelReference(model), model.contains("@") {
                conditions.append("m.name = ? AND m.version = ?")
                parameters += [.text(reference.name), .text(reference.version)]
            } else {
                conditions.append("m.name = ?")
                parameters.append(.text(model))
            }
        }
        if let dataset {
            conditions.append("d.name = ?")
            parameters.append(.text(dataset))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try database.query(
            "SELECT \(Self.runColumns) \(Self.runJoins) \(filter) ORDER BY e.recorded_at DESC, e.id DESC LIMIT ?",
            parameters + [.integer(Int64(limit))])
        return rows.map(Self.run)
    }

    /// One evaluation with its metrics and artifacts.
    /// - Throws: `DataError` when no evaluation has this id.
    public func details(_ id: Int64) throws(DataError) -> RunDetails {
        let rows = try database.query(
            """
            SELECT \(Self.runColumns), e.settings, e.argus_version, e.host, e.git_commit, e.command_line, e.seconds
            \(Self.runJoins) WHERE e.id = ?
            """, [.integer(id)])
        guard let row = rows.first else {
            throw DataError(.invalidData, SourceLocation(file: database.name), "no evaluation has id \(id)")
        }
        let metrics = try database.query(
            "SELECT name, value FROM metrics WHERE evaluation_id = ? ORDER BY position", [.integer(id)]
        ).map { (name: $0[0].text ?? "", value: $0[1].double) }
        let labels = try database.query(
            "SELECT label, name, value FROM label_metrics WHERE evaluation_id = ? ORDER BY position", [.integer(id)]
        ).map { (label: $0[0].text ?? "", name: $0[1].text ?? "", value: $0[2].double) }
        let artifacts = try database.query(
            "SELECT kind, path, sha256, bytes FROM artifacts WHERE evaluation_id = ? ORDER BY position", [.integer(id)]
        ).map {
            (kind: $0[0].text ?? "", path: $0[1].text ?? "", sha256: $0[2].text ?? "", bytes: Int($0[3].integer ?? 0))
        }
        return RunDetails(
            run: Self.run(Array(row[0..<8])), settings: row[8].text ?? "{}", argusVersion: row[9].text ?? "",
            host: row[10].text ?? "", gitCommit: row[11].text, commandLine: row[12].text ?? "", seconds: row[13].double,
            metrics: metrics, labelMetrics: labels, artifacts: artifacts)
    }

    /// A metric over time: one point per recorded evaluation, oldest first.
    public struct TrendPoint: Sendable, Equatable {
        /// The recorded evaluation.
        public var run: Run
        /// The metric's value in it (nil where undefined or absent).
        public var value: Double?
    }

    /// The trend of `metric` (the primary metric when nil) for a model and dataset.
    public func history(model: String? = nil, dataset: String? = nil, metric: String? = nil) throws(DataError)
        -> [TrendPoint]
    {
        let runs = try runs(model: model, dataset: dataset, limit: 10_000).reversed()
        var points: [TrendPoint] = []
        for run in runs {
            guard let metric else {
                points.append(TrendPoint(run: run, value: run.primaryValue))
                continue
            }
            let value = try database.query(
                "SELECT value FROM metrics WHERE evaluation_id = ? AND name = ?", [.integer(run.id), .text(metric)]
            ).first?.first?.double
            points.append(TrendPoint(run: run, value: value))
        }
        return points
    }

    /// The evaluation of a model version (the newest when it was evaluated more than once).
    public func evaluation(of model: ModelReference) throws(DataError) -> Run? {
        try runs(model: model.description).first
    }

    /// Where the model of evaluation `id` was said to be (`--model-path`, or the model folder `evaluate
    /// --model` inferred with), if it was recorded.
    /// - Throws: `DataError` when no evaluation has this id.
    public func modelPath(evaluation id: Int64) throws(DataError) -> String? {
        let rows = try database.query(
            "SELECT m.path FROM evaluations e LEFT JOIN models m ON m.id = e.model_id WHERE e.id = ?", [.integer(id)])
        guard let row = rows.first else {
            throw DataError(.invalidData, SourceLocation(file: database.name), "no evaluation has id \(id)")
        }
        return row[0].text
    }

    /// The newest evaluation of `model` (any version) that a gate passed.
    public func latestPassing(model: String) throws(DataError) -> Run? {
        let rows = try database.query(
            """
            SELECT \(Self.runColumns) \(Self.runJoins)
            JOIN gate_decisions g ON g.candidate_id = e.id
            WHERE m.name = ? AND g.passed = 1 ORDER BY g.decided_at DESC, g.id DESC LIMIT 1
            """, [.text(model)])
        return rows.first.map(Self.run)
    }

    /// The id of the newest evaluation recorded from `folder`, if any.
    public func evaluationID(folder: String) throws(DataError) -> Int64? {
        try database.query(
            "SELECT id FROM evaluations WHERE folder = ? ORDER BY id DESC LIMIT 1", [.text(PathTools.absolute(folder))]
        ).first?.first?.integer
    }
}
