import ArgusCore
import Testing

@testable import ArgusMetrics

/// A curve built eight flags at a time holds what a walk one flag at a time gives: each true
/// positive's precision and score, and the true positives.
@Suite struct PositiveCurveTests {
    @Test func wordsAtATimeMatchOneAtATime() {
        var random = SplitMix64(seed: 11)
        var curve = PositiveCurve()
        for length in 0..<70 {
            // Runs of false positives and ignored detections with true positives here and there.
            let flags = (0..<length).map { _ -> UInt8 in
                let draw = random.next() % 16
                return draw == 0 ? 1 : draw < 3 ? UInt8(2 + random.next() % 2) : 0
            }
            let scores = (0..<length).map { Double(length - $0) / 7 }
            flags.withUnsafeBufferPointer { curve.build($0, scores: scores) }
            var precision: [Double] = []
            var kept: [Double] = []
            var (tp, fp) = (0.0, 0.0)
            for (flag, score) in zip(flags, scores) {
                if flag == 0 { fp += 1 }
                guard flag == 1 else { continue }
                tp += 1
                precision.append(tp / (fp + tp + 2.220446049250313e-16))
                kept.append(score)
            }
            #expect(curve.precision == precision && curve.scores == kept && curve.truePositives == tp)
        }
    }
}
