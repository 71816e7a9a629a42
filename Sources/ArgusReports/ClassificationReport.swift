import ArgusCharts
import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// The report of a multi-class or multi-label classification evaluation.
public enum ClassificationReport {
    /// What a classification report shows.
    public struct Options {
        /// Classes drawn one by one in the curve charts (the most frequent).
        public var topClasses = 8
        /// Images in the gallery.
        public var galleryImages = 50
        /// Attribution grids at most.
        public var explanations = 12
        /// The defaults.
        public init() {}
    }

    /// The report document of a classification evaluation.
    public static func build(_ run: EvaluationRun, options: Options = Options()) -> ReportDocument {
        let images = run.imageCount ?? run.classifications?.count ?? 0
        let settingsLine =
            run.isMultilabel
            ? "\(images) images · label predicted when probability > \(formatNumber(run.classificationMetrics?.threshold ?? EvaluationDefaults.multilabelThreshold))"
            : "\(images) images · predicted class = highest probability"
        let frequent = run.perLabel.sorted { a, b in
            let x = a.values["support"] ?? 0
            let y = b.values["support"] ?? 0
            return x != y ? x > y : a.label < b.label
        }.map(\.label)
        var sections: [ReportDocument.Section] = [summarySection(run, settingsLine: settingsLine)]
        if !run.curves.precisionRecall.isEmpty || !run.curves.roc.isEmpty {
            sections.append(curvesSection(run, frequent: frequent, options: options, settingsLine: settingsLine))
        }
        if !run.perLabel.isEmpty { sections.append(perClassSection(run, settingsLine: settingsLine)) }
        if let (labels, counts) = run.confusionMatrix {
            let settings = "\(images) images · rows: true class · columns: predicted class"
            let big = labels.count > 30
            let raw = MatrixChart(
                title: "Confusion matrix (counts)", settings: settings, labels: labels, counts: counts,
                normalized: false, cellSize: big ? 14 : nil)
            let normalized = MatrixChart(
                title: "Confusion matrix (row-normalised)", settings: settings, labels: labels, counts: counts,
                normalized: true, cellSize: big ? 14 : nil)
            sections.append(
                .init(
                    id: "confusion", title: "Confusion matrix",
                    blocks: [
                        .chart(
                            .init(
                                id: "confusion_counts", drawing: raw,
                                data: .object([
                                    ("labels", .strings(labels)), ("counts", .array(counts.map { .numbers($0) })),
                                ]), zoomable: big)),
                        .chart(
                            .init(
                                id: "confusion_normalized", drawing: normalized,
                                data: .object([
                                    ("labels", .strings(labels)),
                                    ("fractions", .array(normalized.rowFractions.map { .numbers($0) })),
                                ]), zoomable: big)),
                        .table(DetectionReport.largestConfusions(labels: labels, counts: counts, settings: settings)),
                    ]))
        }
        if let calibration = calibrationSection(run, settingsLine: settingsLine) { sections.append(calibration) }
        if let gallery = gallerySection(run, options: options) { sections.append(gallery) }
        if let explanations = explanationSection(run, options: options) { sections.append(explanations) }
        sections.append(MetricGlossary.section(for: run))

        let primary = run.primaryMetric
        var headline: [(String, String)] = [
            (run.metricName(primary.name), primary.value.map { formatMetric($0) } ?? "—")
        ]
        for name in run.isMultilabel
            ? ["f1_score_micro", "hamming_loss", "AUC_macro"] : ["f1_score_macro", "AUC_macro", "log_loss"]
        where name != primary.name {
            if let v = run.scalar(name) { headline.append((run.metricName(name), formatMetric(v))) }
        }
        headline.append(("images", String(images)))
        var document = ReportDocument(
            title: "Evaluation report — \(run.name)", subtitle: "\(run.task) · \(settingsLine)", headline: headline,
            sections: sections)
        document.summaryLines = summaryLines(run)
        document.curveData = curveData(run)
        return document
    }

    static func summarySection(_ run: EvaluationRun, settingsLine: String) -> ReportDocument.Section {
        var rows: [[ReportDocument.Table.Cell]] = run.scalars.map {
            [.text(run.metricName($0.0)), .text($0.0), .number($0.1)]
        }
        for (key, value) in run.countRows { rows.append([.text(key), .text(""), .count(value)]) }
        var blocks: [ReportDocument.Block] = [
            .table(
                .init(
                    id: "summary", title: "All metrics", settings: settingsLine, header: ["metric", "key", "value"],
                    rows: rows, sortable: false))
        ]
        if let explorer = ThresholdExplorer.classification(run) ?? ThresholdExplorer.multilabel(run) {
            blocks.append(.explorer(explorer))
        }
        if let absent = run.classificationMetrics?.classesAbsent, !absent.isEmpty {
            blocks.append(
                .paragraph(
                    "Classes absent from the validation set (handled as scikit-learn does for each metric): "
                        + absent.joined(separator: ", ")))
        }
        return .init(id: "summary", title: "Summary", blocks: blocks)
    }

