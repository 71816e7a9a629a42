import ArgusCompute
import ArgusJobs
import ArgusTestSupport
import Foundation
import Testing

/// The Slurm launcher on a real one-node cluster (`scripts/with-slurm.sh`, which `make test` uses).
@Suite(.serialized) struct SlurmLauncherTests {
    static let cluster = ProcessInfo.processInfo.environment["ARGUS_TEST_SLURM_CONF"]

    /// A stand-in runner: three intervals, metric = learning rate × epoch / 3, 0.3 s apart.
    static let fakeRunner = #"""
        #!/usr/bin/env python3
        import json, sys, time
        config = json.load(open(sys.argv[5]))
        for epoch in range(1, 4):
            time.sleep(0.3)
            value = config["learning_rate"] * epoch / 3
            print(json.dumps({"event": "epoch", "epoch": epoch, "primary_metric": {"name": "accuracy", "value": value}}), flush=True)
        if config.get("fail"):
            print("RuntimeError: the trial failed on purpose", file=sys.stderr)
            sys.exit(3)
        print(json.dumps({"event": "done", "phase": "train"}), flush=True)
        """#

    /// A scratch folder holding the stand-in runner, or nil (with the reason printed) without a cluster.
    static func scratchWithFakeRunner() -> String? {
        guard cluster != nil else {
            print("Slurm launcher tests skipped: no cluster (run them with scripts/with-slurm.sh, as make test does)")
            return nil
        }
        let folder = Scratch.folder()
        chmod(Scratch.write(fakeRunner, folder, "fake-python"), 0o755)
        return folder
    }

    /// Runs `spec` through the Slurm launcher with the stand-in runner.
    static func drive(_ spec: JobSpec, in folder: String) throws -> JobState {
        let state = JobState(jobFile: "job.yml", sampler: TrialSampler(seed: 0), started: Date().timeIntervalSince1970)
        let driver = JobDriver(
            spec: spec, folder: folder + "/job", launcher: SlurmLauncher(python: folder + "/fake-python"),
            base: RunnerConfiguration(), state: state)
        driver.pollInterval = 0.2
        driver.stopGrace = 1
        return try driver.run()
    }

    @Test func trialsRunAsSlurmJobsAndAreCancelledByEarlyTermination() throws {
        guard let folder = Self.scratchWithFakeRunner() else { return }
        var spec = JobSpec(task: "image_classification", trainingData: "t.jsonl")
        spec.sampling = .grid
        spec.searchSpace = [
            ["learning_rate": .choice([.double(0.9), .double(0.3), .double(0.8)]), "fail": .choice([.bool(false)])]
        ]
        spec.searchSpace.append(["learning_rate": .choice([.double(0.7)]), "fail": .choice([.bool(true)])])
        spec.limits.maxTrials = 4
        spec.limits.maxConcurrentTrials = 1
        spec.earlyTermination = TerminationPolicy(rule: .bandit(slackFactor: 0.5, slackAmount: nil))
        let final = try Self.drive(spec, in: folder)
        #expect(final.trials.map(\.status) == [.completed, .canceled, .completed, .failed])
        #expect(zip(final.trials[0].metrics, [0.3, 0.6, 0.9]).allSatisfy { abs($0 - $1) < 1e-12 })
        // Trial 2 at interval 1: 0.1 · 1.5 = 0.15 < 0.9: cancelled, and its Slurm job is gone.
        #expect(final.trials[1].metrics.count == 1 && abs(final.trials[1].metrics[0] - 0.1) < 1e-12)
        #expect(final.trials[3].reason == "exit status 3: RuntimeError: the trial failed on purpose")
        #expect(final.trials.allSatisfy { $0.handle?.hasPrefix("slurm:") == true })
        Thread.sleep(forTimeInterval: 1.5)
        let cancelled = String(final.trials[1].handle?.dropFirst(6) ?? "")
        let queue = try ProgramRun.run("/usr/bin/env", ["squeue", "--noheader", "--jobs=\(cancelled)"])
        #expect(queue.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(queue.out)")
        let script = try String(contentsOfFile: folder + "/job/trials/0001/trial.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --nodes=1") && script.contains("-m argus_runner train --config"))
    }

    @Test func trialsStartedTogetherAreOneJobArray() throws {
        guard let folder = Self.scratchWithFakeRunner() else { return }
        var spec = JobSpec(task: "image_classification", trainingData: "t.jsonl")
        spec.sampling = .grid
        spec.searchSpace = [["learning_rate": .choice([.double(0.9), .double(0.6), .double(0.3)])]]
        spec.limits.maxTrials = 3
        spec.limits.maxConcurrentTrials = 3
        let final = try Self.drive(spec, in: folder)
        #expect(final.trials.allSatisfy { $0.status == .completed && $0.metrics.count == 3 })
        let handles = final.trials.compactMap(\.handle)
        let arrays = Set(handles.map { $0.split(separator: "_").first ?? "" })
        #expect(
            arrays.count == 1 && handles.map { $0.split(separator: "_").last ?? "" } == ["0", "1", "2"], "\(handles)")
        #expect(final.bestTrial?.id == 1)
    }

    @Test func multiNodeTrialsGoThroughTorchrun() {
        let launcher = SlurmLauncher(python: "/opt/venv/bin/python", nodes: 2, processesPerNode: 4)
        let script = launcher.script(config: "/jobs/t/config.json", folder: "/jobs/t")
        #expect(script.contains("#SBATCH --nodes=2"))
        #expect(
            script.contains(
                "srun --nodes=2 --ntasks-per-node=1 '/opt/venv/bin/python' -m torch.distributed.run --nnodes=2 "
                    + "--nproc_per_node=4 --rdzv_backend=c10d --rdzv_id=\"$SLURM_JOB_ID\" --rdzv_endpoint=\"$head:29500\" "
                    + "-m argus_runner train --config '/jobs/t/config.json'"))
    }
}
