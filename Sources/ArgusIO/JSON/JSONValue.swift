import CSimdJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value inside a parsed JSON document: a position on simdjson's tape.
///
/// Valid only while the `JSONDocument` that produced it is alive and has not parsed again;
/// the readers use values inside `JSONDocument.parse`'s closure only.
/// See simdjson's doc/tape.md: each tape word holds a type byte in its top 8 bits and a
/// 56-bit payload; numbers take a second word; containers point past their end.
public struct JSONValue {
    /// The JSON type of a value.
    public enum Kind: Equatable, Sendable, CustomStringConvertible {
        case object, array, string, integer, double, bool, null
        /// The type in words (`an object`), for messages.
        public var description: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .integer, .double: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    let tape: UnsafePointer<UInt64>
    let strings: UnsafePointer<UInt8>
    let index: Int

    @inline(__always) var word: UInt64 { tape[index] }
    @inline(__always) var typeByte: UInt8 { UInt8(truncatingIfNeeded: word >> 56) }
    @inline(__always) var payload: UInt64 { word & 0x00FF_FFFF_FFFF_FFFF }

    /// The value's JSON type.
    public var kind: Kind {
        switch typeByte {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "l"), UInt8(ascii: "u"): .integer
        case UInt8(ascii: "d"): .double
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool
        default: .null
        }
    }

    /// The tape index just after this value.
    @inline(__always) var after: Int {
        switch typeByte {
        case UInt8(ascii: "{"), UInt8(ascii: "["): Int(truncatingIfNeeded: payload & 0xFFFF_FFFF)
        case UInt8(ascii: "l"), UInt8(ascii: "u"), UInt8(ascii: "d"): index + 2
        default: index + 1
        }
    }

    // MARK: Scalars (strict)

    /// The string's UTF-8 bytes, without copying.
    @inline(__always) public var stringBytes: UnsafeBufferPointer<UInt8>? {
        guard typeByte == UInt8(ascii: "\"") else { return nil }
        let start = strings + Int(payload)
        let length = UnsafeRawPointer(start).loadUnaligned(as: UInt32.self)
        return UnsafeBufferPointer(start: start + 4, count: Int(length))
    }

