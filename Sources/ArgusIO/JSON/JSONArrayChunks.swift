import ArgusCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses a large top-level JSON array a slice at a time, streaming from the file, so that
/// neither the whole file nor a tape of the whole document is ever in memory: a 50 MB COCO
/// results file is read in a few megabytes besides what is kept of it.
///
/// A byte scan (aware of strings and nesting) finds the commas between top-level elements;
/// each slice of whole elements becomes its own `[…]` document for simdjson. The scan keeps
/// its state across reads, so an element may straddle two reads.
public struct JSONArrayChunks {
    enum Source {
        case file(String)
        case memory(PaddedBytes)
    }

    let source: Source
    /// How much of the list is parsed at a time.
    public var chunkBytes = 4 << 20
    /// Bytes read from the file at a time.
    public var readBytes = 1 << 18

    /// Why a list could not be read.
    public enum Failure: Error {
        case notAnArray
        case unterminated
        /// simdjson's message, and the 1-based line where the failing slice starts.
        case syntax(String, line: Int)
        case unreadable(String)
    }

    /// A reader over a list held in memory.
    public init(bytes: PaddedBytes, chunkBytes: Int = 4 << 20) {
        source = .memory(bytes)
        self.chunkBytes = chunkBytes
    }

    /// A reader over a list in a file, read a block at a time.
    public init(file: String, chunkBytes: Int = 4 << 20) {
        source = .file(file)
        self.chunkBytes = chunkBytes
    }

    /// Calls `body(element, index, firstLineOfItsSlice)` for every element of the root array.
    public func forEachElement(_ body: (JSONValue, Int) throws -> Void) throws {
        try forEachSlice { root, firstIndex, _ in
            var index = firstIndex
            for element in root.elements {
                try body(element, index)
                index += 1
            }
            return index - firstIndex
        }
    }

    /// Calls `body(sliceRoot, indexOfItsFirstElement, sliceByteCount)` for each parsed slice;
    /// `body` returns how many elements the slice held.
    ///
    /// Finding a cut: first a guess — the first `}` `,` `{` (white space allowed) past `chunkBytes` —
    /// which simdjson then verifies: a guess inside a string or a nested list leaves a quote or a
    /// bracket open, so the slice cannot parse. Only when a guess fails (or the elements are not
    /// objects) is the slice scanned byte by byte, strings and nesting tracked.
    public func forEachSlice(_ body: (JSONValue, Int, Int) throws -> Int) throws {
        var reader = try Reader(source: source, readBytes: readBytes)
        defer { reader.close() }
        let parser = JSONDocument()
        // `window` holds `[` followed by the bytes of the current slice, then what was read past it.
        var capacity = chunkBytes + readBytes + 2
        var window = PaddedBytes(count: capacity)
        var buffer = window.base.assumingMemoryBound(to: UInt8.self)
        buffer[0] = UInt8(ascii: "[")
        var filled = 1
        var atEndOfInput = false
        var elementIndex = 0
        var linesBeforeWindow = 0  // newlines consumed before window[1]

        func countLines(_ from: Int, _ to: Int) -> Int {
            var n = 0
            var p = from
            while p < to {
                guard let hit = memchr(buffer + p, Int32(UInt8(ascii: "\n")), to - p) else { break }
                n += 1
                p = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer) + 1
            }
            return n
        }

        /// Reads more input; false at the end of the input.
        func readMore() throws -> Bool {
            if atEndOfInput { return false }
            if filled + readBytes + 1 > capacity {
                capacity = max(capacity * 2, filled + readBytes + 1)
                let larger = PaddedBytes(count: capacity)
                memcpy(larger.base, window.base, filled)
                window = larger
                buffer = window.base.assumingMemoryBound(to: UInt8.self)
            }
            let got = try reader.read(into: buffer + filled, count: min(readBytes, capacity - filled - 1))
            if got == 0 {
                atEndOfInput = true
                return false
            }
            filled += got
            return true
        }

        /// Parses window[1..<end] as the elements of one slice; nil when simdjson rejects it.
        func parseSlice(upTo end: Int) throws -> JSONSyntaxError? {
            let saved = buffer[end]
            buffer[end] = UInt8(ascii: "]")
            defer { buffer[end] = saved }
            let outcome = try parser.parse(UnsafeRawPointer(buffer), length: end + 1) { root in
                try body(root, elementIndex, end)
            }
            switch outcome {
            case .success(let count):
                elementIndex += count
                return nil
            case .failure(let error): return error
            }
        }