    static func curvesSection(_ run: EvaluationRun, frequent: [String], options: Options, settingsLine: String)
        -> ReportDocument.Section
    {
        let perLabel = Dictionary(uniqueKeysWithValues: run.perLabel.map { ($0.label, $0.values) })
        let shown = Array(frequent.filter { run.curves.precisionRecall[$0] != nil }.prefix(options.topClasses))
        var blocks: [ReportDocument.Block] = []
        func overlay(
            id: String, title: String, x: String, y: String, curves: [String: EvaluationRun.Curve], metric: String,
            metricName: String,
            micro: EvaluationRun.Curve?, macro: EvaluationRun.Curve?, guide: CurveChart.Guide
        ) {
            var series: [CurveChart.Series] = []
            var data: [(String, PlainJSON)] = []
            let others = frequent.filter { curves[$0] != nil && !shown.contains($0) }
            for label in others {
                var s = CurveChart.Series(
                    name: label, x: curves[label]!.x, y: curves[label]!.y, color: Palette.grid, width: 0.7)
                s.inLegend = false
                series.append(s)
            }
            for (i, label) in shown.enumerated() {
                guard let curve = curves[label] else { continue }
                let value = perLabel[label]?[metric]
                series.append(
                    .init(
                        name: "\(label) (\(metricName) \(value.map { formatMetric($0, digits: 3) } ?? "—"))",
                        x: curve.x, y: curve.y, color: Palette.category(i)))
                let kept = thinnedIndices(x: curve.x, y: curve.y)
                data.append(
                    (
                        label,
                        .object([
                            (x, .numbers(curve.x.picking(kept))), (y, .numbers(curve.y.picking(kept))),
                            (metric, .number(value)),
                        ])
                    ))
            }
            if let micro {
                let value = run.scalar(metric == "AUC" ? "AUC_micro" : "average_precision_score_micro")
                series.append(
                    .init(
                        name: "micro (\(metricName) \(value.map { formatMetric($0, digits: 3) } ?? "—"))", x: micro.x,
                        y: micro.y, color: Palette.text, width: 2.2))
                let kept = thinnedIndices(x: micro.x, y: micro.y)
                data.append(
                    ("micro", .object([(x, .numbers(micro.x.picking(kept))), (y, .numbers(micro.y.picking(kept)))])))
            }
            if let macro {
                let value = run.scalar(metric == "AUC" ? "AUC_macro" : "average_precision_score_macro")
                series.append(
                    .init(
                        name: "macro (\(metricName) \(value.map { formatMetric($0, digits: 3) } ?? "—"))", x: macro.x,
                        y: macro.y, color: Palette.text, width: 2, dash: [5, 3]))
                data.append(("macro", .object([(x, .numbers(macro.x)), (y, .numbers(macro.y))])))
            }
            var chart = CurveChart(
                title: title, settings: settingsLine, xTitle: x, yTitle: y, series: series, guide: guide)
            if !others.isEmpty {
                chart.extraLegend = [Legend.Entry(label: "other classes (\(others.count))", color: Palette.grid)]
            }
            chart.size = (560, 440)
            blocks.append(.chart(.init(id: id, drawing: chart, data: .object(data))))
        }
        let all = frequent.filter { run.curves.precisionRecall[$0] != nil }.count
        overlay(
            id: "pr_overlay",
            title: "Precision–recall: all \(all) classes (the \(shown.count) most frequent in colour), micro and macro",
            x: "recall", y: "precision",
            curves: run.curves.precisionRecall, metric: "average_precision", metricName: "AP",
            micro: run.curves.microPR, macro: run.curves.macroPR, guide: .isoF1)
        overlay(
            id: "roc_overlay",
            title: "ROC: all \(all) classes (the \(shown.count) most frequent in colour), micro and macro",
            x: "false positive rate", y: "true positive rate",
            curves: run.curves.roc, metric: "AUC", metricName: "AUC", micro: run.curves.microROC,
            macro: run.curves.macroROC, guide: .diagonal)
        // One precision-recall chart per frequent class.
        var perClass: [ReportDocument.Figure] = []
        for (i, label) in shown.enumerated() {
            guard let curve = run.curves.precisionRecall[label] else { continue }
            let ap = perLabel[label]?["average_precision"]
            let auc = perLabel[label]?["AUC"]
            var chart = CurveChart(
                title: "\(label): precision–recall",
                settings:
                    "AP \(ap.map { formatMetric($0, digits: 3) } ?? "—") · AUC \(auc.map { formatMetric($0, digits: 3) } ?? "—") · \(settingsLine)",
                xTitle: "recall", yTitle: "precision",
                series: [
                    .init(
                        name: "\(label) (AP \(ap.map { formatMetric($0, digits: 3) } ?? "—"))", x: curve.x, y: curve.y,
                        color: Palette.category(i), width: 1.8)
                ], guide: .isoF1)
            chart.size = (400, 300)
            let kept = thinnedIndices(x: curve.x, y: curve.y)
            perClass.append(
                .init(
                    id: "pr_class_\(label)", drawing: chart,
                    data: .object([
                        ("recall", .numbers(curve.x.picking(kept))), ("precision", .numbers(curve.y.picking(kept))),
                        ("average_precision", .number(ap)),
                    ])))
        }
        if !perClass.isEmpty { blocks.append(.grid(perClass)) }
        blocks.append(
            .paragraph(
                "Per class and micro as scikit-learn's precision_recall_curve and roc_curve; macro: each class's curve interpolated (np.interp) at 1,000 evenly spaced recalls (false positive rates) and averaged, as scikit-learn's documentation draws it."
            ))
        return .init(id: "curves", title: "Precision–recall and ROC curves", blocks: blocks)
    }

