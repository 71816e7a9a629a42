import ArgusCore
import ArgusIO
import CSQLite3
import Foundation

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    /// The value as a number (integers widened), nil for text and NULL.
    public var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    /// The value as a whole number (nil for other kinds).
    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }

    /// The value as text (nil for other kinds).
    public var text: String? { if case .text(let value) = self { value } else { nil } }
}

/// One SQLite database file, through Debian's libsqlite3: write-ahead logging, a busy timeout
/// so that concurrent writers wait instead of failing, and transactions that either commit whole
/// or leave nothing.
final class SQLiteDatabase: RegistryDatabase {
    private var handle: OpaquePointer?
    let path: String
    var name: String { path }
    var dialect: SQLDialect { .sqlite }

    /// Opens (creating) the database file.
    /// - Throws: `DataError` naming the file when it cannot be opened or is not a database.
    init(path: String) throws(DataError) {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw DataError(.unreadable, SourceLocation(file: path), message)
        }
        sqlite3_busy_timeout(handle, 60_000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = NORMAL")
    }

    deinit { sqlite3_close_v2(handle) }

    private func failure(_ sql: String) -> DataError {
        let message = String(cString: sqlite3_errmsg(handle))
        return DataError(.invalidData, SourceLocation(file: path), "\(message) (in: \(sql.prefix(80)))")
    }

    /// Runs statements without results.
    func execute(_ sql: String) throws(DataError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    /// Runs one statement with parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(DataError) -> [[SQLValue]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw failure(sql) }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .integer(let number): sqlite3_bind_int64(statement, position, number)
            case .real(let number): sqlite3_bind_double(statement, position, number)
            case .text(let string): sqlite3_bind_text(statement, position, string, -1, transient)
            case .null: sqlite3_bind_null(statement, position)
            }
        }
        var rows: [[SQLValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(sql) }
            var row: [SQLValue] = []
            for column in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: row.append(.null)
                default: row.append(.text(String(cString: sqlite3_column_text(statement, column))))
                }
            }
            rows.append(row)
        }
        return rows
    }

    func insert(_ sql: String, _ parameters: [SQLValue]) throws(DataError) -> Int64 {
        try query(sql, parameters)
        return sqlite3_last_insert_rowid(handle)
    }

    func schemaVersion() throws(DataError) -> Int {
        Int(try query("PRAGMA user_version").first?.first?.integer ?? 0)
    }

    func setSchemaVersion(_ version: Int) throws(DataError) {
        try execute("PRAGMA user_version = \(version)")
    }

    /// The statement that opens a transaction taking the write lock at once.
    var beginStatement: String { "BEGIN IMMEDIATE" }
}