    /// The value as a string (nil when it is not one).
    public var string: String? { stringBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The number as a Double (integers converted).
    @inline(__always) public var double: Double? {
        switch typeByte {
        case UInt8(ascii: "d"): Double(bitPattern: tape[index + 1])
        case UInt8(ascii: "l"): Double(Int64(bitPattern: tape[index + 1]))
        case UInt8(ascii: "u"): Double(tape[index + 1])
        default: nil
        }
    }

    /// The number as an Int when it is integral (`3` or `3.0`).
    @inline(__always) public var int: Int? {
        switch typeByte {
        case UInt8(ascii: "l"): Int(Int64(bitPattern: tape[index + 1]))
        case UInt8(ascii: "u"): Int(exactly: tape[index + 1])
        case UInt8(ascii: "d"):
            {
                let d = Double(bitPattern: tape[index + 1])
                return d.rounded() == d ? Int(exactly: d) : nil
            }()
        default: nil
        }
    }

    /// The value as a boolean (nil when it is not `true` or `false`).
    public var bool: Bool? {
        switch typeByte {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }

    /// Whether the value is `null`.
    public var isNull: Bool { typeByte == UInt8(ascii: "n") }

    // MARK: Lenient scalars (real files carry "1", "true", "400px")

    /// A number, or a string holding one (an optional `px` suffix allowed).
    public var lenientDouble: Double? {
        if let value = double { return value }
        guard var text = string?.trimmingSpaces else { return nil }
        if text.hasSuffix("px") { text.removeLast(2) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// An integral number, or a string holding one (`"400"`, `"400px"`).
    public var lenientInt: Int? {
        if let value = int { return value }
        guard let value = lenientDouble, value.rounded() == value else { return nil }
        return Int(exactly: value)
    }

    /// `true`/`false`, `1`/`0`, or those as strings (any case).
    public var lenientBool: Bool? {
        if let value = bool { return value }
        if let value = int { return value == 1 ? true : value == 0 ? false : nil }
        switch string?.trimmingSpaces.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: return nil
        }
    }

    // MARK: Containers

    /// The number of members or elements (counted by walking when simdjson's count saturates).
    public var count: Int {
        guard kind == .object || kind == .array else { return 0 }
        let stored = Int((payload >> 32) & 0xFF_FFFF)
        if stored < 0xFF_FFFF { return stored }
        return kind == .array ? elements.reduce(0) { n, _ in n + 1 } : members.reduce(0) { n, _ in n + 1 }
    }

    /// The value of `key` in an object (the first one where a key repeats).
    public subscript(key: String) -> JSONValue? {
        guard typeByte == UInt8(ascii: "{") else { return nil }
        var key = key
        return key.withUTF8 { wanted -> JSONValue? in
            var position = index + 1
            let end = after - 1
            while position < end {
                let name = JSONValue(tape: tape, strings: strings, index: position)
                let value = JSONValue(tape: tape, strings: strings, index: position + 1)
                if let bytes = name.stringBytes, bytes.count == wanted.count,
                    wanted.count == 0 || memcmp(bytes.baseAddress!, wanted.baseAddress!, wanted.count) == 0
                {
                    return value
                }
                position = value.after
            }
            return nil
        }
    }

    /// The members of an object in document order.
    public var members: MemberSequence { MemberSequence(value: self) }

    /// The elements of an array in document order.
    public var elements: ElementSequence { ElementSequence(value: self) }

    /// The elements of an array, in order.
    public struct ElementSequence: Sequence, IteratorProtocol {
        let value: JSONValue
        var position: Int
        let end: Int
        init(value: JSONValue) {
            self.value = value
            if value.typeByte == UInt8(ascii: "[") {
                position = value.index + 1
                end = value.after - 1
            } else {
                position = 0
                end = 0
            }
        }
        /// The next element, or nil after the last.
        public mutating func next() -> JSONValue? {
            guard position < end else { return nil }
            let element = JSONValue(tape: value.tape, strings: value.strings, index: position)
            position = element.after
            return element
        }
    }

    /// The raw-key walk, with each key decoded to a String.
    public struct MemberSequence: Sequence, IteratorProtocol {
        var raw: RawMemberSequence
        init(value: JSONValue) { raw = RawMemberSequence(value: value) }
        /// The next member, or nil after the last.
        public mutating func next() -> (key: String, value: JSONValue)? {
            raw.next().map { (String(decoding: $0.key, as: UTF8.self), $0.value) }
        }
    }

    /// The members of an object with their keys as raw UTF-8 (no String made).
    public var rawMembers: RawMemberSequence { RawMemberSequence(value: self) }

    /// The members of an object with their keys as bytes (no string made).
    public struct RawMemberSequence: Sequence, IteratorProtocol {
        let value: JSONValue
        var position: Int
        let end: Int
        init(value: JSONValue) {
            self.value = value
            if value.typeByte == UInt8(ascii: "{") {
                position = value.index + 1
                end = value.after - 1
            } else {
                position = 0
                end = 0
            }
        }
        /// The next member, or nil after the last.
        @inline(__always) public mutating func next() -> (key: UnsafeBufferPointer<UInt8>, value: JSONValue)? {
            guard position < end else { return nil }
            let name = JSONValue(tape: value.tape, strings: value.strings, index: position)
            let member = JSONValue(tape: value.tape, strings: value.strings, index: position + 1)
            position = member.after
            return (name.stringBytes ?? UnsafeBufferPointer(start: nil, count: 0), member)
        }
    }

    /// An array of exactly four numbers (a COCO `bbox`), without allocating.
    @inline(__always) public var fourNumbers: (Double, Double, Double, Double)? {
        guard typeByte == UInt8(ascii: "[") else { return nil }
        var values: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var position = index + 1
        let end = after - 1
        var n = 0
        while position < end {
            let element = JSONValue(tape: tape, strings: strings, index: position)
            guard n < 4, let number = element.double else { return nil }
            switch n {
            case 0: values.0 = number
            case 1: values.1 = number
            case 2: values.2 = number
            default: values.3 = number
            }
            n += 1
            position = element.after
        }
        return n == 4 ? values : nil
    }

    /// An array of exactly two numbers (an RLE's `size`), without allocating.
    @inline(__always) public var twoNumbers: (Double, Double)? {
        guard typeByte == UInt8(ascii: "["), count == 2 else { return nil }
        let first = JSONValue(tape: tape, strings: strings, index: index + 1)
        let second = JSONValue(tape: tape, strings: strings, index: first.after)
        guard let a = first.double, let b = second.double else { return nil }
        return (a, b)
    }

    /// Array elements as Doubles, or nil when any element is not a number.
    public var doubles: [Double]? {
        guard kind == .array else { return nil }
        var result: [Double] = []
        result.reserveCapacity(count)
        for element in elements {
            guard let number = element.double else { return nil }
            result.append(number)
        }
        return result
    }

    /// Converts the value to Swift values (`[String: Any]`, `[Any]`, String, Int, Double, Bool, NSNull-free `nil`).
    public var plain: PlainJSON {
        switch kind {
        case .object: .object(members.map { ($0.key, $0.value.plain) })
        case .array: .array(elements.map(\.plain))
        case .string: .string(string ?? "")
        case .integer: int.map(PlainJSON.integer) ?? .number(double ?? 0)
        case .double: .number(double ?? 0)
        case .bool: .bool(bool ?? false)
        case .null: .null
        }
    }
}

/// A JSON value detached from its document, with object members in their order.
public indirect enum PlainJSON: Hashable, Sendable {
    case object([(String, PlainJSON)])
    case array([PlainJSON])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    /// Whether two values are equal (numbers compare by value, an integer equal to a double).
    public static func == (a: PlainJSON, b: PlainJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// Hashes the value consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .object(let members):
            for (k, v) in members {
                hasher.combine(k)
                hasher.combine(v)
            }
        case .array(let items): hasher.combine(items)
        case .string(let s): hasher.combine(s)
        case .integer(let i): hasher.combine(i)
        case .number(let d): hasher.combine(d)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(0)
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes are exactly the literal's UTF-8 (callers check the length first).
    @inline(__always) public func matches(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, literal.utf8Start, count) == 0)
    }
}

extension String {
    /// The string without leading and trailing white space.
    public var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
