/// Finds the line of a value inside a JSON text by its key path (`annotations[12].bbox`).
///
/// simdjson's DOM keeps no positions; messages about one element of a large file are rare, so
/// this small scanner walks the raw bytes only when a message needs a line number.
public enum JSONLocator {
    /// One step of a path into a document: an object's key or an array's index.
    public enum Step {
        case key(String)
        case index(Int)
    }

    /// The 1-based line where the value at `path` starts, or nil when the path is not there.
    public static func line(of path: [Step], in bytes: UnsafeRawBufferPointer) -> Int? {
        var scanner = Scanner(bytes: bytes.bindMemory(to: UInt8.self))
        scanner.skipSpace()
        for step in path {
            switch step {
            case .index(let wanted):
                guard scanner.peek == UInt8(ascii: "[") else { return nil }
                scanner.position += 1
                var index = 0
                while true {
                    scanner.skipSpace()
                    if scanner.peek == UInt8(ascii: "]") || scanner.atEnd { return nil }
                    if index == wanted { break }
                    guard scanner.skipValue() else { return nil }
                    scanner.skipSpace()
                    if scanner.peek == UInt8(ascii: ",") { scanner.position += 1 }
                    index += 1
                }
            case .key(let wanted):
                guard scanner.peek == UInt8(ascii: "{") else { return nil }
                scanner.position += 1
                while true {
                    scanner.skipSpace()
                    guard scanner.peek == UInt8(ascii: "\"") else { return nil }
                    let name = scanner.readString()
                    scanner.skipSpace()
                    guard scanner.peek == UInt8(ascii: ":") else { return nil }
                    scanner.position += 1
                    scanner.skipSpace()
                    if name == wanted { break }
                    guard scanner.skipValue() else { return nil }
                    scanner.skipSpace()
                    if scanner.peek == UInt8(ascii: ",") { scanner.position += 1 } else { return nil }
                }
            }
        }
        return scanner.lineNumber
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var atEnd: Bool { position >= bytes.count }
        var peek: UInt8 { atEnd ? 0 : bytes[position] }

        var lineNumber: Int {
            var line = 1
            for i in 0..<min(position, bytes.count) where bytes[i] == UInt8(ascii: "\n") { line += 1 }
            return line
        }

        mutating func skipSpace() {
            while !atEnd, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func readString() -> String {
            position += 1
            let start = position
            while !atEnd && bytes[position] != UInt8(ascii: "\"") {
                if bytes[position] == UInt8(ascii: "\\") { position += 1 }
                position += 1
            }
            let text = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(position, bytes.count)]), as: UTF8.self)
            position += 1
            return text
        }

        /// Skips one value of any kind; false on malformed input.
        mutating func skipValue() -> Bool {
            skipSpace()
            guard !atEnd else { return false }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                _ = readString()
                return true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while !atEnd {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") {
                        _ = readString()
                        continue
                    }
                    if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                    if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 {
                            position += 1
                            return true
                        }
                    }
                    position += 1
                }
                return false
            default:
                while !atEnd, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[position]) {
                    position += 1
                }
                return true
            }
        }
    }
}
