import ArgusCharts
import ArgusIO

/// The histogram of scores of two groups — right and wrong predictions, true and false positives —
/// as a report block with its chart data (`edges` and each group's counts).
struct ScoreHistogramGroup {
    /// The legend's name.
    var name: String
    /// The group's key in the chart data.
    var key: String
    var histogram: UnitHistogram
    var color: Color

    static func block(
        id: String, title: String, settingsLine: String, xTitle: String,
        _ first: ScoreHistogramGroup, _ second: ScoreHistogramGroup
    ) -> ReportDocument.Block {
        let edges = first.histogram.edges
        let chart = HistogramChart(
            title: title, settings: settingsLine, edges: edges,
            series: [first, second].map { .init(name: $0.name, counts: $0.histogram.counts, color: $0.color) },
            xTitle: xTitle)
        let data: PlainJSON = .object([
            ("edges", .numbers(edges)), (first.key, .numbers(first.histogram.counts)),
            (second.key, .numbers(second.histogram.counts)),
        ])
        return .chart(.init(id: id, drawing: chart, data: data))
    }
}
