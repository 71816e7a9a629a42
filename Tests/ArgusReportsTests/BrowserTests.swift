import ArgusData
import ArgusMetrics
import ArgusPipeline
import ArgusPipelineTestSupport
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusReports

/// The reports in a real browser: Debian's Chromium, headless, loads each page offline, runs its
/// scripts (no uncaught error) and moves the threshold slider (through the page's own
/// `#threshold=` link), and the numbers it shows are Argus's.
@Suite struct BrowserTests {
    static let chromium = "/usr/bin/chromium"

    /// The page's DOM after its scripts ran, and Chromium's log; nil (with the reason printed)
    /// where Chromium is missing.
    static func load(_ path: String, hash: String = "") throws -> (dom: String, log: String)? {
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            print("browser tests skipped: no \(chromium) (scripts/bootstrap.sh installs Debian's chromium)")
            return nil
        }
        let run = try ProgramRun.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=3000", "--dump-dom", "file://" + path + hash,
            ])
        #expect(run.status == 0, "\(run.err.suffix(2000))")
        return (run.out, run.err)
    }

    static func summary(_ dom: String) -> String? {
        guard let open = dom.range(of: "<p id=\"threshold-summary\">"),
            let close = dom.range(of: "</p>", range: open.upperBound..<dom.endIndex)
        else { return nil }
        return String(dom[open.upperBound..<close.lowerBound])
    }

    static func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "—" }

    @Test func theDigitsSliderShowsArgusFiguresAtTwoThresholds() throws {
        let run = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let path = Scratch.write(HTMLReport.render(ReportFiles.document(run)), Scratch.folder(), "digits.html")
        guard let start = try Self.load(path) else { return }
        #expect(!start.log.contains("Uncaught"), "\(start.log.suffix(2000))")
        #expect(
            Self.summary(start.dom)
                == "macro precision \(Self.f(run.scalar("precision_score_macro"))) · recall "
                + "\(Self.f(run.scalar("recall_score_macro"))) · F1 \(Self.f(run.scalar("f1_score_macro"))) · "
                + "accuracy \(Self.f(run.scalar("accuracy"))) · coverage 1.0000")
        // At 0.6, the figures recomputed here from the match records.
        guard let moved = try Self.load(path, hash: "#threshold=0.6") else { return }
        #expect(moved.dom.contains("<output id=\"threshold-value\">0.60</output>"))
        let records = try #require(run.classifications)
        let labels = run.perLabel.map(\.label)
        var precision: [Double] = []
        var recall: [Double] = []
        for label in labels {
            let kept = records.filter { $0.score >= 0.6 }
            let tp = Double(kept.filter { $0.label == label && $0.predicted == label }.count)
            let predicted = Double(kept.filter { $0.predicted == label }.count)
            let support = Double(records.filter { $0.label == label }.count)
            precision.append(predicted > 0 ? tp / predicted : 0)
            recall.append(support > 0 ? tp / support : 0)
        }
        let correct = Double(records.filter { $0.score >= 0.6 && $0.label == $0.predicted }.count)
        let coverage = Double(records.filter { $0.score >= 0.6 }.count) / Double(records.count)
        let shown = try #require(Self.summary(moved.dom))
        #expect(shown.hasPrefix("macro precision \(Self.f(precision.reduce(0, +) / Double(labels.count)))"), "\(shown)")
        #expect(shown.contains("recall \(Self.f(recall.reduce(0, +) / Double(labels.count)))"), "\(shown)")
        #expect(
            shown.hasSuffix("accuracy \(Self.f(correct / Double(records.count))) · coverage \(Self.f(coverage))"),
            "\(shown)")
    }

    @Test func theMultilabelSliderStartsAtTheEvaluationsThreshold() throws {
        let run = try EvaluationRun(folder: try ThresholdSliderTests.multilabelEvaluation())
        let path = Scratch.write(HTMLReport.render(ReportFiles.document(run)), Scratch.folder(), "multilabel.html")
        guard let page = try Self.load(path) else { return }
        #expect(!page.log.contains("Uncaught"), "\(page.log.suffix(2000))")
        #expect(page.dom.contains("<output id=\"threshold-value\">0.50</output>"))
        let s = { (key: String) in Self.f(run.scalar(key)) }
        #expect(
            Self.summary(page.dom)
                == "macro precision \(s("precision_score_macro")) · recall \(s("recall_score_macro")) · F1 "
                + "\(s("f1_score_macro")) · micro F1 \(s("f1_score_micro")) · samples F1 \(s("f1_score_samples")) · "
                + "Hamming loss \(s("hamming_loss")) · subset accuracy \(s("subset_accuracy"))")
        // The slider dragged to 0.3 (its value set and an input event sent, as a drag does): Argus's
        // own multi-label metrics at 0.3.
        let labels = run.perLabel.map(\.label)
        let records = try #require(run.multilabelRecords)
        let at = MultilabelMetrics(
            labels: labels, truth: records.flatMap { r in labels.map { r.labels.contains($0) } },
            scores: records.flatMap(\.probabilities), threshold: 0.3)
        let values = Dictionary(uniqueKeysWithValues: at.scalars())
        let harness = """
            const input = document.getElementById("threshold-input");
            input.value = "0.3";
            input.dispatchEvent(new Event("input"));
            """
        let html = try String(contentsOfFile: path, encoding: .utf8)
        guard let dragged = try Self.clicked(html, harness) else { return }
        let v = { (key: String) in Self.f(values[key]) }
        #expect(dragged.dom.contains("<output id=\"threshold-value\">0.30</output>"))
        #expect(
            Self.summary(dragged.dom)
                == "macro precision \(v("precision_score_macro")) · recall \(v("recall_score_macro")) · F1 "
                + "\(v("f1_score_macro")) · micro F1 \(v("f1_score_micro")) · samples F1 \(v("f1_score_samples")) · "
                + "Hamming loss \(v("hamming_loss")) · subset accuracy \(v("subset_accuracy"))")
    }

    @Test func theDetectionPageRunsAndStartsAtMetricsJSON() throws {
        let run = try EvaluationRun(folder: try ReportsTests.toyEvaluation())
        let path = Scratch.write(HTMLReport.render(ReportFiles.document(run)), Scratch.folder(), "toy.html")
        guard let page = try Self.load(path) else { return }
        #expect(!page.log.contains("Uncaught"), "\(page.log.suffix(2000))")
        #expect(
            Self.summary(page.dom)
                == "macro precision \(Self.f(run.scalar("precision"))) · recall \(Self.f(run.scalar("recall")))")
    }
}

