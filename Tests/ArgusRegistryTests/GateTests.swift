import ArgusData
import ArgusGate
import ArgusIO
import ArgusPipeline
import ArgusPipelineTestSupport
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

/// The deployment gate: every rule passing and failing, the bootstrap against numpy and
/// scikit-learn, Holm's correction on a published example, McNemar against scipy, policy errors.
@Suite struct GateTests {
    /// The logistic regression (candidate) and naive Bayes (baseline) digits evaluations.
    static func digits(_ folder: ScratchFolder) throws -> (candidate: GateInput, baseline: GateInput) {
        let lr = try RegistryTests.digits(folder, "lr", probabilities: true)
        let nb = try RegistryTests.digits(
            folder, "nb", predictions: "predictions_naive_bayes.jsonl", probabilities: true)
        return (try GateInput(folder: lr), try GateInput(folder: nb))
    }

    func decide(_ policy: String, _ candidate: GateInput, _ baseline: GateInput?) throws -> GateDecision {
        try Gate.judge(policy: try GatePolicy.parse(policy, file: "gate.yml"), candidate: candidate, baseline: baseline)
    }

    @Test func everyRulePassesAndFails() throws {
        let folder = ScratchFolder()
        let (lr, nb) = try Self.digits(folder)
        let accuracy = try #require(lr.scalars["accuracy"] ?? nil)
        let cases: [(String, Bool)] = [
            ("{metric: accuracy, min: \(accuracy - 0.01)}", true),
            ("{metric: accuracy, min: \(accuracy + 0.01)}", false),
            ("{metric: log_loss, max: 10}", true),
            ("{metric: log_loss, max: 0.0001}", false),
            ("{metric: accuracy, max_drop: 0.0}", true),
            ("{metric: accuracy, max_drop_relative: 0.0}", true),
            ("{metric: accuracy, significant: {confidence: 0.95, margin: 0.0}}", true),
            ("{metric: accuracy, mcnemar: {alpha: 0.05}}", true),
            ("{per_label: f1, max_drop: 0.05, correction: holm, alpha: 0.05}", true),
        ]
        for (rule, passes) in cases {
            let decision = try decide("rules:\n  - \(rule)\n", lr, nb)
            #expect(decision.passed == passes, "\(rule): \(decision.text)")
        }
        // The other way round the baseline is better: the comparisons fail.
        let reversed: [String] = [
            "{metric: accuracy, max_drop: 0.01}", "{metric: accuracy, max_drop_relative: 0.02}",
            "{metric: accuracy, significant: {confidence: 0.95, margin: 0.005}}",
            "{metric: accuracy, mcnemar: {alpha: 0.05}}",
            "{per_label: f1, max_drop: 0.0, correction: none, alpha: 0.05}",
        ]
        for rule in reversed {
            let decision = try decide("rules:\n  - \(rule)\n", nb, lr)
            #expect(!decision.passed, "\(rule): \(decision.text)")
        }
    }

    @Test func bootstrapIntervalsEqualNumpyAndScikitLearn() throws {
        guard let golden = Golden.json("golden/gate/digits_bootstrap.json") else { return }
        let folder = ScratchFolder()
        let (lr, nb) = try Self.digits(folder)
        for metric in ["accuracy", "f1_score_macro", "AUC_macro", "AUC_weighted", "AUC_micro"] {
            let decision = try decide(
                "resamples: 1000\nseed: 42\nrules:\n  - {metric: \(metric), significant: {confidence: 0.95}}\n", lr, nb)
            let expected = try #require(golden.values[metric] as? [String: Double])
            #expect(decision.passed && decision.results[0].detail.contains("interval ["))
            let exact = try Self.interval(lr, nb, metric)
            Golden.expectClose(
                [exact.point, exact.low, exact.high], [expected["point"]!, expected["low"]!, expected["high"]!],
                tolerance: golden.tolerance, metric)
        }
    }

