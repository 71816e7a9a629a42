import ArgusCharts
import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// Several models evaluated on the same data, side by side; the first is the baseline.
public enum ComparisonReport {
    /// Metrics where lower is better (their deltas are coloured the other way round).
    static let lowerIsBetter: Set<String> = ["log_loss", "hamming_loss", "expected_calibration_error"]

    /// The comparison of two or more evaluations of one task; the first is the baseline.
    /// - Throws: `DataError` when the tasks differ.
    public static func build(_ runs: [EvaluationRun], galleryImages: Int = 24) throws -> ReportDocument {
        guard let base = runs.first else {
            throw DataError(.invalidData, SourceLocation(file: "."), "nothing to compare")
        }
        for run in runs.dropFirst() where run.task != base.task {
            throw DataError(
                .invalidData, SourceLocation(file: run.folder + "/metrics.json"), field: "task",
                "\(run.task) cannot be compared with \(base.folder)'s \(base.task)")
        }
        let names = uniqueNames(runs)
        var sections: [ReportDocument.Section] = [metricsSection(runs, names: names)]
        if let curves = curvesSection(runs, names: names) { sections.append(curves) }
        if let perClass = perClassSection(runs, names: names) { sections.append(perClass) }
        if let errors = errorSection(runs, names: names) { sections.append(errors) }
        if galleryImages > 0,
            let gallery = base.isDetection
                ? detectionDisagreements(runs, names: names, limit: galleryImages)
                : classificationDisagreements(runs, names: names, limit: galleryImages)
        {
            sections.append(gallery)
        }
        let primary = base.primaryMetric.name
        var headline: [(String, String)] = []
        for (k, run) in runs.enumerated() {
            let value = run.primaryMetric.value
            var text = value.map { formatMetric($0) } ?? "—"
            if k > 0, let value, let baseline = base.primaryMetric.value {
                let delta = value - baseline
                text += " (" + (delta >= 0 ? "+" : "") + formatMetric(delta) + ")"
            }
            headline.append(("\(names[k]): \(base.metricName(primary))", text))
        }
        var document = ReportDocument(
            title: "Model comparison — " + names.joined(separator: " vs "),
            subtitle: "\(base.task) · \(base.imageCount ?? 0) images · baseline: \(names[0])", headline: headline,
            sections: sections)
        document.summaryLines = summaryLines(runs, names: names)
        return document
    }

    static func uniqueNames(_ runs: [EvaluationRun]) -> [String] {
        var seen: [String: Int] = [:]
        return runs.map { run in
            seen[run.name, default: 0] += 1
            return seen[run.name]! > 1 ? "\(run.name) (\(seen[run.name]!))" : run.name
        }
    }

    static func metricsSection(_ runs: [EvaluationRun], names: [String]) -> ReportDocument.Section {
        var metricNames: [String] = []
        for run in runs { for (name, _) in run.scalars where !metricNames.contains(name) { metricNames.append(name) } }
        var extra: [(String, (EvaluationRun) -> Double?)] = []
        if runs[0].detectionMetrics?.coco != nil {
            for statistic in COCOStatistic.allCases {
                extra.append(("coco.\(statistic.name)", { run in run.detectionMetrics?.coco?.value(statistic) }))
            }
        }
        var header = ["metric"] + names
        for name in names.dropFirst() { header.append("Δ \(name)") }
        var rows: [[ReportDocument.Table.Cell]] = []
        let getters: [(String, (EvaluationRun) -> Double?)] =
            metricNames.map { name in (name, { $0.scalar(name) }) } + extra
        for (name, get) in getters {
            let values = runs.map(get)
            var row: [ReportDocument.Table.Cell] = [.text(runs[0].metricName(name))] + values.map { .number($0) }
            for v in values.dropFirst() {
                var cell = ReportDocument.Table.Cell.delta(difference(v, values[0]))
                if lowerIsBetter.contains(name) {
                    cell.tone = cell.tone == .better ? .worse : (cell.tone == .worse ? .better : .plain)
                }
                row.append(cell)
            }
            rows.append(row)
        }
        return .init(
            id: "metrics", title: "Metrics side by side",
            blocks: [
                .table(
                    .init(
                        id: "metrics_side_by_side", title: "Metrics",
                        settings: "Δ: model minus baseline (\(names[0])); blue better, orange worse",
                        header: header, rows: rows))
            ])
    }

