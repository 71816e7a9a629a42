import ArgusTestSupport
import Foundation
import Testing

/// `argus nightly`: the first night judges the absolute rules only (nothing to compare with yet)
/// and becomes the baseline; the second compares with it, reports the trend and gates on all rules.
@Suite struct NightlyTests {
    func job(_ folder: ScratchFolder, extra: String = "") -> String {
        folder.write(
            """
            model: digits@nightly
            dataset: digits
            task: image_classification
            ground_truth: \(Repository.path("samples/digits/validation.jsonl"))
            predictions: \(Repository.path("samples/digits/predictions.jsonl"))
            output: runs
            registry: argus.sqlite
            baseline: registry:digits@latest-passing
            policy: \(Repository.path("samples/gate.yml"))
            on_failure: retrain
            \(extra)
            """, to: "nightly.yml")
    }

    func runs(_ folder: ScratchFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.file("runs")).sorted().map {
            folder.file("runs/" + $0)
        }
    }

    @Test func firstNightSkipsComparisonsAndSecondComparesWithTheTrend() throws {
        let folder = ScratchFolder()
        let file = job(folder)
        let first = try ProgramRun.run(CLITests.binary, ["nightly", file])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("gate: passed (2 rules, 5 skipped)"), "\(first.out)")
        #expect(first.err.contains("no baseline yet"), "\(first.err)")
        guard let night = try runs(folder).first else { return }
        let decision = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: night + "/gate.json")))
        let rules = (decision as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == 7 && rules.filter { $0["skipped"] as? Bool == true }.count == 5)
        let junit = try String(contentsOfFile: night + "/gate.xml", encoding: .utf8)
        #expect(junit.contains(#"skipped="5""#) && junit.contains("<skipped message="))
        // Without the nightly job's flag, a gate with comparing rules and no baseline cannot judge.
        let gate = try ProgramRun.run(
            CLITests.binary,
            ["gate", "--policy", Repository.path("samples/gate.yml"), "--candidate", night, "--no-record"])
        #expect(gate.status == 2 && gate.err.contains("this rule compares with a baseline"), "\(gate.err)")

        let second = try ProgramRun.run(CLITests.binary, ["nightly", file])
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.contains("gate: passed (7 rules)"), "\(second.out)")
        let nights = try runs(folder)
        #expect(nights.count == 2)
        guard let last = nights.last else { return }
        #expect(FileManager.default.fileExists(atPath: last + "/compare.html"))
        let report = try String(contentsOfFile: last + "/report.html", encoding: .utf8)
        #expect(report.contains("2 recorded runs of the model"))
    }

    @Test func mistakesInTheFileNameTheirLine() throws {
        let folder = ScratchFolder()
        let run = try ProgramRun.run(CLITests.binary, ["nightly", job(folder, extra: "modle: x")])
        #expect(run.status == 2 && run.err.contains("nightly.yml:11") && run.err.contains("did you mean `model`"))
    }
}
