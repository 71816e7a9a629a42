import ArgusIO
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusReports

/// The detection page's linked views driven as a person does, by clicks: a script added to a copy
/// of the page clicks (a TIDE row, a confusion-matrix cell, a gallery image) and writes what the
/// page then shows into `data-measured`; the expected figures come from the page's data.
extension BrowserTests {
    struct Tile {
        var id: String
        var labels: [String]
        var errors: [String]
        var boxes: [PlainJSON]
    }

    static func tiles(_ document: ReportDocument) throws -> [Tile] {
        let gallery = try #require(document.sections.first { $0.id == "gallery" })
        var tiles: [Tile] = []
        for block in gallery.blocks {
            guard case .grid(let figures) = block else { continue }
            for figure in figures {
                let strings = { (key: String) in figure.data[key]?.array?.compactMap(\.string) ?? [] }
                tiles.append(
                    Tile(
                        id: "fig-" + figure.id, labels: strings("labels"), errors: strings("errors"),
                        boxes: figure.data["boxes"]?.array ?? []))
            }
        }
        return tiles
    }

    /// Loads a copy of `html` with `harness` run after the page's own scripts; returns the DOM and
    /// what the harness wrote into `data-measured`.
    static func clicked(_ html: String, _ harness: String) throws -> (dom: String, measured: String)? {
        let page = html.replacingOccurrences(of: "</body>", with: "<script>\(harness)</script></body>")
        let path = Scratch.write(page, Scratch.folder(), "clicked.html")
        guard let loaded = try load(path) else { return nil }
        #expect(!loaded.log.contains("Uncaught"), "\(loaded.log.suffix(2000))")
        let found = loaded.dom.range(of: #"data-measured="[^"]*""#, options: .regularExpression)
        let measured = found.map { String(loaded.dom[$0].dropFirst(15).dropLast()) } ?? ""
        return (loaded.dom, measured)
    }

    /// Checks that exactly the tiles `kept` accepts are shown, and the filter's sentence.
    func expectFiltered(_ dom: String, _ tiles: [Tile], sentence: String, kept: (Tile) -> Bool) {
        let shown = tiles.filter(kept)
        #expect(dom.contains("Showing the \(shown.count) of \(tiles.count) images \(sentence)"), "\(sentence)")
        for tile in tiles {
            #expect(self.dom(dom, isHidden: tile.id) == !kept(tile), "\(tile.id) \(tile.labels) \(tile.errors)")
        }
    }

    /// A click on a row of the TIDE error types leaves the images with that error type; the page's
    /// per-image types are those of matches.jsonl, whose counts are metrics.json's.
    @Test func aTIDERowFiltersTheGallery() throws {
        let folder = try Self.vocEvaluation()
        let run = try EvaluationRun(folder: folder)
        let records = try #require(run.detections)
        let tide = try #require(run.detectionMetrics?.tide)
        for (type, count) in tide.errors {
            #expect(records.tideError.filter { $0 == type }.count == count, "\(type)")
        }
        let document = ReportFiles.document(run)
        let tiles = try Self.tiles(document)
        let type = try #require(
            tiles.flatMap(\.errors).first { type in tiles.contains { !$0.errors.contains(type) } })
        let harness = """
            for (const row of document.getElementById("table-tide_errors").tBodies[0].rows)
              if (row.cells[0].textContent === "\(type)") row.click();
            """
        guard let page = try Self.clicked(HTMLReport.render(document), harness) else { return }
        let sentence = type == "missed" ? "with an object TIDE counts as missed" : "with a TIDE \(type) error"
        expectFiltered(page.dom, tiles, sentence: sentence) { $0.errors.contains(type) }
    }

    /// A click in a cell of the confusion matrix (true class row, predicted class column) leaves
    /// the images holding both classes.
    @Test func aConfusionCellFiltersTheGallery() throws {
        let run = try EvaluationRun(folder: try Self.vocEvaluation())
        let document = ReportFiles.document(run)
        let tiles = try Self.tiles(document)
        let labels = try #require(run.confusionMatrix?.labels)
        let pair = try #require(tiles.first { $0.labels.count >= 2 }).labels.prefix(2)
        let (i, j) = (try #require(labels.firstIndex(of: pair.first!)), try #require(labels.firstIndex(of: pair.last!)))
        let harness = """
            const data = JSON.parse(document.getElementById("argus-chart-data").textContent).confusion_counts;
            const svg = document.querySelector("#fig-confusion_counts svg");
            const [x0, y0, cell] = data.grid;
            const p = svg.createSVGPoint(); p.x = x0 + (\(j) + 0.5) * cell; p.y = y0 + (\(i) + 0.5) * cell;
            const at = p.matrixTransform(svg.getScreenCTM());
            svg.dispatchEvent(new MouseEvent("click", { clientX: at.x, clientY: at.y, bubbles: true }));
            """
        guard let page = try Self.clicked(HTMLReport.render(document), harness) else { return }
        expectFiltered(page.dom, tiles, sentence: "holding \(pair.first!) and \(pair.last!)") {
            $0.labels.contains(pair.first!) && $0.labels.contains(pair.last!)
        }
    }

    /// A click on a gallery image opens it large: ground truth and predictions side by side (one
    /// box per object on each side) over the image, and one table row per box.
    /// (`Set` of boxes: a ground truth two detections overlap is drawn once.)
    @Test func anImageOpensLargeWithTruthAndPredictionsSideBySide() throws {
        let run = try EvaluationRun(folder: try Self.vocEvaluation())
        let document = ReportFiles.document(run)
        // An image with found, missed and falsely detected objects.
        let tile = try #require(
            try Self.tiles(document).first { tile in
                let kinds = Set(tile.boxes.compactMap { $0["kind"]?.string })
                return kinds.isSuperset(of: ["true positive", "false positive", "missed"])
            })
        let kinds = tile.boxes.compactMap { $0["kind"]?.string }
        let truths = Set(tile.boxes.compactMap { $0["truth_bbox"]?.array.map { "\($0)" } }).count
        let expected = [
            truths + kinds.filter { $0 == "missed" }.count,
            kinds.filter { $0 == "true positive" || $0 == "false positive" }.count, tile.boxes.count, 2,
        ]
        let harness = """
            document.getElementById("\(tile.id)").click();
            const sides = document.querySelectorAll("#gallery-large .sides svg");
            document.body.setAttribute("data-measured", [
              sides[0].querySelectorAll("rect").length, sides[1].querySelectorAll("rect").length,
              document.querySelectorAll("#gallery-boxes tbody tr").length,
              document.querySelectorAll("#gallery-large .sides svg image").length].join(","));
            """
        guard let page = try Self.clicked(HTMLReport.render(document), harness) else { return }
        #expect(page.measured == expected.map(String.init).joined(separator: ","), "\(page.measured) \(expected)")
        #expect(page.dom.contains("<div id=\"gallery-large\">"))
    }
}
