import ArgusCharts
import ArgusIO
import ArgusMetrics

extension ComparisonReport {
    /// Detectors' TIDE error breakdowns side by side: for each error type, the AP each model would
    /// gain by fixing it, and how many errors of that type it made (nil unless every run has TIDE).
    static func errorSection(_ runs: [EvaluationRun], names: [String]) -> ReportDocument.Section? {
        let breakdowns = runs.compactMap { $0.detectionMetrics?.tide }
        guard breakdowns.count == runs.count, let first = breakdowns.first else { return nil }
        let types = TIDEBreakdown.ErrorType.allCases
        let chart = BarChart(
            title: "TIDE error breakdown, side by side: AP gained by fixing each error type",
            settings: "foreground IoU \(formatNumber(first.foregroundIoU)) · background IoU "
                + "\(formatNumber(first.backgroundIoU)) · larger bars: more AP lost to that error",
            categories: types.map(\.rawValue),
            series: breakdowns.enumerated().map { k, tide in
                .init(name: names[k], values: types.map { tide.deltaAP[$0] ?? nil }, color: Palette.category(k))
            },
            valueTitle: "ΔAP if fixed")
        var header = ["error type"]
        for name in names { header += ["\(name) ΔAP", "\(name) errors"] }
        let rows: [[ReportDocument.Table.Cell]] = types.map { type in
            var row: [ReportDocument.Table.Cell] = [.text(type.rawValue)]
            for tide in breakdowns {
                row += [.number(tide.deltaAP[type] ?? nil), .count(tide.errors[type] ?? 0)]
            }
            return row
        }
        let table = ReportDocument.Table(
            id: "tide_side_by_side", title: "Errors by type", settings: "TIDE (Bolya et al. 2020), on the VOC matching",
            header: header, rows: rows, sortable: false)
        var members: [(String, PlainJSON)] = [("types", .strings(types.map(\.rawValue)))]
        for (k, tide) in breakdowns.enumerated() {
            let values: [Double] = types.map { (tide.deltaAP[$0] ?? nil) ?? .nan }
            members.append((names[k], .numbers(values)))
        }
        let data = PlainJSON.object(members)
        return .init(
            id: "errors", title: "Errors side by side",
            blocks: [.chart(.init(id: "tide_side_by_side", drawing: chart, data: data)), .table(table)])
    }
}
