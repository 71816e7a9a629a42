import ArgusCharts
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// The report of a detection or instance-segmentation evaluation.
public enum DetectionReport {
    /// What a detection report shows.
    public struct Options {
        /// Classes drawn individually in the PR overlay and the confidence charts.
        public var topClasses = 8
        /// Images in the gallery.
        public var galleryImages = 50
        /// The defaults.
        public init() {}
    }

    /// The report document of a detection or segmentation evaluation.
    public static func build(_ run: EvaluationRun, options: Options = Options()) -> ReportDocument {
        let file = run.detectionMetrics
        let iou = file?.iouThreshold ?? EvaluationDefaults.iouThreshold
        let scoreThreshold = file?.confusionMatrix.scoreThreshold ?? EvaluationDefaults.scoreThreshold
        let images = run.imageCount ?? 0
        let kind = run.task == "image_instance_segmentation" ? "masks" : "boxes"
        let settingsLine =
            "IoU ≥ \(formatNumber(iou)) (\(kind)) · \(images) images · \((file?.metricType ?? .voc).rawValue) metrics"
        var sections: [ReportDocument.Section] = []
        let perLabel = run.perLabel
        // Classes by ground-truth count (most frequent first), then name.
        let frequent = perLabel.sorted { a, b in
            let ca = a.values["ground_truth"] ?? 0
            let cb = b.values["ground_truth"] ?? 0
            return ca != cb ? ca > cb : a.label < b.label
        }.map(\.label)

        sections.append(summarySection(run, settingsLine: settingsLine))
        if let coco = cocoSection(run) { sections.append(coco) }
        if !run.curves.precisionRecall.isEmpty {
            sections.append(curvesSection(run, frequent: frequent, options: options, settingsLine: settingsLine))
        }
        sections.append(perClassSection(run, settingsLine: settingsLine))
        if let confusion = confusionSection(run, iou: iou, scoreThreshold: scoreThreshold, images: images) {
            sections.append(confusion)
        }
        if let errors = errorSection(run, settingsLine: settingsLine, scoreThreshold: scoreThreshold) {
            sections.append(errors)
        }
        if let gallery = gallerySection(run, options: options, iou: iou, scoreThreshold: scoreThreshold) {
            sections.append(gallery)
        }
        sections.append(MetricGlossary.section(for: run))

        let primary = run.primaryMetric
        var headline: [(String, String)] = [
            (run.metricName(primary.name), primary.value.map { formatMetric($0) } ?? "—")
        ]
        for name in ["precision", "recall"] where name != primary.name {
            if let v = run.scalar(name) { headline.append((run.metricName(name), formatMetric(v))) }
        }
        if let ap = run.detectionMetrics?.coco?.stats.first {
            headline.append((MetricGlossary.cocoEntry(.ap).name, ap < 0 ? "—" : formatMetric(ap)))
        }
        headline.append(("images", String(images)))
        var document = ReportDocument(
            title: "Evaluation report — \(run.name)", subtitle: "\(run.task) · \(settingsLine)", headline: headline,
            sections: sections)
        document.summaryLines = summaryLines(run, frequent: frequent)
        document.curveData = curveData(run)
        return document
    }

    // MARK: Sections

    static func summarySection(_ run: EvaluationRun, settingsLine: String) -> ReportDocument.Section {
        var rows: [[ReportDocument.Table.Cell]] = run.scalars.map {
            [.text(run.metricName($0.0)), .text($0.0), .number($0.1)]
        }
        for (key, value) in run.countRows { rows.append([.text(key), .text(""), .count(value)]) }
        if let file = run.detectionMetrics {
            rows.append([.text("metric type"), .text("metric_type"), .text(file.metricType.rawValue)])
            rows.append([.text("iou threshold"), .text("iou_threshold"), .text(formatNumber(file.iouThreshold))])
            if let interpolation = file.interpolation {
                rows.append([.text("interpolation"), .text("interpolation"), .text(interpolation.rawValue)])
            }
        }
        let table = ReportDocument.Table(
            id: "summary", title: "Figures and settings", settings: settingsLine, header: ["metric", "key", "value"],
            rows: rows, sortable: false)
        let notes = (run.detectionMetrics?.notes ?? []).map { ReportDocument.Block.paragraph("Note: " + $0) }
        let explorer = ThresholdExplorer.detection(run).map { [ReportDocument.Block.explorer($0)] } ?? []
        return .init(id: "summary", title: "Summary", blocks: [.table(table)] + notes + explorer)
    }

