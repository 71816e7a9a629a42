import ArgusCore

/// Paired bootstrap over images: each resample draws as many images as there are, with
/// replacement; an image's weight is the number of times it was drawn, and both evaluations see
/// the same weights (the pairing).
public struct PairedBootstrap: Sendable {
    /// How many resamples to draw.
    public var resamples: Int
    /// The generator's seed.
    public var seed: UInt64

    /// A bootstrap of `resamples` draws from `seed`.
    public init(resamples: Int = 1000, seed: UInt64 = 42) {
        self.resamples = resamples
        self.seed = seed
    }

    /// Calls `body` with each resample's per-image weights.
    public func forEachResample(images: Int, _ body: (_ weights: [Int32]) -> Void) {
        var generator = SplitMix64(seed: seed)
        var weights = [Int32](repeating: 0, count: images)
        for _ in 0..<resamples {
            for index in weights.indices { weights[index] = 0 }
            for _ in 0..<images { weights[generator.index(below: images)] += 1 }
            body(weights)
        }
    }
}

/// numpy's default percentile (`method="linear"`): the value at rank `q / 100 × (n − 1)` of the
/// sorted values, interpolated between its neighbours.
public func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = q / 100 * Double(sorted.count - 1)
    let low = Int(rank.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    let fraction = rank - Double(low)
    return sorted[low] + (sorted[high] - sorted[low]) * fraction
}
