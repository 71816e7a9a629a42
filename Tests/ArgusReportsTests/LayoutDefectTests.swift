import ArgusPipeline
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusCharts
@testable import ArgusReports

/// Layout defects seen in rendered reports, each kept from coming back.
@Suite struct LayoutDefectTests {
    func table(rows: Int, sortable: Bool = true) -> ReportDocument.Table {
        ReportDocument.Table(
            id: "t", title: "Per class", settings: "IoU 0.5", header: ["class", "AP"],
            rows: (0..<rows).map { [.text("class \($0)"), .number(Double($0) / Double(rows))] }, sortable: sortable)
    }

    /// The tables a layout placed, page by page.
    func placedTables(_ layout: PDFReport.Layout) -> [TableDrawing] {
        layout.pages.flatMap { page in
            page.items.compactMap { item -> TableDrawing? in
                if case .drawing(let drawing, _, _, _) = item { drawing as? TableDrawing } else { nil }
            }
        }
    }

    /// A table that starts near the foot of a page and fits whole on the next one is not followed by
    /// an empty "(continued)" piece; a long one is split into pieces that each hold rows.
    @Test func tablesAreNotContinuedEmpty() {
        for rows in [30, 41, 120] {
            var layout = PDFReport.Layout()
            layout.newPage()
            layout.y = PDFReport.bottom - 200
            layout.placeTable(table(rows: rows))
            let pieces = placedTables(layout)
            #expect(pieces.allSatisfy { !$0.rows.isEmpty }, "\(rows) rows: an empty piece")
            #expect(pieces.map(\.rows.count).reduce(0, +) == rows)
            #expect(pieces.dropFirst().allSatisfy { $0.title.hasSuffix("(continued)") })
            if rows <= 41 { #expect(pieces.count == 1, "\(rows) rows: \(pieces.map(\.rows.count))") }
        }
    }

    /// Row fractions too small for two decimals read "<.01", not an exponent cut to "4…".
    @Test func tinyFractionsReadAsLessThanOneHundredth() {
        #expect(MatrixChart.fractionLabel(0.004) == "<.01")
        #expect(MatrixChart.fractionLabel(0.0099) == "<.01")
        #expect(MatrixChart.fractionLabel(0.25) == "0.25")
        #expect(MatrixChart.fractionLabel(1) == "1")
    }

    /// "Click a heading to sort" is said where a click sorts (the HTML), not in the PDF.
    @Test func theSortingHintIsOnlyInTheHTML() {
        let sortable = table(rows: 3)
        #expect(HTMLReport.tableHTML(sortable).contains("IoU 0.5 · click a heading to sort"))
        #expect(!HTMLReport.tableHTML(table(rows: 3, sortable: false)).contains("click a heading"))
        #expect(!sortable.drawing.settings.contains("click"))
    }
}

/// The image-level table of a detection report says only what is defined.
@Suite struct ImageLevelTableTests {
    func rows(_ run: EvaluationRun) -> (measures: [String], paragraphs: [String]) {
        let blocks = DetectionReport.errorSection(run, settingsLine: "", scoreThreshold: 0.5)?.blocks ?? []
        var measures: [String] = []
        var paragraphs: [String] = []
        for block in blocks {
            if case .table(let table) = block, table.id == "image_level" { measures = table.rows.map { $0[0].text } }
            if case .paragraph(let text) = block { paragraphs.append(text) }
        }
        return (measures, paragraphs)
    }

