/// numpy's summation order, so that means agree with pycocotools to the last bit.
enum NumpyMath {
    /// `np.add.reduce` on a contiguous float64 array: pairwise summation with blocks of 128
    /// unrolled by eight (numpy's `pairwise_sum`).
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        let n = values.count
        if n < 8 {
            var result = -0.0
            for v in values { result += v }
            return result
        }
        if n <= 128 {
            var r = [Double](repeating: 0, count: 8)
            for j in 0..<8 { r[j] = values[j] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += values[i + j] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { result += values[i]; i += 1 }
            return result
        }
        var half = n / 2
        half -= half % 8
        return sum(UnsafeBufferPointer(rebasing: values[0..<half])) + sum(UnsafeBufferPointer(rebasing: values[half..<n]))
    }

    static func sum(_ values: [Double]) -> Double { values.withUnsafeBufferPointer { sum($0) } }

    /// `np.mean`: the pairwise sum divided by the count.
    static func mean(_ values: [Double]) -> Double { sum(values) / Double(values.count) }
}