    static func cocoSection(_ run: EvaluationRun) -> ReportDocument.Section? {
        guard let coco = run.detectionMetrics?.coco else { return nil }
        let rows: [[ReportDocument.Table.Cell]] = zip(COCOStatistic.allCases, coco.stats).map { statistic, v in
            [.text(statistic.name), .text(statistic.definition), v < 0 ? .text("−1 (undefined)") : .number(v)]
        }
        let table = ReportDocument.Table(
            id: "coco_summary", title: "COCO summary (pycocotools order)",
            settings: "iou type \(coco.iouType.rawValue) · −1 where pycocotools reports −1",
            header: ["statistic", "definition", "value"], rows: rows, sortable: false)
        return .init(id: "coco", title: "COCO summary", blocks: [.table(table)])
    }

    static func curvesSection(_ run: EvaluationRun, frequent: [String], options: Options, settingsLine: String)
        -> ReportDocument.Section
    {
        let ap: [String: Double] = Dictionary(
            uniqueKeysWithValues: run.perLabel.compactMap { e in e.values["average_precision"].map { (e.label, $0) } })
        let shown = frequent.filter { run.curves.precisionRecall[$0] != nil }.prefix(options.topClasses)
        var series: [CurveChart.Series] = []
        var data: [(String, PlainJSON)] = []
        // Every other class, thin and grey underneath.
        let others = frequent.filter { run.curves.precisionRecall[$0] != nil && !shown.contains($0) }
        var otherData: [(String, PlainJSON)] = []
        for label in others {
            let curve = run.curves.precisionRecall[label]!
            var s = CurveChart.Series(name: label, x: curve.x, y: curve.y, color: Palette.grid, width: 0.7)
            s.inLegend = false
            series.append(s)
            let kept = thinnedIndices(x: curve.x, y: curve.y)
            otherData.append(
                (
                    label,
                    .object([
                        ("recall", .numbers(curve.x.picking(kept))), ("precision", .numbers(curve.y.picking(kept))),
                        ("average_precision", .number(ap[label])),
                    ])
                ))
        }
        if !otherData.isEmpty { data.append(("other_classes", .object(otherData))) }
        for (i, label) in shown.enumerated() {
            let curve = run.curves.precisionRecall[label]!
            let name = "\(label) (AP \(ap[label].map { formatMetric($0, digits: 3) } ?? "—"))"
            series.append(.init(name: name, x: curve.x, y: curve.y, color: Palette.category(i)))
            let kept = thinnedIndices(x: curve.x, y: curve.y)
            data.append(
                (
                    label,
                    .object([
                        ("recall", .numbers(curve.x.picking(kept))), ("precision", .numbers(curve.y.picking(kept))),
                        ("average_precision", .number(ap[label])),
                    ])
                ))
        }
        let micro = microCurve(run)
        let macro = macroCurve(run)
        if let micro {
            series.append(
                .init(
                    name: "micro (all detections)", x: micro.recall, y: micro.precision, color: Palette.text, width: 2.2
                ))
            let kept = thinnedIndices(x: micro.recall, y: micro.precision)
            data.append(
                (
                    "micro",
                    .object([
                        ("recall", .numbers(micro.recall.picking(kept))),
                        ("precision", .numbers(micro.precision.picking(kept))),
                    ])
                ))
        }
        if let macro {
            series.append(
                .init(
                    name: "macro (mean of classes)", x: macro.recall, y: macro.precision, color: Palette.text, width: 2,
                    dash: [5, 3]))
            data.append(
                ("macro", .object([("recall", .numbers(macro.recall)), ("precision", .numbers(macro.precision))])))
        }
        var overlay = CurveChart(
            title:
                "Precision–recall: all \(others.count + shown.count) classes (the \(shown.count) most frequent in colour), micro and macro",
            settings: settingsLine, xTitle: "recall", yTitle: "precision", series: series, guide: .isoF1)
        if !others.isEmpty {
            overlay.extraLegend = [Legend.Entry(label: "other classes (\(others.count))", color: Palette.grid)]
        }
        overlay.size = (620, 460)
        var blocks: [ReportDocument.Block] = [.chart(.init(id: "pr_overlay", drawing: overlay, data: .object(data)))]
        // One chart per frequent class.
        var perClass: [ReportDocument.Figure] = []
        for (i, label) in shown.enumerated() {
            let curve = run.curves.precisionRecall[label]!
            var chart = CurveChart(
                title: "\(label): precision–recall",
                settings: "AP \(ap[label].map { formatMetric($0, digits: 3) } ?? "—") · \(settingsLine)",
                xTitle: "recall", yTitle: "precision",
                series: [
                    .init(
                        name: "\(label) (AP \(ap[label].map { formatMetric($0, digits: 3) } ?? "—"))", x: curve.x,
                        y: curve.y,
                        color: Palette.category(i), width: 1.8)
                ], guide: .isoF1)
            chart.size = (400, 300)
            let kept = thinnedIndices(x: curve.x, y: curve.y)
            perClass.append(
                .init(
                    id: "pr_class_\(label)", drawing: chart,
                    data: .object([
                        ("recall", .numbers(curve.x.picking(kept))), ("precision", .numbers(curve.y.picking(kept))),
                        ("average_precision", .number(ap[label])),
                    ])))
        }
        if !perClass.isEmpty { blocks.append(.grid(perClass)) }
        blocks.append(
            .paragraph(
                "Micro: every counted detection of every class in one ranking, recall over all ground truth. "
                    + "Macro: at each recall, each class's best precision at that recall or more (the all-point envelope), averaged over the classes with ground truth."
            ))
        // Precision, recall and F1 against the confidence threshold, best-F1 marked.
        var figures: [ReportDocument.Figure] = []
        for label in shown {
            let curve = run.curves.precisionRecall[label]!
            guard !curve.thresholds.isEmpty else { continue }
            let best = run.curves.bestF1[label]
            var chart = CurveChart(
                title: "\(label): precision, recall, F1 vs confidence",
                settings: best.map {
                    "best F1 \(formatMetric($0.f1, digits: 3)) at score ≥ \(formatMetric($0.threshold, digits: 3))"
                } ?? "no detections",
                xTitle: "score threshold", yTitle: "value",
                series: [
                    .init(name: "precision", x: curve.thresholds, y: curve.y, color: Palette.category(0)),
                    .init(name: "recall", x: curve.thresholds, y: curve.x, color: Palette.category(1)),
                    .init(
                        name: "F1", x: curve.thresholds, y: curve.f1, color: Palette.category(2), width: 2,
                        marker: best.map { (x: $0.threshold, y: $0.f1) }),
                ])
            chart.size = (400, 300)
            // The score axis starts where the scores start (a model that keeps only scores ≥ 0.4).
            chart.xDomain = AxisRange.scores(curve.thresholds)
            if chart.xDomain.lowerBound > 0 {
                chart.settings += " · score axis from \(formatNumber(chart.xDomain.lowerBound))"
            }
            let kept = thinnedIndices(x: curve.thresholds, y: curve.f1.isEmpty ? curve.y : curve.f1)
            figures.append(
                .init(
                    id: "confidence_\(label)", drawing: chart,
                    data: .object([
                        ("threshold", .numbers(curve.thresholds.picking(kept))),
                        ("precision", .numbers(curve.y.picking(kept))),
                        ("recall", .numbers(curve.x.picking(kept))), ("f1", .numbers(curve.f1.picking(kept))),
                        (
                            "best_f1",
                            best.map { .object([("threshold", .number($0.threshold)), ("f1", .number($0.f1))]) }
                                ?? .null
                        ),
                    ])))
        }
        if !figures.isEmpty { blocks.append(.grid(figures)) }
        return .init(id: "curves", title: "Precision and recall", blocks: blocks)
    }

