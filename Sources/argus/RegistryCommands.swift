import ArgumentParser
import ArgusCore
import ArgusIO
import ArgusRegistry
import Foundation

/// `--registry`, shared by every command that touches the registry.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            The registry: a SQLite file (default argus.sqlite in the working directory), or a team's \
            PostgreSQL server as postgresql://user:password@host:port/database.
            """)
    var registry = Registry.defaultPath

    /// Opens the registry.
    func open() throws -> Registry {
        if registry.contains("://") && !registry.hasPrefix("postgresql://") && !registry.hasPrefix("postgres://") {
            Console.printError("error: \(Secrets.redacted(registry)): expected a file or a postgresql:// URL")
            throw ExitCode(64)
        }
        return try Registry(path: registry)
    }
}

/// `--model` and `--dataset`, naming what an evaluation is of.
struct RecordingOptions: ParsableArguments {
    @Option(name: .long, help: "The model, as NAME@VERSION.")
    var model: String?

    @Option(name: .customLong("model-path"), help: "Where the model's files are (recorded, not read).")
    var modelPath: String?

    @Option(name: .long, help: "The dataset's name (default: the ground truth's file or folder name).")
    var dataset: String?

    func validate() throws {
        if let model, Registry.ModelReference(model) == nil { throw ValidationError("--model must be NAME@VERSION") }
    }

    var reference: Registry.ModelReference? { model.flatMap(Registry.ModelReference.init) }
}

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

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the trend of a metric over the recorded evaluations.",
        discussion: """
            One row per recorded evaluation, oldest first, with values to 4 decimals.

            Example:
              argus history --model detector --dataset val2026 --metric mean_average_precision --format csv
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
        case csv
    }

    @Option(name: .long, help: "The model, as NAME or NAME@VERSION.")
    var model: String?

    @Option(name: .long, help: "The dataset's name.")
    var dataset: String?

    @Option(name: .long, help: "The metric (default: each evaluation's primary metric).")
    var metric: String?

    @Option(name: .long, help: "table, json or csv.")
    var format: Format = .table

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        try Console.guarding {
            let points = try registry.open().history(model: model, dataset: dataset, metric: metric)
            print(Self.render(points, metric: metric, format: format), terminator: "")
        }
    }

    static func value(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }

    static func render(_ points: [Registry.TrendPoint], metric: String?, format: Format) -> String {
        switch format {
        case .csv:
            var text = "id,recorded_at,model,dataset,metric,value\n"
            for point in points {
                let name = metric ?? point.run.primaryMetric
                let fields = [
                    String(point.run.id), point.run.recordedAt, point.run.model ?? "", point.run.dataset, name,
                    value(point.value),
                ]
                text += fields.map(csvField).joined(separator: ",") + "\n"
            }
            return text
        case .json:
            var json = JSONWriter(pretty: true)
            json.beginArray()
            for point in points {
                json.beginObject()
                json.field("id", Int(point.run.id))
                json.field("recorded_at", point.run.recordedAt)
                json.key("model")
                if let model = point.run.model { json.string(model) } else { json.null() }
                json.field("dataset", point.run.dataset)
                json.field("metric", metric ?? point.run.primaryMetric)
                json.key("value")
                json.number(point.value.map { ($0 * 10_000).rounded() / 10_000 })
                json.endObject()
            }
            json.endArray()
            return json.text + "\n"
        case .table:
            var text = "id    recorded at                    model                 dataset           value\n"
            for point in points {
                text += String(point.run.id).padding(toLength: 6, withPad: " ", startingAt: 0)
                text += point.run.recordedAt.padding(toLength: 31, withPad: " ", startingAt: 0)
                text += (point.run.model ?? "—").padding(toLength: 22, withPad: " ", startingAt: 0)
                text += point.run.dataset.padding(toLength: 18, withPad: " ", startingAt: 0)
                text += value(point.value) + "\n"
            }
            return text
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

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