extension BrowserTests {
    /// The peers' VOC detections with their image files (a gallery with several classes).
    static func vocEvaluation() throws -> String {
        let job = try PeerEvaluations.vocJob()
        let folder = Scratch.folder() + "/voc"
        try job.write(try job.run(), to: folder, overwrite: false)
        return folder
    }

    /// A class row's link (`#class=NAME`, what a click on the row does) leaves in the gallery only the
    /// images holding that class, and says so; each image carries its boxes' scores and IoUs for the
    /// enlarged view.
    @Test func aClassFiltersTheGallery() throws {
        let folder = try Self.vocEvaluation()
        let run = try EvaluationRun(folder: folder)
        let document = ReportFiles.document(run)
        let gallery = try #require(document.sections.first { $0.id == "gallery" })
        var tiles: [(id: String, labels: [String], boxes: Int)] = []
        for block in gallery.blocks {
            guard case .grid(let figures) = block else { continue }
            for figure in figures {
                let labels = figure.data["labels"]?.array?.compactMap(\.string) ?? []
                tiles.append(("fig-" + figure.id, labels, figure.data["boxes"]?.array?.count ?? 0))
            }
        }
        #expect(tiles.count > 1 && tiles.allSatisfy { !$0.labels.isEmpty && $0.boxes > 0 })
        // The class of the first tile that some other tile lacks.
        let label = try #require(tiles.flatMap(\.labels).first { l in tiles.contains { !$0.labels.contains(l) } })
        let path = Scratch.write(HTMLReport.render(document), Scratch.folder(), "toy.html")
        let hash = "#class=" + (label.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? label)
        guard let page = try Self.load(path, hash: hash) else { return }
        #expect(!page.log.contains("Uncaught"), "\(page.log.suffix(2000))")
        let shown = tiles.filter { $0.labels.contains(label) }
        #expect(page.dom.contains("Showing the \(shown.count) of \(tiles.count) images holding \(label)"))
        for tile in tiles {
            #expect(dom(page.dom, isHidden: tile.id) == !tile.labels.contains(label), "\(tile.id) \(tile.labels)")
        }
        // A confusion's link (a click on a row of the largest confusions): the images holding both classes.
        let pair = try #require(tiles.first { $0.labels.count >= 2 }).labels.prefix(2)
        let encoded = pair.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 }
        guard let both = try Self.load(path, hash: "#confusion=" + encoded.joined(separator: "%7C")) else { return }
        let holding = tiles.filter { $0.labels.contains(pair.first!) && $0.labels.contains(pair.last!) }
        #expect(
            both.dom.contains(
                "Showing the \(holding.count) of \(tiles.count) images holding \(pair.first!) and \(pair.last!)"))
        for tile in tiles {
            let held = tile.labels.contains(pair.first!) && tile.labels.contains(pair.last!)
            #expect(dom(both.dom, isHidden: tile.id) == !held, "\(tile.id) \(tile.labels)")
        }
    }

    /// Whether the figure with `id` carries the `hidden` attribute in the dumped DOM.
    func dom(_ dom: String, isHidden id: String) -> Bool {
        guard let start = dom.range(of: "id=\"\(id)\"") else { return false }
        let tagStart = dom[..<start.lowerBound].lastIndex(of: "<") ?? start.lowerBound
        let tagEnd = dom[start.upperBound...].firstIndex(of: ">") ?? dom.endIndex
        return dom[tagStart..<tagEnd].contains(" hidden")
    }
}

