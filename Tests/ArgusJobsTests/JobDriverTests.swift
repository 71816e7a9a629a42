import ArgusCompute
import ArgusJobs
import ArgusTestSupport
import Foundation
import Testing

/// A trial that reports a scripted curve, one interval a poll; it can crash or hang.
final class ScriptedTrial: RunningTrial, @unchecked Sendable {
    var curve: [Double]
    var crash: Bool
    var hang: Bool
    var reported = 0
    var stopped = false
    let handle = "scripted"

    init(curve: [Double], crash: Bool, hang: Bool) {
        self.curve = curve
        self.crash = crash
        self.hang = hang
    }

    func poll() -> [RunnerEvent] {
        guard !stopped, !hang, reported < curve.count else { return [] }
        reported += 1
        var event = RunnerEvent.parse(#"{"event": "epoch"}"#)!
        event.epoch = reported
        event.primaryMetric = RunnerEvent.Metric(name: "accuracy", value: curve[reported - 1])
        return [event]
    }

    var exitStatus: Int32? {
        if stopped { return -15 }
        if hang || reported < curve.count { return nil }
        return crash ? 1 : 0
    }

    var errorTail: String { crash ? "RuntimeError: CUDA out of memory" : "" }

    func stop(grace: Double) { stopped = true }
}

/// Starts scripted trials: the learning rate picks the curve; `crash`/`hang` parameters make them misbehave.
final class ScriptedLauncher: TrialLauncher, @unchecked Sendable {
    var abandoned: [String] = []

    func abandon(handle: String) { abandoned.append(handle) }

    var started: [(id: Int, configuration: RunnerConfiguration)] = []
    var trials: [Int: ScriptedTrial] = [:]
    var peakRunning = 0
    var failAtStart: Int?

    func start(id: Int, folder: String, configuration: RunnerConfiguration) throws -> any RunningTrial {
        if id == failAtStart { throw CocoaError(.featureUnsupported) }
        started.append((id, configuration))
        let rate = configuration["learning_rate"]?.number ?? 0.5
        let trial = ScriptedTrial(
            curve: [rate * 0.5, rate * 0.8, rate], crash: configuration["crash"] == .bool(true),
            hang: configuration["hang"] == .bool(true))
        trials[id] = trial
        peakRunning = max(peakRunning, trials.values.filter { $0.exitStatus == nil }.count)
        return trial
    }
}

@Suite struct JobDriverTests {
    func spec(_ rates: [Double], trials: Int, concurrent: Int) -> JobSpec {
        var spec = JobSpec(task: "image_classification", trainingData: "t.jsonl")
        spec.sampling = .grid
        spec.searchSpace = [["learning_rate": .choice(rates.map(RunnerValue.double))]]
        spec.limits.maxTrials = trials
        spec.limits.maxConcurrentTrials = concurrent
        return spec
    }

    func driver(_ spec: JobSpec, _ launcher: ScriptedLauncher, folder: String) -> JobDriver {
        let state = JobState(jobFile: "job.yml", sampler: TrialSampler(seed: 0), started: Date().timeIntervalSince1970)
        let driver = JobDriver(
            spec: spec, folder: folder, launcher: launcher, base: RunnerConfiguration(), state: state)
        driver.pollInterval = 0
        return driver
    }

    @Test func limitsHoldAndTheBestTrialWins() throws {
        let launcher = ScriptedLauncher()
        let folder = Scratch.folder()
        let final = try driver(
            spec([0.5, 0.9, 0.7, 0.6, 0.8, 0.4], trials: 5, concurrent: 2), launcher, folder: folder
        )
        .run()
        #expect(final.trials.count == 5 && launcher.started.count == 5)
        #expect(launcher.peakRunning <= 2)
        #expect(final.trials.allSatisfy { $0.status == .completed && $0.metrics.count == 3 })
        #expect(final.bestTrial?.id == 2)
        #expect(final.finished)
        let saved = try JobState.load(from: folder)
        #expect(saved.trials.map(\.metrics) == final.trials.map(\.metrics))
        #expect(launcher.started[0].configuration["output"] == .string(folder + "/trials/0001/run"))
    }