    /// The interval computed as the gate does, for exact comparison.
    static func interval(_ a: GateInput, _ b: GateInput, _ metric: String) throws -> (
        point: Double, low: Double, high: Double
    ) {
        let ra = try a.resampling()
        let rb = try b.resampling()
        let ones = [Int32](repeating: 1, count: ra.imageNames.count)
        let point = ra.scalar(metric, weights: ones)! - rb.scalar(metric, weights: ones)!
        var deltas: [Double] = []
        PairedBootstrap(resamples: 1000, seed: 42).forEachResample(images: ra.imageNames.count) { weights in
            deltas.append(ra.scalar(metric, weights: weights)! - rb.scalar(metric, weights: weights)!)
        }
        deltas.sort()
        return (point, percentile(deltas, 2.5), percentile(deltas, 97.5))
    }

    @Test func resampledPointEstimatesEqualMetricsJSON() throws {
        let folder = ScratchFolder()
        let (lr, _) = try Self.digits(folder)
        let records = try lr.resampling()
        let ones = [Int32](repeating: 1, count: records.imageNames.count)
        for name in ["accuracy", "f1_score_macro", "precision_score_macro", "recall_score_macro"] {
            #expect(records.scalar(name, weights: ones) == lr.scalars[name] ?? nil, "\(name)")
        }
        // The AUCs from the kept probabilities: metrics.json's up to the summation order.
        for name in ["AUC_macro", "AUC_weighted", "AUC_micro"] {
            let value = try #require(records.scalar(name, weights: ones))
            #expect(abs(value - (lr.scalars[name]!)!) < 1e-12, "\(name)")
        }
        // Detection: VOC mAP, precision and recall from the match records equal metrics.json's.
        _ = try PeerEvaluations.vocJob().evaluate(into: folder.file("det"), overwrite: false)
        let detection = try GateInput(folder: folder.file("det"))
        let detectionRecords = try detection.resampling()
        let all = [Int32](repeating: 1, count: detectionRecords.imageNames.count)
        for name in ["mean_average_precision", "precision", "recall"] {
            #expect(detectionRecords.scalar(name, weights: all) == detection.scalars[name] ?? nil, "\(name)")
        }
    }

    @Test func holmFollowsThePublishedExample() {
        // Holm–Bonferroni's worked example: p = 0.01, 0.04, 0.03, 0.005 at α = 0.05 rejects the
        // first and the fourth hypotheses only.
        #expect(holmRejections([0.01, 0.04, 0.03, 0.005], alpha: 0.05) == [true, false, false, true])
    }

