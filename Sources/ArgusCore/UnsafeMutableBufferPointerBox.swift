/// Lets concurrent iterations (`DispatchQueue.concurrentPerform`) write disjoint elements of one
/// buffer. The caller keeps the buffer alive for the box's use and never lets two iterations write
/// the same element.
public struct UnsafeMutableBufferPointerBox<Element>: @unchecked Sendable {
    /// The shared buffer.
    public let buffer: UnsafeMutableBufferPointer<Element>
    /// A box around `buffer`.
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