    @Test func withoutEmptyImagesUndefinedRowsAreLeftOutAndSaidSo() throws {
        var run = try EvaluationRun(folder: try ReportsTests.toyEvaluation())
        guard case .detection(var file) = run.metrics, var level = file.imageLevel else {
            Issue.record("the toy evaluation has no image-level section")
            return
        }
        for empty in [0, 2] {
            level.falsePositives = empty / 2
            level.trueNegatives = empty / 2
            file.imageLevel = level
            run.metrics = .detection(file)
            let (measures, paragraphs) = rows(run)
            let explained = paragraphs.contains { $0.hasPrefix("Every image has objects") }
            if empty == 0 {
                #expect(measures == ["true positives", "false negatives", "recall", "accuracy"] && explained)
            } else {
                #expect(measures.contains("true negatives") && measures.contains("precision") && !explained)
            }
        }
    }
}

/// The PDF draws a comparison's deltas in the colours its caption promises, on every page.
@Suite struct DeltaColourTests {
    @Test func deltasKeepTheirColoursAcrossPages() {
        let rows: [[ReportDocument.Table.Cell]] = (0..<100).map { i in
            [.text("class \(i)"), .delta(i % 3 == 0 ? 0.1 : i % 3 == 1 ? -0.1 : 0)]
        }
        let table = ReportDocument.Table(
            id: "d", title: "Per-class AP", settings: "", header: ["class", "Δ"], rows: rows)
        let drawing = table.drawing
        #expect(drawing.colors.count == 100)
        #expect(drawing.colors[0][1] == Palette.better && drawing.colors[1][1] == Palette.worse)
        #expect(drawing.colors[2][1] == nil && drawing.colors[0][0] == nil)
        var layout = PDFReport.Layout()
        layout.newPage()
        layout.y = PDFReport.bottom - 300
        layout.placeTable(table)
        var seen = 0
        for page in layout.pages {
            for item in page.items {
                guard case .drawing(let piece as TableDrawing, _, _, _) = item else { continue }
                for (row, colors) in zip(piece.rows, piece.colors) {
                    let index = Int(row[0].dropFirst("class ".count)) ?? -1
                    #expect(colors[1] == drawing.colors[index][1], "row \(index)")
                    seen += 1
                }
            }
        }
        #expect(seen == 100)
        #expect(
            ReportDocument.Table(id: "p", title: "", settings: "", header: ["a"], rows: [[.text("x")]]).drawing.colors
                .isEmpty)
    }
}

/// The PDF's contents page links to every section.
@Suite struct ContentsLinkTests {
    @Test func everyContentsEntryIsALinkToItsSectionsPage() throws {
        let run = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let document = ReportFiles.document(run)
        let pdf = String(decoding: PDFReport.render(document), as: UTF8.self)
        let links = pdf.components(separatedBy: "/Subtype /Link").count - 1
        #expect(links == document.sections.count)
        let targets = pdf.components(separatedBy: "/Dest (").dropFirst().map { $0.prefix { $0 != ")" } }
        #expect(targets.count == links)
        for target in targets {
            #expect(pdf.contains("(\(target)) ["), "no destination named \(target)")
        }
    }
}

/// The zoom buttons' script is in a page only when a figure there has the buttons.
@Suite struct ZoomScriptTests {
    @Test func theZoomScriptComesWithAZoomableFigure() throws {
        var document = ReportFiles.document(try EvaluationRun(folder: try ReportsTests.digitsEvaluation()))
        #expect(!document.hasZoomableFigure)
        let plain = HTMLReport.render(document)
        #expect(!plain.contains("figure.zoomable") && plain.contains("table.sortable"))
        guard
            let s = document.sections.firstIndex(where: { section in
                section.blocks.contains { if case .chart = $0 { true } else { false } }
            }),
            let b = document.sections[s].blocks.firstIndex(where: { if case .chart = $0 { true } else { false } }),
            case .chart(var figure) = document.sections[s].blocks[b]
        else {
            Issue.record("the digits report has no chart")
            return
        }
        figure.zoomable = true
        document.sections[s].blocks[b] = .chart(figure)
        let zooming = HTMLReport.render(document)
        #expect(zooming.contains("figure.zoomable") && zooming.contains("class=\"zoomable\""))
    }
}

/// Attribution grids name their method (the file's `xai_algorithm`) or say that the file does not.
@Suite struct AttributionMethodTests {
    @Test func gridsNameTheMethod() throws {
        let document = ReportFiles.document(try EvaluationRun(folder: try ReportsTests.digitsEvaluation()))
        var grids: [AttributionGrid] = []
        for block in document.sections.filter({ $0.id == "explanations" }).flatMap(\.blocks) {
            if case .grid(let figures) = block { grids += figures.compactMap { $0.drawing as? AttributionGrid } }
        }
        #expect(!grids.isEmpty && grids.allSatisfy { $0.note.hasSuffix("· integrated_gradients") })
    }
}

