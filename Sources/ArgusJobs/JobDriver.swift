import ArgusCompute
import Foundation

/// Runs a job's trials under its limits: samples, starts trials through a launcher, reads their
/// reports, applies early termination and time limits, and keeps `JOB/job.json` up to date.
public final class JobDriver {
    /// The job.
    public let spec: JobSpec
    /// The job folder (`job.json`, `trials/NNNN/`).
    public let folder: String
    /// What starts trials.
    public let launcher: any TrialLauncher
    /// Settings every trial gets (data, task, the argus executable), before the trial's own.
    public let base: RunnerConfiguration
    /// Called with one line for each thing that happens.
    public var report: (String) -> Void = { _ in }
    /// Seconds between two looks at the running trials.
    public var pollInterval = 0.1
    /// Seconds a stopped trial has before it is killed.
    public var stopGrace = 10.0

    /// The job's state, as last saved.
    private(set) public var state: JobState
    private var running: [Int: any RunningTrial] = [:]

    /// A driver for a new job, or for `state` when resuming one.
    public init(
        spec: JobSpec, folder: String, launcher: any TrialLauncher, base: RunnerConfiguration, state: JobState
    ) {
        self.spec = spec
        self.folder = folder
        self.launcher = launcher
        self.base = base
        self.state = state
    }

    /// Runs until every trial has ended; returns the final state.
    public func run() throws -> JobState {
        try resumeInterrupted()
        while true {
            if Date().timeIntervalSince1970 - state.started > spec.limits.timeoutMinutes * 60 {
                for (id, trial) in running { end(id, trial, .timedOut, "the job's timeout_minutes ran out") }
                break
            }
            try startTrials()
            watch()
            try state.save(to: folder)
            if running.isEmpty && !canStartMore { break }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        state.finished = true
        try state.save(to: folder)
        if let best = state.bestTrial {
            report("best: trial \(best.id), \(best.metricName ?? "metric") \(String(format: "%.4f", best.best ?? 0))")
        }
        return state
    }

    private var canStartMore: Bool {
        guard state.trials.count < spec.limits.maxTrials else { return false }
        if spec.sampling == .grid { return state.sampler.gridIndex < TrialSampler.grid(spec.searchSpace).count }
        return true
    }

    private func startTrials() throws {
        var batch: [Int] = []
        while running.count + batch.count < spec.limits.maxConcurrentTrials, canStartMore,
            let parameters = state.sampler.next(spec, observations: observations)
        {
            let id = state.trials.count + 1
            state.trials.append(
                JobState.Trial(
                    id: id, parameters: parameters, status: .running, started: Date().timeIntervalSince1970))
            batch.append(id)
        }
        guard !batch.isEmpty else { return }
        do {
            try launch(batch.map { (id: $0, extra: [:]) })
        } catch {
            for id in batch {
                state.trials[id - 1].status = .failed
                state.trials[id - 1].reason = "could not start: \(error)"
                report("trial \(id) failed: could not start: \(error)")
            }
            return
        }
        for id in batch {
            let parameters = state.trials[id - 1].parameters
            let shown = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            report("trial \(id) started: \(shown.isEmpty ? "(the job's parameters)" : shown)")
        }
    }

    /// The ended trials' parameters and best values (what the Bayesian sampler learns from).
    private var observations: [(parameters: [String: RunnerValue], value: Double)] {
        state.trials.filter { $0.status != .running }.compactMap { trial in trial.best.map { (trial.parameters, $0) } }
    }

    private func launch(_ trials: [(id: Int, extra: [String: RunnerValue])]) throws {
        let starts = trials.map { id, extra in
            var configuration = base
            configuration.values.merge(spec.trainingParameters) { _, new in new }
            configuration.values.merge(state.trials[id - 1].parameters) { _, new in new }
            configuration.values.merge(extra) { _, new in new }
            configuration["output"] = .string(trialFolder(id) + "/run")
            configuration["task"] = .string(spec.task)
            return TrialStart(id: id, folder: trialFolder(id), configuration: configuration)
        }
        let started = try launcher.start(batch: starts)
        for (start, trial) in zip(starts, started) {
            running[start.id] = trial
            state.trials[start.id - 1].handle = trial.handle
        }
    }

    /// The folder of trial `id`.
    public func trialFolder(_ id: Int) -> String { folder + "/trials/" + String(format: "%04d", id) }

    private func watch() {
        for (id, trial) in running {
            for event in trial.poll() where event.event == "epoch" {
                guard let metric = event.primaryMetric else { continue }
                state.trials[id - 1].metrics.append(metric.value)
                state.trials[id - 1].metricName = metric.name
                judge(id, trial, metric)
            }
            guard running[id] != nil else { continue }
            let elapsed = Date().timeIntervalSince1970 - state.trials[id - 1].started
            if let limit = spec.limits.trialTimeoutMinutes, elapsed > limit * 60 {
                end(id, trial, .timedOut, "trial_timeout_minutes ran out")
            } else if let status = trial.exitStatus {
                if status == 0 {
                    state.trials[id - 1].status = .completed
                    running[id] = nil
                    report("trial \(id) completed (best \(Self.format(state.trials[id - 1].best)))")
                } else {
                    let tail = trial.errorTail
                    end(id, trial, .failed, "exit status \(status)" + (tail.isEmpty ? "" : ": \(tail)"))
                }
            }
        }
    }

    private func judge(_ id: Int, _ trial: any RunningTrial, _ metric: RunnerEvent.Metric) {
        let history = state.trials[id - 1].metrics
        let best = state.bestTrial
        report(
            "trial \(id) interval \(history.count): \(metric.name) \(Self.format(metric.value))"
                + " (best so far \(Self.format(best?.best)), trial \(best?.id ?? id))")
        guard let policy = spec.earlyTermination else { return }
        let all = state.trials.map(\.metrics)
        if policy.cancels(history, among: all) {
            end(id, trial, .canceled, "early termination (\(policy.rule)) at interval \(history.count)")
        }
    }

    private func end(_ id: Int, _ trial: any RunningTrial, _ status: JobState.Trial.Status, _ reason: String) {
        trial.stop(grace: stopGrace)
        state.trials[id - 1].status = status
        state.trials[id - 1].reason = reason
        running[id] = nil
        report("trial \(id) \(status.rawValue): \(reason)")
    }

    /// Trials left running by a killed driver: their processes are stopped, and each starts again
    /// from its last checkpoint (the metrics after that checkpoint are dropped, so none counts twice).
    private func resumeInterrupted() throws {
        for index in state.trials.indices where state.trials[index].status == .running {
            let id = state.trials[index].id
            if let handle = state.trials[index].handle { launcher.abandon(handle: handle) }
            let checkpoints =
                (try? FileManager.default.contentsOfDirectory(atPath: trialFolder(id) + "/run/checkpoints"))?
                .filter { $0.hasPrefix("epoch_") && $0.hasSuffix(".pt") }.sorted() ?? []
            var extra: [String: RunnerValue] = [:]
            if let last = checkpoints.last, let epoch = Int(last.dropFirst(6).prefix(4)) {
                extra["checkpoint_path"] = .string(trialFolder(id) + "/run/checkpoints/" + last)
                state.trials[index].metrics = Array(state.trials[index].metrics.prefix(epoch))
            } else {
                state.trials[index].metrics = []
            }
            state.trials[index].starts += 1
            try launch([(id, extra)])
            report("trial \(id) resumed\(extra.isEmpty ? " from the start" : " from its last checkpoint")")
        }
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "–" }
}
