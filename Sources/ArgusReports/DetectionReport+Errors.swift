import ArgusCharts
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// The confusion matrix, the error breakdowns (TIDE, score histograms, image-level hits).
extension DetectionReport {
    static func confusionSection(_ run: EvaluationRun, iou: Double, scoreThreshold: Double, images: Int)
        -> ReportDocument.Section?
    {
        guard let (labels, counts) = run.confusionMatrix else { return nil }
        let iouSetting = run.detectionMetrics?.confusionMatrix.iouThreshold ?? iou
        let settings =
            "IoU ≥ \(formatNumber(iouSetting)) · score ≥ \(formatNumber(scoreThreshold)) · \(images) images · last row and column: background"
        let big = labels.count > 30
        var blocks: [ReportDocument.Block] = []
        let raw = MatrixChart(
            title: "Confusion matrix (counts)", settings: settings, labels: labels, counts: counts, normalized: false,
            cellSize: big ? 14 : nil)
        // Where the cells are, so that a click on one filters the gallery (LinkedViews).
        let grid: PlainJSON = .numbers([raw.grid.x, raw.grid.y, raw.cellSize])
        let data: PlainJSON = .object([
            ("labels", .strings(labels)), ("counts", .array(counts.map { .numbers($0) })), ("grid", grid),
        ])
        let normalized = MatrixChart(
            title: "Confusion matrix (row-normalised)", settings: settings, labels: labels, counts: counts,
            normalized: true,
            cellSize: big ? 14 : nil)
        blocks.append(.chart(.init(id: "confusion_counts", drawing: raw, data: data, zoomable: big)))
        blocks.append(
            .chart(
                .init(
                    id: "confusion_normalized", drawing: normalized,
                    data: .object([
                        ("labels", .strings(labels)),
                        ("fractions", .array(normalized.rowFractions.map { .numbers($0) })), ("grid", grid),
                    ]), zoomable: big)))
        blocks.append(.table(largestConfusions(labels: labels, counts: counts, settings: settings)))
        return .init(id: "confusion", title: "Confusion matrix", blocks: blocks)
    }

    /// Rows of a per-class bar chart: all of them up to 100, else the 50 first and the 50 last
    /// (the table keeps every class); the note says so in the title.
    static func barRows<T>(_ sorted: [T]) -> ([T], String) {
        guard sorted.count > 100 else { return (sorted, "") }
        return (
            Array(sorted.prefix(50)) + Array(sorted.suffix(50)), ": the 50 first and 50 last of \(sorted.count) classes"
        )
    }

    /// What a TIDE error type is, in words (foreground IoU: the VOC threshold; background: 0.1).
    static func tideMeaning(_ type: TIDEBreakdown.ErrorType) -> String {
        switch type {
        case .classification: "wrong class, boxes overlap at the foreground IoU"
        case .localization: "right class, box overlaps between the background and the foreground IoU"
        case .both: "wrong class and a loose box"
        case .duplicate: "right class and place, but a better detection already took the object"
        case .background: "overlaps no object (IoU below the background IoU)"
        case .missed: "an object no detection found and no other error points at"
        }
    }

