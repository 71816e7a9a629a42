import ArgumentParser
import ArgusCore
import ArgusIO
import ArgusRegistry
import Foundation

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record an evaluation folder in the registry.",
        discussion: """
            Stores the evaluation's task, settings, every metric and per-label metric, and the checksums \
            of its files, with the model and dataset, the Argus version, host, git commit and command \
            line, in one transaction. `argus evaluate … --record` does the same as it evaluates.

            Example:
              argus record eval/ --model detector@1.4 --dataset val2026
            """
    )

    @Argument(help: "The evaluation folder.")
    var evaluation: String

    @OptionGroup var recording: RecordingOptions
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        try Console.guarding {
            let record = try EvaluationRecord(
                folder: evaluation, model: recording.reference, modelPath: recording.modelPath,
                dataset: recording.dataset)
            let id = try registry.open().record(record)
            print(
                "recorded evaluation \(id) (\(record.task), \(record.primaryMetric) \(Evaluate.format(record.primaryValue)))"
            )
        }
    }
}
