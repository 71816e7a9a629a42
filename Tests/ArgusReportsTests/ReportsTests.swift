import ArgusCharts
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusPipeline
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusReports

/// Reports of real evaluations: the data behind every chart of the digits report equals what
/// scikit-learn and numpy compute (golden/reports, generate_report_golden.py); detection reports
/// agree with their metrics.json; the HTML is offline and the PDF has its pages and text;
/// the same input renders the same bytes.
@Suite struct ReportsTests {
    static let root = Repository.root
    static let digits = root + "/samples/digits"
    static let toy = root + "/golden/peers/review_object_detection_metrics/toyexample"

    static func scratch(_ name: String = #function) -> String { Scratch.folder(name) }

    static func digitsEvaluation(predictions: String = "predictions.jsonl", name: String = "digits") throws -> String {
        let job = ClassificationEvaluationJob(
            groundTruth: digits + "/validation.jsonl", predictions: digits + "/" + predictions)
        let folder = scratch() + "/" + name
        try job.write(try job.run(), to: folder, overwrite: false)
        return folder
    }

    /// The peers' toy example: VOC ground truth, COCO results, both metric kinds.
    static var toyJob: DetectionEvaluationJob {
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: toy + "/gts_vocpascal_format",
            predictions: toy + "/dets_coco_format/coco_dets.json")
        job.readOptions.imagesFolder = toy + "/images"
        job.metricType = .cocoVOC
        return job
    }

    static func toyEvaluation() throws -> String {
        let folder = scratch() + "/toy"
        try toyJob.write(try toyJob.run(), to: folder, overwrite: false)
        return folder
    }

    /// Compares a chart's data with the reference: same keys, strings equal, numbers within 1e-12.
    static func expectClose(_ ours: PlainJSON?, _ reference: PlainJSON?, _ path: String) {
        switch (ours, reference) {
        case (.object(let a)?, .object(let b)?):
            for (key, value) in b { expectClose(a.first { $0.0 == key }?.1, value, path + "." + key) }
        case (.array(let a)?, .array(let b)?):
            #expect(a.count == b.count, "\(path): \(a.count) values, expected \(b.count)")
            for (i, pair) in zip(a, b).enumerated() { expectClose(pair.0, pair.1, "\(path)[\(i)]") }
        case (let a?, let b?) where b.double != nil:
            guard let x = a.double else {
                Issue.record("\(path): \(a) is not a number")
                return
            }
            #expect(abs(x - b.double!) <= 1e-12, "\(path): \(x) vs \(b.double!)")
        case (let a?, .null?):
            #expect(a == .null || a.double.map { $0.isNaN } == true, "\(path): \(a) should be undefined")
        case (let a, let b):
            #expect(a == b, "\(path): \(String(describing: a)) vs \(String(describing: b))")
        }
    }

    @Test func digitsChartDataMatchScikitLearn() throws {
        let run = try EvaluationRun(folder: try Self.digitsEvaluation())
        let document = ReportFiles.document(run)
        let golden = try PlainJSON.load(Self.root + "/golden/reports/digits_charts.json")
        let charts = golden["charts"]!
        let data = document.chartData
        for id in [
            "per_class_bars", "support_bars", "confusion_counts", "confusion_normalized", "pr_overlay", "roc_overlay",
            "reliability", "confidence_histogram",
        ] {
            #expect(data[id] != nil, "chart \(id) is missing")
            Self.expectClose(data[id], charts[id], id)
        }
        // The gallery: the most confident mistakes, in order.
        let expected = charts["gallery"]!.array!
        for (k, reference) in expected.enumerated() {
            Self.expectClose(data["gallery_\(k)"], reference, "gallery_\(k)")
            #expect(data["gallery_\(k)"]?["image_file_found"] == .bool(true))
        }
        #expect(data["gallery_\(expected.count)"] == nil)
        // Explanations: the first six images and every mistake carry attributions.
        #expect(data["explanation_0"]?["rows"]?.int == 32 && data["explanation_0"]?["columns"]?.int == 32)
        #expect(data["explanation_11"] != nil)
    }

