import ArgusCore
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONArrayChunks {
    /// A slice parsed on a lane of its own: where it lies in the list.
    public struct SliceInfo: Sendable {
        /// The index of the slice's first element in the list.
        public var firstIndex: Int
        /// How many elements it holds.
        public var count: Int
        /// How many bytes it spans.
        public var bytes: Int
    }

    /// The list could not be cut by guess and parsed in slices on several cores: a cut could not
    /// be guessed, a slice did not parse (a guess inside a string, or a syntax error), or `parse`
    /// declined a slice. Read it again with `forEachSlice`, which cuts exactly and locates errors.
    public struct Unsliceable: Error {}

    /// Parses the list `lanes` slices at a time, each slice on a core of its own: `parse(root, lane)`
    /// makes a partial result of a slice (nil declines it, say at an element it cannot take), and
    /// `merge` takes the partial results in the list's order. The window holds `lanes` slices at
    /// a time, so memory stays bounded as in `forEachSlice`.
    ///
    /// Cuts are guessed (`}` `,` `{`) and verified by the parse, as in `forEachSlice`, but a failed
    /// guess is not scanned again here: the whole read throws `Unsliceable` (having merged some
    /// slices already), and the caller reads the list again with `forEachSlice`.
    public func forEachSliceConcurrently<Partial>(
        lanes: Int, parse: @Sendable (JSONValue, Int) -> Partial?, merge: (Partial, SliceInfo) throws -> Void
    ) throws {
        var reader = try Reader(source: source, readBytes: readBytes)
        defer { reader.close() }
        let span = chunkBytes
        let wanted = lanes * span + span / 4
        var capacity = wanted + readBytes + 2
        var window = PaddedBytes(count: capacity)
        var buffer = window.base.assumingMemoryBound(to: UInt8.self)
        var filled = 0
        var atEnd = false

        func readMore() throws -> Bool {
            if atEnd { return false }
            if filled + readBytes > capacity {
                capacity = max(capacity * 2, filled + readBytes)
                let larger = PaddedBytes(count: capacity)
                memcpy(larger.base, window.base, filled)
                window = larger
                buffer = window.base.assumingMemoryBound(to: UInt8.self)
            }
            let got = try reader.read(into: buffer + filled, count: min(readBytes, capacity - filled))
            if got == 0 { atEnd = true }
            filled += got
            return got > 0
        }

        // The root array's `[`.
        var start = 0
        while true {
            while start < filled && isSpace(buffer[start]) { start += 1 }
            if start < filled { break }
            guard try readMore() else { throw Unsliceable() }
        }
        guard buffer[start] == UInt8(ascii: "[") else { throw Unsliceable() }
        start += 1

        let workers = LaneWork<Partial>(lanes: lanes)
        var firstIndex = 0
        while true {
            while filled - start < wanted, try readMore() {}
            // Up to `lanes` slices: guessed cuts, the last one at the closing bracket.
            var slices: [(from: Int, to: Int)] = []
            var from = start
            var finished = false
            while slices.count < lanes {
                if let cut = guessCut(buffer, from: from + span, to: filled) {
                    slices.append((from, cut))
                    from = cut + 1
                } else if atEnd {
                    var end = filled - 1
                    while end >= from && isSpace(buffer[end]) { end -= 1 }
                    guard end >= from, buffer[end] == UInt8(ascii: "]") else { throw Unsliceable() }
                    slices.append((from, end))
                    finished = true
                    break
                } else {
                    break
                }
            }
            if slices.isEmpty {
                // An element longer than the window, or the end not yet seen: read on.
                _ = try readMore()
                continue
            }
            for (lane, slice) in slices.enumerated() {
                workers.load(lane, UnsafeRawPointer(buffer + slice.from), count: slice.to - slice.from)
            }
            workers.run(slices.count, parse)
            for lane in slices.indices {
                guard let (partial, count) = workers.take(lane) else { throw Unsliceable() }
                try merge(partial, SliceInfo(firstIndex: firstIndex, count: count, bytes: workers.lengths[lane]))
                firstIndex += count
            }
            if finished { return }
            // Keep what follows the last cut.
            let rest = filled - from
            memmove(buffer, buffer + from, rest)
            filled = rest
            start = 0
        }
    }
}

/// Each lane's parser, slice (copied between `[` and `]`) and outcome.
private final class LaneWork<Partial>: @unchecked Sendable {
    let parsers: [JSONDocument]
    var buffers: [PaddedBytes]
    var lengths: [Int]
    var outcomes: [(Partial, Int)?]

    init(lanes: Int) {
        parsers = (0..<lanes).map { _ in JSONDocument() }
        buffers = (0..<lanes).map { _ in PaddedBytes(count: 0) }
        lengths = Array(repeating: 0, count: lanes)
        outcomes = Array(repeating: nil, count: lanes)
    }

    /// Copies a slice's bytes into `lane`'s buffer as a list of its own.
    func load(_ lane: Int, _ bytes: UnsafeRawPointer, count: Int) {
        if buffers[lane].count < count + 2 { buffers[lane] = PaddedBytes(count: count + count / 4 + 2) }
        let target = buffers[lane].base.assumingMemoryBound(to: UInt8.self)
        target[0] = UInt8(ascii: "[")
        memcpy(target + 1, bytes, count)
        target[count + 1] = UInt8(ascii: "]")
        lengths[lane] = count + 2
        outcomes[lane] = nil
    }

    /// Parses the first `count` lanes' slices, each on a core of its own.
    func run(_ count: Int, _ parse: @Sendable (JSONValue, Int) -> Partial?) {
        outcomes.withUnsafeMutableBufferPointer { slots in
            let results = UnsafeMutableBufferPointerBox(slots)
            DispatchQueue.concurrentPerform(iterations: count) { lane in
                let parsed = parsers[lane].parse(UnsafeRawPointer(buffers[lane].base), length: lengths[lane]) { root in
                    parse(root, lane).map { ($0, root.count) }
                }
                if case .success(let outcome) = parsed { results.buffer[lane] = outcome }
            }
        }
    }

    /// The lane's partial result and element count; nil when its slice did not parse or was declined.
    func take(_ lane: Int) -> (Partial, Int)? {
        defer { outcomes[lane] = nil }
        return outcomes[lane]
    }
}

extension JSONArrayChunks {
    /// The processors online: the lanes worth parsing on.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
