import ArgusTestSupport
import Foundation
import Testing

/// `argus train`, `infer`, `explain` and `evaluate --model`: what they hand the runner, how they show its
/// progress and errors, Ctrl-C, and one real run through the repository's runner environment.
@Suite struct ComputeCLITests {
    static let digits = Repository.path("samples/digits")

    /// A stand-in runner: a shell script run as `python -m argus_runner COMMAND --config FILE`.
    static func fakeRunner(_ body: String, in folder: String) -> [String: String] {
        let path = Scratch.write("#!/bin/sh\n\(body)\n", folder, "python")
        chmod(path, 0o755)
        return ["ARGUS_RUNNER_PYTHON": path]
    }

    @Test func inferHandsTheRunnerResolvedDataAndShowsProgress() throws {
        let folder = Scratch.folder()
        let environment = Self.fakeRunner(
            """
            cp "$5" '\(folder)/config.json'
            cp "$(sed -n 's/.*"data":"\\([^"]*\\)".*/\\1/p' "$5")" '\(folder)/data.jsonl'
            echo '{"event": "start", "phase": "infer", "total": 300, "device": "cpu"}'
            echo '{"event": "progress", "phase": "infer", "done": 150, "total": 300, "images_per_second": 50}'
            echo '{"event": "progress", "phase": "infer", "done": 300, "total": 300, "images_per_second": 60}'
            echo '{"event": "done", "phase": "infer", "images": 300, "images_per_second": 60.5}'
            """, in: folder)
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "infer", "--model", folder + "/model", "--data", Self.digits + "/validation.jsonl", "--output",
                folder + "/p.jsonl", "--batch-size", "16", "--set", "valid_crop_size=32",
            ], environment: environment)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("wrote \(folder)/p.jsonl (60.5 images/s)"))
        #expect(result.err.contains("infer 150/300 50.0 img/s ETA 0:03"))
        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        #expect(config.contains(#""batch_size":16"#) && config.contains(#""valid_crop_size":32"#))
        #expect(config.contains(#""model":"\#(folder)/model""#) && config.contains(#""device":"auto""#))
        let first = try String(contentsOfFile: folder + "/data.jsonl", encoding: .utf8).split(separator: "\n")[0]
        #expect(first.contains(#""image_url":"images/digit_0000.png""#))
        #expect(first.contains(#""path":"\#(Self.digits)/images/digit_0000.png""#))
    }

    @Test func theRunnersErrorIsTheMessageAndExitOne() throws {
        let folder = Scratch.folder()
        let environment = Self.fakeRunner(
            """
            echo 'Traceback (most recent call last):' >&2
            echo '{"event": "error", "message": "model_name \\u0027yolov9\\u0027 is not a detection model"}'
            exit 2
            """, in: folder)
        let result = try ProgramRun.run(
            CLITests.binary,
            [
                "train", "--training-data", Self.digits + "/validation.jsonl", "--output", folder + "/run",
                "--model-name", "yolov9",
            ], environment: environment)
        #expect(result.status == 1)
        #expect(result.err.contains("error: the runner's train failed (exit 2): model_name 'yolov9' is not"))
        #expect(!result.err.contains("Traceback"))
    }

    @Test func aMissingRunnerEnvironmentIsAClearError() throws {
        let folder = Scratch.folder()
        let result = try ProgramRun.run(
            CLITests.binary,
            ["infer", "--model", folder, "--data", Self.digits + "/validation.jsonl", "--output", folder + "/p.jsonl"],
            environment: ["ARGUS_RUNNER_PYTHON": folder + "/no-python"])
        #expect(result.status == 1)
        #expect(result.err.contains("ARGUS_RUNNER_PYTHON=\(folder)/no-python is not an executable file"))
    }

    @Test func ctrlCIsForwardedToTheRunnerAndExits130() throws {
        let folder = Scratch.folder()
        let environment = Self.fakeRunner(
            """
            trap 'echo forwarded > "\(folder)/signal"; echo "{\\"event\\": \\"error\\", \\"message\\": \\"interrupted\\"}"; exit 130' INT
            echo '{"event": "start", "phase": "infer", "total": 10}'
            touch '\(folder)/started'
            i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            """, in: folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = [
            "infer", "--model", folder, "--data", Self.digits + "/validation.jsonl", "--output", folder + "/p.jsonl",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<400 where !FileManager.default.fileExists(atPath: folder + "/started") { usleep(25_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect((try? String(contentsOfFile: folder + "/signal", encoding: .utf8)) == "forwarded\n")
        #expect(!FileManager.default.fileExists(atPath: folder + "/p.jsonl"))
    }

    /// One real run: train a classifier for one short epoch, then infer and evaluate in one step.
    @Test func trainThenEvaluateWithTheModelThroughTheRealRunner() throws {
        let python = Repository.path(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "the runner's environment is missing: run scripts/bootstrap.sh --runner (make test does)")
        let folder = Scratch.folder()
        func lines(_ name: String, _ count: Int) throws -> String {
            try String(contentsOfFile: Self.digits + "/" + name, encoding: .utf8).split(separator: "\n").prefix(count)
                .map { $0.replacingOccurrences(of: #""images/"#, with: "\"\(Self.digits)/images/") }
                .joined(separator: "\n") + "\n"
        }
        Scratch.write(try lines("train.jsonl", 60), folder, "train.jsonl")
        Scratch.write(try lines("validation.jsonl", 10), folder, "valid.jsonl")
        Scratch.write(
            """
            {"model_name": "resnet18", "number_of_epochs": 1, "training_batch_size": 20, "valid_resize_size": 32,
             "valid_crop_size": 32, "training_crop_size": 32, "number_of_workers": 0}
            """, folder, "parameters.json")
        let train = try ProgramRun.run(
            CLITests.binary,
            [
                "train", "--training-data", folder + "/train.jsonl", "--validation-data", folder + "/valid.jsonl",
                "--parameters", folder + "/parameters.json", "--output", folder + "/run",
            ])
        #expect(train.status == 0, "\(train.err)")
        #expect(train.err.contains("epoch 1/1: loss"))
        #expect(train.err.contains("accuracy"))
        let evaluate = try ProgramRun.run(
            CLITests.binary,
            [
                "evaluate", "--model", folder + "/run/model", "--data", folder + "/valid.jsonl", "--output",
                folder + "/evaluation", "--workers", "0",
            ])
        #expect(evaluate.status == 0, "\(evaluate.err)")
        let metrics = try String(contentsOfFile: folder + "/evaluation/metrics.json", encoding: .utf8)
        #expect(
            metrics.contains(#""task":"image_classification""#) || metrics.contains(#""task": "image_classification""#))
        let predictions = try String(contentsOfFile: folder + "/evaluation.predictions.jsonl", encoding: .utf8)
        #expect(predictions.split(separator: "\n").count == 10)
    }
}
