import Foundation
import Testing

/// `argus report` and `argus compare` end to end.
extension CLITests {
    @Test func reportAndCompareCommands() throws {
        let folder = scratch()
        let digits = Self.root + "/samples/digits"
        for (name, predictions) in [("logistic", "predictions.jsonl"), ("bayes", "predictions_naive_bayes.jsonl")] {
            let run = try argus(
                "evaluate", "--task", "image_classification", "--ground-truth", digits + "/validation.jsonl",
                "--predictions", digits + "/" + predictions, "--output", folder + "/" + name)
            #expect(run.status == 0, "\(run.err)")
        }
        let report = try argus("report", folder + "/logistic", "--html", folder + "/r.html", "--pdf", folder + "/r.pdf")
        #expect(report.status == 0, "\(report.err)")
        for file in ["r.html", "r.pdf", "r.md"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
        }
        let pdf = try Data(contentsOf: URL(fileURLWithPath: folder + "/r.pdf"))
        #expect(pdf.prefix(5) == Data("%PDF-".utf8))
        // Existing reports are kept unless --overwrite says otherwise.
        let again = try argus("report", folder + "/logistic", "--html", folder + "/r.html", "--pdf", folder + "/r.pdf")
        #expect(again.status == 1 && again.err.contains(folder + "/r.html") && again.err.contains("--overwrite"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/r.pdf")) == pdf)
        #expect(
            try argus(
                "report", folder + "/logistic", "--html", folder + "/r.html", "--pdf", folder + "/r.pdf", "--overwrite"
            ).status == 0)
        // Without --html and --pdf the files go into the evaluation folder.
        #expect(try argus("report", folder + "/bayes").status == 0)
        #expect(
            FileManager.default.fileExists(atPath: folder + "/bayes/report.html")
                && FileManager.default.fileExists(atPath: folder + "/bayes/report.md"))

        let compare = try argus(
            "compare", folder + "/logistic", folder + "/bayes", "--html", folder + "/c.html", "--pdf", folder + "/c.pdf"
        )
        #expect(compare.status == 0, "\(compare.err)")
        let summary = try String(contentsOfFile: folder + "/c.md", encoding: .utf8)
        #expect(summary.contains("logistic: accuracy") && summary.contains("bayes vs logistic"))
        let named = try argus(
            "compare", folder + "/logistic", folder + "/bayes", "--html", folder + "/n.html", "--names", "LR, NB")
        let namedSummary = try String(contentsOfFile: folder + "/n.md", encoding: .utf8)
        #expect(named.status == 0 && namedSummary.contains("NB vs LR"))
    }

    @Test func reportBadInput() throws {
        let folder = scratch()
        let missing = try argus("report", folder, "--html", folder + "/r.html")
        #expect(missing.status == 1)
        #expect(missing.err.contains(folder + "/metrics.json") && missing.err.contains("not an evaluation folder"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/r.html"))
        #expect(try argus("compare", folder, "--html", folder + "/c.html").status == 64)
        #expect(try argus("report", folder, "--gallery", "-1").status == 64)
        #expect(try argus("compare", folder, folder, "--html", folder + "/c.html", "--names", "only one").status == 64)
    }
}
