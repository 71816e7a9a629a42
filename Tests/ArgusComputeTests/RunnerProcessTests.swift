import ArgusCompute
import ArgusTestSupport
import Foundation
import Testing

/// The Swift side of the runner protocol, against stand-in runners (shell scripts): no PyTorch needed.
@Suite struct RunnerProcessTests {
    /// A stand-in "python" that ignores `-m argus_runner CMD --config FILE` and runs `body`.
    static func fakePython(_ body: String, in scratch: ScratchFolder) -> String {
        let path = scratch.write("#!/bin/sh\n\(body)\n", to: "python")
        chmod(path, 0o755)
        return path
    }

    @Test func eventsArriveInOrderAndTheDoneEventIsReturned() throws {
        let scratch = ScratchFolder()
        let python = Self.fakePython(
            """
            echo 'warning: chatter that is not an event'
            echo '{"event": "start", "phase": "infer", "total": 2, "device": "cpu"}'
            echo '{"event": "progress", "phase": "infer", "done": 2, "total": 2, "images_per_second": 4.5}'
            echo '{"event": "done", "phase": "infer", "images": 2, "predictions": "p.jsonl", "peak_gpu_memory_bytes": 7}'
            """, in: scratch)
        var seen: [String] = []
        let done = try RunnerProcess.run(.infer, configuration: RunnerConfiguration(), python: python) {
            seen.append($0.event)
        }
        #expect(seen == ["start", "progress", "done"])
        #expect(done.images == 2)
        #expect(done.predictions == "p.jsonl")
        #expect(done.peakGpuMemoryBytes == 7)
    }

    @Test func theConfigurationFileHoldsTheSettingsAsJSON() throws {
        let scratch = ScratchFolder()
        let copy = scratch.file("seen.json")
        let python = Self.fakePython(
            """
            cp "$5" '\(copy)'
            echo '{"event": "done"}'
            """, in: scratch)
        var configuration = RunnerConfiguration()
        try configuration.add(assignments: ["box_score_thresh=0.5", "early_stopping=false", "tile_grid_size=3x2"])
        configuration["number_of_epochs"] = .int(3)
        try RunnerProcess.run(.train, configuration: configuration, python: python) { _ in }
        let text = try String(contentsOfFile: copy, encoding: .utf8)
        #expect(
            text == #"{"box_score_thresh":0.5,"early_stopping":false,"number_of_epochs":3,"tile_grid_size":"3x2"}"#)
    }

    @Test func theRunnersErrorEventIsTheMessage() {
        let scratch = ScratchFolder()
        let python = Self.fakePython(
            """
            echo 'Traceback (most recent call last): noise' >&2
            echo '{"event": "error", "message": "data.jsonl:3: field image_url is missing"}'
            exit 2
            """, in: scratch)
        do {
            try RunnerProcess.run(.infer, configuration: RunnerConfiguration(), python: python) { _ in }
            Issue.record("a failing runner must throw")
        } catch {
            #expect(error.status == 2)
            #expect(error.message.contains("data.jsonl:3: field image_url is missing"))
            #expect(!error.message.contains("Traceback"))
        }
    }

    @Test func aRunnerThatDiesWithoutAnEventShowsTheEndOfItsStandardError() {
        let scratch = ScratchFolder()
        let python = Self.fakePython("echo 'Segmentation fault in libtorch' >&2; exit 139", in: scratch)
        do {
            try RunnerProcess.run(.train, configuration: RunnerConfiguration(), python: python) { _ in }
            Issue.record("a failing runner must throw")
        } catch {
            #expect(error.status == 139)
            #expect(error.message.contains("Segmentation fault in libtorch"))
        }
    }

    @Test func aRunnerThatExitsZeroWithoutDoneHasNotFinished() {
        let scratch = ScratchFolder()
        let python = Self.fakePython("echo '{\"event\": \"start\"}'", in: scratch)
        #expect(throws: RunnerError.self) {
            try RunnerProcess.run(.infer, configuration: RunnerConfiguration(), python: python) { _ in }
        }
    }

    @Test func settingsAreTypedAsOnACommandLine() throws {
        #expect(RunnerValue(parsing: "true") == .bool(true))
        #expect(RunnerValue(parsing: "12") == .int(12))
        #expect(RunnerValue(parsing: "0.25") == .double(0.25))
        #expect(RunnerValue(parsing: "3x2") == .string("3x2"))
        #expect(RunnerValue(parsing: "nan") == .string("nan"))
        var configuration = RunnerConfiguration()
        #expect(throws: RunnerError.self) { try configuration.add(assignments: ["no_equals_sign"]) }
        #expect(throws: RunnerError.self) { try configuration.add(assignments: ["=5"]) }
        try configuration.add(assignments: ["a=1", "a=2"])
        #expect(configuration["a"] == .int(2))
    }

    @Test func aMissingRunnerEnvironmentSaysHowToInstallIt() {
        #expect(throws: RunnerError.self) {
            try RunnerLocation.python(environment: [RunnerLocation.pythonVariable: "/nonexistent/python"])
        }
    }

    @Test func eventLinesParseAndOtherLinesDoNot() {
        let event = RunnerEvent.parse(
            #"{"event": "epoch", "epoch": 2, "loss": 0.5, "primary_metric": {"name": "accuracy", "value": 0.9}}"#)
        #expect(event?.epoch == 2)
        #expect(event?.primaryMetric == RunnerEvent.Metric(name: "accuracy", value: 0.9))
        #expect(RunnerEvent.parse("UserWarning: something") == nil)
        #expect(RunnerEvent.parse(#"{"no_event": 1}"#) == nil)
    }
}