    @Test func earlyTerminationStopsTheWeakTrial() throws {
        var job = spec([0.9, 0.3], trials: 2, concurrent: 1)
        job.earlyTermination = TerminationPolicy(rule: .bandit(slackFactor: 0.5, slackAmount: nil))
        let launcher = ScriptedLauncher()
        let final = try driver(job, launcher, folder: Scratch.folder()).run()
        // Trial 2 at interval 1: 0.15 · 1.5 = 0.225 < 0.9 (trial 1's best by then): cancelled.
        #expect(final.trials[1].status == .canceled && final.trials[1].metrics == [0.15])
        #expect(launcher.trials[2]?.stopped == true)
        #expect(final.trials[0].status == .completed)
    }

    @Test func aFailedTrialIsAResultAndTheJobGoesOn() throws {
        var job = spec([0.9, 0.8], trials: 2, concurrent: 1)
        job.searchSpace[0]["crash"] = .choice([.bool(true), .bool(false)])
        let final = try driver(job, ScriptedLauncher(), folder: Scratch.folder()).run()
        let failed = final.trials.filter { $0.status == .failed }
        #expect(failed.count == 2)  // grid: (crash, 0.9), (crash, 0.8) come first
        #expect(failed[0].reason == "exit status 1: RuntimeError: CUDA out of memory")
    }

    @Test func aHangingTrialTimesOut() throws {
        var job = spec([0.9], trials: 1, concurrent: 1)
        job.searchSpace[0]["hang"] = .choice([.bool(true)])
        job.limits.trialTimeoutMinutes = 0.002
        let launcher = ScriptedLauncher()
        let driven = driver(job, launcher, folder: Scratch.folder())
        driven.pollInterval = 0.02
        let final = try driven.run()
        #expect(final.trials[0].status == .timedOut)
        #expect(launcher.trials[1]?.stopped == true)
    }

    @Test func aTrialThatCannotStartIsAFailedTrial() throws {
        let launcher = ScriptedLauncher()
        launcher.failAtStart = 2
        let final = try driver(spec([0.9, 0.8, 0.7], trials: 3, concurrent: 1), launcher, folder: Scratch.folder())
            .run()
        #expect(final.trials.map(\.status) == [.completed, .failed, .completed])
        #expect(final.trials[1].reason?.hasPrefix("could not start") == true)
    }

    /// What a driver killed mid-job leaves: trial 1 done, trial 2 running with two intervals reported and a
    /// checkpoint after the first, the sampler past two draws.
    @Test func aResumedJobKeepsFinishedTrialsAndRestartsRunningOnesFromTheirCheckpoint() throws {
        let folder = Scratch.folder()
        let job = spec([0.9, 0.8, 0.7], trials: 3, concurrent: 2)
        var sampler = TrialSampler(seed: 0)
        let drawn = [sampler.next(job)!, sampler.next(job)!]
        var state = JobState(jobFile: "job.yml", sampler: sampler, started: Date().timeIntervalSince1970)
        state.trials = [
            JobState.Trial(id: 1, parameters: drawn[0], status: .completed, metrics: [0.45, 0.72, 0.9], started: 0),
            JobState.Trial(id: 2, parameters: drawn[1], status: .running, metrics: [0.4, 0.64], started: 0),
        ]
        try FileManager.default.createDirectory(
            atPath: folder + "/trials/0002/run/checkpoints", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/trials/0002/run/checkpoints/epoch_0001.pt", contents: Data())
        let launcher = ScriptedLauncher()
        let resumed = JobDriver(
            spec: job, folder: folder, launcher: launcher, base: RunnerConfiguration(), state: state)
        resumed.pollInterval = 0
        let final = try resumed.run()
        #expect(final.trials.count == 3)
        #expect(launcher.started.map(\.id).sorted() == [2, 3])
        #expect(
            launcher.started.first { $0.id == 2 }?.configuration["checkpoint_path"]
                == .string(folder + "/trials/0002/run/checkpoints/epoch_0001.pt"))
        #expect(final.trials[1].starts == 2)
        // Interval 1 was kept; the scripted trial then reports its whole curve again from the start.
        #expect(final.trials[1].metrics.first == 0.4)
        #expect(final.trials[2].parameters == ["learning_rate": .double(0.7)])
        #expect(final.trials.allSatisfy { $0.status == .completed })
    }
}
