import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults

extension PlainJSON {
    /// The member named `key` of an object.
    public subscript(key: String) -> PlainJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
    /// The value as a number (integers widened).
    public var double: Double? {
        switch self {
        case .number(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }
    /// The value as a whole number (a number without a fraction too).
    public var int: Int? {
        switch self {
        case .integer(let i): i
        case .number(let d) where d == d.rounded(): Int(d)
        default: nil
        }
    }
    /// Whether the value was written as an integer (a count).
    public var isInteger: Bool { if case .integer = self { true } else { false } }
    /// The value as a string.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The value as an array.
    public var array: [PlainJSON]? { if case .array(let a) = self { a } else { nil } }
    /// An object's members in order (none for other values).
    public var members: [(String, PlainJSON)] { if case .object(let m) = self { m } else { [] } }
    /// An array's numbers (NaN for other elements).
    public var doubles: [Double]? { array?.map { $0.double ?? .nan } }

    static func numbers(_ values: [Double]) -> PlainJSON { .array(values.map { $0.isNaN ? .null : .number($0) }) }
    static func strings(_ values: [String]) -> PlainJSON { .array(values.map(PlainJSON.string)) }
    static func number(_ value: Double?) -> PlainJSON { value.map { $0.isNaN ? .null : .number($0) } ?? .null }

    /// Reads a JSON file into a detached value.
    static func load(_ path: String) throws -> PlainJSON {
        let bytes = try PaddedBytes(contentsOfFile: path)
        switch JSONDocument().parse(bytes, { $0.plain }) {
        case .success(let value): return value
        case .failure(let error): throw DataError(.invalidJSON, SourceLocation(file: path), error.message)
        }
    }

    /// Compact JSON text.
    var text: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.text
    }
}
