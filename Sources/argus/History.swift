import ArgumentParser
import ArgusCore
import ArgusIO
import ArgusRegistry
import Foundation

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
