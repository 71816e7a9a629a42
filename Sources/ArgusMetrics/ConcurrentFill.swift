import ArgusCore
import Dispatch

extension Array {
    /// `value(j)` for each `j` below `count`, worked out in blocks on every core (each element
    /// written once, in place: no fill before, and the fresh pages fault in on every core).
    init(concurrentlyFilled count: Int, _ value: @Sendable (Int) -> Element) {
        let blockSize = 16384
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: (count + blockSize - 1) / blockSize) { block in
                for j in (block * blockSize)..<Swift.min(count, (block + 1) * blockSize) {
                    (out.buffer.baseAddress! + j).initialize(to: value(j))
                }
            }
            initialized = count
        }
    }
}
