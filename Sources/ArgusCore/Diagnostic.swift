/// Where something was read from: a file, and where known a line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The 1-based line, where known.
    public var line: Int?
    /// The 1-based column, where known.
    public var column: Int?

    /// A place in a file.
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
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        /// Not a problem: what Argus decided on its own (a format detected, a task inferred) and why.
        case note
    }

    /// Whether it stops the command.
    public var severity: Severity
    /// Where the problem is.
    public var location: SourceLocation
    /// The field concerned (a JSON key path, an XML element, a column), or empty.
    public var field: String
    /// What is wrong and what was expected.
    public var message: String

    /// A diagnostic.
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
    /// Every diagnostic, in the order found.
    public var items: [Diagnostic] = []
    /// No diagnostics.
    public init() {}
    /// The given diagnostics.
    public init(items: [Diagnostic]) { self.items = items }

    /// Records an error (the command will not go on).
    public mutating func error(_ location: SourceLocation, field: String = "", _ message: String) {
        items.append(Diagnostic(.error, location, field: field, message))
    }

    /// Records a warning (the command goes on).
    public mutating func warning(_ location: SourceLocation, field: String = "", _ message: String) {
        items.append(Diagnostic(.warning, location, field: field, message))
    }

    /// Records what Argus decided on its own, and why.
    public mutating func note(_ location: SourceLocation, _ message: String) {
        items.append(Diagnostic(.note, location, field: "", message))
    }

    /// Adds another pass's diagnostics.
    public mutating func append(contentsOf other: Diagnostics) { items += other.items }

    /// The errors.
    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { items.contains { $0.severity == .error } }
}
