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

    /// Parses the list in slices on `lanes` cores: `parse(root, slot)` makes a partial result of a
    /// slice (nil declines it, say at an element it cannot take; `slot`, below `lanes + 1`, names
    /// the slice's buffer, which no two parses share at once), and `merge` takes the partial
    /// results in the list's order. While the lanes parse, this thread reads and cuts the next
    /// slice and merges the finished ones in order, parsing itself a slice no lane has taken up
    /// when it needs it (so the read never waits on a busy pool); at most `lanes + 1` slices are
    /// held at a time, so memory stays bounded as in `forEachSlice`.
    ///
    /// Cuts are guessed (`}` `,` `{`) and verified by the parse, as in `forEachSlice`, but a failed
    /// guess is not scanned again here: the whole read throws `Unsliceable` (having merged some
    /// slices already), and the caller reads the list again with `forEachSlice`.
    public func forEachSliceConcurrently<Partial>(
        lanes: Int, parse: @escaping @Sendable (JSONValue, Int) -> Partial?,
        merge: (Partial, SliceInfo) throws -> Void
    ) throws {
        var window = try SliceWindow(self)
        defer { window.close() }
        do {
            let slots = (0...max(1, lanes)).map { SliceSlot<Partial>(index: $0) }
            var free = Array(slots.indices.reversed())
            // Slices handed to the lanes, oldest first; every one is waited for before this returns.
            var pending: [Int] = []
            defer { for slot in pending where !slots[slot].claim() { slots[slot].done.wait() } }
            var firstIndex = 0
            func mergeOldest() throws {
                let slot = slots[pending.removeFirst()]
                if slot.claim() { slot.parse(parse) } else { slot.done.wait() }
                free.append(slot.index)
                guard let (partial, count) = slot.outcome else { throw Unsliceable() }
                slot.outcome = nil
                try merge(partial, SliceInfo(firstIndex: firstIndex, count: count, bytes: slot.length))
                firstIndex += count
            }
            while let slice = try window.next() {
                if free.isEmpty { try mergeOldest() }
                let slot = slots[free.removeLast()]
                slot.load(window.bytes(slice))
                pending.append(slot.index)
                DispatchQueue.global().async {
                    guard slot.claim() else { return }
                    slot.parse(parse)
                    slot.done.signal()
                }
                if slice.last { break }
            }
            while !pending.isEmpty { try mergeOldest() }
        }
    }
}

/// The part of the list read and not yet cut, from the file or memory: cut one slice at a time.
private struct SliceWindow {
    let chunks: JSONArrayChunks
    var reader: JSONArrayChunks.Reader
    var buffer: PaddedBytes
    /// Bytes held; the next slice starts at `start`.
    var filled = 0
    var start = 0
    var atEnd = false

    /// A window at the list's first element (past its `[`).
    init(_ chunks: JSONArrayChunks) throws {
        self.chunks = chunks
        reader = try JSONArrayChunks.Reader(source: chunks.source, readBytes: chunks.readBytes)
        buffer = PaddedBytes(count: chunks.chunkBytes + chunks.chunkBytes / 4 + chunks.readBytes + 2)
        while true {
            while start < filled && chunks.isSpace(pointer[start]) { start += 1 }
            if start < filled { break }
            guard try readMore() else { throw JSONArrayChunks.Unsliceable() }
        }
        guard pointer[start] == UInt8(ascii: "[") else { throw JSONArrayChunks.Unsliceable() }
        start += 1
    }

    var pointer: UnsafeMutablePointer<UInt8> { buffer.base.assumingMemoryBound(to: UInt8.self) }

    mutating func close() { reader.close() }

    /// Reads one block more, first moving what is held to the front (or into a larger buffer).
    mutating func readMore() throws -> Bool {
        if atEnd { return false }
        if start > 0 {
            memmove(pointer, pointer + start, filled - start)
            filled -= start
            start = 0
        }
        if filled + chunks.readBytes > buffer.count {
            let larger = PaddedBytes(count: max(buffer.count * 2, filled + chunks.readBytes))
            memcpy(larger.base, buffer.base, filled)
            buffer = larger
        }
        let got = try reader.read(into: pointer + filled, count: min(chunks.readBytes, buffer.count - filled))
        if got == 0 { atEnd = true }
        filled += got
        return got > 0
    }

    /// The next slice: elements from `start` to a guessed cut past `chunkBytes`, or to the closing
    /// bracket (`last`); nil after the last.
    mutating func next() throws -> (from: Int, to: Int, last: Bool)? {
        while true {
            while filled - start < chunks.chunkBytes + chunks.chunkBytes / 4, try readMore() {}
            if let cut = chunks.guessCut(pointer, from: start + chunks.chunkBytes, to: filled) {
                defer { start = cut + 1 }
                return (start, cut, false)
            }
            if atEnd {
                var end = filled - 1
                while end >= start && chunks.isSpace(pointer[end]) { end -= 1 }
                guard end >= start, pointer[end] == UInt8(ascii: "]") else { throw JSONArrayChunks.Unsliceable() }
                defer { start = filled }
                return (start, end, true)
            }
            // An element longer than the window: read on.
            _ = try readMore()
        }
    }

    /// A slice's bytes, valid until the window reads on.
    func bytes(_ slice: (from: Int, to: Int, last: Bool)) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: pointer + slice.from, count: slice.to - slice.from)
    }
}

/// A slice's own copy (between `[` and `]`), parser and outcome: loaded and taken by the reading
/// thread, parsed by whichever claims it first, a lane (which then signals `done`) or the reading
/// thread.
private final class SliceSlot<Partial>: @unchecked Sendable {
    let index: Int
    let parser = JSONDocument()
    var buffer = PaddedBytes(count: 0)
    var length = 0
    var outcome: (Partial, Int)?
    let done = DispatchSemaphore(value: 0)
    private var claimed = false
    private let lock = DispatchSemaphore(value: 1)

    init(index: Int) { self.index = index }

    /// Whether the caller is the first to claim the loaded slice.
    func claim() -> Bool {
        lock.wait()
        defer { lock.signal() }
        if claimed { return false }
        claimed = true
        return true
    }

    /// Copies a slice's bytes as a list of its own.
    func load(_ bytes: UnsafeRawBufferPointer) {
        if buffer.count < bytes.count + 2 { buffer = PaddedBytes(count: bytes.count + bytes.count / 4 + 2) }
        let target = buffer.base.assumingMemoryBound(to: UInt8.self)
        target[0] = UInt8(ascii: "[")
        if let base = bytes.baseAddress { memcpy(target + 1, base, bytes.count) }
        target[bytes.count + 1] = UInt8(ascii: "]")
        length = bytes.count + 2
        outcome = nil
        // Released under the lock: whoever claims the slice next sees its bytes. A lane's task left
        // over from an earlier slice of this slot may be the one: any claimant parses what is loaded.
        lock.wait()
        claimed = false
        lock.signal()
    }

    /// Parses the slice: `outcome` is nil where it does not parse or `parse` declines it.
    func parse(_ parse: (JSONValue, Int) -> Partial?) {
        let parsed = parser.parse(UnsafeRawPointer(buffer.base), length: length) { root in
            parse(root, index).map { ($0, root.count) }
        }
        if case .success(let result) = parsed { outcome = result }
    }
}

extension JSONArrayChunks {
    /// The processors online: the lanes worth parsing on.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