    /// All classes' counted detections in one ranking (score descending; a detection is a true
    /// positive where its class's recall rises). Recall over all ground truth.
    static func microCurve(_ run: EvaluationRun) -> (recall: [Double], precision: [Double])? {
        var scored: [(Double, Bool)] = []
        var truth = 0.0
        for (label, values) in run.perLabel {
            truth += values["ground_truth"] ?? 0
            guard let curve = run.curves.precisionRecall[label] else { continue }
            var previous = 0.0
            for i in 0..<min(curve.x.count, curve.thresholds.count) {
                scored.append((curve.thresholds[i], curve.x[i] > previous))
                previous = curve.x[i]
            }
        }
        guard truth > 0, !scored.isEmpty else { return nil }
        scored.sort { $0.0 > $1.0 }
        var tp = 0.0
        var recall: [Double] = []
        var precision: [Double] = []
        recall.reserveCapacity(scored.count)
        precision.reserveCapacity(scored.count)
        for (i, item) in scored.enumerated() {
            if item.1 { tp += 1 }
            recall.append(tp / truth)
            precision.append(tp / Double(i + 1))
        }
        return (recall, precision)
    }

    /// At recalls 0, 0.01, …, 1: each class's highest precision at that recall or more (0 where
    /// the class never reaches it), averaged over the classes with ground truth.
    static func macroCurve(_ run: EvaluationRun) -> (recall: [Double], precision: [Double])? {
        let grid = (0...100).map { Double($0) / 100 }
        var sum = [Double](repeating: 0, count: grid.count)
        var used = 0
        for (label, values) in run.perLabel where (values["ground_truth"] ?? 0) > 0 {
            used += 1
            guard let curve = run.curves.precisionRecall[label], !curve.x.isEmpty else { continue }
            // Envelope from the right: best precision at recall ≥ r.
            var envelope = curve.y
            for i in stride(from: envelope.count - 2, through: 0, by: -1) {
                envelope[i] = max(envelope[i], envelope[i + 1])
            }
            var j = 0
            for (k, r) in grid.enumerated() {
                while j < curve.x.count && curve.x[j] < r - 1e-12 { j += 1 }
                if j < curve.x.count { sum[k] += envelope[j] }
            }
        }
        guard used > 0 else { return nil }
        return (grid, sum.map { $0 / Double(used) })
    }

