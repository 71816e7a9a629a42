/// A column of masks, one `Segmentation` each: compressed RLE strings held as bytes side by side
/// in a few large buffers (no string, allocation or reference count a mask), every other shape as
/// its value.
///
/// A results file holds hundreds of thousands of compressed masks; read into strings, each costs
/// an allocation, and every copy of the column a reference count each. Here they cost their bytes,
/// and joining two columns (the parts of a file read on several cores) takes their buffers as they
/// are, not a byte copied. `subscript` gives any shape as a `Segmentation` (a compressed one's string
/// made on the spot); `withCompressedCounts(at:_:)` reads a compressed one's bytes in place.
public struct Shapes: Sendable, Hashable, RandomAccessCollection {
    /// Each shape: `k ≥ 0`, `others[k]`; `k < 0`, compressed mask `-k - 1`.
    private var kinds: [Int32] = []
    /// The shapes that are not compressed RLE.
    private var others: [Segmentation] = []
    /// The compressed masks' counts, side by side in buffers filled up to their capacity.
    private var buffers: [[UInt8]] = []
    /// Each compressed mask's buffer, and its bytes' start and end there.
    private var maskBuffer: [Int32] = []
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// The compressed masks' height and width, two values each.
    private var dimensions: [Int] = []
    /// The bytes the compressed masks' counts take.
    public private(set) var compressedBytes = 0

    /// No shapes.
    public init() {}

    /// These shapes.
    public init(_ shapes: some Sequence<Segmentation>) {
        for shape in shapes { append(shape) }
    }

    /// The first shape's position, 0.
    public var startIndex: Int { 0 }
    /// The position past the last shape: the number of shapes.
    public var endIndex: Int { kinds.count }

    /// Shape `i` (a compressed RLE's counts as a string made here).
    public subscript(i: Int) -> Segmentation {
        let kind = Int(kinds[i])
        if kind >= 0 { return others[kind] }
        let (height, width) = (dimensions[2 * (-kind - 1)], dimensions[2 * (-kind - 1) + 1])
        let counts = withCompressedCounts(at: i) { bytes, _, _ in String(decoding: bytes, as: UTF8.self) } ?? ""
        return .compressedRLE(counts: counts, height: height, width: width)
    }

    /// Whether shape `i` is a compressed RLE.
    @inline(__always) public func isCompressed(_ i: Int) -> Bool { kinds[i] < 0 }

    /// Shape `i`'s height and width where it is a compressed RLE.
    @inline(__always) public func compressedDimensions(at i: Int) -> (height: Int, width: Int)? {
        let kind = Int(kinds[i])
        guard kind < 0 else { return nil }
        return (dimensions[2 * (-kind - 1)], dimensions[2 * (-kind - 1) + 1])
    }

    /// `body(counts, height, width)` with shape `i`'s compressed counts in place; nil where shape
    /// `i` is not a compressed RLE.
    public func withCompressedCounts<Result>(
        at i: Int, _ body: (UnsafeBufferPointer<UInt8>, _ height: Int, _ width: Int) -> Result
    ) -> Result? {
        let kind = Int(kinds[i])
        guard kind < 0 else { return nil }
        let c = -kind - 1
        return buffers[Int(maskBuffer[c])].withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[starts[c]..<ends[c]]), dimensions[2 * c], dimensions[2 * c + 1])
        }
    }

    /// Reserves room for `count` shapes.
    public mutating func reserveCapacity(_ count: Int) {
        kinds.reserveCapacity(count)
    }

    /// Appends a shape (a compressed RLE's counts kept as bytes).
    public mutating func append(_ shape: Segmentation) {
        guard case .compressedRLE(var counts, let height, let width) = shape else {
            kinds.append(Int32(others.count))
            others.append(shape)
            return
        }
        counts.withUTF8 { appendCompressed($0, height: height, width: width) }
    }

    /// Appends a compressed RLE from its counts' bytes.
    public mutating func appendCompressed(_ counts: UnsafeBufferPointer<UInt8>, height: Int, width: Int) {
        if buffers.isEmpty || buffers[buffers.count - 1].count + counts.count > buffers[buffers.count - 1].capacity {
            // A fresh buffer, never grown (nothing written is copied): as large as all before it,
            // from 64 KiB to 4 MiB, and at least as large as these counts.
            var buffer: [UInt8] = []
            buffer.reserveCapacity(Swift.max(counts.count, Swift.min(4 << 20, Swift.max(64 << 10, compressedBytes))))
            buffers.append(buffer)
        }
        let last = buffers.count - 1
        kinds.append(-Int32(dimensions.count / 2) - 1)
        maskBuffer.append(Int32(last))
        starts.append(buffers[last].count)
        buffers[last].append(contentsOf: counts)
        ends.append(buffers[last].count)
        dimensions.append(height)
        dimensions.append(width)
        compressedBytes += counts.count
    }

    /// Appends shape `i` of `other` (a compressed one's bytes copied as they are).
    public mutating func append(from other: Shapes, at i: Int) {
        let appended = other.withCompressedCounts(at: i) { counts, height, width in
            appendCompressed(counts, height: height, width: width)
        }
        if appended == nil { append(other[i]) }
    }

    /// Appends every shape of `other`, in order (its buffers taken as they are).
    public mutating func append(contentsOf other: Shapes) {
        let (otherCount, compressedCount) = (Int32(others.count), Int32(dimensions.count / 2))
        let bufferCount = Int32(buffers.count)
        kinds += other.kinds.map { $0 >= 0 ? $0 &+ otherCount : $0 &- compressedCount }
        others += other.others
        buffers += other.buffers
        maskBuffer += other.maskBuffer.map { $0 &+ bufferCount }
        starts += other.starts
        ends += other.ends
        dimensions += other.dimensions
        compressedBytes += other.compressedBytes
    }

    /// Whether `a` and `b` hold the same shapes in the same order, however their bytes are laid out.
    public static func == (a: Shapes, b: Shapes) -> Bool { a.elementsEqual(b) }

    /// Hashes the shapes, in order (as `==` compares them).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for shape in self { hasher.combine(shape) }
    }
}
