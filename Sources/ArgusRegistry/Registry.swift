import ArgusCore
import ArgusIO
import ArgusResults
import Foundation

/// The registry of evaluations: models, datasets, every evaluation with all its metrics, its
/// artifacts and the gate decisions made on it, in one SQLite file (`argus.sqlite` by default).
///
/// Each evaluation is recorded in one transaction: a reader sees all of it or none, a process
/// killed while recording leaves nothing half-recorded, and concurrent recorders queue.
public final class Registry {
    let database: any RegistryDatabase
    /// Where the registry is, as given.
    let location: String

    /// The default file, in the working directory.
    public static let defaultPath = "argus.sqlite"

    /// Opens the registry at `location` — a SQLite file, or a `postgresql://` URL of a team's
    /// server — creating its tables, and migrates it to this Argus's schema.
    /// - Throws: `DataError` when the store cannot be opened, is not a registry, or was made by a
    ///   newer Argus (messages never show a connection string's password).
    public init(path location: String) throws(DataError) {
        self.location = location
        if location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") {
            database = try PostgresDatabase(url: location)
        } else {
            database = try SQLiteDatabase(path: location)
        }
        try RegistrySchema.migrate(database)
    }

    /// The schema version this Argus writes.
    public static var schemaVersion: Int { RegistrySchema.version }

    /// A model as `NAME@VERSION`.
    public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
        /// The model's name.
        public var name: String
        /// The model's version.
        public var version: String

        /// A model reference.
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }

        /// Parses `NAME@VERSION` (the version is "unversioned" when missing).
        public init?(_ text: String) {
            let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
            guard let first = parts.first, !first.isEmpty else { return nil }
            name = first
            version = parts.count > 1 && !parts[1].isEmpty ? parts[1] : "unversioned"
        }

        /// `NAME@VERSION`.
        public var description: String { "\(name)@\(version)" }
    }

    // MARK: Recording

    /// Records an evaluation and its artifacts in one transaction.
    /// - Returns: the evaluation's id.
    /// - Throws: `DataError` when the database refuses it (nothing is then recorded).
    @discardableResult
    public func record(_ evaluation: EvaluationRecord) throws(DataError) -> Int64 {
        try database.transaction { () throws(DataError) -> Int64 in try insert(evaluation) }
    }

    private func insert(_ evaluation: EvaluationRecord) throws(DataError) -> Int64 {
        var modelID: Int64?
        if let model = evaluation.model { modelID = try self.modelID(model, path: evaluation.modelPath) }
        try database.query(
            "INSERT INTO datasets (name, content_hash, image_count) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(evaluation.datasetName), .text(evaluation.datasetHash), .integer(Int64(evaluation.imageCount))])
        let datasetID = try database.query(
            "SELECT id FROM datasets WHERE name = ? AND content_hash = ?",
            [.text(evaluation.datasetName), .text(evaluation.datasetHash)]
        ).first?.first?.integer
        let id = try database.insert(
            """
            INSERT INTO evaluations (model_id, dataset_id, task, settings, primary_metric, primary_value,
              argus_version, host, git_commit, command_line, recorded_at, seconds, folder)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                modelID.map(SQLValue.integer) ?? .null, datasetID.map(SQLValue.integer) ?? .null,
                .text(evaluation.task), .text(evaluation.settings), .text(evaluation.primaryMetric),
                evaluation.primaryValue.map(SQLValue.real) ?? .null, .text(ArgusVersion.current),
                .text(evaluation.host), evaluation.gitCommit.map(SQLValue.text) ?? .null,
                .text(Secrets.redacted(evaluation.commandLine)), .text(evaluation.recordedAt),
                evaluation.seconds.map(SQLValue.real) ?? .null, .text(evaluation.folder),
            ])
        Self.pauseForTests(location)
        for (position, (name, value)) in evaluation.metrics.enumerated() {
            try database.query(
                "INSERT INTO metrics (evaluation_id, name, value, position) VALUES (?, ?, ?, ?)",
                [.integer(id), .text(name), value.map(SQLValue.real) ?? .null, .integer(Int64(position))])
        }
        for (position, (label, name, value)) in evaluation.labelMetrics.enumerated() {
            try database.query(
                "INSERT INTO label_metrics (evaluation_id, label, name, value, position) VALUES (?, ?, ?, ?, ?)",
                [.integer(id), .text(label), .text(name), value.map(SQLValue.real) ?? .null, .integer(Int64(position))])
        }
        for (position, artifact) in evaluation.artifacts.enumerated() {
            try database.query(
                "INSERT INTO artifacts (evaluation_id, kind, path, sha256, bytes, position) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .integer(id), .text(artifact.kind), .text(artifact.path), .text(artifact.sha256),
                    .integer(Int64(artifact.bytes)), .integer(Int64(position)),
                ])
        }
        return id
    }

    private func modelID(_ model: ModelReference, path: String?) throws(DataError) -> Int64? {
        try database.query(
            "INSERT INTO models (name, version, path) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(model.name), .text(model.version), path.map(SQLValue.text) ?? .null])
        return try database.query(
            "SELECT id FROM models WHERE name = ? AND version = ?", [.text(model.name), .text(model.version)]
        ).first?.first?.integer
    }

    /// Records a gate decision with its inputs.
    /// - Returns: the decision's id.
    @discardableResult
    public func recordGate(
        candidate: Int64?, baseline: Int64?, candidateFolder: String, baselineFolder: String?, policy: String,
        passed: Bool, report: String
    ) throws(DataError) -> Int64 {
        try database.transaction { () throws(DataError) -> Int64 in
            try database.insert(
                """
                INSERT INTO gate_decisions (candidate_id, baseline_id, candidate_folder, baseline_folder, policy,
                  passed, report, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    candidate.map(SQLValue.integer) ?? .null, baseline.map(SQLValue.integer) ?? .null,
                    .text(candidateFolder), baselineFolder.map(SQLValue.text) ?? .null, .text(policy),
                    .integer(passed ? 1 : 0), .text(report), .text(Registry.now()),
                ])
        }
    }

    /// Test hook: with `ARGUS_TEST_PAUSE_IN_RECORD=SECONDS` in the environment, a recorder marks
    /// that it is inside its transaction (`REGISTRY.recording`) and waits, so that a test can kill it
    /// there. Never set in normal use.
    static func pauseForTests(_ name: String) {
        guard let value = ProcessInfo.processInfo.environment["ARGUS_TEST_PAUSE_IN_RECORD"], let seconds = Double(value)
        else { return }
        FileManager.default.createFile(atPath: pauseMarker(name), contents: Data())
        Thread.sleep(forTimeInterval: seconds)
    }

    /// The file a paused recorder creates (beside a SQLite registry; in the temporary folder for a server).
    static func pauseMarker(_ location: String) -> String {
        guard location.contains("://") else { return location + ".recording" }
        let safe = location.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return NSTemporaryDirectory() + "argus-" + String(safe) + ".recording"
    }

    /// The current time as ISO 8601 (UTC).
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// Passwords in connection strings and tokens are never stored, printed or logged.
public enum Secrets {
    /// `text` with the password of every `scheme://user:password@host` replaced by `***`, and the
    /// values of `--token`/`--password` options and `token=`/`password=` parameters too.
    public static func redacted(_ text: String) -> String {
        var result = text.replacingOccurrences(
            of: #"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s]*@"#, with: "$1:***@", options: .regularExpression)
        result = result.replacingOccurrences(
            of: #"(--(?:token|password)[= ])\S+"#, with: "$1***", options: .regularExpression)
        result = result.replacingOccurrences(
            of: #"((?:token|password)=)[^&\s]+"#, with: "$1***", options: [.regularExpression, .caseInsensitive])
        return result
    }
}
