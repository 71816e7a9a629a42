import ArgusCompute
import ArgusJobs
import Testing

@Suite struct BayesianSamplerTests {
    /// A known objective: best (0) at x = 0.3, y = 0.7 with the adam optimizer.
    static func objective(_ p: [String: RunnerValue]) -> Double {
        let x = p["x"]?.number ?? 0
        let y = p["y"]?.number ?? 0
        return -((x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7)) - (p["optimizer"] == .string("adam") ? 0 : 0.1)
    }

    static func meanOfLaterTrials(_ sampling: JobSpec.Sampling, seed: UInt64) -> Double {
        var spec = JobSpec(task: "image_classification", trainingData: "t")
        spec.sampling = sampling
        spec.searchSpace = [
            [
                "x": .uniform(min: 0, max: 1), "y": .quniform(min: 0, max: 1, q: 0.01),
                "optimizer": .choice([.string("sgd"), .string("adam"), .string("adamw")]),
            ]
        ]
        var sampler = TrialSampler(seed: seed)
        var observations: [(parameters: [String: RunnerValue], value: Double)] = []
        for _ in 0..<30 {
            let parameters = sampler.next(spec, observations: observations)!
            observations.append((parameters, objective(parameters)))
        }
        let later = observations.suffix(15).map(\.value)
        return later.reduce(0, +) / Double(later.count)
    }

    @Test func bayesianBeatsRandomOnAverageOverSeeds() {
        let seeds: [UInt64] = Array(1...10)
        let bayesian = seeds.map { Self.meanOfLaterTrials(.bayesian, seed: $0) }.reduce(0, +) / 10
        let random = seeds.map { Self.meanOfLaterTrials(.random, seed: $0) }.reduce(0, +) / 10
        #expect(bayesian > random, "bayesian \(bayesian), random \(random)")
    }

    @Test func bayesianSamplingIsSeededAndStaysInTheSpace() {
        #expect(Self.meanOfLaterTrials(.bayesian, seed: 3) == Self.meanOfLaterTrials(.bayesian, seed: 3))
        var generator = SeededGenerator(seed: 9)
        let space: [String: Distribution] = ["y": .quniform(min: 0, max: 1, q: 0.25)]
        let observations = (0..<8).map { k in (parameters: ["y": RunnerValue.double(Double(k) / 8)], value: Double(k)) }
        for _ in 0..<50 {
            let drawn = TreeParzenEstimator().next(space, observations: observations, generator: &generator)
            let y = drawn["y"]?.number ?? -1
            #expect((0...1).contains(y) && (y / 0.25).rounded() == y / 0.25)
        }
    }
}