    static func curvesSection(_ runs: [EvaluationRun], names: [String]) -> ReportDocument.Section? {
        var series: [CurveChart.Series] = []
        var data: [(String, PlainJSON)] = []
        for (k, run) in runs.enumerated() {
            let micro: (recall: [Double], precision: [Double])?
            let macro: (recall: [Double], precision: [Double])?
            if run.isDetection {
                micro = DetectionReport.microCurve(run)
                macro = DetectionReport.macroCurve(run)
            } else {
                micro = run.curves.microPR.map { ($0.x, $0.y) }
                macro = run.curves.macroPR.map { ($0.x, $0.y) }
            }
            if let micro {
                series.append(
                    .init(
                        name: "\(names[k]) micro", x: micro.recall, y: micro.precision, color: Palette.category(k),
                        width: 2))
                let kept = thinnedIndices(x: micro.recall, y: micro.precision)
                data.append(
                    (
                        "\(names[k]) micro",
                        .object([
                            ("recall", .numbers(micro.recall.picking(kept))),
                            ("precision", .numbers(micro.precision.picking(kept))),
                        ])
                    ))
            }
            if let macro {
                series.append(
                    .init(
                        name: "\(names[k]) macro", x: macro.recall, y: macro.precision, color: Palette.category(k),
                        width: 1.6, dash: [5, 3]))
                data.append(
                    (
                        "\(names[k]) macro",
                        .object([("recall", .numbers(macro.recall)), ("precision", .numbers(macro.precision))])
                    ))
            }
        }
        guard !series.isEmpty else { return nil }
        var chart = CurveChart(
            title: "Precision–recall, micro and macro, per model",
            settings: "\(runs[0].imageCount ?? 0) images · solid: micro · dashed: macro",
            xTitle: "recall", yTitle: "precision", series: series, guide: .isoF1)
        chart.size = (600, 460)
        return .init(
            id: "curves", title: "Precision–recall curves",
            blocks: [.chart(.init(id: "pr_compare", drawing: chart, data: .object(data)))])
    }

    /// The per-class measure compared: AP (VOC), else COCO AP, else F1.
    static func perClassMeasure(_ run: EvaluationRun) -> (name: String, values: [String: Double]) {
        let voc = Dictionary(
            uniqueKeysWithValues: run.perLabel.compactMap { e in e.values["average_precision"].map { (e.label, $0) } })
        if run.isDetection && !voc.isEmpty { return ("AP", voc) }
        if let coco = run.detectionMetrics?.coco?.perCategory {
            return (
                "COCO AP",
                Dictionary(
                    uniqueKeysWithValues: coco.compactMap { category in category.ap.map { (category.name, $0) } })
            )
        }
        return (
            "F1",
            Dictionary(uniqueKeysWithValues: run.perLabel.compactMap { e in e.values["f1"].map { (e.label, $0) } })
        )
    }

    static func perClassSection(_ runs: [EvaluationRun], names: [String]) -> ReportDocument.Section? {
        let measures = runs.map(perClassMeasure)
        let measure = measures[0].name
        var blocks: [ReportDocument.Block] = []
        for k in 1..<runs.count {
            let labels = measures[0].values.keys.filter { measures[k].values[$0] != nil }
            let deltas = labels.map { ($0, measures[k].values[$0]! - measures[0].values[$0]!) }
                .sorted { abs($0.1) != abs($1.1) ? abs($0.1) > abs($1.1) : $0.0 < $1.0 }
            guard !deltas.isEmpty else { continue }
            var chart = BarChart(
                title: "Per-class \(measure): \(names[k]) minus \(names[0]), largest changes first",
                settings: "\(deltas.count) classes · \(runs[0].imageCount ?? 0) images · blue: better · orange: worse",
                categories: deltas.map(\.0),
                series: [.init(name: "Δ \(measure)", values: deltas.map { $0.1 }, color: Palette.better)],
                valueTitle: "Δ \(measure)")
            chart.signColored = true
            blocks.append(
                .chart(
                    .init(
                        id: "per_class_delta_\(k)", drawing: chart,
                        data: .object([
                            ("labels", .strings(deltas.map(\.0))), ("delta", .numbers(deltas.map(\.1))),
                            ("baseline", .numbers(deltas.map { measures[0].values[$0.0]! })),
                            ("model", .numbers(deltas.map { measures[k].values[$0.0]! })),
                        ]))))
        }
        let labels = measures[0].values.keys.sorted()
        var header = ["class"] + names.map { "\(measure) \($0)" }
        for name in names.dropFirst() { header.append("Δ \(name)") }
        let rows: [[ReportDocument.Table.Cell]] = labels.map { label in
            let values = measures.map { $0.values[label] }
            var row: [ReportDocument.Table.Cell] = [.text(label)] + values.map { .number($0) }
            for v in values.dropFirst() { row.append(.delta(difference(v, values[0]))) }
            return row
        }
        blocks.append(
            .table(
                .init(
                    id: "per_class_compare", title: "Per-class \(measure)", settings: "",
                    header: header, rows: rows)))
        return .init(id: "per-class", title: "Per-class changes", blocks: blocks)
    }