extension BrowserTests {
    /// Hovering a curve shows its values: a pointer moved onto a chart's first hover point (a
    /// synthetic mousemove, added to a copy of the page) makes the read-out show that point.
    @Test func hoveringACurveShowsItsValues() throws {
        let run = try EvaluationRun(folder: try ReportsTests.toyEvaluation())
        let html = HTMLReport.render(ReportFiles.document(run))
        let harness = #"""
            <script>
            const figure = document.querySelector("figure[data-hover]");
            const svg = figure.querySelector("svg");
            const q = JSON.parse(figure.getAttribute("data-hover")).points[0];
            const p = svg.createSVGPoint(); p.x = q[1]; p.y = q[2];
            const screen = p.matrixTransform(svg.getScreenCTM());
            svg.dispatchEvent(new MouseEvent("mousemove", { clientX: screen.x, clientY: screen.y, bubbles: true }));
            document.body.setAttribute("data-expected", q[3].toFixed(3) + "," + q[4].toFixed(3));
            </script>
            """#
        let page = html.replacingOccurrences(of: "</body>", with: harness + "</body>")
        let path = Scratch.write(page, Scratch.folder(), "hover.html")
        guard let loaded = try Self.load(path) else { return }
        #expect(!loaded.log.contains("Uncaught"), "\(loaded.log.suffix(2000))")
        let expected = try #require(
            loaded.dom.range(of: #"data-expected="([0-9.,]+)""#, options: .regularExpression).map {
                String(loaded.dom[$0]).dropFirst(15).dropLast()
            })
        let values = expected.split(separator: ",")
        let tip = try #require(
            loaded.dom.range(of: #"<div id="curve-hover"[^>]*>[^<]*</div>"#, options: .regularExpression))
        let text = String(loaded.dom[tip])
        #expect(
            !text.contains("hidden") && text.contains(String(values[0])) && text.contains(String(values[1])), "\(text)")
    }
}

extension BrowserTests {
    /// Every kind of page the demo writes — detection, classification, multi-label, and the
    /// comparisons of two classifiers and of two detectors — loads offline in Chromium with no
    /// script error and no request for anything outside the page.
    @Test func everyKindOfPageLoadsWithoutScriptErrors() throws {
        let detection = try EvaluationRun(folder: try Self.vocEvaluation())
        let toy = try EvaluationRun(folder: try ReportsTests.toyEvaluation())
        let digits = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let bayes = try EvaluationRun(
            folder: try ReportsTests.digitsEvaluation(predictions: "predictions_naive_bayes.jsonl", name: "bayes"))
        let multilabel = try EvaluationRun(folder: try ThresholdSliderTests.multilabelEvaluation())
        let pages: [(String, ReportDocument)] = [
            ("detection", ReportFiles.document(detection)), ("digits", ReportFiles.document(digits)),
            ("multilabel", ReportFiles.document(multilabel)),
            ("compare", try ComparisonReport.build([digits, bayes])),
            ("compare-detectors", try ComparisonReport.build([toy, detection])),
        ]
        for (name, document) in pages {
            let path = Scratch.write(HTMLReport.render(document), Scratch.folder(), name + ".html")
            guard let page = try Self.load(path) else { return }
            #expect(!page.log.contains("Uncaught") && !page.log.contains("ERR_"), "\(name): \(page.log.suffix(2000))")
            #expect(page.dom.contains("</main>") || page.dom.contains("</body>"), "\(name)")
        }
    }
}
