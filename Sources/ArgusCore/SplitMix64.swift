/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator whose sequence never changes,
/// so that a shuffle or a resample can be reproduced exactly, by Argus or by another implementation
/// (golden/scripts/generate_gate_golden.py replays it in Python).
public struct SplitMix64: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<count`: the high 64 bits of the next 64 bits times `count` (Lemire's
    /// method without rejection; its bias is below 2⁻³² for any data set).
    public mutating func index(below count: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }
}