/// The comparison gallery names both models' predictions, each on a line of its own, so that
/// neither is cut off.
@Suite struct DisagreementCaptionTests {
    @Test func bothModelsAreOnTheirOwnLines() throws {
        let a = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let b = try EvaluationRun(
            folder: try ReportsTests.digitsEvaluation(predictions: "predictions_naive_bayes.jsonl", name: "bayes"))
        let document = try ComparisonReport.build([a, b])
        var tiles: [ImageTile] = []
        for block in document.sections.filter({ $0.id == "disagreements" }).flatMap(\.blocks) {
            if case .grid(let figures) = block { tiles += figures.compactMap { $0.drawing as? ImageTile } }
        }
        #expect(!tiles.isEmpty)
        for tile in tiles {
            #expect(
                tile.noteLines.count == 2 && tile.noteLines[0].hasPrefix("digits:")
                    && tile.noteLines[1].hasPrefix("bayes:"))
            #expect(tile.picture.y == 47 && tile.size.height == tile.picture.maxY + 8)
        }
        let canvas = Canvas.measuring()
        canvas.setFont(size: 8.5)
        let widest = tiles.flatMap(\.noteLines).map { canvas.textWidth($0) }.max() ?? .infinity
        #expect(widest <= tiles[0].side, "a caption line is cut: \(widest) > \(tiles[0].side)")
    }
}

/// Tiny gallery images stay lossless; photographs are carried as JPEG.
@Suite struct GalleryEncodingTests {
    @Test func tinyImagesAreNotJPEG() throws {
        #expect(!GalleryLoader.carriesJPEG(width: 32, height: 32))
        #expect(GalleryLoader.carriesJPEG(width: 420, height: 315))
        // The digits report's PDF embeds its 32×32 images without a JPEG filter.
        let run = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let pdf = String(decoding: PDFReport.render(ReportFiles.document(run)), as: UTF8.self)
        #expect(pdf.contains("/Width 32") && !pdf.contains("/DCTDecode"))
    }
}

/// The HTML opens with the same "At a glance" lines as the PDF and the Markdown, escaped.
@Suite struct GlanceTests {
    @Test func theHTMLHasTheSummaryLines() throws {
        var document = ReportFiles.document(try EvaluationRun(folder: try ReportsTests.digitsEvaluation()))
        #expect(!document.summaryLines.isEmpty)
        document.summaryLines.append("class <script>alert(1)</script> & co")
        let html = HTMLReport.render(document)
        #expect(html.contains("<h2>At a glance</h2>"))
        for line in document.summaryLines.dropLast() { #expect(html.contains("<li>\(HTMLReport.escape(line))</li>")) }
        #expect(
            html.contains("class &lt;script&gt;alert(1)&lt;/script&gt; &amp; co") && !html.contains("<script>alert"))
    }
}

extension LayoutDefectTests {
    /// Predictions written away from the images (a runner's output folder) still show the input in their
    /// explanation grids: the images are found beside the ground truth.
    @Test func explanationsFindTheirImagesBesideTheGroundTruth() throws {
        let folder = Scratch.folder()
        let copy = folder + "/explained.jsonl"
        try FileManager.default.copyItem(atPath: Repository.path("samples/digits/predictions.jsonl"), toPath: copy)
        let job = ClassificationEvaluationJob(
            groundTruth: Repository.path("samples/digits/validation.jsonl"), predictions: copy)
        try job.write(try job.run(), to: folder + "/evaluation", overwrite: false)
        let run = try EvaluationRun(folder: folder + "/evaluation")
        let section = try #require(
            ClassificationReport.explanationSection(run, options: ClassificationReport.Options()))
        let figures = section.blocks.flatMap { block -> [ReportDocument.Figure] in
            switch block {
            case .chart(let figure): [figure]
            case .grid(let figures): figures
            default: []
            }
        }
        let grids = figures.compactMap { $0.drawing as? AttributionGrid }
        #expect(!grids.isEmpty && grids.allSatisfy { $0.input != nil })
    }
}