    static func perClassSection(_ run: EvaluationRun, settingsLine: String) -> ReportDocument.Section {
        let perLabel = run.perLabel
        let cocoPer = run.detectionMetrics?.coco?.perCategory
        var blocks: [ReportDocument.Block] = []
        if !perLabel.isEmpty {
            let (byAP, apNote) = barRows(
                perLabel.sorted { a, b in
                    let x = a.values["average_precision"] ?? -1
                    let y = b.values["average_precision"] ?? -1
                    return x != y ? x > y : a.label < b.label
                })
            let labels = byAP.map { $0.label }
            func column(_ key: String) -> [Double?] { byAP.map { $0.values[key] } }
            func filled(_ key: String) -> PlainJSON { .numbers(byAP.map { $0.values[key] ?? .nan }) }
            let barSeries: [BarChart.Series] = [
                .init(name: "AP", values: column("average_precision"), color: Palette.category(0)),
                .init(name: "precision", values: column("precision"), color: Palette.category(1)),
                .init(name: "recall", values: column("recall"), color: Palette.category(2)),
            ]
            let axis = unitBarAxis(barSeries, settings: settingsLine)
            let bars = BarChart(
                title: "Per-class AP, precision and recall (sorted by AP)\(apNote)", settings: axis.settings,
                categories: labels, series: barSeries, valueTitle: "value", domain: axis.domain)
            blocks.append(
                .chart(
                    .init(
                        id: "per_class_bars", drawing: bars,
                        data: .object([
                            ("labels", .strings(labels)), ("average_precision", filled("average_precision")),
                            ("precision", filled("precision")), ("recall", filled("recall")),
                        ]))))
            let (bySupport, supportNote) = barRows(
                perLabel.sorted { a, b in
                    let x = a.values["ground_truth"] ?? 0
                    let y = b.values["ground_truth"] ?? 0
                    return x != y ? x > y : a.label < b.label
                })
            let truthCounts: [Double?] = bySupport.map { $0.values["ground_truth"] }
            let detectionCounts: [Double?] = bySupport.map { $0.values["detections"] }
            let supportLabels = bySupport.map { $0.label }
            let support = countBars(
                BarChart(
                    title: "Ground-truth objects and detections per class\(supportNote)", settings: settingsLine,
                    categories: supportLabels,
                    series: [
                        .init(name: "ground truth", values: truthCounts, color: Palette.groundTruth),
                        .init(name: "detections", values: detectionCounts, color: Palette.category(4)),
                    ],
                    valueTitle: "count"))
            blocks.append(
                .chart(
                    .init(
                        id: "support_bars", drawing: support,
                        data: .object([
                            ("labels", .strings(supportLabels)),
                            ("ground_truth", .numbers(truthCounts.map { $0 ?? .nan })),
                            ("detections", .numbers(detectionCounts.map { $0 ?? .nan })),
                        ]))))
        } else if let cocoPer {
            let entries = cocoPer.sorted { a, b in
                let x = a.ap ?? -1
                let y = b.ap ?? -1
                return x != y ? x > y : a.name < b.name
            }
            let barSeries: [BarChart.Series] = [
                .init(name: "AP", values: entries.map(\.ap), color: Palette.category(0)),
                .init(name: "AP50", values: entries.map(\.ap50), color: Palette.category(1)),
            ]
            let axis = unitBarAxis(barSeries, settings: settingsLine)
            let bars = BarChart(
                title: "Per-category COCO AP (sorted)", settings: axis.settings, categories: entries.map(\.name),
                series: barSeries, valueTitle: "value", domain: axis.domain)
            blocks.append(
                .chart(
                    .init(
                        id: "per_class_bars", drawing: bars,
                        data: .object([
                            ("labels", .strings(entries.map(\.name))), ("AP", .numbers(entries.map { $0.ap ?? .nan })),
                            ("AP50", .numbers(entries.map { $0.ap50 ?? .nan })),
                        ]))))
        }
        // The sortable table: one row per class of either source.
        var names = perLabel.map(\.label)
        for category in cocoPer ?? [] where !names.contains(category.name) { names.append(category.name) }
        var cocoByName: [String: DetectionMetricsFile.COCOSection.Category] = [:]
        for category in cocoPer ?? [] where cocoByName[category.name] == nil { cocoByName[category.name] = category }
        let values = Dictionary(uniqueKeysWithValues: perLabel.map { ($0.label, $0.values) })
        let header = [
            "class", "ground truth", "detections", "AP", "precision", "recall", "best F1", "at score", "COCO AP",
            "COCO AP50",
        ]
        let rows: [[ReportDocument.Table.Cell]] = names.map { name in
            let v = values[name] ?? [:]
            let best = run.curves.bestF1[name]
            let truthCount = v["ground_truth"].map { Int($0) }
            let detectionCount = v["detections"].map { Int($0) }
            return [
                .text(name), .count(truthCount), .count(detectionCount),
                .number(v["average_precision"]), .number(v["precision"]), .number(v["recall"]),
                .number(best?.f1), .number(best?.threshold, digits: 3),
                .number(cocoByName[name]?.ap), .number(cocoByName[name]?.ap50),
            ]
        }
        blocks.append(
            .table(
                .init(
                    id: "per_class_table", title: "Per-class results",
                    settings: settingsLine,
                    header: header, rows: rows)))
        return .init(id: "per-class", title: "Per-class results", blocks: blocks)
    }

