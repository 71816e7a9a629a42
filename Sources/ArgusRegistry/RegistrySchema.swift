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
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, path TEXT, checksum TEXT,
            UNIQUE (name, version));
        CREATE TABLE datasets (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, content_hash TEXT NOT NULL, image_count INTEGER NOT NULL,
            UNIQUE (name, content_hash));
        CREATE TABLE evaluations (
            id INTEGER PRIMARY KEY,
            model_id INTEGER REFERENCES models (id), dataset_id INTEGER REFERENCES datasets (id),
            task TEXT NOT NULL, settings TEXT NOT NULL, primary_metric TEXT NOT NULL, primary_value REAL,
            argus_version TEXT NOT NULL, host TEXT NOT NULL, git_commit TEXT, command_line TEXT NOT NULL,
            recorded_at TEXT NOT NULL, seconds REAL, folder TEXT NOT NULL);
        CREATE TABLE metrics (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations (id), name TEXT NOT NULL, value REAL,
            PRIMARY KEY (evaluation_id, name));
        CREATE TABLE label_metrics (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations (id), label TEXT NOT NULL, name TEXT NOT NULL,
            value REAL, PRIMARY KEY (evaluation_id, label, name));
        CREATE TABLE artifacts (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations (id), kind TEXT NOT NULL, path TEXT NOT NULL,
            sha256 TEXT NOT NULL, bytes INTEGER NOT NULL);
        CREATE INDEX evaluations_by_model ON evaluations (model_id, dataset_id, recorded_at);
        """,
        """
        CREATE TABLE gate_decisions (
            id INTEGER PRIMARY KEY,
            candidate_id INTEGER REFERENCES evaluations (id), baseline_id INTEGER REFERENCES evaluations (id),
            candidate_folder TEXT NOT NULL, baseline_folder TEXT, policy TEXT NOT NULL, passed INTEGER NOT NULL,
            report TEXT NOT NULL, decided_at TEXT NOT NULL);
        """,
    ]

    /// The version this Argus brings registries to.
    static var version: Int { migrations.count }

    /// Brings the database to `version`.
    /// - Throws: `DataError` when the registry is newer than this Argus, or a migration fails (then
    ///   nothing of it is applied).
    static func migrate(_ database: SQLiteDatabase) throws(DataError) {
        try database.transaction { () throws(DataError) in
            let current = Int(try database.query("PRAGMA user_version").first?.first?.integer ?? 0)
            guard current <= version else {
                throw DataError(
                    .unsupported, SourceLocation(file: database.path),
                    "this registry is at schema version \(current); this Argus knows versions up to \(version): "
                        + "use a newer Argus")
            }
            for index in current..<version {
                try database.execute(migrations[index])
            }
            if current < version { try database.execute("PRAGMA user_version = \(version)") }
        }
    }
}