    @Test func mcNemarEqualsScipy() throws {
        guard let golden = Golden.json("golden/gate/digits_bootstrap.json") else { return }
        let expected = try #require(golden.values["mcnemar"] as? [String: Any])
        let p = mcNemarExact(
            candidateOnly: try #require(expected["candidate_only"] as? Int),
            baselineOnly: try #require(expected["baseline_only"] as? Int))
        Golden.expectClose([p], [try #require(expected["p_value"] as? Double)], tolerance: 1e-12, "McNemar p")
    }

    @Test func policyMistakesNameTheirLineAndWhatIsAllowed() throws {
        func error(_ text: String) -> String {
            do {
                _ = try GatePolicy.parse(text, file: "gate.yml")
                return "parsed"
            } catch {
                return "\(error)"
            }
        }
        #expect(error("rules:\n  - {metric: accuracy, mni: 0.5}\n").contains("gate.yml:2:"))
        #expect(error("rules:\n  - {metric: accuracy, mni: 0.5}\n").contains("did you mean `min`"))
        #expect(error("rules:\n  - {metric: accuracy, significant: {confidence: 2}}\n").contains("out of range"))
        #expect(error("rules:\n  - {metric: accuracy, min: 0.5, max: 0.9}\n").contains("exactly one of"))
        #expect(error("rulez: []\n").contains("did you mean `rules`"))
        #expect(error("rules: [\n").contains("invalid YAML"))
        let folder = ScratchFolder()
        let (lr, _) = try Self.digits(folder)
        #expect {
            _ = try decide("rules:\n  - {metric: acuracy, min: 0.5}\n", lr, nil)
        } throws: { error in
            "\(error)".contains("did you mean `accuracy`") && "\(error)".contains("gate.yml:2:")
        }
        #expect {
            _ = try decide("rules:\n  - {metric: accuracy, max_drop: 0.01}\n", lr, nil)
        } throws: { error in
            "\(error)".contains("--baseline")
        }
    }

    @Test func theCommandLineReportsAndRecordsTheDecision() throws {
        let folder = ScratchFolder()
        let lr = try RegistryTests.digits(folder, "lr")
        let nb = try RegistryTests.digits(folder, "nb", predictions: "predictions_naive_bayes.jsonl")
        let policy = folder.write(
            "rules:\n  - {metric: accuracy, max_drop: 0.01}\n  - {metric: accuracy, min: 0.5}\n", to: "gate.yml")
        let registry = folder.file("argus.sqlite")
        let argus = Repository.path(".build/debug/argus")
        let pass = try ProgramRun.run(
            argus,
            [
                "gate", "--policy", policy, "--candidate", lr, "--baseline", nb, "--registry", registry, "--junit",
                folder.file("gate.xml"), "--markdown", folder.file("gate.md"), "--json", folder.file("gate.json"),
            ])
        #expect(pass.status == 0, "\(pass.out)\(pass.err)")
        let junit = try String(contentsOfFile: folder.file("gate.xml"), encoding: .utf8)
        #expect(junit.contains(#"tests="2" failures="0""#))
        #expect(try String(contentsOfFile: folder.file("gate.md"), encoding: .utf8).contains("passed"))
        let fail = try ProgramRun.run(
            argus, ["gate", "--policy", policy, "--candidate", nb, "--baseline", lr, "--registry", registry])
        #expect(fail.status == 1 && fail.out.contains("FAIL"), "\(fail.out)")
        let missing = try ProgramRun.run(
            argus,
            ["gate", "--policy", policy, "--candidate", lr, "--baseline", "registry:none@1", "--registry", registry])
        #expect(missing.status == 2 && missing.err.contains("baseline not found"), "\(missing.err)")
        let bad = folder.write("rules:\n  - {metric: accuracy, mni: 1}\n", to: "bad.yml")
        let badRun = try ProgramRun.run(argus, ["gate", "--policy", bad, "--candidate", lr, "--registry", registry])
        #expect(badRun.status == 2 && badRun.err.contains("bad.yml:2:"), "\(badRun.err)")
        let usage = try ProgramRun.run(argus, ["gate", "--candidate", lr])
        #expect(usage.status == 64)
    }
}

/// AUC rules need the images' probabilities, kept by `--bootstrap-records`.
@Suite struct AUCGateTests {
    @Test func withoutProbabilitiesTheGateSaysHowToKeepThem() throws {
        let folder = ScratchFolder()
        let plain = try GateInput(folder: try RegistryTests.digits(folder, "plain"))
        let policy = try GatePolicy.parse(
            "rules:\n  - {metric: AUC_macro, significant: {confidence: 0.95}}\n", file: "gate.yml")
        do {
            _ = try Gate.judge(policy: policy, candidate: plain, baseline: plain)
            Issue.record("judged without probabilities")
        } catch {
            #expect("\(error)".contains("--bootstrap-records") && "\(error)".contains("gate.yml:2"))
        }
        let kept = try GateInput(folder: try RegistryTests.digits(folder, "kept", probabilities: true))
        let decision = try Gate.judge(
            policy: try GatePolicy.parse(
                "resamples: 200\nrules:\n  - {per_label: AUC, max_drop: 0.0, correction: holm, alpha: 0.05}\n",
                file: "gate.yml"),
            candidate: kept, baseline: kept)
        #expect(decision.passed && decision.results[0].detail.contains("10 labels tested"), "\(decision.text)")
    }
}