    static func perClassSection(_ run: EvaluationRun, settingsLine: String) -> ReportDocument.Section {
        let (entries, note) = DetectionReport.barRows(
            run.perLabel.sorted { a, b in
                let x = a.values["f1"] ?? -1
                let y = b.values["f1"] ?? -1
                return x != y ? x > y : a.label < b.label
            })
        let labels = entries.map { $0.label }
        func column(_ key: String) -> [Double?] { entries.map { $0.values[key] } }
        func filled(_ key: String) -> PlainJSON { .numbers(entries.map { $0.values[key] ?? .nan }) }
        let barSeries: [BarChart.Series] = [
            .init(name: "precision", values: column("precision"), color: Palette.category(0)),
            .init(name: "recall", values: column("recall"), color: Palette.category(1)),
            .init(name: "F1", values: column("f1"), color: Palette.category(2)),
        ]
        let axis = unitBarAxis(barSeries, settings: settingsLine)
        let bars = BarChart(
            title: "Per-class precision, recall and F1 (sorted by F1)\(note)", settings: axis.settings,
            categories: labels, series: barSeries, valueTitle: "value", domain: axis.domain)
        let support = countBars(
            BarChart(
                title: "Support per class (images with the class)\(note)", settings: settingsLine, categories: labels,
                series: [.init(name: "support", values: column("support"), color: Palette.groundTruth)],
                valueTitle: "images"))
        let header = ["class", "support", "precision", "recall", "F1", "AUC", "average precision"]
        let rows: [[ReportDocument.Table.Cell]] = run.perLabel.map { label, v in
            [
                .text(label), .count(v["support"].map { Int($0) }), .number(v["precision"]), .number(v["recall"]),
                .number(v["f1"]),
                .number(v["AUC"]), .number(v["average_precision"]),
            ]
        }
        return .init(
            id: "per-class", title: "Per-class results",
            blocks: [
                .chart(
                    .init(
                        id: "per_class_bars", drawing: bars,
                        data: .object([
                            ("labels", .strings(labels)), ("precision", filled("precision")),
                            ("recall", filled("recall")), ("f1", filled("f1")),
                        ]))),
                .chart(
                    .init(
                        id: "support_bars", drawing: support,
                        data: .object([("labels", .strings(labels)), ("support", filled("support"))]))),
                .table(
                    .init(
                        id: "per_class_table", title: "Per-class results",
                        settings: settingsLine, header: header, rows: rows)),
            ])
    }

