import Foundation

/// Checks an XML file's bytes before a parser sees them: VOC files are read as UTF-8 only.
enum XMLBytes {
    /// Where a file stops being readable UTF-8 XML, and why.
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// The first reason `data` cannot be read as UTF-8 XML: a declared encoding other than UTF-8,
    /// a UTF-16 or UTF-32 byte-order mark, or a byte sequence that is not UTF-8. `nil` when it can.
    static func encodingProblem(in data: Data) -> Problem? {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return Problem(line: 1, column: 1, message: "the file is UTF-16 or UTF-32; save it as UTF-8")
        }
        if let declared = declaredEncoding(bytes), !["utf-8", "utf8", "us-ascii", "ascii"].contains(declared) {
            return Problem(
                line: 1, column: 1,
                message: "the XML declaration names encoding \"\(declared)\"; save the file as UTF-8")
        }
        return firstInvalidSequence(bytes)
    }

    /// The `encoding` named by an `<?xml … ?>` declaration at the start, lowercased.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(200).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        guard head.starts(with: Array("<?xml".utf8)), let end = head.firstIndex(of: UInt8(ascii: ">")) else {
            return nil
        }
        let declaration = String(decoding: head[..<end], as: UTF8.self)
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote }).lowercased()
    }

    /// The line and column of the first byte sequence that is not UTF-8.
    static func firstInvalidSequence(_ bytes: [UInt8]) -> Problem? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                return Problem(line: line, column: column, message: "bytes that are not UTF-8 text")
            }
        }
    }
}
