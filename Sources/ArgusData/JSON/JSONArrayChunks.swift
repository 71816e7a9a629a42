#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a large top-level JSON array a slice at a time, so that simdjson's tape never holds
/// more than about `chunkBytes` of the document: memory stays near the file's own size.
///
/// A byte scan (strings and nesting aware) finds the commas between top-level elements; each
/// slice of whole elements is copied into a padded scratch buffer as its own `[…]` and parsed.
struct JSONArrayChunks {
    let bytes: PaddedBytes
    var chunkBytes = 4 << 20

    enum Failure: Error { case notAnArray, unterminated, syntax(String, elementOffset: Int) }

    /// Calls `body(element, index, byteOffsetOfChunk)` for every element of the root array.
    func forEachElement(_ body: (JSONValue, Int) throws -> Void) throws {
        let base = bytes.base.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        var i = 0
        while i < count && isSpace(base[i]) { i += 1 }
        guard i < count && base[i] == UInt8(ascii: "[") else { throw Failure.notAnArray }
        i += 1
        let parser = JSONDocument()
        let scratch = PaddedBytes(count: chunkBytes * 2 + 2)
        var scratchSize = scratch.count
        var scratchBuffer = scratch
        var elementIndex = 0
        var chunkStart = i
        var depth = 0
        var inString = false
        var finished = false

        func flush(upTo end: Int) throws {
            let length = end - chunkStart
            if length <= 0 { return }
            if length + 2 > scratchSize {
                scratchBuffer = PaddedBytes(count: length + 2)
                scratchSize = length + 2
            }
            let target = scratchBuffer.base.assumingMemoryBound(to: UInt8.self)
            target[0] = UInt8(ascii: "[")
            memcpy(target + 1, base + chunkStart, length)
            target[length + 1] = UInt8(ascii: "]")
            (scratchBuffer.base + length + 2).initializeMemory(as: UInt8.self, repeating: 0, count: PaddedBytes.padding)
            let first = elementIndex
            var seen = 0
            let outcome = try parser.parse(UnsafeRawPointer(scratchBuffer.base), length: length + 2) { root in
                for element in root.elements {
                    try body(element, first + seen)
                    seen += 1
                }
            }
            if case .failure(let error) = outcome { throw Failure.syntax(error.message, elementOffset: chunkStart) }
            elementIndex += seen
        }

        while i < count {
            let byte = base[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 {
                    try flush(upTo: i)
                    finished = true
                } else {
                    depth -= 1
                }
            case UInt8(ascii: ","):
                if depth == 0 && i - chunkStart >= chunkBytes {
                    try flush(upTo: i)
                    chunkStart = i + 1
                }
            default: break
            }
            if finished { break }
            i += 1
        }
        guard finished else { throw Failure.unterminated }
        var rest = i + 1
        while rest < count && isSpace(base[rest]) { rest += 1 }
        if rest < count { throw Failure.syntax("unexpected content after the top-level array", elementOffset: rest) }
    }

    @inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
