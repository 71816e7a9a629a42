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
        // The drawing starts at the tenth below the first score (the data keeps every bin).
        let filled = edges.indices.dropLast().first {
            first.histogram.counts[$0] > 0 || second.histogram.counts[$0] > 0
        }
        let start = filled.map { AxisRange.scores([edges[$0]]).lowerBound } ?? 0
        let skip = edges.dropLast().firstIndex { $0 >= start - 1e-9 } ?? 0
        var settings = settingsLine
        if skip > 0 { settings += " · score axis from \(formatNumber(edges[skip]))" }
        let chart = HistogramChart(
            title: title, settings: settings, edges: Array(edges[skip...]),
            series: [first, second].map {
                .init(name: $0.name, counts: Array($0.histogram.counts[skip...]), color: $0.color)
            },
            xTitle: xTitle)
        let data: PlainJSON = .object([
            ("edges", .numbers(edges)), (first.key, .numbers(first.histogram.counts)),
            (second.key, .numbers(second.histogram.counts)),
        ])
        return .chart(.init(id: id, drawing: chart, data: data))
    }
}
