import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusReports

/// The pages driven over Chromium's DevTools protocol (`scripts/drive_page.js`): trusted key presses
/// move the slider and a trusted mouse click lands on a confusion-matrix cell, as a person's would.
extension BrowserTests {
    /// Runs `actions` on the page `html` through the DevTools driver; nil (with the reason printed)
    /// where Chromium or Node is missing.
    static func drive(_ html: String, _ actions: [[String: Any]]) throws -> (values: [Any], errors: [String])? {
        guard FileManager.default.isExecutableFile(atPath: chromium),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/node")
        else {
            print("DevTools tests skipped: Chromium or Node is missing (scripts/bootstrap.sh installs both)")
            return nil
        }
        // The driver speaks WebSocket, built into Node from 20.10 (behind a flag until 22).
        let check = "process.exit(typeof WebSocket === 'function' ? 0 : 1)"
        let probe = try ProgramRun.run("/usr/bin/node", ["--experimental-websocket", "-e", check])
        guard probe.status == 0 else {
            print("DevTools tests skipped: this Node has no WebSocket (Node 20.10 or later has)")
            return nil
        }
        let folder = Scratch.folder()
        let page = Scratch.write(html, folder, "page.html")
        let plan = Scratch.write(
            String(decoding: try JSONSerialization.data(withJSONObject: actions), as: UTF8.self), folder, "actions.json"
        )
        let run = try ProgramRun.run(
            "/usr/bin/node", ["--experimental-websocket", Repository.path("scripts/drive_page.js"), page, plan])
        #expect(run.status == 0, "\(run.err.suffix(2000))")
        let line = run.out.split(separator: "\n").last.map(String.init) ?? ""
        let output = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return (output["values"] as? [Any] ?? [], output["errors"] as? [String] ?? [])
    }

    /// Sixty presses of the right arrow on the slider (0.01 each): the page shows 0.60 and Argus's
    /// own figures there, recomputed here from the match records.
    @Test func keyPressesMoveTheSliderOverTheDevToolsProtocol() throws {
        let run = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let html = HTMLReport.render(ReportFiles.document(run))
        let actions: [[String: Any]] = [
            ["keys": "ArrowRight", "times": 60, "on": "#threshold-input"],
            ["read": "document.getElementById('threshold-value').textContent"],
            ["read": "document.getElementById('threshold-summary').textContent"],
        ]
        guard let page = try Self.drive(html, actions) else { return }
        #expect(page.errors.isEmpty, "\(page.errors)")
        #expect(page.values.first as? String == "0.60")
        let records = try #require(run.classifications)
        let kept = records.filter { $0.score >= 0.6 }
        var precision = 0.0
        var recall = 0.0
        let labels = run.perLabel.map(\.label)
        for label in labels {
            let tp = Double(kept.filter { $0.label == label && $0.predicted == label }.count)
            let predicted = Double(kept.filter { $0.predicted == label }.count)
            let support = Double(records.filter { $0.label == label }.count)
            precision += predicted > 0 ? tp / predicted : 0
            recall += support > 0 ? tp / support : 0
        }
        let shown = try #require(page.values.last as? String)
        #expect(shown.hasPrefix("macro precision \(Self.f(precision / Double(labels.count)))"), "\(shown)")
        #expect(shown.contains("recall \(Self.f(recall / Double(labels.count)))"), "\(shown)")
        #expect(shown.hasSuffix("coverage \(Self.f(Double(kept.count) / Double(records.count)))"), "\(shown)")
    }

    /// A mouse click on the centre of a cell of the counts matrix (true class row, predicted class
    /// column) leaves in the gallery the images holding both classes.
    @Test func aMouseClickOnAConfusionCellOverTheDevToolsProtocol() throws {
        let run = try EvaluationRun(folder: try Self.vocEvaluation())
        let document = ReportFiles.document(run)
        let tiles = try Self.tiles(document)
        let labels = try #require(run.confusionMatrix?.labels)
        let pair = try #require(tiles.first { $0.labels.count >= 2 }).labels.prefix(2)
        let i = try #require(labels.firstIndex(of: pair.first!))
        let j = try #require(labels.firstIndex(of: pair.last!))
        let grid = try #require(document.chartData["confusion_counts"]?["grid"]?.doubles)
        let actions: [[String: Any]] = [
            [
                "clickSVG": "#fig-confusion_counts svg", "x": grid[0] + (Double(j) + 0.5) * grid[2],
                "y": grid[1] + (Double(i) + 0.5) * grid[2],
            ],
            ["read": "document.getElementById('gallery-filter').textContent"],
            [
                "read":
                    "Array.from(document.querySelectorAll('#gallery figure[id^=fig-gallery_]:not([hidden])'), f => f.id)"
            ],
        ]
        guard let page = try Self.drive(HTMLReport.render(document), actions) else { return }
        #expect(page.errors.isEmpty, "\(page.errors)")
        let holding = tiles.filter { $0.labels.contains(pair.first!) && $0.labels.contains(pair.last!) }
        let sentence = try #require(page.values.first as? String)
        #expect(
            sentence.hasPrefix(
                "Showing the \(holding.count) of \(tiles.count) images holding \(pair.first!) and \(pair.last!)"),
            "\(sentence)")
        #expect(page.values.last as? [String] == holding.map(\.id))
    }
}

extension BrowserTests {
    /// The driver reports what goes wrong in a page: an uncaught exception and a console error; a
    /// clean page reports nothing.
    @Test func theDriverReportsAPagesErrors() throws {
        let broken = """
            <html><body><script>console.error("bad"); throw new Error("at load")</script></body></html>
            """
        guard let page = try Self.drive(broken, [["read": "1 + 1"]]) else { return }
        #expect(page.values.first as? Int == 2)
        #expect(page.errors.contains("console.error: bad"), "\(page.errors)")
        #expect(page.errors.contains { $0.hasPrefix("Error: at load") }, "\(page.errors)")
        guard let clean = try Self.drive("<html><body><p>fine</p></body></html>", [["read": "1"]]) else { return }
        #expect(clean.errors.isEmpty, "\(clean.errors)")
    }
}