    // MARK: Summary and data

    static func summaryLines(_ run: EvaluationRun, frequent: [String]) -> [String] {
        var lines: [String] = run.detectionMetrics?.notes ?? []
        let per = run.perLabel.compactMap { entry -> (String, Double)? in
            entry.values["average_precision"].map { (entry.label, $0) }
        }
        if per.count >= 2 {
            let sorted = per.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            lines.append(
                "Best classes (AP): "
                    + sorted.prefix(3).map { "\($0.0) \(formatMetric($0.1, digits: 3))" }.joined(separator: ", "))
            lines.append(
                "Worst classes (AP): "
                    + sorted.suffix(3).reversed().map { "\($0.0) \(formatMetric($0.1, digits: 3))" }.joined(
                        separator: ", "))
        }
        let deltas: [(String, Double)] =
            (run.detectionMetrics?.tide).map { tide in
                TIDEBreakdown.ErrorType.allCases.compactMap { type -> (String, Double)? in
                    guard let value = tide.deltaAP[type] ?? nil else { return nil }
                    return (type.rawValue, value)
                }
            } ?? []
        if let tide = deltas.max(by: { $0.1 < $1.1 }) {
            lines.append("Largest error type (TIDE): \(tide.0), +\(formatMetric(tide.1, digits: 3)) mAP if fixed")
        }
        if let (labels, counts) = run.confusionMatrix {
            let top = largestConfusions(labels: labels, counts: counts, settings: "", limit: 1).rows.first
            if let top { lines.append("Most frequent confusion: \(top[0].text) → \(top[1].text) (\(top[2].text))") }
        }
        return lines
    }

    static func curveData(_ run: EvaluationRun) -> PlainJSON {
        .object(
            run.curves.precisionRecall.sorted { $0.key < $1.key }.map { label, curve in
                let kept = thinnedIndices(x: curve.x, y: curve.y)
                return (
                    label,
                    .object([
                        ("score", .numbers(curve.thresholds.picking(kept))),
                        ("recall", .numbers(curve.x.picking(kept))),
                        ("precision", .numbers(curve.y.picking(kept))),
                    ])
                )
            })
    }
}
