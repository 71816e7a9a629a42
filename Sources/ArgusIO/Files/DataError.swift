import ArgusCore

/// The error type of ArgusData: what went wrong, where, and the underlying cause.
public struct DataError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Sendable { case unreadable, invalidJSON, invalidData, unwritable, unsupported, usage }
        let value: Value
        public static let unreadable = Code(value: .unreadable)
        public static let invalidJSON = Code(value: .invalidJSON)
        public static let invalidData = Code(value: .invalidData)
        public static let unwritable = Code(value: .unwritable)
        public static let unsupported = Code(value: .unsupported)
        public static let usage = Code(value: .usage)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var location: SourceLocation
    public var field: String
    public var message: String
    /// Every problem found when the failure came from a validation pass.
    public var diagnostics: [Diagnostic]

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

    public var description: String {
        field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
