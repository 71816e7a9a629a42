import ArgusTestSupport
import Testing

@testable import ArgusRegistry

/// The job driver's jobs and trials, in both stores: recorded again after a resume, never counted twice.
@Suite struct JobRecordTests {
    func job(_ trials: [Registry.TrialRecord], finished: Bool) -> Registry.JobRecord {
        Registry.JobRecord(
            folder: "/jobs/night-1", jobFile: "/jobs/job.yml", task: "image_classification", sampling: "grid",
            startedAt: "2026-11-30T22:00:00Z", finished: finished, bestTrial: trials.first?.trial,
            bestModel: "/jobs/night-1/trials/0001/run/model", trials: trials)
    }

    func trial(_ id: Int, _ status: String, starts: Int = 1) -> Registry.TrialRecord {
        Registry.TrialRecord(
            trial: id, parameters: #"{"learning_rate":0.01}"#, status: status,
            reason: status == "canceled" ? "early termination (bandit) at interval 2" : nil, metric: "accuracy",
            best: 0.9 - Double(id) / 10, metrics: "[0.5,0.9]", starts: starts)
    }

    @Test(arguments: Stores.all)
    func aJobIsRecordedWithItsTrialsAndUpdatedInPlace(_ store: String) throws {
        let folder = ScratchFolder()
        let registry = try Registry(path: try Stores.location(store, in: folder))
        let first = try registry.recordJob(job([trial(1, "completed"), trial(2, "running")], finished: false))
        let again = try registry.recordJob(
            job([trial(1, "completed"), trial(2, "completed", starts: 2), trial(3, "canceled")], finished: true))
        #expect(first == again)
        let trials = try registry.trials(ofJob: "/jobs/night-1")
        #expect(trials.map(\.trial) == [1, 2, 3])
        #expect(trials[1].starts == 2 && trials[1].status == "completed")
        #expect(trials[2].reason == "early termination (bandit) at interval 2")
        #expect(trials[0].parameters == #"{"learning_rate":0.01}"# && trials[0].best == 0.8)
        #expect(try registry.trials(ofJob: "/jobs/other").isEmpty)
    }
}