    @Test func detectionReportAgreesWithItsMetrics() throws {
        let folder = try Self.toyEvaluation()
        let run = try EvaluationRun(folder: folder)
        let document = ReportFiles.document(run)
        let data = document.chartData
        // Bars: the per-label AP of metrics.json, sorted by AP.
        let bars = data["per_class_bars"]!
        let ap = Dictionary(
            uniqueKeysWithValues: run.perLabel.compactMap { e in e.values["average_precision"].map { (e.label, $0) } })
        let labels = bars["labels"]!.array!.compactMap(\.string)
        #expect(Set(labels) == Set(run.perLabel.map(\.label)))
        for (label, value) in zip(labels, bars["average_precision"]!.doubles!) {
            #expect(ap[label].map { $0 == value } ?? value.isNaN)
        }
        // The confusion matrix is metrics.json's.
        let counts = run.detectionMetrics?.confusionMatrix.counts ?? []
        #expect(
            data["confusion_counts"]?["counts"] == .array(counts.map { row in .array(row.map { .number(Double($0)) }) })
        )
        // Histogram totals: every true and false positive of matches.jsonl.
        let records = run.detections!
        let tp = records.outcome.filter { $0 == .truePositive }.count
        let fp = records.outcome.filter { $0 == .falsePositive }.count
        #expect(data["score_histogram"]!["true_positives"]!.doubles!.reduce(0, +) == Double(tp))
        #expect(data["score_histogram"]!["false_positives"]!.doubles!.reduce(0, +) == Double(fp))
        // The TIDE chart carries metrics.json's numbers; the COCO table its 12 statistics.
        #expect(data["tide"]?["delta_ap"]?.doubles?.count == 6)
        #expect(data["coco_summary"]?["rows"]?.array?.count == 12)
        // The gallery shows the images with false positives or missed objects, and finds their files.
        let withErrors = Set(
            (0..<records.count).filter { records.outcome[$0] == .falsePositive || records.outcome[$0] == .missed }.map {
                records.image[$0]
            })
        let tiles = data.members.filter { $0.0.hasPrefix("gallery_") }
        #expect(tiles.count == min(50, withErrors.count))
        #expect(tiles.allSatisfy { $0.1["image_file_found"] == .bool(true) })
    }

    @Test func segmentationGalleryDrawsMasks() throws {
        let cases = Self.root + "/golden/detection/cases/segm_201"
        var job = DetectionEvaluationJob(
            task: .imageInstanceSegmentation, groundTruth: cases + "_gt.json", predictions: cases + "_results.json")
        job.metricType = .cocoVOC
        let folder = Self.scratch() + "/segm"
        try job.write(try job.run(), to: folder, overwrite: false)
        let run = try EvaluationRun(folder: folder)
        // Every record carries its mask; matched ones their ground truth's too.
        let records = run.detections!
        #expect((0..<records.count).allSatisfy { records.shape[$0] != nil })
        #expect(
            (0..<records.count).filter { records.outcome[$0] == .truePositive }.allSatisfy {
                records.truthShape[$0] != nil
            })
        let tiles = ReportFiles.document(run).chartData.members.filter { $0.0.hasPrefix("gallery_") }
        #expect(!tiles.isEmpty && tiles.allSatisfy { ($0.1["masks_drawn"]?.int ?? 0) > 0 })
        // A decoded RLE mask traces back to outlines inside its box.
        let i = (0..<records.count).first { if case .rle = records.shape[$0] { true } else { false } }!
        let box = records.box[i]
        for ring in records.shape[i]!.outlines {
            for (x, y) in ring {
                #expect(x >= box.0 - 1 && x <= box.0 + box.2 + 1 && y >= box.1 - 1 && y <= box.1 + box.3 + 1)
            }
        }
    }

    @Test func multilabelAndCOCOOnlyReports() throws {
        // Multi-label: 12 images, 3 labels, a CSV truth and scoring predictions.
        let folder = Self.scratch()
        var truthLines = ["filename,labels"]
        var predictionLines: [String] = []
        for i in 0..<12 {
            let labels = ["cat", "dog", "eel"].enumerated().filter { (i + $0.offset) % 3 != 0 }.map(\.element)
            truthLines.append("i\(i).jpg,\(labels.joined(separator: " "))")
            let probs = (0..<3).map { c in Double((i * 7 + c * 5) % 10) / 10 + 0.05 }
            predictionLines.append(
                #"{"filename": "i\#(i).jpg", "probs": [\#(probs.map { String($0) }.joined(separator: ", "))], "labels": ["cat", "dog", "eel"]}"#
            )
        }
        try truthLines.joined(separator: "\n").write(toFile: folder + "/gt.csv", atomically: true, encoding: .utf8)
        try predictionLines.joined(separator: "\n").write(
            toFile: folder + "/p.jsonl", atomically: true, encoding: .utf8)
        let job = MultilabelEvaluationJob(groundTruth: folder + "/gt.csv", predictions: folder + "/p.jsonl")
        try job.write(try job.run(), to: folder + "/eval", overwrite: false)
        let run = try EvaluationRun(folder: folder + "/eval")
        #expect(
            run.isMultilabel && run.curves.precisionRecall.count == 3 && run.curves.macroPR != nil
                && run.curves.microROC != nil)
        let document = ReportFiles.document(run)
        let data = document.chartData
        #expect(
            data["pr_overlay"]?["micro"] != nil && data["roc_overlay"]?["macro"] != nil && data["per_class_bars"] != nil
        )
        #expect(document.headline.first?.0 == "IoU (over images)")
        #expect(Self.externalReferences(HTMLReport.render(document)) == [] && !PDFReport.render(document).isEmpty)

        // COCO-only detection: no VOC curves or match outcomes, the COCO table and per-category AP bars.
        var coco = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: Self.root + "/golden/detection/cases/bbox_101_gt.json",
            predictions: Self.root + "/golden/detection/cases/bbox_101_results.json")
        coco.metricType = .coco
        try coco.write(try coco.run(), to: folder + "/coco", overwrite: false)
        let cocoDocument = ReportFiles.document(try EvaluationRun(folder: folder + "/coco"))
        #expect(cocoDocument.chartData["coco_summary"] != nil && cocoDocument.chartData["per_class_bars"]?["AP"] != nil)
        #expect(!PDFReport.render(cocoDocument).isEmpty)
    }

    @Test func galleryWithoutImageFilesDrawsBlankCanvases() throws {
        let folder = try Self.toyEvaluation()
        // The image files are gone: images.jsonl points nowhere.
        let images = try String(contentsOfFile: folder + "/images.jsonl", encoding: .utf8)
        try images.replacingOccurrences(of: "\"path\":\"", with: "\"path\":\"nowhere/").write(
            toFile: folder + "/images.jsonl", atomically: true, encoding: .utf8)
        let document = ReportFiles.document(try EvaluationRun(folder: folder))
        let tiles = document.chartData.members.filter { $0.0.hasPrefix("gallery_") }
        #expect(!tiles.isEmpty && tiles.allSatisfy { $0.1["image_file_found"] == .bool(false) })
        let html = HTMLReport.render(document)
        #expect(html.contains("could not be read: their boxes are drawn on a blank canvas"))
        #expect(!PDFReport.render(document).isEmpty)
    }

    /// Every URL-like string in the HTML other than the SVG and XLink namespace identifiers.
    static func externalReferences(_ html: String) -> [String] {
        var found: [String] = []
        guard let pattern = try? NSRegularExpression(pattern: #"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>)]+"#) else {
            Issue.record("the URL pattern does not compile")
            return ["(unchecked)"]
        }
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let text = String(html[Range(match.range, in: html)!])
            if text == "http://www.w3.org/2000/svg" || text == "http://www.w3.org/1999/xlink" { continue }
            found.append(text)
        }
        // Protocol-relative and relative references in attributes and CSS (only data: and #fragment are local).
        for attribute in ["src=\"", "href=\"", "url(", "@import"] {
            var rest = html[...]
            while let range = rest.range(of: attribute) {
                let value = rest[range.upperBound...].prefix(12)
                if !(value.hasPrefix("data:") || value.hasPrefix("#")) { found.append(attribute + value) }
                rest = rest[range.upperBound...]
            }
        }
        return found
    }

    @Test func htmlIsOfflineAndPDFHasPagesAndText() throws {
        let document = ReportFiles.document(try EvaluationRun(folder: try Self.toyEvaluation()))
        let html = HTMLReport.render(document)
        #expect(Self.externalReferences(html) == [])
        #expect(html.contains("<table id=\"table-per_class_table\" class=\"sortable\">"))
        #expect(html.contains("id=\"argus-chart-data\"") && html.contains("id=\"argus-curve-data\""))
        // Inline SVGs keep their ids apart.
        #expect(html.contains("id=\"f1-") && html.contains("id=\"f2-"))
        // Every figure says what it shows.
        #expect(html.contains("role=\"img\" aria-label=\"Confusion matrix (counts) — IoU ≥ 0.5"))
        #expect(!html.contains("aria-label=\"\""))

        let folder = Self.scratch()
        try ReportFiles.write(document, html: folder + "/r.html", pdf: folder + "/r.pdf", markdown: folder + "/r.md")
        let text = try Self.pdfText(folder + "/r.pdf")
        let pages = text.components(separatedBy: "\u{0C}").filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        #expect(pages.count >= document.sections.count + 1)
        #expect(pages[0].contains("Contents"))
        for section in document.sections {
            #expect(pages[0].contains(section.title), "contents lists \(section.title)")
        }
        #expect(text.contains("page 1 of \(pages.count)") && text.contains("page \(pages.count) of \(pages.count)"))
        #expect(text.contains("COCO summary (pycocotools order)") && text.contains("Per-class results"))
        let markdown = try String(contentsOfFile: folder + "/r.md", encoding: .utf8)
        #expect(markdown.hasPrefix("### Evaluation report — toy") && markdown.contains("Full report: `r.html`"))
        #expect(markdown.split(separator: "\n").count <= 20)
    }

    static func pdfText(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = ["-layout", path, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func sameInputSameBytes() throws {
        let folder = try Self.toyEvaluation()
        let first = ReportFiles.document(try EvaluationRun(folder: folder))
        let second = ReportFiles.document(try EvaluationRun(folder: folder))
        let h1 = HTMLReport.render(first)
        let h2 = HTMLReport.render(second)
        if h1 != h2, let i = zip(h1.utf8, h2.utf8).enumerated().first(where: { $0.1.0 != $0.1.1 })?.offset {
            let a = Array(h1.utf8)
            let b = Array(h2.utf8)
            print(
                "DIFF at \(i):", String(decoding: a[max(0, i - 150)..<min(a.count, i + 80)], as: UTF8.self), "\n----\n",
                String(decoding: b[max(0, i - 150)..<min(b.count, i + 80)], as: UTF8.self))
        }
        #expect(h1 == h2)
        #expect(PDFReport.render(first) == PDFReport.render(second))
        let digits = try EvaluationRun(folder: try Self.digitsEvaluation())
        #expect(HTMLReport.render(ReportFiles.document(digits)) == HTMLReport.render(ReportFiles.document(digits)))
        #expect(PDFReport.render(ReportFiles.document(digits)) == PDFReport.render(ReportFiles.document(digits)))
    }

    @Test func comparisonOfTwoModels() throws {
        let a = try EvaluationRun(folder: try Self.digitsEvaluation(name: "logistic"))
        let b = try EvaluationRun(
            folder: try Self.digitsEvaluation(predictions: "predictions_naive_bayes.jsonl", name: "bayes"))
        let document = try ComparisonReport.build([a, b])
        let data = document.chartData
        // Side by side with deltas: model minus baseline.
        let rows = data["metrics_side_by_side"]!["rows"]!.array!
        let accuracy = rows.first { $0.array?.first == .string("accuracy") }!.array!
        #expect(accuracy[1].double == a.scalar("accuracy") && accuracy[2].double == b.scalar("accuracy"))
        #expect(abs(accuracy[3].double! - (b.scalar("accuracy")! - a.scalar("accuracy")!)) < 1e-15)
        // Per-class deltas, largest first.
        let deltas = data["per_class_delta_1"]!["delta"]!.doubles!
        #expect(deltas.count == 10 && zip(deltas, deltas.dropFirst()).allSatisfy { abs($0) >= abs($1) })
        // Disagreements: images predicted differently, each with both predictions.
        let first = data["disagreement_0"]!
        #expect(first["baseline"] != first["model"])
        // Curves of both models.
        #expect(data["pr_compare"]?["logistic micro"] != nil && data["pr_compare"]?["bayes macro"] != nil)
        // Different tasks cannot be compared.
        let toy = try EvaluationRun(folder: try Self.toyEvaluation())
        #expect(throws: DataError.self) { try ComparisonReport.build([a, toy]) }
    }

    @Test func badEvaluationFolders() throws {
        let empty = Self.scratch()
        #expect {
            try EvaluationRun(folder: empty)
        } throws: { error in
            "\(error)".contains(empty + "/metrics.json") && "\(error)".contains("not an evaluation folder")
        }
        let folder = try Self.toyEvaluation()
        let lines = try String(contentsOfFile: folder + "/matches.jsonl", encoding: .utf8).split(separator: "\n")
        try (lines.prefix(2).joined(separator: "\n") + "\n{\"kind\":\"detection\",\"image\":\"x\"\n").write(
            toFile: folder + "/matches.jsonl", atomically: true, encoding: .utf8)
        #expect {
            try EvaluationRun(folder: folder)
        } throws: { error in
            "\(error)".contains(folder + "/matches.jsonl:3")
        }
    }

    @Test func visualizationPNGsAreShown() throws {
        // Two images; the first prediction carries the service's visualisation (a PNG, base64).
        let folder = Self.scratch()
        let png = RasterImage(width: 8, height: 8) { $0 % 2 == 0 ? 0xFF00_80FF : 0xFFFF_FFFF }.pngBytes()
        try #"{"image_url": "a.png", "label": "cat"}\#n{"image_url": "b.png", "label": "dog"}"#.write(
            toFile: folder + "/gt.jsonl", atomically: true, encoding: .utf8)
        let rows = [
            #"{"filename": "a.png", "probs": [0.8, 0.2], "labels": ["cat", "dog"], "visualizations": "\#(Data(png).base64EncodedString())"}"#,
            #"{"filename": "b.png", "probs": [0.6, 0.4], "labels": ["cat", "dog"]}"#,
        ]
        try rows.joined(separator: "\n").write(toFile: folder + "/p.jsonl", atomically: true, encoding: .utf8)
        let job = ClassificationEvaluationJob(groundTruth: folder + "/gt.jsonl", predictions: folder + "/p.jsonl")
        try job.write(try job.run(), to: folder + "/eval", overwrite: false)
        let data = ReportFiles.document(try EvaluationRun(folder: folder + "/eval")).chartData
        #expect(
            data["explanation_0"]?["visualization"] == .bool(true)
                && data["explanation_0"]?["image"] == .string("a.png"))
        #expect(data["explanation_1"] == nil)
        // The mistake (b: dog predicted cat) is in the gallery, drawn on a blank canvas (no image files).
        #expect(data["gallery_0"]?["label"] == .string("dog") && data["gallery_0"]?["image_file_found"] == .bool(false))
    }

    @Test func manyClassesKeepBarChartsReadable() {
        let (rows, note) = DetectionReport.barRows(Array(0..<150))
        #expect(rows == Array(0..<50) + Array(100..<150) && note.contains("50 first and 50 last of 150"))
        #expect(DetectionReport.barRows(Array(0..<100)).0.count == 100)
    }

    @Test func numpyHistogramBins() {
        var histogram = UnitHistogram(bins: 20)
        // 0.15 lies below numpy's third edge (3 × 0.05 = 0.15000000000000002): bin 2, not 3.
        for v in [0.0, 0.15, 0.05, 1.0, 0.999, -0.1, 1.1, .nan] { histogram.add(v) }
        #expect(
            histogram.counts[0] == 1 && histogram.counts[1] == 1 && histogram.counts[2] == 1
                && histogram.counts[19] == 2)
        #expect(histogram.counts.reduce(0, +) == 5)
    }
}

