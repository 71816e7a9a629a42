import ArgusCore
import CSimdJSON
import Foundation

/// A reusable simdjson parser. Not thread-safe: use one per thread.
public final class JSONDocument {
    private let parser: OpaquePointer

    /// A parser with simdjson's default buffers.
    public init() {
        guard let parser = argus_json_parser_create() else { fatalError("out of memory creating a JSON parser") }
        self.parser = parser
    }

    deinit { argus_json_parser_destroy(parser) }

    /// Parses `length` bytes at `start` (which must be followed by `PaddedBytes.padding` readable
    /// bytes) and passes the root value to `body`. The value is valid only inside `body`.
    /// - Returns: `body`'s result, or the simdjson error message.
    public func parse<T>(
        _ start: UnsafeRawPointer, length: Int,
        _ body: (JSONValue) throws -> T
    ) rethrows -> Result<T, JSONSyntaxError> {
        let code = argus_json_parse(parser, start.assumingMemoryBound(to: CChar.self), length)
        guard code == 0 else {
            return .failure(JSONSyntaxError(message: String(cString: argus_json_error_message(code))))
        }
        let tape = argus_json_tape(parser)!
        let strings = argus_json_strings(parser)!
        // tape[0] is the root word; the document's value starts at 1.
        return .success(try body(JSONValue(tape: tape, strings: strings, index: 1)))
    }

    /// Parses a whole buffer.
    public func parse<T>(_ bytes: PaddedBytes, _ body: (JSONValue) throws -> T) rethrows -> Result<T, JSONSyntaxError> {
        try parse(UnsafeRawPointer(bytes.base), length: bytes.count, body)
    }

    /// Gives back the parser's buffers (after a large document).
    public func releaseMemory() { argus_json_parser_shrink(parser) }
}

/// A JSON syntax error, as simdjson reports it.
public struct JSONSyntaxError: Error, Sendable {
    /// simdjson's description of the error.
    public var message: String
}

extension JSONSyntaxError {
    /// Locates a syntax error in a whole-file document: simdjson does not report positions, so
    /// Foundation's parser, slower but precise, is asked for the line and column (error path only).
    public static func locate(in bytes: PaddedBytes, file: String) -> (SourceLocation, String) {
        let data = Data(bytes: bytes.base, count: bytes.count)
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            if let match = text.firstMatch(of: /line (\d+), column (\d+)/) {
                return (SourceLocation(file: file, line: Int(match.1), column: Int(match.2)), text)
            }
            if let match = text.firstMatch(of: /character (\d+)/), let offset = Int(match.1) {
                // A byte offset: turn it into a line and column.
                var line = 1
                var column = 1
                for byte in bytes.bytes.prefix(offset) {
                    if byte == UInt8(ascii: "\n") {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                }
                let reason = text.replacing(#/ around character \d+/#, with: "")
                return (SourceLocation(file: file, line: line, column: column), reason)
            }
            return (SourceLocation(file: file), text)
        }
        return (SourceLocation(file: file), "invalid JSON")
    }
}
