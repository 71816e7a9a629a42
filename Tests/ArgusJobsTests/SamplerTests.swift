import ArgusCompute
import ArgusJobs
import Foundation
import Testing

@Suite struct SamplerTests {
    /// The Kolmogorov–Smirnov distance between `samples` and the distribution with CDF `cdf`.
    func ksDistance(_ samples: [Double], _ cdf: (Double) -> Double) -> Double {
        let sorted = samples.sorted()
        let n = Double(sorted.count)
        return sorted.enumerated().map { i, x in max(abs(cdf(x) - Double(i) / n), abs(cdf(x) - Double(i + 1) / n)) }
            .max()!
    }

    func draw(_ distribution: Distribution, _ count: Int = 4000, seed: UInt64 = 11) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in distribution.sample(&generator).number! }
    }

    func phi(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }

    /// At α = 0.001 the KS critical value for n samples is 1.95 / √n.
    @Test func continuousDistributionsFollowTheirDefinitions() {
        let critical = 1.95 / 4000.0.squareRoot()
        #expect(ksDistance(draw(.uniform(min: -2, max: 3))) { min(max(($0 + 2) / 5, 0), 1) } < critical)
        #expect(ksDistance(draw(.loguniform(min: -9, max: -4))) { min(max((log($0) + 9) / 5, 0), 1) } < critical)
        #expect(ksDistance(draw(.normal(mu: 1, sigma: 2))) { phi(($0 - 1) / 2) } < critical)
        #expect(ksDistance(draw(.lognormal(mu: 0, sigma: 0.5))) { phi(log($0) / 0.5) } < critical)
        // A shifted uniform is rejected: the test can fail.
        #expect(ksDistance(draw(.uniform(min: -2, max: 3))) { min(max(($0 + 1.8) / 5, 0), 1) } > critical)
    }

    @Test func quantisedDistributionsGiveMultiplesOfQ() {
        for value in draw(.quniform(min: 0, max: 10, q: 2), 500) {
            #expect(value.truncatingRemainder(dividingBy: 2) == 0 && (0...10).contains(value))
        }
        for value in draw(.qloguniform(min: 0, max: 4, q: 5), 500) {
            #expect(value.truncatingRemainder(dividingBy: 5) == 0)
        }
        for value in draw(.qnormal(mu: 10, sigma: 3, q: 0.5), 500) {
            #expect((value / 0.5).rounded() == value / 0.5)
        }
    }

    /// Pearson's χ² against equal frequencies; 27.88 is the 0.999 quantile with 9 degrees of freedom.
    @Test func discreteDistributionsAreUniformOverTheirValues() {
        let draws = draw(.randint(upper: 10), 5000)
        #expect(draws.allSatisfy { (0..<10).contains(Int($0)) })
        var chiDraws = 0.0
        for k in 0..<10 {
            let count = Double(draws.filter { Int($0) == k }.count)
            chiDraws += (count - 500) * (count - 500) / 500
        }
        #expect(chiDraws < 27.88)
        var generator = SeededGenerator(seed: 3)
        let choice = Distribution.choice([.string("a"), .string("b"), .string("c")])
        let picks = (0..<3000).map { _ in choice.sample(&generator) }
        var chi = 0.0
        for value in ["a", "b", "c"] {
            let count = Double(picks.filter { $0 == .string(value) }.count)
            chi += (count - 1000) * (count - 1000) / 1000
        }
        #expect(chi < 13.82)  // the 0.999 quantile with 2 degrees of freedom
    }

    @Test func gridEnumeratesEveryCombinationExactlyOnceThenStops() throws {
        var spec = JobSpec(task: "image_classification", trainingData: "t")
        spec.sampling = .grid
        spec.searchSpace = [
            [
                "model_name": .choice([.string("resnet18")]), "learning_rate": .choice([.double(0.1), .double(0.01)]),
                "optimizer": .choice([.string("sgd"), .string("adam"), .string("adamw")]),
            ],
            ["model_name": .choice([.string("mobilenetv2")]), "learning_rate": .choice([.double(0.5)])],
        ]
        var sampler = TrialSampler(seed: 0)
        var seen: [[String: RunnerValue]] = []
        while let next = sampler.next(spec) { seen.append(next) }
        #expect(seen.count == 7)
        #expect(Set(seen.map { "\($0.sorted { $0.key < $1.key })" }).count == 7)
        #expect(
            seen[0] == ["learning_rate": .double(0.1), "model_name": .string("resnet18"), "optimizer": .string("sgd")])
        #expect(seen[6] == ["learning_rate": .double(0.5), "model_name": .string("mobilenetv2")])
    }

    @Test func randomSamplingIsSeededAndResumable() throws {
        var spec = JobSpec(task: "image_classification", trainingData: "t")
        spec.searchSpace = JobSpec.autoModeSpace(task: "image_classification")
        var first = TrialSampler(seed: 5)
        var second = TrialSampler(seed: 5)
        let a = (0..<6).compactMap { _ in first.next(spec) }
        let b = (0..<3).compactMap { _ in second.next(spec) }
        let saved = try JSONDecoder().decode(TrialSampler.self, from: JSONEncoder().encode(second))
        second = saved
        #expect(a == b + (0..<3).compactMap { _ in second.next(spec) })
        var other = TrialSampler(seed: 6)
        #expect(other.next(spec) != a[0])
    }
}