    static func classificationDisagreements(_ runs: [EvaluationRun], names: [String], limit: Int) -> ReportDocument
        .Section?
    {
        guard let base = runs[0].classifications, let other = runs[1].classifications else { return nil }
        let byImage = Dictionary(other.map { ($0.image, $0) }, uniquingKeysWith: { a, _ in a })
        var pairs: [(EvaluationRun.ClassificationRecord, EvaluationRun.ClassificationRecord)] = []
        for a in base { if let b = byImage[a.image], a.predicted != b.predicted { pairs.append((a, b)) } }
        // Where one model is right and the other wrong first, then by the confidence gap.
        pairs.sort { x, y in
            let kx = x.0.correct != x.1.correct
            let ky = y.0.correct != y.1.correct
            if kx != ky { return kx }
            let gx = abs(x.0.score - x.1.score)
            let gy = abs(y.0.score - y.1.score)
            return gx != gy ? gx > gy : x.0.image < y.0.image
        }
        guard !pairs.isEmpty else { return nil }
        let picks = Array(pairs.prefix(limit))
        let loaded = GalleryLoader.load(picks.map { ($0.0.image, runs[0].images[$0.0.image]) }, workers: 8)
        let figures: [ReportDocument.Figure] = picks.enumerated().map { k, pair in
            let (a, b) = pair
            let mark = { (r: EvaluationRun.ClassificationRecord) in r.correct ? "right" : "wrong" }
            let tile = ImageTile(
                title: "true \(a.label)",
                note: [(names[0], a), (names[1], b)].map { name, record in
                    "\(name): \(record.predicted) (\(mark(record)), \(formatNumber(record.score, digits: 2)))"
                }.joined(separator: "\n"),
                image: loaded[k].image, imageSize: loaded[k].size.width > 0 ? loaded[k].size : (1, 1), marks: [],
                side: 170)
            return .init(
                id: "disagreement_\(k)", drawing: tile,
                data: .object([
                    ("image", .string(a.image)), ("label", .string(a.label)), ("baseline", .string(a.predicted)),
                    ("model", .string(b.predicted)),
                ]))
        }
        return .init(
            id: "disagreements", title: "Where the models disagree",
            blocks: [
                .paragraph(
                    "\(pairs.count) images get different predictions from \(names[0]) and \(names[1]); shown: \(figures.count), those where one model is right and the other wrong first."
                ),
                .grid(figures),
            ])
    }