    /// The largest off-diagonal cells: which class is taken for which (background included).
    static func largestConfusions(labels: [String], counts: [[Double]], settings: String, limit: Int = 15)
        -> ReportDocument.Table
    {
        var cells: [(Int, Int, Double)] = []
        for i in counts.indices {
            for j in counts[i].indices where i != j && counts[i][j] > 0 { cells.append((i, j, counts[i][j])) }
        }
        cells.sort { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
        let rows: [[ReportDocument.Table.Cell]] = cells.prefix(limit).map { i, j, c in
            let rowTotal = counts[i].reduce(0, +)
            return [
                .text(labels[i]), .text(labels[j]), .count(Int(c)),
                .number(rowTotal > 0 ? c / rowTotal : nil, digits: 3),
            ]
        }
        return .init(
            id: "largest_confusions", title: "Largest confusions", settings: settings,
            header: ["ground truth", "predicted", "count", "share of row"], rows: rows)
    }

    static func errorSection(_ run: EvaluationRun, settingsLine: String, scoreThreshold: Double) -> ReportDocument
        .Section?
    {
        var blocks: [ReportDocument.Block] = []
        if let records = run.detections {
            var truePositives = UnitHistogram(bins: 20)
            var falsePositives = UnitHistogram(bins: 20)
            for i in 0..<records.count {
                switch records.outcome[i] {
                case .truePositive: truePositives.add(records.score[i])
                case .falsePositive: falsePositives.add(records.score[i])
                default: break
                }
            }
            blocks.append(
                ScoreHistogramGroup.block(
                    id: "score_histogram", title: "Scores of true and false positives", settingsLine: settingsLine,
                    xTitle: "detection score",
                    .init(
                        name: "true positives", key: "true_positives", histogram: truePositives,
                        color: Palette.truePositive),
                    .init(
                        name: "false positives", key: "false_positives", histogram: falsePositives,
                        color: Palette.falsePositive)))
        }
        if let tide = run.detectionMetrics?.tide {
            let types = TIDEBreakdown.ErrorType.allCases
            let kinds = types.map(\.rawValue)
            let chart = BarChart(
                title: "TIDE error breakdown: AP gained by fixing each error type",
                settings:
                    "foreground IoU \(formatNumber(tide.foregroundIoU)) · background IoU \(formatNumber(tide.backgroundIoU)) · \(run.imageCount ?? 0) images",
                categories: types.map { "\($0.rawValue) (\(tide.errors[$0] ?? 0))" },
                series: [
                    .init(name: "ΔAP", values: types.map { tide.deltaAP[$0] ?? nil }, color: Palette.falsePositive)
                ],
                valueTitle: "mAP gained (×100 = points)")
            blocks.append(
                .chart(
                    .init(
                        id: "tide", drawing: chart,
                        data: .object([
                            ("error_types", .strings(kinds)),
                            ("counts", .numbers(types.map { tide.errors[$0].map(Double.init) ?? .nan })),
                            ("delta_ap", .numbers(types.map { (tide.deltaAP[$0] ?? nil) ?? .nan })),
                        ]))))
            let rows: [[ReportDocument.Table.Cell]] = types.map { type in
                [
                    .text(type.rawValue), .count(tide.errors[type] ?? 0), .number(tide.deltaAP[type] ?? nil),
                    .text(tideMeaning(type)),
                ]
            }
            blocks.append(
                .table(
                    .init(
                        id: "tide_errors", title: "TIDE error types",
                        settings: "each false positive has one type; missed: objects no error explains",
                        header: ["error type", "count", "ΔAP", "what it is"], rows: rows, sortable: false)))
        }
        if let level = run.detectionMetrics?.imageLevel {
            // Without images that have no objects, no image can be a false positive or a true
            // negative: those rows and the precision (1 by construction) say nothing, and are left out.
            let hasEmptyImages = level.falsePositives + level.trueNegatives > 0
            var rows: [[ReportDocument.Table.Cell]] = [
                [.text("true positives"), .count(level.truePositives)],
                [.text("false negatives"), .count(level.falseNegatives)],
            ]
            if hasEmptyImages {
                rows += [
                    [.text("false positives"), .count(level.falsePositives)],
                    [.text("true negatives"), .count(level.trueNegatives)],
                    [.text("precision"), .number(level.precision)],
                ]
            }
            rows += [[.text("recall"), .number(level.recall)], [.text("accuracy"), .number(level.accuracy)]]
            blocks.append(
                .table(
                    .init(
                        id: "image_level", title: "Image-level hits",
                        settings:
                            "an image is a hit when it has a true positive at score ≥ \(formatNumber(level.scoreThreshold))",
                        header: ["measure", "value"], rows: rows, sortable: false)))
            if !hasEmptyImages {
                blocks.append(
                    .paragraph(
                        "Every image has objects, so none can be a false positive or a true negative: image-level "
                            + "precision would be 1 by construction and is left out, and accuracy equals recall."))
            }
        }
        return blocks.isEmpty ? nil : .init(id: "errors", title: "Scores and errors", blocks: blocks)
    }
}
