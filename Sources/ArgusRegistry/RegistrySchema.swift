import ArgusCore
import ArgusIO

/// The registry's tables, as numbered migrations. A registry records the schema version it is at
/// (`PRAGMA user_version`); opening one migrates it forward in one transaction, and one made by a
/// newer Argus is refused.
enum RegistrySchema {
    /// Each migration brings the schema from version `index` to `index + 1`.
    static let migrations: [String] = [
        """
        CREATE TABLE models (
            id {id}, name TEXT NOT NULL, version TEXT NOT NULL, path TEXT, checksum TEXT,
            UNIQUE (name, version));
        CREATE TABLE datasets (
            id {id}, name TEXT NOT NULL, content_hash TEXT NOT NULL, image_count {bigint} NOT NULL,
            UNIQUE (name, content_hash));
        CREATE TABLE evaluations (
            id {id},
            model_id {bigint} REFERENCES models (id), dataset_id {bigint} REFERENCES datasets (id),
            task TEXT NOT NULL, settings TEXT NOT NULL, primary_metric TEXT NOT NULL, primary_value {real},
            argus_version TEXT NOT NULL, host TEXT NOT NULL, git_commit TEXT, command_line TEXT NOT NULL,
            recorded_at TEXT NOT NULL, seconds {real}, folder TEXT NOT NULL);
        CREATE TABLE metrics (
            evaluation_id {bigint} NOT NULL REFERENCES evaluations (id), name TEXT NOT NULL, value {real},
            PRIMARY KEY (evaluation_id, name));
        CREATE TABLE label_metrics (
            evaluation_id {bigint} NOT NULL REFERENCES evaluations (id), label TEXT NOT NULL, name TEXT NOT NULL,
            value {real}, PRIMARY KEY (evaluation_id, label, name));
        CREATE TABLE artifacts (
            evaluation_id {bigint} NOT NULL REFERENCES evaluations (id), kind TEXT NOT NULL, path TEXT NOT NULL,
            sha256 TEXT NOT NULL, bytes {bigint} NOT NULL);
        CREATE INDEX evaluations_by_model ON evaluations (model_id, dataset_id, recorded_at);
        """,
        """
        CREATE TABLE gate_decisions (
            id {id},
            candidate_id {bigint} REFERENCES evaluations (id), baseline_id {bigint} REFERENCES evaluations (id),
            candidate_folder TEXT NOT NULL, baseline_folder TEXT, policy TEXT NOT NULL, passed INTEGER NOT NULL,
            report TEXT NOT NULL, decided_at TEXT NOT NULL);
        """,
        // Insertion order, for listing metrics and artifacts as the evaluation wrote them.
        """
        ALTER TABLE metrics ADD COLUMN position INTEGER;
        ALTER TABLE label_metrics ADD COLUMN position INTEGER;
        ALTER TABLE artifacts ADD COLUMN position INTEGER;
        """,
        // The job driver's jobs and their trials (parameters and metrics as JSON).
        """
        CREATE TABLE jobs (
            id {id}, folder TEXT NOT NULL UNIQUE, job_file TEXT NOT NULL, task TEXT NOT NULL, sampling TEXT NOT NULL,
            started_at TEXT NOT NULL, updated_at TEXT NOT NULL, finished INTEGER NOT NULL, best_trial INTEGER,
            best_model TEXT);
        CREATE TABLE trials (
            job_id {bigint} NOT NULL REFERENCES jobs (id), trial INTEGER NOT NULL, parameters TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT, metric TEXT, best {real}, metrics TEXT NOT NULL,
            starts INTEGER NOT NULL, PRIMARY KEY (job_id, trial));
        """,
    ]

    /// The version this Argus brings registries to.
    static var version: Int { migrations.count }

    /// Brings the database to `version`.
    /// - Throws: `DataError` when the registry is newer than this Argus, or a migration fails (then
    ///   nothing of it is applied).
    static func migrate(_ database: any RegistryDatabase) throws(DataError) {
        try database.transaction { () throws(DataError) in
            let current = try database.schemaVersion()
            guard current <= version else {
                throw DataError(
                    .unsupported, SourceLocation(file: database.name),
                    "this registry is at schema version \(current); this Argus knows versions up to \(version): "
                        + "use a newer Argus")
            }
            for index in current..<version {
                try database.execute(database.dialect.schema(migrations[index]))
            }
            if current < version { try database.setSchemaVersion(version) }
        }
    }
}