    static func detectionDisagreements(_ runs: [EvaluationRun], names: [String], limit: Int) -> ReportDocument.Section?
    {
        guard let a = runs[0].detections, let b = runs[1].detections else { return nil }
        let threshold = runs[0].detectionMetrics?.confusionMatrix.scoreThreshold ?? EvaluationDefaults.scoreThreshold
        func tally(_ r: EvaluationRun.DetectionRecords) -> [String: (tp: Int, fp: Int, missed: Int)] {
            var t: [String: (tp: Int, fp: Int, missed: Int)] = [:]
            for i in 0..<r.count {
                let name = r.imageNames[Int(r.image[i])]
                var v = t[name] ?? (0, 0, 0)
                switch r.outcome[i] {
                case .truePositive where r.score[i] >= threshold: v.tp += 1
                case .falsePositive where r.score[i] >= threshold: v.fp += 1
                case .missed: v.missed += 1
                default: break
                }
                t[name] = v
            }
            return t
        }
        let ta = tally(a)
        let tb = tally(b)
        let scored = Set(ta.keys).union(tb.keys).map { name -> (String, Int) in
            let x = ta[name] ?? (0, 0, 0)
            let y = tb[name] ?? (0, 0, 0)
            return (name, abs(x.tp - y.tp) + abs(x.fp - y.fp) + abs(x.missed - y.missed))
        }.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        guard !scored.isEmpty else { return nil }
        let picks = Array(scored.prefix(limit / 2 > 0 ? limit / 2 : 1))
        var figures: [ReportDocument.Figure] = []
        let loaded = GalleryLoader.load(picks.map { ($0.0, runs[0].images[$0.0] ?? runs[1].images[$0.0]) }, workers: 8)
        for (k, pick) in picks.enumerated() {
            for (m, records) in [a, b].enumerated() {
                let counts = (m == 0 ? ta : tb)[pick.0] ?? (0, 0, 0)
                var marks: [ImageTile.Mark] = []
                for i in 0..<records.count where records.imageNames[Int(records.image[i])] == pick.0 {
                    let label = records.labelNames[Int(records.label[i])]
                    switch records.outcome[i] {
                    case .missed: marks.append(.init(box: records.box[i], kind: .missed, caption: "missed \(label)"))
                    case .truePositive where records.score[i] >= threshold:
                        marks.append(
                            .init(
                                box: records.box[i], kind: .truePositive,
                                caption: "\(label) \(formatNumber(records.score[i], digits: 2))"))
                    case .falsePositive where records.score[i] >= threshold:
                        marks.append(
                            .init(
                                box: records.box[i], kind: .falsePositive,
                                caption: "\(label) \(formatNumber(records.score[i], digits: 2))"))
                    default: break
                    }
                }
                var size = loaded[k].size
                if size.width <= 0 {
                    size = (
                        max(1, marks.map { $0.box.0 + $0.box.2 }.max() ?? 100),
                        max(1, marks.map { $0.box.1 + $0.box.3 }.max() ?? 100)
                    )
                }
                let tile = ImageTile(
                    title: "\(names[m]): \((pick.0 as NSString).lastPathComponent)",
                    note: "\(counts.tp) true positives · \(counts.fp) false positives · \(counts.missed) missed",
                    image: loaded[k].image, imageSize: size, marks: marks, side: 250)
                figures.append(
                    .init(
                        id: "disagreement_\(k)_\(m)", drawing: tile,
                        data: .object([
                            ("image", .string(pick.0)), ("model", .string(names[m])),
                            ("true_positives", .integer(counts.tp)),
                            ("false_positives", .integer(counts.fp)), ("missed", .integer(counts.missed)),
                        ])))
            }
        }
        return .init(
            id: "disagreements", title: "Where the models disagree",
            blocks: [
                .paragraph(
                    "Images ranked by how much the two models' true positives, false positives (score ≥ \(formatNumber(threshold))) and missed objects differ; each image shown for \(names[0]) then \(names[1])."
                ),
                .grid(figures),
            ])
    }

    static func summaryLines(_ runs: [EvaluationRun], names: [String]) -> [String] {
        var lines: [String] = []
        let measures = runs.map(perClassMeasure)
        for k in 1..<runs.count {
            let deltas = measures[0].values.keys.compactMap { label in
                measures[k].values[label].map { (label, $0 - measures[0].values[label]!) }
            }
            let gains = deltas.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            let losses = deltas.filter { $0.1 < 0 }.sorted { $0.1 < $1.1 }
            lines.append(
                "\(names[k]) vs \(names[0]): \(gains.count) classes better, \(losses.count) worse (per-class \(measures[0].name))"
            )
            if let g = gains.first { lines.append("Largest gain: \(g.0) +\(formatMetric(g.1, digits: 3))") }
            if let l = losses.first { lines.append("Largest loss: \(l.0) \(formatMetric(l.1, digits: 3))") }
        }
        return lines
    }
}

/// a − b, or nil when either is undefined.
func difference(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b else { return nil }
    return a - b
}
