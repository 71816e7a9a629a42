import ArgusCharts
import ArgusIO
import ArgusResults
import Foundation

/// What is known of an evaluation beyond its folder — from the registry, where it was recorded —
/// shown at the top of its report: who and what it was, and how the model has been doing.
public struct RunContext: Sendable {
    /// (label, value) rows: model, dataset, date, Argus version, commit, command, settings.
    public var details: [(String, String)]
    /// The primary metric of the earlier recorded runs of the model on the dataset, oldest first,
    /// then this one: (label, value).
    public var trend: [(String, Double?)]
    /// The metric the trend follows.
    public var trendMetric: String
    /// Per label: (label, the previous run's value, this run's value).
    public var movers: [(String, Double?, Double?)]
    /// The per-label metric the movers compare.
    public var moverMetric: String

    /// - Parameters:
    ///   - details: (label, value) rows for the run-details table.
    ///   - trend: (label, value) of each recorded run of the model on the dataset, this one last.
    ///   - movers: (label, before, after) per label against the previous run.
    public init(
        details: [(String, String)], trend: [(String, Double?)] = [], trendMetric: String = "",
        movers: [(String, Double?, Double?)] = [], moverMetric: String = ""
    ) {
        self.details = details
        self.trend = trend
        self.trendMetric = trendMetric
        self.movers = movers
        self.moverMetric = moverMetric
    }

    /// The details an evaluation folder gives by itself (when it was not recorded).
    public static func of(_ run: EvaluationRun) -> RunContext {
        var details: [(String, String)] = [
            ("task", run.task), ("ground truth", run.metrics.inputs.groundTruth),
            ("predictions", run.metrics.inputs.predictions),
        ]
        switch run.metrics {
        case .detection(let file):
            details.append(("metric type", file.metricType.rawValue))
            details.append(("IoU threshold", formatNumber(file.iouThreshold)))
            details.append(("score threshold", formatNumber(file.confusionMatrix.scoreThreshold)))
        case .classification(let file):
            if let threshold = file.threshold { details.append(("label threshold", formatNumber(threshold))) }
        }
        return RunContext(details: details)
    }

    /// The report section: the details, the trend chart and the classes that moved most.
    func section() -> ReportDocument.Section {
        var blocks: [ReportDocument.Block] = [
            .table(
                .init(
                    id: "run_details", title: "Run details", settings: "", header: ["", ""],
                    rows: details.map { [.text($0.0), .text($0.1)] }, sortable: false))
        ]
        let defined = trend.enumerated().compactMap { index, point in point.1.map { (Double(index + 1), $0) } }
        if trend.count >= 2, !defined.isEmpty {
            let values = defined.map(\.1)
            let low = values.min() ?? 0
            let high = values.max() ?? 1
            let pad = max((high - low) * 0.15, 0.005)
            var chart = CurveChart(
                title: "Trend of \(trendMetric)", settings: "\(trend.count) recorded runs of the model on this dataset",
                xTitle: "run (oldest → this one)", yTitle: trendMetric,
                series: [.init(name: trendMetric, x: defined.map(\.0), y: values, color: Palette.category(0))])
            chart.xDomain = 0.5...(Double(trend.count) + 0.5)
            chart.yDomain = max(0, low - pad)...min(1.02, high + pad)
            blocks.append(
                .chart(
                    .init(
                        id: "trend", drawing: chart,
                        data: .object([
                            ("runs", .strings(trend.map(\.0))),
                            ("values", .array(trend.map { $0.1.map(PlainJSON.number) ?? .null })),
                        ]))))
        }
        let moving = movers.compactMap { label, before, after -> (String, Double, Double, Double)? in
            guard let before, let after else { return nil }
            return (label, before, after, after - before)
        }.sorted { abs($0.3) > abs($1.3) || (abs($0.3) == abs($1.3) && $0.0 < $1.0) }
        if !moving.isEmpty {
            blocks.append(
                .table(
                    .init(
                        id: "movers", title: "Classes that moved most since the previous run",
                        settings: moverMetric, header: ["class", "before", "now", "Δ"],
                        rows: moving.prefix(10).map { [.text($0.0), .number($0.1), .number($0.2), .delta($0.3)] })))
        }
        return .init(id: "run", title: "Run details", blocks: blocks)
    }

    /// One line for the summaries: the trend's last values.
    var summaryLine: String? {
        guard trend.count >= 2 else { return nil }
        let values = trend.suffix(5).map { $0.1.map { formatMetric($0) } ?? "—" }
        return "Trend of \(trendMetric) over the last \(min(5, trend.count)) runs: " + values.joined(separator: " → ")
    }
}
