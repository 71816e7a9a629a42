import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusRegistry

/// The stores every registry test runs against: SQLite, and PostgreSQL where `make test` started
/// a server (`scripts/with-postgres.sh` sets ARGUS_TEST_POSTGRESQL).
enum Stores {
    static let postgresURL = ProcessInfo.processInfo.environment["ARGUS_TEST_POSTGRESQL"]

    static var all: [String] {
        if postgresURL == nil {
            print(
                "registry tests: ARGUS_TEST_POSTGRESQL is not set; the PostgreSQL store is skipped (make test sets it)")
        }
        return postgresURL == nil ? ["sqlite"] : ["sqlite", "postgresql"]
    }

    /// A new, empty registry location of `store`: a file in `folder`, or a new PostgreSQL database.
    static func location(_ store: String, in folder: ScratchFolder) throws -> String {
        guard store == "postgresql", let base = postgresURL else { return folder.file("argus.sqlite") }
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
        try PostgresDatabase(url: base).execute("CREATE DATABASE \(name)")
        guard let slash = base.lastIndex(of: "/") else { return base }
        return String(base[...slash]) + name
    }

    /// The store's own database handle, for checks below the registry's API.
    static func database(_ location: String) throws -> any RegistryDatabase {
        location.hasPrefix("postgresql://") ? try PostgresDatabase(url: location) : try SQLiteDatabase(path: location)
    }

    /// Whether the store's data is intact (SQLite's integrity check; PostgreSQL guarantees it).
    static func intact(_ location: String) throws -> Bool {
        guard !location.hasPrefix("postgresql://") else { return true }
        return try SQLiteDatabase(path: location).query("PRAGMA integrity_check").first?.first?.text == "ok"
    }
}