        /// Drops window[1...end] (a parsed slice and the comma after it).
        func consume(through end: Int) {
            linesBeforeWindow += countLines(1, end + 1)
            let rest = filled - (end + 1)
            memmove(buffer + 1, buffer + end + 1, rest)
            filled = 1 + rest
        }

        // The root array's `[`.
        while true {
            var i = 1
            while i < filled && [0x20, 0x0A, 0x0D, 0x09].contains(buffer[i]) { i += 1 }
            if i < filled {
                guard buffer[i] == UInt8(ascii: "[") else { throw Failure.notAnArray }
                consume(through: i)
                break
            }
            consume(through: filled - 1)
            guard try readMore() else { throw Failure.notAnArray }
        }

        while true {
            // Fill the window past the slice size (or to the end of the input).
            while filled - 1 < chunkBytes + 4096, try readMore() {}

            if !atEndOfInput || filled - 1 > chunkBytes + 4096, let cut = guessCut(buffer, from: chunkBytes, to: filled)
            {
                if try parseSlice(upTo: cut) == nil {
                    consume(through: cut)
                    continue
                }
            }

            // Exact scan from the start of the window.
            var scanner = BoundaryScanner()
            var position = 1
            var boundary: (Int, Bool)?
            while true {
                boundary = scanner.nextBoundary(buffer, from: position, to: filled, minimum: chunkBytes)
                if boundary != nil { break }
                position = filled
                guard try readMore() else { break }
            }
            guard let (end, isEnd) = boundary else { throw Failure.unterminated }
            if let error = try parseSlice(upTo: end) {
                throw Failure.syntax(error.message, line: linesBeforeWindow + 1)
            }
            if !isEnd {
                consume(through: end)
                continue
            }
            // Only white space may follow the root array.
            var rest = end + 1
            while true {
                while rest < filled {
                    let b = buffer[rest]
                    guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else {
                        throw Failure.syntax(
                            "unexpected content after the top-level array",
                            line: linesBeforeWindow + countLines(1, rest) + 1)
                    }
                    rest += 1
                }
                guard try readMore() else { return }
            }
        }
    }

    /// The first `}` `,` `{` (white space allowed between) at or after `from`: the comma's index.
    @inline(__always)
    func guessCut(_ buffer: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int? {
        var p = from
        while p < to {
            guard let hit = memchr(buffer + p, Int32(UInt8(ascii: ",")), to - p) else { return nil }
            let comma = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer)
            var before = comma - 1
            while before > 0 && isSpace(buffer[before]) { before -= 1 }
            var after = comma + 1
            while after < to && isSpace(buffer[after]) { after += 1 }
            if before > 0 && buffer[before] == UInt8(ascii: "}") && after < to && buffer[after] == UInt8(ascii: "{") {
                return comma
            }
            p = comma + 1
        }
        return nil
    }

    @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The scan for top-level commas, its state kept across reads. A struct of its own so that the
    /// hot loop works on locals (captured variables would live in boxes on the heap).
    struct BoundaryScanner {
        var depth = 0
        var inString = false
        var escaped = false

        /// The next top-level `,` at or after `minimum`, or the `]` that closes the root array
        /// (`isEnd`); nil when `to` is reached first.
        @inline(__always)
        mutating func nextBoundary(_ buffer: UnsafeMutablePointer<UInt8>, from: Int, to: Int, minimum: Int) -> (
            Int, Bool
        )? {
            var depth = self.depth
            var inString = self.inString
            var escaped = self.escaped
            defer {
                self.depth = depth
                self.inString = inString
                self.escaped = escaped
            }
            var i = from
            while i < to {
                let byte = buffer[i]
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    i += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return (i, true) }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 && i >= minimum { return (i, false) }
                default: break
                }
                i += 1
            }
            return nil
        }
    }

    /// Reads blocks from a file or from memory.
    struct Reader {
        var descriptor: Int32 = -1
        var memory: PaddedBytes?
        var offset = 0
        let path: String

        init(source: Source, readBytes: Int) throws {
            switch source {
            case .file(let path):
                self.path = path
                descriptor = open(path, O_RDONLY)
                guard descriptor >= 0 else { throw Failure.unreadable(String(cString: strerror(errno))) }
            case .memory(let bytes):
                path = ""
                memory = bytes
            }
        }

        mutating func read(into target: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
            if let memory {
                let n = min(count, memory.count - offset)
                memcpy(target, memory.base + offset, n)
                offset += n
                return n
            }
            while true {
                let got = Glibc.read(descriptor, target, count)
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else { throw Failure.unreadable(String(cString: strerror(errno))) }
                return got
            }
        }

        mutating func close() {
            if descriptor >= 0 {
                Glibc.close(descriptor)
                descriptor = -1
            }
        }
    }
}