extension ReportsTests {
    /// Categories whose names repeat are evaluated apart; the report says so.
    @Test func repeatedCategoryNamesAreNotedInTheReport() throws {
        let base = Self.root + "/golden/detection/compat/dup_names"
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: base + "_gt.json", predictions: base + "_results.json")
        job.metricType = .cocoVOC
        let folder = Self.scratch() + "/eval"
        _ = try job.evaluate(into: folder, overwrite: false)
        let document = ReportFiles.document(try EvaluationRun(folder: folder))
        #expect(document.summaryLines.contains { $0.contains("share a name") })
        let summary = document.sections.first { $0.id == "summary" }
        let notes = summary?.blocks.filter {
            if case .paragraph(let text) = $0 { text.contains("\"person\"") } else { false }
        }
        #expect(notes?.count == 1)
    }
}

/// Names people read: every metric a report shows has a readable name and a definition.
@Suite struct GlossaryTests {
    @Test func everyMetricOfEveryTaskHasAReadableNameAndADefinition() throws {
        let keys =
            MulticlassMetrics(labels: ["a", "b"], truth: [0, 1], scores: [0.9, 0.1, 0.2, 0.8]).scalars().map(\.0)
            + MultilabelMetrics(
                labels: ["a", "b"], truth: [true, false, false, true], scores: [0.9, 0.2, 0.3, 0.7], threshold: 0.5
            )
            .scalars().map(\.0)
            + COCOStatistic.allCases.map { "coco.\($0.name)" }
        for key in keys {
            let entry = MetricGlossary.entry(key)
            #expect(entry != nil && entry?.name != key || key == "accuracy", "\(key)")
            #expect((entry?.definition.count ?? 0) > 20, "\(key)")
        }
        let context = MetricGlossary.DetectionContext(iouThreshold: 0.5, interpolation: "all-point")
        #expect(MetricGlossary.name("mean_average_precision", detection: context) == "mAP@0.5 (VOC, all-point)")
        #expect(MetricGlossary.name("coco.AP") == "COCO AP@[.50:.95]")
        #expect(MetricGlossary.name("f1_score_macro") == "F1 (macro over classes)")
        #expect(
            MetricGlossary.name("precision", detection: context) == "precision (macro over classes, all detections)")
    }

    @Test func reportsUseTheNamesAndEndWithTheGlossary() throws {
        let folder = Scratch.folder()
        let job = ClassificationEvaluationJob(
            groundTruth: Repository.path("samples/digits/validation.jsonl"),
            predictions: Repository.path("samples/digits/predictions.jsonl"))
        try job.write(try job.run(), to: folder + "/eval", overwrite: false)
        let document = ReportFiles.document(try EvaluationRun(folder: folder + "/eval"))
        #expect(document.headline.map(\.0).contains("F1 (macro over classes)"))
        #expect(document.sections.last?.id == "glossary")
        let html = HTMLReport.render(document)
        #expect(html.contains("ROC AUC (weighted by support) — AUC_weighted: The area under the ROC curve"))
        let path = folder + "/r.pdf"
        FileManager.default.createFile(atPath: path, contents: Data(PDFReport.render(document)))
        let pdf = try ReportsTests.pdfText(path)
        #expect(pdf.contains("Glossary") && pdf.contains("F1 (macro over classes)"))
    }
}

