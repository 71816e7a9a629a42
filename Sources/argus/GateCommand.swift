import ArgumentParser
import ArgusCore
import ArgusGate
import ArgusIO
import ArgusRegistry
import Foundation

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide whether a candidate evaluation may ship, by the rules of a policy file.",
        discussion: """
            Rules set floors and ceilings, allowed drops against a baseline, and statistical checks: \
            a paired bootstrap over images (confidence intervals of the difference, per-label tests \
            with Holm's correction) and McNemar's exact test. See docs/gate.md for the policy file.

            Exit codes: 0 every rule passed, 1 a rule failed, 2 the gate could not judge (bad policy, \
            missing metric, unreadable evaluation, baseline not found), 64 a usage error.

            Examples:
              argus gate --policy gate.yml --candidate eval-new/ --baseline eval-old/ --junit gate.xml
              argus gate --policy gate.yml --candidate eval-new/ --baseline registry:detector@1.3
              argus gate --policy gate.yml --candidate eval-new/ --baseline registry:detector@latest-passing
            """
    )

    @Option(name: .long, help: "The policy file (YAML).")
    var policy: String

    @Option(name: .long, help: "The candidate's evaluation folder.")
    var candidate: String

    @Option(
        name: .long,
        help: "The baseline: an evaluation folder, registry:MODEL@VERSION or registry:MODEL@latest-passing.")
    var baseline: String?

    @Option(name: .long, help: "Write the decision as JSON.")
    var json: String?

    @Option(name: .long, help: "Write the decision as JUnit XML (one test case per rule).")
    var junit: String?

    @Option(name: .long, help: "Write the decision as Markdown (for a pull-request comment).")
    var markdown: String?

    @Option(name: .long, parsing: .unconditional, help: "Bootstrap resamples (default: the policy's, else 1000).")
    var resamples: Int?

    @Flag(
        name: .customLong("skip-comparisons-without-baseline"),
        help: "Without a baseline, judge the absolute rules only and report the comparing ones as skipped.")
    var skipComparisons = false

    @Flag(name: .customLong("no-record"), help: "Do not record the decision in the registry.")
    var noRecord = false

    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        if let resamples, resamples < 100 || resamples > 1_000_000 {
            throw ValidationError("--resamples must be in [100, 1000000], got \(resamples)")
        }
    }

    /// The exit code of a gate that could not judge.
    static let cannotJudge: Int32 = 2

    func run() throws {
        var decision: GateDecision
        var policyFile: GatePolicy
        var baselineFolder: String?
        do {
            policyFile = try GatePolicy.read(policy)
            if let resamples { policyFile.resamples = resamples }
            let candidateInput = try GateInput(folder: candidate)
            baselineFolder = try resolveBaseline()
            let baselineInput = try baselineFolder.map { (folder) throws(DataError) in try GateInput(folder: folder) }
            decision = try Gate.judge(
                policy: policyFile, candidate: candidateInput, baseline: baselineInput,
                skipComparisons: skipComparisons)
        } catch let error as DataError {
            Console.printError("error: \(error)")
            Console.printError("gate: could not judge")
            throw ExitCode(Self.cannotJudge)
        } catch let error as GateError {
            Console.printError("error: \(error)")
            Console.printError("gate: could not judge")
            throw ExitCode(Self.cannotJudge)
        }
        print(decision.text)
        do {
            try decision.write(json: json, junit: junit, markdown: markdown)
            if !noRecord {
                let store = try registry.open()
                try store.recordGate(
                    candidate: try store.evaluationID(folder: candidate),
                    baseline: try baselineFolder.flatMap { (folder) throws(DataError) in
                        try store.evaluationID(folder: folder)
                    },
                    candidateFolder: PathTools.absolute(candidate),
                    baselineFolder: baselineFolder.map(PathTools.absolute),
                    policy: policyFile.text, passed: decision.passed,
                    report: String(decoding: decision.json, as: UTF8.self))
            }
        } catch let error as DataError {
            Console.printError("error: \(error)")
            throw ExitCode(Self.cannotJudge)
        }
        if !decision.passed { throw ExitCode(1) }
    }

    /// The baseline's folder: as given, or looked up in the registry.
    func resolveBaseline() throws(DataError) -> String? {
        guard let baseline else { return nil }
        guard baseline.hasPrefix("registry:") else { return baseline }
        let reference = String(baseline.dropFirst("registry:".count))
        guard let model = Registry.ModelReference(reference) else {
            throw DataError(.usage, SourceLocation(file: baseline), "expected registry:MODEL@VERSION")
        }
        let store: Registry
        do { store = try registry.open() } catch let error as DataError { throw error } catch {
            throw DataError(.usage, SourceLocation(file: registry.registry), "\(error)")
        }
        let run =
            model.version == "latest-passing"
            ? try store.latestPassing(model: model.name) : try store.evaluation(of: model)
        guard let run else {
            throw DataError(
                .invalidData, SourceLocation(file: registry.registry),
                "baseline not found: no recorded evaluation of \(model)\(model.version == "latest-passing" ? " passed a gate" : "")"
            )
        }
        return run.folder
    }
}
