import ArgusCore
import ArgusIO
import CLibPQ
import Foundation

/// A team's registry on a PostgreSQL server, through Debian's libpq. The same schema and statements
/// as SQLite's: `?` placeholders become `$1, $2, …`, ids come back through `RETURNING id`, the
/// schema version lives in `argus_schema`, and migrations hold an advisory lock so that two
/// machines opening a new registry at once do not both create it.
final class PostgresDatabase: RegistryDatabase {
    private let connection: OpaquePointer
    let name: String
    var dialect: SQLDialect { .postgresql }

    /// Connects to `url` (`postgresql://user:password@host:port/database`).
    /// - Throws: `DataError` naming the server (without its password) when it cannot connect.
    init(url: String) throws(DataError) {
        name = Secrets.redacted(url)
        guard let connection = PQconnectdb(url) else {
            throw DataError(.unreadable, SourceLocation(file: name), "cannot allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Secrets.redacted(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw DataError(
                .unreadable, SourceLocation(file: name),
                "cannot connect: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        self.connection = connection
        try execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(connection) }

    private func failure(_ sql: String, _ result: OpaquePointer?) -> DataError {
        let message =
            result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(connection))
        return DataError(
            .invalidData, SourceLocation(file: name),
            "\(message.trimmingCharacters(in: .whitespacesAndNewlines)) (in: \(sql.prefix(80)))")
    }

    func execute(_ sql: String) throws(DataError) {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(sql, result) }
    }

    /// `?` placeholders as `$1, $2, …` (the registry's statements hold no `?` inside literals).
    static func numbered(_ sql: String) -> String {
        var text = ""
        var count = 0
        for character in sql {
            if character == "?" {
                count += 1
                text += "$\(count)"
            } else {
                text.append(character)
            }
        }
        return text
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(DataError) -> [[SQLValue]] {
        let statement = Self.numbered(sql)
        let texts: [String?] = parameters.map { value in
            switch value {
            case .integer(let number): String(number)
            case .real(let number): number.isNaN ? "NaN" : "\(number)"
            case .text(let string): string
            case .null: nil
            }
        }
        let result = Self.withCStrings(texts) { pointers in
            PQexecParams(connection, statement, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(sql, result) }
        var rows: [[SQLValue]] = []
        let columns = PQnfields(result)
        for row in 0..<PQntuples(result) {
            var values: [SQLValue] = []
            for column in 0..<columns {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let text = String(cString: PQgetvalue(result, row, column))
                switch PQftype(result, column) {
                case 20, 21, 23: values.append(Int64(text).map(SQLValue.integer) ?? .text(text))
                case 700, 701, 1700: values.append(Double(text).map(SQLValue.real) ?? .text(text))
                default: values.append(.text(text))
                }
            }
            rows.append(values)
        }
        return rows
    }

    /// Calls `body` with C strings for `texts` (nil stays nil), alive during the call.
    static func withCStrings<T>(_ texts: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = texts.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    func insert(_ sql: String, _ parameters: [SQLValue]) throws(DataError) -> Int64 {
        let rows = try query(sql + " RETURNING id", parameters)
        guard let id = rows.first?.first?.integer else {
            throw DataError(
                .invalidData, SourceLocation(file: name), "the server returned no id (in: \(sql.prefix(80)))")
        }
        return id
    }

    /// The statement that opens a transaction taking the write lock at once.
    var beginStatement: String { "BEGIN" }

    func schemaVersion() throws(DataError) -> Int {
        // One migrator at a time, across machines (released at the end of the transaction).
        try query("SELECT pg_advisory_xact_lock(7412352)")
        try execute("CREATE TABLE IF NOT EXISTS argus_schema (version INTEGER NOT NULL)")
        return Int(try query("SELECT version FROM argus_schema").first?.first?.integer ?? 0)
    }

    func setSchemaVersion(_ version: Int) throws(DataError) {
        try execute("DELETE FROM argus_schema")
        try query("INSERT INTO argus_schema (version) VALUES (?)", [.integer(Int64(version))])
    }
}
