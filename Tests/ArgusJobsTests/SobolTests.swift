import ArgusCompute
import ArgusJobs
import ArgusTestSupport
import Foundation
import Testing

@Suite struct SobolTests {
    @Test func theSequenceEqualsScipys() throws {
        let golden = try #require(Golden.json("golden/jobs/sobol.json"))
        let points = try #require(golden.values["points"] as? [[Double]])
        let sequence = SobolSequence(dimensions: 12)
        for (index, expected) in points.enumerated() {
            #expect(sequence.point(index) == expected, "point \(index)")
        }
    }

    @Test func sobolTrialsCoverTheSpaceEvenly() throws {
        var spec = JobSpec(task: "image_classification", trainingData: "t")
        spec.sobol = true
        spec.searchSpace = [
            ["learning_rate": .uniform(min: 0, max: 1), "optimizer": .choice([.string("sgd"), .string("adam")])]
        ]
        var sampler = TrialSampler(seed: 0)
        let trials = (0..<16).compactMap { _ in sampler.next(spec) }
        let rates = trials.compactMap { $0["learning_rate"]?.number }.sorted()
        // Sixteen Sobol points put exactly one point in each sixteenth of a coordinate's range.
        #expect(rates.enumerated().allSatisfy { index, rate in Int(rate * 16) == index })
        #expect(trials.filter { $0["optimizer"] == .string("adam") }.count == 8)
    }
}
