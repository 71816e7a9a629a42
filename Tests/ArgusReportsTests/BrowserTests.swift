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