    static func calibrationSection(_ run: EvaluationRun, settingsLine: String) -> ReportDocument.Section? {
        var blocks: [ReportDocument.Block] = []
        if let calibration = run.classificationMetrics?.calibration {
            let parsed = calibration.bins.map { bin in
                ReliabilityChart.Bin(
                    lower: bin.lower, upper: bin.upper, count: bin.count, confidence: bin.confidence,
                    accuracy: bin.accuracy)
            }
            let ece = calibration.expectedCalibrationError
            let chart = ReliabilityChart(
                title: "Reliability diagram",
                settings:
                    "\(parsed.count) equal-width bins · ECE \(ece.map { formatMetric($0) } ?? "—") · \(settingsLine)",
                bins: parsed)
            blocks.append(
                .chart(
                    .init(
                        id: "reliability", drawing: chart,
                        data: .object([
                            ("lower", .numbers(parsed.map(\.lower))), ("upper", .numbers(parsed.map(\.upper))),
                            ("count", .numbers(parsed.map { Double($0.count) })),
                            ("confidence", .numbers(parsed.map { $0.confidence ?? .nan })),
                            ("accuracy", .numbers(parsed.map { $0.accuracy ?? .nan })),
                            ("expected_calibration_error", .number(ece)),
                        ]))))
            blocks.append(
                .paragraph(
                    "The number above each bar is its bin's sample count; bins with fewer samples are drawn paler, "
                        + "since their accuracy says less."))
        }
        if let records = run.classifications, !records.isEmpty {
            var rightHistogram = UnitHistogram(bins: 20)
            var wrongHistogram = UnitHistogram(bins: 20)
            for r in records { if r.correct { rightHistogram.add(r.score) } else { wrongHistogram.add(r.score) } }
            blocks.append(
                ScoreHistogramGroup.block(
                    id: "confidence_histogram", title: "Confidence of right and wrong predictions",
                    settingsLine: settingsLine, xTitle: "probability of the predicted class",
                    .init(name: "right", key: "right", histogram: rightHistogram, color: Palette.truePositive),
                    .init(name: "wrong", key: "wrong", histogram: wrongHistogram, color: Palette.falsePositive)))
        }
        return blocks.isEmpty ? nil : .init(id: "calibration", title: "Confidence and calibration", blocks: blocks)
    }

    static func summaryLines(_ run: EvaluationRun) -> [String] {
        var lines: [String] = []
        let f1 = run.perLabel.compactMap { e in e.values["f1"].map { (e.label, $0) } }.sorted {
            $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0
        }
        if f1.count >= 2 {
            lines.append(
                "Best classes (F1): "
                    + f1.prefix(3).map { "\($0.0) \(formatMetric($0.1, digits: 3))" }.joined(separator: ", "))
            lines.append(
                "Worst classes (F1): "
                    + f1.suffix(3).reversed().map { "\($0.0) \(formatMetric($0.1, digits: 3))" }.joined(separator: ", ")
            )
        }
        if let (labels, counts) = run.confusionMatrix,
            let top = DetectionReport.largestConfusions(labels: labels, counts: counts, settings: "", limit: 1).rows
                .first
        {
            lines.append("Most frequent confusion: \(top[0].text) → \(top[1].text) (\(top[2].text))")
        }
        if let ece = run.scalar("expected_calibration_error") {
            lines.append("Expected calibration error: \(formatMetric(ece))")
        }
        return lines
    }

    static func curveData(_ run: EvaluationRun) -> PlainJSON {
        var members: [(String, PlainJSON)] = []
        for (label, curve) in run.curves.precisionRecall.sorted(by: { $0.key < $1.key }) {
            let roc = run.curves.roc[label]
            let kept = thinnedIndices(x: curve.x, y: curve.y)
            let rocKept = roc.map { thinnedIndices(x: $0.x, y: $0.y) } ?? []
            members.append(
                (
                    label,
                    .object([
                        (
                            "pr",
                            .object([
                                ("recall", .numbers(curve.x.picking(kept))),
                                ("precision", .numbers(curve.y.picking(kept))),
                                ("thresholds", .numbers(curve.thresholds.picking(kept))),
                            ])
                        ),
                        (
                            "roc",
                            roc.map {
                                .object([
                                    ("fpr", .numbers($0.x.picking(rocKept))), ("tpr", .numbers($0.y.picking(rocKept))),
                                    ("thresholds", .numbers($0.thresholds.picking(rocKept))),
                                ])
                            } ?? .null
                        ),
                    ])
                ))
        }
        return .object(members)
    }
}

/// Standard base64 decoding (for `visualizations` PNGs).
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var body = text
        if let comma = body.firstIndex(of: ","), body.hasPrefix("data:") {
            body = String(body[body.index(after: comma)...])
        }
        return Data(base64Encoded: body, options: .ignoreUnknownCharacters).map { Array($0) }
    }
}
