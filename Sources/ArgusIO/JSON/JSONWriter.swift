/// Writes JSON text into a byte buffer, keeping keys in the order they are written.
///
/// Numbers are written in Swift's shortest round-trip form, so a Double read back is the
/// same Double. Non-finite numbers, which JSON cannot hold, are written as `null`.
public struct JSONWriter {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []
    private var afterKey = false
    private let pretty: Bool

    /// A writer, indenting by two spaces a level when `pretty`.
    public init(pretty: Bool = false, capacity: Int = 1024) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    /// The JSON written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Empties the buffer (after its bytes were flushed to a file) while keeping the nesting state.
    public mutating func removeAllBytes() { bytes.removeAll(keepingCapacity: true) }

    private mutating func separator() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
            if pretty { newline() }
        }
    }

    private mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * needsComma.count))
    }

    /// Opens an object.
    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }
    /// Closes the innermost object.
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    /// Opens an array.
    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }
    /// Closes the innermost array.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ byte: UInt8) {
        let hadItems = needsComma.removeLast()
        if pretty && hadItems { newline() }
        bytes.append(byte)
    }

    /// Writes an object member's key; the next value written is its value.
    public mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// Writes a string, escaped.
    public mutating func string(_ value: String) {
        separator()
        appendQuoted(value)
    }

    /// Writes a number in its shortest round-trip form (`null` when not finite).
    public mutating func number(_ value: Double) {
        separator()
        if value.isFinite {
            // Swift's shortest round-trip spelling, its bytes copied whole.
            var spelled = value.description
            spelled.withUTF8 { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    /// Writes a whole number.
    public mutating func integer(_ value: Int) {
        separator()
        // Digits written in place, last first, as `String(value)` spells them.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: buffer[end...])
        }
    }
    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }
    /// Writes `null`.
    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes a value another compact writer wrote (its `bytes`), as it is.
    public mutating func encoded(_ value: [UInt8]) {
        separator()
        bytes.append(contentsOf: value)
    }

    /// A number or `null` for an undefined value.
    public mutating func number(_ value: Double?) { if let value { number(value) } else { null() } }

    /// Writes an array of numbers.
    public mutating func numbers(_ values: [Double]) {
        beginArray()
        for value in values { number(value) }
        endArray()
    }

    /// Writes an array of whole numbers.
    public mutating func integers(_ values: [Int]) {
        beginArray()
        for value in values { integer(value) }
        endArray()
    }

    /// Writes an array of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    // Convenience for `key` + value.
    /// Writes a member with a string value.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }
    /// Writes a member with a number value.
    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        number(value)
    }
    /// Writes a member with a whole-number value.
    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        integer(value)
    }
    /// Writes a member with a boolean value.
    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes a detached value.
    public mutating func value(_ value: PlainJSON) {
        switch value {
        case .object(let members):
            beginObject()
            for (name, member) in members {
                key(name)
                self.value(member)
            }
            endObject()
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .string(let s): string(s)
        case .integer(let i): integer(i)
        case .number(let d): number(d)
        case .bool(let b): bool(b)
        case .null: null()
        }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: checked in one pass over its bytes, then copied whole.
        var text = text
        let plain = text.withUTF8 { utf8 in
            var escapes = false
            for byte in utf8 {
                let control = byte < 0x20
                let quote = byte == UInt8(ascii: "\"")
                let backslash = byte == UInt8(ascii: "\\")
                escapes = escapes || control || quote || backslash
            }
            if !escapes { bytes.append(contentsOf: utf8) }
            return !escapes
        }
        if plain {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 15)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
