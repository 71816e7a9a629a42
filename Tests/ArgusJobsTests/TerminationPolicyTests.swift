import ArgusJobs
import Testing

/// Early termination on scripted curves; each expected decision is worked out by hand in the comment.
@Suite struct TerminationPolicyTests {
    @Test func banditComparesTheBestValueWithTheBestTrialsWithinTheSlack() {
        let policy = TerminationPolicy(rule: .bandit(slackFactor: 0.2, slackAmount: nil), evaluationInterval: 2)
        let leader = [0.5, 0.8, 0.85]
        // At interval 2 the best value so far is 0.8; 0.7·1.2 = 0.84 ≥ 0.8: kept.
        #expect(!policy.cancels([0.6, 0.7], among: [leader, [0.6, 0.7]]))
        // 0.6·1.2 = 0.72 < 0.8: cancelled.
        #expect(policy.cancels([0.5, 0.6], among: [leader, [0.5, 0.6]]))
        // Interval 3 is not a multiple of 2: no judgement.
        #expect(!policy.cancels([0.1, 0.1, 0.1], among: [leader, [0.1, 0.1, 0.1]]))
        // The leader's interval-3 value (0.85) is not yet known at interval 2: only 0.8 counts.
        let amount = TerminationPolicy(rule: .bandit(slackFactor: nil, slackAmount: 0.15))
        #expect(!amount.cancels([0.66], among: [[0.8], [0.66]]))  // 0.66 + 0.15 = 0.81 ≥ 0.8
        #expect(amount.cancels([0.64], among: [[0.8], [0.64]]))  // 0.79 < 0.8
    }

    @Test func delayEvaluationWaits() {
        let policy = TerminationPolicy(rule: .bandit(slackFactor: 0.1, slackAmount: nil), delayEvaluation: 3)
        #expect(!policy.cancels([0.1, 0.1], among: [[0.9, 0.9], [0.1, 0.1]]))
        #expect(policy.cancels([0.1, 0.1, 0.1], among: [[0.9, 0.9, 0.9], [0.1, 0.1, 0.1]]))
    }

    @Test func medianStoppingComparesWithTheMedianOfRunningAverages() {
        let policy = TerminationPolicy(rule: .medianStopping)
        let a = [0.2, 0.4, 0.6]  // running average at interval 3: 0.4
        let b = [0.5, 0.5, 0.5]  // 0.5
        let c = [0.1, 0.3, 0.45]  // 0.2833…
        // Median of (0.4, 0.5, 0.2833) is 0.4: c's best, 0.45, is not below it.
        #expect(!policy.cancels(c, among: [a, b, c]))
        let d = [0.1, 0.2, 0.35]  // best 0.35; averages 0.4, 0.5, 0.2333 → median 0.4: cancelled.
        #expect(policy.cancels(d, among: [a, b, d]))
        // With four trials the median is the mean of the middle two: (0.4 + 0.2833…) / 2 ≈ 0.3417 < 0.35.
        // With a fourth, weak trial the median is the mean of the middle two averages:
        // (0.2333… + 0.4) / 2 ≈ 0.3167 < 0.35: kept.
        #expect(!policy.cancels(d, among: [a, b, d, [0, 0, 0]]))
    }

    @Test func truncationSelectionCancelsTheLowestShareAtTheSameInterval() {
        let policy = TerminationPolicy(rule: .truncationSelection(percentage: 40))
        let older = [[0.9, 0.9], [0.8, 0.8], [0.7, 0.7], [0.6, 0.6]]
        // Five trials reached interval 2: the lowest 40% is 2 trials, values ≤ 0.6.
        #expect(policy.cancels([0.5, 0.5], among: older + [[0.5, 0.5]]))
        #expect(!policy.cancels([0.75, 0.75], among: older + [[0.75, 0.75]]))
        // A younger trial is compared with the others at its own interval (1), not their latest.
        #expect(!policy.cancels([0.85], among: older + [[0.85]]))
        // Two trials: 40% of 2 rounds down to none.
        #expect(!policy.cancels([0.1], among: [[0.9], [0.1]]))
    }
}
