import ArgusTestSupport
import Foundation
import Testing

/// `argus job`: file mistakes with their place, and a driver killed with SIGKILL that `job resume` finishes.
@Suite struct JobCLITests {
    /// A stand-in runner: `check` accepts everything; `train` reports three intervals (metric = learning
    /// rate × epoch / 3), writing a checkpoint after each, and starts after `checkpoint_path` when given.
    static let fakeRunner = #"""
        #!/usr/bin/env python3
        import json, os, sys, time
        command, config = sys.argv[3], json.load(open(sys.argv[5]))
        if command == "check":
            print(json.dumps({"event": "done", "phase": "check"}))
            sys.exit(0)
        start = 1
        if config.get("checkpoint_path"):
            start = int(os.path.basename(config["checkpoint_path"])[6:10]) + 1
        folder = os.path.join(config["output"], "checkpoints")
        os.makedirs(folder, exist_ok=True)
        for epoch in range(start, 4):
            time.sleep(0.4)
            open(os.path.join(folder, "epoch_%04d.pt" % epoch), "w").close()
            value = config["learning_rate"] * epoch / 3
            print(json.dumps({"event": "epoch", "epoch": epoch, "primary_metric": {"name": "accuracy", "value": value}}), flush=True)
        print(json.dumps({"event": "done", "phase": "train"}), flush=True)
        """#

    func setUp(_ folder: String) -> (job: String, environment: [String: String]) {
        let runner = Scratch.write(Self.fakeRunner, folder, "fake-runner")
        chmod(runner, 0o755)
        let digits = Repository.path("samples/digits")
        let job = Scratch.write(
            """
            type: automl
            task: image_classification
            training_data: {path: \(digits)/validation.jsonl, type: uri_file}
            validation_data: {path: \(digits)/validation.jsonl, type: uri_file}
            limits: {max_trials: 2, max_concurrent_trials: 1}
            sweep: {sampling_algorithm: grid}
            search_space:
              - learning_rate: {type: choice, values: [0.9, 0.5]}
            """, folder, "job.yml")
        return (job, ["ARGUS_RUNNER_PYTHON": runner])
    }

    @Test func aKilledDriverIsResumedWithoutCountingATrialTwice() throws {
        let folder = Scratch.folder()
        let (job, environment) = setUp(folder)
        let output = folder + "/job"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["job", "run", job, "--output", output]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill the driver once trial 1 has reported its first interval.
        for _ in 0..<600 {
            let state = (try? String(contentsOfFile: output + "/job.json", encoding: .utf8)) ?? ""
            if state.contains("\"metrics\" : [\n        0.3") { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let registry = folder + "/argus.sqlite"
        let resumed = try ProgramRun.run(
            CLITests.binary, ["job", "resume", output, "--registry", registry], environment: environment)
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(resumed.out.contains("trial 1 resumed from its last checkpoint"))
        #expect(resumed.out.contains("best: trial 1, accuracy 0.9000"))
        #expect(resumed.out.contains("recorded job 1 and its 2 trial(s)"))
        let state =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + "/job.json"))) as? [String: Any]
        let trials = state?["trials"] as? [[String: Any]] ?? []
        #expect(trials.count == 2)
        #expect(trials.allSatisfy { $0["status"] as? String == "completed" })
        #expect((trials.first?["metrics"] as? [Double])?.count == 3)
        #expect(trials.first?["starts"] as? Int == 2)
        let sqlite = try ProgramRun.run(
            "/usr/bin/sqlite3", [registry, "SELECT trial, status, starts, best FROM trials ORDER BY trial"])
        #expect(sqlite.out == "1|completed|2|0.9\n2|completed|1|0.5\n", "\(sqlite.err)")
        let again = try ProgramRun.run(CLITests.binary, ["job", "resume", output], environment: environment)
        #expect(again.out.contains("the job has finished"))
    }

    @Test func aJobFilesMistakesArePrintedWithTheirPlace() throws {
        let folder = Scratch.folder()
        let job = Scratch.write(
            "type: automl\ntask: image_classification\ntraining_data: t.jsonl\nlimits: {max_trails: 2}\n", folder,
            "job.yml")
        let result = try ProgramRun.run(CLITests.binary, ["job", "validate", job])
        #expect(result.status == 1)
        #expect(result.err.contains("\(job):4:10: unknown key 'max_trails' in limits (did you mean 'max_trials'?)"))
    }
}

extension JobCLITests {
    /// A two-trial sweep with the real runner on the digits images, on the CPU.
    @Test func aTwoTrialSweepRunsWithTheRealRunner() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Repository.path(".venv/bin/python")),
            "the runner's environment is missing: run scripts/bootstrap.sh --runner (make test does)")
        let folder = Scratch.folder()
        let digits = Repository.path("samples/digits")
        func lines(_ name: String, _ count: Int) throws -> String {
            try String(contentsOfFile: digits + "/" + name, encoding: .utf8).split(separator: "\n").prefix(count)
                .map { $0.replacingOccurrences(of: #""images/"#, with: "\"\(digits)/images/") }
                .joined(separator: "\n") + "\n"
        }
        Scratch.write(try lines("train.jsonl", 60), folder, "train.jsonl")
        Scratch.write(try lines("validation.jsonl", 10), folder, "valid.jsonl")
        let job = Scratch.write(
            """
            type: automl
            task: image_classification
            training_data: {path: train.jsonl, type: uri_file}
            validation_data: {path: valid.jsonl, type: uri_file}
            limits: {max_trials: 2, max_concurrent_trials: 2}
            sweep: {sampling_algorithm: grid}
            search_space:
              - model_name: {type: choice, values: [resnet18]}
                optimizer: {type: choice, values: [sgd, adam]}
            training_parameters:
              number_of_epochs: 1
              training_batch_size: 20
              valid_resize_size: 32
              valid_crop_size: 32
              training_crop_size: 32
              number_of_workers: 0
            """, folder, "job.yml")
        // Production: the logistic regression's predictions, evaluated on the same validation images.
        let production = try ProgramRun.run(
            CLITests.binary,
            [
                "evaluate", "--ground-truth", folder + "/valid.jsonl", "--predictions",
                Repository.path("samples/digits/predictions.jsonl"), "--output", folder + "/production",
            ])
        #expect(production.status == 0, "\(production.err)")
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "job", "run", job, "--output", folder + "/job", "--registry", folder + "/argus.sqlite", "--production",
                folder + "/production",
            ])
        #expect(result.status == 0, "\(result.err)\n\(result.out)")
        #expect(result.out.contains("job: 2 completed"))
        #expect(FileManager.default.fileExists(atPath: folder + "/job/compare.html"))
        #expect(FileManager.default.fileExists(atPath: folder + "/job/compare.pdf"))
        #expect(result.out.contains("best model: \(folder)/job/trials/000"))
        #expect(FileManager.default.fileExists(atPath: folder + "/job/trials/0001/run/model/model.pt"))
        #expect(
            FileManager.default.fileExists(
                atPath: folder + "/job/trials/0002/run/validation/epoch_0001/evaluation/metrics.json"))
    }
}

extension JobCLITests {
    /// A nightly gate that fails starts the file's retraining job; the gate's failure is still the exit status.
    @Test func aFailedNightlyGateStartsTheRetrainingJob() throws {
        let folder = Scratch.folder()
        let (job, environment) = setUp(folder)
        let policy = Scratch.write("rules:\n  - {metric: accuracy, min: 0.99}\n", folder, "strict.yml")
        let nightly = Scratch.write(
            """
            model: digits@nightly
            dataset: digits
            task: image_classification
            ground_truth: \(Repository.path("samples/digits/validation.jsonl"))
            predictions: \(Repository.path("samples/digits/predictions.jsonl"))
            output: runs
            registry: argus.sqlite
            policy: \(policy)
            on_failure: retrain
            retrain_job: \(job)
            """, folder, "nightly.yml")
        let result = try ProgramRun.run(CLITests.binary, ["nightly", nightly], environment: environment)
        #expect(result.status == 1, "\(result.err)")
        #expect(result.err.contains("nightly: the gate failed: retraining with \(job)"))
        #expect(result.out.contains("job: 2 completed"))
        let night = try FileManager.default.contentsOfDirectory(atPath: folder + "/runs").first ?? ""
        #expect(FileManager.default.fileExists(atPath: folder + "/runs/" + night + "/retrain/job.json"))
    }

    /// Retraining starts from the weights of a recorded run's model, found through the registry.
    @Test func retrainStartsFromARecordedRunsModel() throws {
        let folder = Scratch.folder()
        let model = folder + "/model"
        Scratch.write(
            #"{"task": "image_classification", "model_name": "resnet18", "valid_crop_size": 32, "tile_grid_size": ""}"#,
            model, "settings.json")
        Scratch.write("", model, "model.pt")
        let registry = folder + "/argus.sqlite"
        let record = try ProgramRun.run(
            CLITests.binary,
            [
                "record", Self.evaluation(folder), "--model", "digits@7", "--model-path", model, "--registry", registry,
            ])
        #expect(record.status == 0, "\(record.err)")
        let seen = folder + "/config.json"
        let runner = Scratch.write(
            "#!/bin/sh\ncp \"$5\" '\(seen)'\necho '{\"event\": \"done\", \"phase\": \"train\", \"best_epoch\": 1}'\n",
            folder, "runner")
        chmod(runner, 0o755)
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "retrain", "--from", "registry:digits@7", "--data", Repository.path("samples/digits/train.jsonl"),
                "--output", folder + "/run", "--registry", registry, "--set", "number_of_epochs=2",
            ], environment: ["ARGUS_RUNNER_PYTHON": runner])
        #expect(result.status == 0, "\(result.err)")
        let config = try String(contentsOfFile: seen, encoding: .utf8)
        #expect(config.contains(#""weights":"\#(model)/model.pt""#))
        #expect(config.contains(#""model_name":"resnet18""#) && config.contains(#""valid_crop_size":32"#))
        #expect(config.contains(#""number_of_epochs":2"#) && !config.contains("tile_grid_size"))
        let missing = try ProgramRun.run(
            CLITests.binary,
            ["retrain", "--from", "registry:other@1", "--data", "x", "--output", "y", "--registry", registry])
        #expect(missing.status != 0 && missing.err.contains("registry:other@1: no such recorded run"))
    }

    /// An evaluation folder of the digits sample, made once per call.
    static func evaluation(_ folder: String) throws -> String {
        let output = folder + "/evaluation"
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "evaluate", "--ground-truth", Repository.path("samples/digits/validation.jsonl"), "--predictions",
                Repository.path("samples/digits/predictions.jsonl"), "--output", output,
            ])
        #expect(result.status == 0, "\(result.err)")
        return output
    }
}

extension JobCLITests {
    @Test func manifestsHoldEveryTrialOfTheGrid() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Repository.path(".venv/bin/python")))
        let folder = Scratch.folder()
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "job", "manifests", Repository.path("samples/digits/job.yml"), "--job-folder", "/data/jobs/j1",
                "--image", "example/runner:1", "--claim", "data", "--output", folder + "/job.yaml",
            ])
        #expect(result.status == 0, "\(result.err)")
        let text = try String(contentsOfFile: folder + "/job.yaml", encoding: .utf8)
        #expect(text.contains("completions: 2\n  parallelism: 2\n"))
        #expect(text.contains(#""learning_rate":0.002"#) && text.contains(#""learning_rate":0.0001"#))
        #expect(text.contains(#""output":"/data/jobs/j1/trials/0002/run""#))
    }
}

extension JobCLITests {
    /// `job run --launcher slurm` on the one-node cluster of `scripts/with-slurm.sh` (make test).
    @Test func aJobRunsItsTrialsOnSlurm() throws {
        guard ProcessInfo.processInfo.environment["ARGUS_TEST_SLURM_CONF"] != nil else {
            print("Slurm job test skipped: no cluster (run the tests through scripts/with-slurm.sh, as make test does)")
            return
        }
        let folder = Scratch.folder()
        let (job, environment) = setUp(folder)
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "job", "run", job, "--output", folder + "/job", "--launcher", "slurm", "--registry",
                folder + "/argus.sqlite",
            ], environment: environment)
        #expect(result.status == 0, "\(result.err)\n\(result.out)")
        #expect(result.out.contains("job: 2 completed") && result.out.contains("best: trial 1, accuracy 0.9000"))
        let state = try String(contentsOfFile: folder + "/job/job.json", encoding: .utf8)
        #expect(state.contains(#""launcher" : "slurm""#) && state.contains(#""handle" : "slurm:"#))
    }
}

extension JobCLITests {
    /// `checkpoint_run_id` names the model every trial starts from (incremental training).
    @Test func checkpointRunIDGivesEveryTrialItsWeights() throws {
        let folder = Scratch.folder()
        let (job, environment) = setUp(folder)
        Scratch.write("", folder + "/earlier/model", "model.pt")
        let text = try String(contentsOfFile: job, encoding: .utf8)
        let incremental = Scratch.write(
            text + "\ntraining_parameters: {checkpoint_run_id: \(folder)/earlier}\n", folder, "incremental.yml")
        let result = try ProgramRun.run(
            CLITests.binary,
            ["job", "run", incremental, "--output", folder + "/job", "--registry", folder + "/argus.sqlite"],
            environment: environment)
        #expect(result.status == 0, "\(result.err)")
        let config = try String(contentsOfFile: folder + "/job/trials/0002/config.json", encoding: .utf8)
        #expect(config.contains(#""weights":"\#(folder)/earlier/model/model.pt""#))
    }
}

extension JobCLITests {
    /// A nightly file may name a model folder instead of predictions: the runner infers, then the night goes on.
    @Test func aNightInfersWithItsModelFolder() throws {
        let folder = Scratch.folder()
        let digits = Repository.path("samples/digits")
        let runner = Scratch.write(
            """
            #!/usr/bin/env python3
            import json, shutil, sys
            config = json.load(open(sys.argv[5]))
            shutil.copy("\(digits)/predictions.jsonl", config["predictions"])
            print(json.dumps({"event": "done", "phase": "infer", "images": 300}))
            """, folder, "runner")
        chmod(runner, 0o755)
        Scratch.write("", folder + "/model", "model.pt")
        let nightly = Scratch.write(
            """
            model: digits@7
            dataset: digits
            ground_truth: \(digits)/validation.jsonl
            model_folder: model
            output: runs
            registry: argus.sqlite
            """, folder, "nightly.yml")
        let result = try ProgramRun.run(
            CLITests.binary, ["nightly", nightly], environment: ["ARGUS_RUNNER_PYTHON": runner])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("recorded evaluation 1"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/runs")
        #expect(runs.contains { $0.hasSuffix(".predictions.jsonl") })
        let both = Scratch.write(
            "model: m@1\ndataset: d\nground_truth: g\npredictions: p\nmodel_folder: f\noutput: o\n", folder, "both.yml")
        let refused = try ProgramRun.run(CLITests.binary, ["nightly", both])
        #expect(refused.status == 2 && refused.err.contains("give either predictions or model_folder"))
    }
}

extension JobCLITests {
    /// `job validate` asks the runner about every value, for the job's task and each model it trains.
    @Test func valuesAreCheckedForTheTaskAndEachModel() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Repository.path(".venv/bin/python")),
            "the runner's environment is missing: run scripts/bootstrap.sh --runner (make test does)")
        let folder = Scratch.folder()
        let job = Scratch.write(
            """
            type: automl
            task: image_classification
            training_data: t.jsonl
            limits: {max_trials: 2}
            training_parameters:
              min_size: 800
              layers_to_freeze: 7
            search_space:
              - model_name: {type: choice, values: [vitb16r224]}
                training_crop_size: {type: choice, values: [224, 256]}
              - model_name: {type: choice, values: [resnet5O]}

            """, folder, "job.yml")
        let result = try ProgramRun.run(CLITests.binary, ["job", "validate", job])
        #expect(result.status == 1)
        let expected = [
            "\(job):6:3: 'min_size' applies to detection and segmentation only, not to image_classification",
            "\(job):7:3: 'layers_to_freeze' must be in [0, 6] for vitb16r224",
            "'training_crop_size' must be 224 for vitb16r224",
            "'model_name' must be a image_classification model, got 'resnet5O' (did you mean 'resnet50'?)",
        ]
        for line in expected { #expect(result.err.contains(line), "\(line)\n\(result.err)") }
        // The same values where they fit: a ResNet takes 7 stages and any crop size.
        let fitting = Scratch.write(
            """
            type: automl
            task: image_classification
            training_data: t.jsonl
            limits: {max_trials: 2}
            training_parameters:
              layers_to_freeze: 7
            search_space:
              - model_name: {type: choice, values: [resnet50]}
                training_crop_size: {type: choice, values: [224, 256]}

            """, folder, "fitting.yml")
        let passed = try ProgramRun.run(CLITests.binary, ["job", "validate", fitting])
        #expect(passed.status == 0, "\(passed.err)")
    }
}
