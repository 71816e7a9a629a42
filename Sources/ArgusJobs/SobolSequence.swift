/// The unscrambled Sobol sequence (Joe and Kuo's direction numbers, up to 12 dimensions), generated in
/// Gray-code order: point 0 is the origin, point n differs from point n − 1 by one direction number.
/// The job driver's `rule: sobol` maps point k of it onto trial k's parameters.
public struct SobolSequence: Sendable {
    /// (degree s, coefficients a, initial direction numbers m) of dimensions 2…12.
    static let table: [(s: Int, a: UInt32, m: [UInt32])] = [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
        (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
        (5, 11, [1, 1, 5, 1, 1]), (5, 13, [1, 1, 1, 3, 11]),
    ]

    /// The most dimensions supported.
    public static let maximumDimensions = table.count + 1

    let directions: [[UInt32]]

    /// A sequence of `dimensions` (1…12) coordinates.
    public init(dimensions: Int) {
        precondition((1...Self.maximumDimensions).contains(dimensions))
        var directions: [[UInt32]] = [(1...32).map { UInt32(1) << (32 - $0) }]
        for (s, a, m) in Self.table.prefix(dimensions - 1) {
            var v = [UInt32](repeating: 0, count: 33)
            for k in 1...32 {
                if k <= s {
                    v[k] = m[k - 1] << (32 - k)
                } else {
                    var value = v[k - s] ^ (v[k - s] >> s)
                    for i in 1..<s where (a >> (s - 1 - i)) & 1 == 1 { value ^= v[k - i] }
                    v[k] = value
                }
            }
            directions.append(Array(v[1...32]))
        }
        self.directions = directions
    }

    /// Point `index` (0-based), each coordinate in [0, 1).
    public func point(_ index: Int) -> [Double] {
        var x = [UInt32](repeating: 0, count: directions.count)
        guard index > 0 else { return x.map { _ in 0 } }
        // The Gray code of index selects the direction numbers XORed together.
        let gray = UInt64(index) ^ (UInt64(index) >> 1)
        for bit in 0..<32 where (gray >> UInt64(bit)) & 1 == 1 {
            for dimension in directions.indices { x[dimension] ^= directions[dimension][bit] }
        }
        return x.map { Double($0) / 4_294_967_296 }
    }
}
