import ArgusCore

/// The error type of ArgusData: what went wrong, where, and the underlying cause.
public struct DataError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Sendable { case unreadable, invalidJSON, invalidData, unwritable, unsupported, usage }
        let value: Value
        /// A file could not be opened or read.
        public static let unreadable = Code(value: .unreadable)
        /// A file is not valid JSON.
        public static let invalidJSON = Code(value: .invalidJSON)
        /// A file is well-formed but its content is not valid.
        public static let invalidData = Code(value: .invalidData)
        /// An output could not be written.
        public static let unwritable = Code(value: .unwritable)
        /// A file uses what this Argus does not support (a newer schema, an unknown format).
        public static let unsupported = Code(value: .unsupported)
        /// The command was used wrongly.
        public static let usage = Code(value: .usage)
        /// The code's name.
        public var description: String { value.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// The file, line and column.
    public var location: SourceLocation
    /// The field, key path or element concerned, or empty.
    public var field: String
    /// What went wrong and what was expected.
    public var message: String
    /// Every problem found when the failure came from a validation pass.
    public var diagnostics: [Diagnostic]

    /// An error with its place and, from a validation pass, every problem found.
    public init(
        _ code: Code, _ location: SourceLocation, field: String = "", _ message: String,
        diagnostics: [Diagnostic] = []
    ) {
        self.code = code
        self.location = location
        self.field = field
        self.message = message
        self.diagnostics = diagnostics
    }

    /// `file:line: field: message`.
    public var description: String {
        field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