/// Two detectors compared: per-class AP deltas, and their TIDE breakdowns side by side.
@Suite struct DetectionComparisonTests {
    @Test func tideBreakdownsSideBySide() throws {
        let folder = Scratch.folder()
        let database = Repository.path("golden/peers/review_object_detection_metrics/data/database")
        var runs: [EvaluationRun] = []
        for (name, minimum) in [("all", 0.0), ("strict", 0.6)] {
            var options = ReadOptions()
            options.labelNames = try TextReader.readNames(database + "/voc.names")
            options.textLayout.boxForm = .xyxy
            options.imagesFolder = database + "/images"
            var loaded = try DatasetReader.read(database + "/dets/abs_xyx2y2", format: .text, options: options)
            loaded.dataset = try #require(ScoreFilter.keeping(loaded.dataset, scoringAtLeast: minimum)).0
            let predictions = folder + "/\(name).jsonl"
            _ = try DatasetWriter.write(loaded, as: .scoring, to: predictions, options: WriteOptions())
            var job = DetectionEvaluationJob(
                task: .imageObjectDetection, groundTruth: database + "/gts/pascalvoc_format", predictions: predictions)
            job.readOptions.imagesFolder = database + "/images"
            job.metricType = .cocoVOC
            try job.write(try job.run(), to: folder + "/" + name, overwrite: false)
            runs.append(try EvaluationRun(folder: folder + "/" + name))
        }
        let document = try ComparisonReport.build(runs)
        let errors = try #require(document.sections.first { $0.id == "errors" })
        guard case .table(let table) = errors.blocks.last else {
            Issue.record("no table")
            return
        }
        #expect(table.header == ["error type", "all ΔAP", "all errors", "strict ΔAP", "strict errors"])
        #expect(table.rows.count == TIDEBreakdown.ErrorType.allCases.count)
        // The strict operating point drops boxes: it makes fewer background errors than all boxes do.
        let background = try #require(table.rows.first { $0.first?.text == "background" })
        #expect((background[4].value ?? 0) < (background[2].value ?? 0))
    }
}
