import ArgumentParser
import ArgusCore
import ArgusIO
import ArgusRegistry
import Foundation

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the recorded evaluations, or show one.",
        discussion: """
            Examples:
              argus runs list --model detector
              argus runs show 12
            """
    )

    @Argument(help: "list, or show followed by an evaluation id.")
    var action: String

    @Argument(help: "The evaluation id (for show).")
    var id: Int64?

    @Option(name: .long, help: "The model, as NAME or NAME@VERSION (for list).")
    var model: String?

    @Option(name: .long, help: "The dataset's name (for list).")
    var dataset: String?

    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        guard action == "list" || action == "show" else {
            throw ValidationError("expected list or show, got \(action)")
        }
        if action == "show" && id == nil { throw ValidationError("show needs an evaluation id") }
    }

    func run() throws {
        try Console.guarding {
            let store = try registry.open()
            if action == "list" {
                for run in try store.runs(model: model, dataset: dataset) {
                    print(
                        "\(run.id)\t\(run.recordedAt)\t\(run.model ?? "—")\t\(run.dataset)\t\(run.task)\t"
                            + "\(run.primaryMetric) \(History.value(run.primaryValue))")
                }
                return
            }
            let details = try store.details(id ?? 0)
            print(
                "evaluation \(details.run.id): \(details.run.task), \(details.run.model ?? "no model") on \(details.run.dataset)"
            )
            print("recorded \(details.run.recordedAt) by Argus \(details.argusVersion) on \(details.host)")
            print("commit \(details.gitCommit ?? "unknown"); command: \(details.commandLine)")
            print("folder \(details.run.folder); settings \(details.settings)")
            for metric in details.metrics { print("  \(metric.name)\t\(History.value(metric.value))") }
            print("  \(details.labelMetrics.count) per-label values; artifacts:")
            for artifact in details.artifacts {
                print("  \(artifact.kind)\t\(artifact.sha256.prefix(16))…\t\(artifact.path)")
            }
        }
    }
}
