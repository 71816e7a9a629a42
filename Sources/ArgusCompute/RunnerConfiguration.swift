import Foundation

/// One setting's value in a runner configuration: the JSON types the runner's settings use.
public enum RunnerValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    /// Reads `text` as written on a command line: `true`/`false`, an integer, a number, else a string.
    public init(parsing text: String) {
        if text == "true" || text == "false" {
            self = .bool(text == "true")
        } else if let integer = Int(text) {
            self = .int(integer)
        } else if let number = Double(text), number.isFinite {
            self = .double(number)
        } else {
            self = .string(text)
        }
    }

    /// Decodes a JSON scalar: a boolean, an integer, a number or a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            self = .int(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// Encodes the value as the JSON scalar it is.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    /// The value as written on a command line.
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        }
    }
}

/// The settings a runner command reads, by their AutoML names (`docs/runner.md` lists them).
public struct RunnerConfiguration: Sendable, Equatable {
    /// The settings, by name.
    public var values: [String: RunnerValue] = [:]

    /// An empty configuration.
    public init() {}

    /// Sets `key` (a later value replaces an earlier one).
    public subscript(key: String) -> RunnerValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Adds `KEY=VALUE` settings as given on a command line.
    /// - Throws: `RunnerError` for an item without `=` or with an empty key.
    public mutating func add(assignments: [String]) throws(RunnerError) {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw RunnerError("--set expects KEY=VALUE, got '\(assignment)'")
            }
            values[String(assignment[..<equals])] = RunnerValue(
                parsing: String(assignment[assignment.index(after: equals)...]))
        }
    }

    /// The configuration as the runner reads it: one JSON object with sorted keys.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(values)) ?? Data("{}".utf8)
    }
}
