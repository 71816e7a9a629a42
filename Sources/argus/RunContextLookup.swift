import ArgusIO
import ArgusRegistry
import ArgusReports
import Foundation

/// The run details of an evaluation folder from the registry, when it was recorded there.
enum RunContextLookup {
    /// - Returns: nil when there is no registry at `registry` or the folder was not recorded in it.
    static func context(for folder: String, registry location: String) throws -> RunContext? {
        guard location.contains("://") || FileManager.default.fileExists(atPath: location) else { return nil }
        let store = try Registry(path: location)
        guard let id = try store.evaluationID(folder: folder) else { return nil }
        let details = try store.details(id)
        let run = details.run
        var rows: [(String, String)] = [
            ("model", run.model ?? "—"), ("dataset", run.dataset), ("recorded", run.recordedAt),
            ("Argus", details.argusVersion), ("commit", details.gitCommit ?? "unknown"), ("host", details.host),
            ("command", details.commandLine), ("settings", details.settings), ("registry", Secrets.redacted(location)),
        ]
        if let seconds = details.seconds { rows.append(("evaluation time", String(format: "%.2f s", seconds))) }
        guard let model = run.model?.split(separator: "@").first.map(String.init) else {
            return RunContext(details: rows)
        }
        let history = try store.history(model: model, dataset: run.dataset).filter { $0.run.id <= id }
        let trend = history.map { point in (point.run.model ?? "#\(point.run.id)", point.value) }
        var movers: [(String, Double?, Double?)] = []
        let moverMetric =
            run.task.contains("detection") || run.task.contains("segmentation") ? "average_precision" : "f1"
        if history.count >= 2 {
            let previous = try store.details(history[history.count - 2].run.id)
            let before = Dictionary(
                previous.labelMetrics.filter { $0.name == moverMetric }.map { ($0.label, $0.value) },
                uniquingKeysWith: { first, _ in first })
            for entry in details.labelMetrics where entry.name == moverMetric {
                movers.append((entry.label, before[entry.label] ?? nil, entry.value))
            }
        }
        return RunContext(
            details: rows, trend: trend, trendMetric: run.primaryMetric, movers: movers, moverMetric: moverMetric)
    }
}
