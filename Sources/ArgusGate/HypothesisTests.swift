/// Holm's step-down correction for multiple comparisons.
/// - Parameters:
///   - pValues: one p-value per hypothesis.
///   - alpha: the family-wise error rate.
/// - Returns: for each hypothesis, whether it is rejected: p-values are taken in increasing order
///   and the k-th smallest (from 0) is rejected while it is at most `alpha / (m − k)`; the first
///   that is not stops the procedure.
public func holmRejections(_ pValues: [Double], alpha: Double) -> [Bool] {
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
    var rejected = [Bool](repeating: false, count: pValues.count)
    for (rank, index) in order.enumerated() {
        guard pValues[index] <= alpha / Double(pValues.count - rank) else { break }
        rejected[index] = true
    }
    return rejected
}

/// McNemar's exact test on paired right/wrong outcomes.
/// - Parameters:
///   - candidateOnly: images the candidate gets right and the baseline wrong.
///   - baselineOnly: images the baseline gets right and the candidate wrong.
/// - Returns: the two-sided p-value, `2 × P(X ≤ min(b, c))` for X ~ Binomial(b + c, ½), at most 1.
public func mcNemarExact(candidateOnly: Int, baselineOnly: Int) -> Double {
    let n = candidateOnly + baselineOnly
    guard n > 0 else { return 1 }
    let k = min(candidateOnly, baselineOnly)
    // Sum the binomial probabilities in log space (n may be large).
    var logTerm = Double(n) * -0.6931471805599453  // log(C(n, 0) / 2ⁿ)
    var total = 0.0
    for i in 0...k {
        if i > 0 { logTerm += log(Double(n - i + 1)) - log(Double(i)) }
        total += exp(logTerm)
    }
    return min(1, 2 * total)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
