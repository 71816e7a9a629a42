import ArgusCore
import Foundation

/// The job driver draws with ArgusCore's SplitMix64: the same seed gives the same trials on every machine,
/// and its state is saved with the job.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A uniform number in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal number (Box–Muller).
    public mutating func gaussian() -> Double {
        let u = max(unit(), 0x1.0p-53)
        let v = unit()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v)
    }
}
