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

    /// `srun --nodes=N …` as Slurm runs it, every node on this machine: N copies of the command,
    /// each with its node id, all waited for.
    static let srunStandIn = #"""
        #!/bin/sh
        nodes=1
        while [ $# -gt 0 ]; do
          case "$1" in
            --nodes=*) nodes=${1#--nodes=}; shift ;;
            --ntasks-per-node=*) shift ;;
            *) break ;;
          esac
        done
        i=0
        pids=""
        while [ $i -lt "$nodes" ]; do
          SLURM_NODEID=$i SLURM_PROCID=$i "$@" &
          pids="$pids $!"
          i=$((i + 1))
        done
        status=0
        for pid in $pids; do wait "$pid" || status=$?; done
        exit $status
        """#

    /// A trial over two nodes, for real: the launcher's batch script, with stand-ins for `srun` and
    /// `scontrol` that start each node's `torchrun` on this machine; the two meet at the script's
    /// rendezvous (c10d on the head node) and train one model together, as on a cluster.
    @Test func aTwoNodeTrialTrainsThroughTheRendezvous() throws {
        let python = Repository.path(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "the runner's environment is missing: run scripts/bootstrap.sh --runner (make test does)")
        let folder = Scratch.folder()
        let digits = Repository.path("samples/digits")
        let lines = try String(contentsOfFile: digits + "/train.jsonl", encoding: .utf8).split(separator: "\n")
            .prefix(32).map { $0.replacingOccurrences(of: #""images/"#, with: "\"\(digits)/images/") }
        Scratch.write(lines.joined(separator: "\n") + "\n", folder, "train.jsonl")
        Scratch.write(
            """
            {"task": "image_classification", "model_name": "resnet18", "training_data": "\(folder)/train.jsonl",
             "output": "\(folder)/run", "number_of_epochs": 1, "training_batch_size": 8, "number_of_workers": 0,
             "valid_resize_size": 32, "valid_crop_size": 32, "training_crop_size": 32, "random_seed": 1,
             "apply_automl_train_augmentations": false}
            """, folder, "config.json")
        let bin = folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        chmod(Scratch.write(Self.srunStandIn, bin, "srun"), 0o755)
        chmod(Scratch.write("#!/bin/sh\necho localhost\n", bin, "scontrol"), 0o755)
        let launcher = SlurmLauncher(python: python, nodes: 2, processesPerNode: 1)
        Scratch.write(launcher.script(config: folder + "/config.json", folder: folder), folder, "trial.sbatch")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let run = try ProgramRun.run(
            "/bin/sh", [folder + "/trial.sbatch"],
            environment: ["PATH": bin + ":" + path, "SLURM_JOB_ID": "4242", "SLURM_JOB_NODELIST": "localhost"])
        #expect(run.status == 0, "\(run.err)")
        let status = try String(contentsOfFile: folder + "/exit_status", encoding: .utf8)
        let stderr = (try? String(contentsOfFile: folder + "/stderr.log", encoding: .utf8)) ?? ""
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(stderr.suffix(3000))")
        let events = try String(contentsOfFile: folder + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        // 32 images over two nodes of one process each, 8 a batch: 2 steps an epoch; one process reports.
        #expect(events.contains { $0.contains(#""event": "start""#) && $0.contains(#""steps_per_epoch": 2"#) })
        #expect(events.filter { $0.contains(#""event": "done""#) }.count == 1, "\(events)")
        #expect(FileManager.default.fileExists(atPath: folder + "/run/model/model.pt"))
    }
}
