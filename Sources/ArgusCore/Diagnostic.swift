/// Where something was read from: a file, and where known a line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column` with the parts that are known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text
    }
}

/// One problem found in input data.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        /// Not a problem: what Argus decided on its own (a format detected, a task inferred) and why.
        case note
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The field concerned (a JSON key path, an XML element, a column), or empty.
    public var field: String
    public var message: String

    public init(_ severity: Severity, _ location: SourceLocation, field: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.field = field
        self.message = message
    }

    /// `file:line: field: reason` (with `warning:` before the field for warnings).
    public var description: String {
        let prefix = severity == .error ? "" : "\(severity.rawValue): "
        return field.isEmpty ? "\(location): \(prefix)\(message)" : "\(location): \(prefix)\(field): \(message)"
    }
}

/// Collects every problem of a pass so that one run reports them all.
public struct Diagnostics: Sendable {
    public var items: [Diagnostic] = []
    public init() {}
    public init(items: [Diagnostic]) { self.items = items }

    public mutating func error(_ location: SourceLocation, field: String = "", _ message: String) {
        items.append(Diagnostic(.error, location, field: field, message))
    }

    public mutating func warning(_ location: SourceLocation, field: String = "", _ message: String) {
        items.append(Diagnostic(.warning, location, field: field, message))
    }

    /// Records what Argus decided on its own, and why.
    public mutating func note(_ location: SourceLocation, _ message: String) {
        items.append(Diagnostic(.note, location, field: "", message))
    }

    public mutating func append(contentsOf other: Diagnostics) { items += other.items }

    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.contains { $0.severity == .error } }
}
