import ArgusMetrics
import ArgusPipeline
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusReports

/// The HTML's score-threshold slider: its script, run by Node on the data the page embeds, gives
/// metrics.json's figures at 0 and Argus's own recomputation at other thresholds.
@Suite struct ThresholdSliderTests {
    /// `argusAtThreshold(data, t)` for each threshold, run by Node on the page's own script and data;
    /// nil (with the reason printed) where Node is missing.
    static func slider(_ html: String, thresholds: [Double]) throws -> [[String: Any]]? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") else {
            print("threshold slider test skipped: no /usr/bin/node (scripts/bootstrap.sh installs Debian's nodejs)")
            return nil
        }
        let model = try Self.between(html, "<script id=\"argus-threshold-model\">", "</script>")
        let data = try Self.between(html, "<script type=\"application/json\" id=\"argus-threshold-data\">", "</script>")
        let folder = Scratch.folder()
        Scratch.write(data, folder, "data.json")
        let script =
            model
            + "\nconst data = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));\n"
            + "console.log(JSON.stringify(\(thresholds).map(t => argusAtThreshold(data, t))));\n"
        Scratch.write(script, folder, "slider.js")
        let run = try ProgramRun.run("/usr/bin/node", [folder + "/slider.js", folder + "/data.json"])
        #expect(run.status == 0, "\(run.err)")
        return try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]]
    }

    /// The page's slider script run against a minimal stand-in of the page's elements, moved to
    /// `threshold`: the summary line it writes (no exception on the way).
    static func moveSlider(_ html: String, to threshold: Double) throws -> String {
        let data = try Self.between(html, "<script type=\"application/json\" id=\"argus-threshold-data\">", "</script>")
        let page = #"""
            const fs = require('fs');
            const cell = () => ({ textContent: "" });
            const row = () => { const r = { cells: [], insertCell() { const c = cell(); r.cells.push(c); return c; },
                                             appendChild(c) { r.cells.push(c); } }; return r; };
            const section = () => { const s = { rows: [], set textContent(v) { s.rows = []; },
                                                insertRow() { const r = row(); s.rows.push(r); return r; } }; return s; };
            const table = () => ({ tHead: section(), tBodies: [section()] });
            let listener = null;
            const elements = {
              "argus-threshold-data": { textContent: fs.readFileSync(process.argv[2], 'utf8') },
              "threshold-input": { value: "0", addEventListener(kind, f) { listener = f; } },
              "threshold-value": cell(), "threshold-summary": cell(), "threshold-images": cell(),
              "threshold-table": table(), "threshold-confusion": table() };
            global.document = { getElementById: id => elements[id] || null, createElement: () => cell() };
            global.window = { location: { hash: "" } };
            """#
        let folder = Scratch.folder()
        Scratch.write(data, folder, "data.json")
        let script =
            page + "\n" + ThresholdExplorer.model + "\n" + ThresholdExplorer.wiring
            + "\nelements['threshold-input'].value = '\(threshold)'; listener();\n"
            + "console.log(elements['threshold-value'].textContent + ' | ' + elements['threshold-summary'].textContent"
            + " + ' | ' + elements['threshold-table'].tBodies[0].rows.length);\n"
        Scratch.write(script, folder, "page.js")
        let run = try ProgramRun.run("/usr/bin/node", [folder + "/page.js", folder + "/data.json"])
        #expect(run.status == 0, "\(run.err)")
        return run.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every inline script of the page parses (`node --check`).
    static func scriptsParse(_ html: String) throws {
        let folder = Scratch.folder()
        var rest = html[...]
        var count = 0
        while let open = rest.range(of: "<script") {
            let tagEnd = try #require(rest.range(of: ">", range: open.upperBound..<rest.endIndex))
            let end = try #require(rest.range(of: "</script>", range: tagEnd.upperBound..<rest.endIndex))
            defer { rest = rest[end.upperBound...] }
            if rest[open.upperBound..<tagEnd.lowerBound].contains("application/json") { continue }
            count += 1
            let file = Scratch.write(String(rest[tagEnd.upperBound..<end.lowerBound]), folder, "script\(count).js")
            let check = try ProgramRun.run("/usr/bin/node", ["--check", file])
            #expect(check.status == 0, "script \(count): \(check.err)")
        }
        #expect(count >= 3)
    }

    /// The text of `html` between the first `open` and the next `close`.
    static func between(_ html: String, _ open: String, _ close: String) throws -> String {
        let start = try #require(html.range(of: open)).upperBound
        let end = try #require(html.range(of: close, range: start..<html.endIndex)).lowerBound
        return String(html[start..<end])
    }

    static func close(_ a: Double?, _ b: Double?, _ what: String) {
        #expect((a == nil) == (b == nil), "\(what): \(String(describing: a)) vs \(String(describing: b))")
        if let a, let b { #expect(abs(a - b) <= 1e-12, "\(what): \(a) vs \(b)") }
    }

    static func number(_ value: Any?) -> Double? { value as? Double ?? (value as? Int).map(Double.init) }

    @Test func classificationAtZeroIsMetricsJSONAndElsewhereArgusOwn() throws {
        let run = try EvaluationRun(folder: try ReportsTests.digitsEvaluation())
        let html = HTMLReport.render(ReportFiles.document(run))
        #expect(html.contains("id=\"threshold-input\""))
        guard let results = try Self.slider(html, thresholds: [0, 0.6]) else { return }
        try Self.scriptsParse(html)
        let moved = try Self.moveSlider(html, to: 0.6)
        #expect(
            moved.hasPrefix("0.60 | macro precision ") && moved.contains("coverage") && moved.hasSuffix("| 10"),
            "\(moved)")
        let zero = results[0]
        let macro = try #require(zero["macro"] as? [String: Any])
        Self.close(Self.number(macro["precision"]), run.scalar("precision_score_macro"), "macro precision")
        Self.close(Self.number(macro["recall"]), run.scalar("recall_score_macro"), "macro recall")
        Self.close(Self.number(macro["f1"]), run.scalar("f1_score_macro"), "macro F1")
        Self.close(Self.number(zero["accuracy"]), run.scalar("accuracy"), "accuracy")
        // At 0.6: images whose top score is lower get no prediction, recomputed here from the match records.
        let records = try #require(run.classifications)
        let labels = run.perLabel.map(\.label)
        let rows = try #require(results[1]["rows"] as? [[String: Any]])
        for (k, label) in labels.enumerated() {
            let kept = records.filter { $0.score >= 0.6 }
            let tp = Double(kept.filter { $0.label == label && $0.predicted == label }.count)
            let predicted = Double(kept.filter { $0.predicted == label }.count)
            let support = Double(records.filter { $0.label == label }.count)
            Self.close(Self.number(rows[k]["precision"]), predicted > 0 ? tp / predicted : 0, "\(label) precision")
            Self.close(Self.number(rows[k]["recall"]), support > 0 ? tp / support : 0, "\(label) recall")
        }
        let covered = Double(records.filter { $0.score >= 0.6 }.count) / Double(records.count)
        Self.close(Self.number(results[1]["coverage"]), covered, "coverage")
        #expect(covered < 1)
    }

    @Test func detectionAtZeroIsMetricsJSONAndElsewhereArgusOwn() throws {
        let run = try EvaluationRun(folder: try ReportsTests.toyEvaluation())
        let html = HTMLReport.render(ReportFiles.document(run))
        guard let results = try Self.slider(html, thresholds: [0, 0.5]) else { return }
        let moved = try Self.moveSlider(html, to: 0.5)
        #expect(moved.hasPrefix("0.50 | macro precision ") && moved.hasSuffix("| \(run.perLabel.count)"), "\(moved)")
        let macro = try #require(results[0]["macro"] as? [String: Any])
        Self.close(Self.number(macro["precision"]), run.scalar("precision"), "precision")
        Self.close(Self.number(macro["recall"]), run.scalar("recall"), "recall")
        // At 0.5: only detections scoring at least 0.5, counted from the match records.
        let records = try #require(run.detections)
        let rows = try #require(results[1]["rows"] as? [[String: Any]])
        for (k, entry) in run.perLabel.enumerated() {
            let label = try #require(records.labelNames.firstIndex(of: entry.label)).advanced(by: 0)
            var tp = 0.0
            var fp = 0.0
            for i in 0..<records.count where Int(records.label[i]) == label && records.score[i] >= 0.5 {
                if records.outcome[i] == .truePositive { tp += 1 }
                if records.outcome[i] == .falsePositive { fp += 1 }
            }
            let truth = entry.values["ground_truth"] ?? 0
            Self.close(
                Self.number(rows[k]["precision"]), tp + fp > 0 ? tp / (tp + fp) : nil, "\(entry.label) precision")
            Self.close(Self.number(rows[k]["recall"]), truth > 0 ? tp / truth : nil, "\(entry.label) recall")
        }
    }
}

extension ThresholdSliderTests {
    /// scikit-learn's multi-label case (400 images, 12 labels) as an evaluation folder: a CSV truth
    /// and scoring predictions with the case's probabilities.
    static func multilabelEvaluation() throws -> String {
        let path = Repository.path("golden/classification/multilabel_fine.json")
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let labels = try #require(root["labels"] as? [String])
        let truth = try #require(root["truth"] as? [[Int]])
        let probs = try #require(root["probs"] as? [[Double]])
        var truthLines = ["filename,labels"]
        var predictionLines: [String] = []
        let quoted = labels.map { "\"\($0)\"" }.joined(separator: ", ")
        for (i, (row, scores)) in zip(truth, probs).enumerated() {
            let held = labels.indices.filter { row[$0] == 1 }.map { labels[$0] }
            truthLines.append("i\(i).jpg,\(held.joined(separator: " "))")
            let values = scores.map { "\($0)" }.joined(separator: ", ")
            predictionLines.append(#"{"filename": "i\#(i).jpg", "probs": [\#(values)], "labels": [\#(quoted)]}"#)
        }
        let folder = Scratch.folder()
        Scratch.write(truthLines.joined(separator: "\n") + "\n", folder, "gt.csv")
        Scratch.write(predictionLines.joined(separator: "\n") + "\n", folder, "p.jsonl")
        let job = MultilabelEvaluationJob(groundTruth: folder + "/gt.csv", predictions: folder + "/p.jsonl")
        try job.write(try job.run(), to: folder + "/eval", overwrite: false)
        return folder + "/eval"
    }

    /// Multi-label: at the evaluation's threshold the page's figures are metrics.json's (themselves
    /// scikit-learn's on this case); at 0.3 and 0.7 they are Argus's own `MultilabelMetrics` there.
    @Test func multilabelAtItsThresholdIsMetricsJSONAndElsewhereArgusOwn() throws {
        let run = try EvaluationRun(folder: try Self.multilabelEvaluation())
        let records = try #require(run.multilabelRecords)
        #expect(records.count == 400)
        let html = HTMLReport.render(ReportFiles.document(run))
        guard let results = try Self.slider(html, thresholds: [0.5, 0.3, 0.7]) else { return }
        let moved = try Self.moveSlider(html, to: 0.3)
        #expect(moved.hasPrefix("0.30 | macro precision ") && moved.contains("subset accuracy"), "\(moved)")
        #expect(moved.hasSuffix("| 12"), "\(moved)")
        let labels = run.perLabel.map(\.label)
        let truth = records.flatMap { record in labels.map { record.labels.contains($0) } }
        let scores = records.flatMap(\.probabilities)
        for (k, threshold) in [0.5, 0.3, 0.7].enumerated() {
            let expected: (String) -> Double?
            if k == 0 {
                expected = { run.scalar($0) }
            } else {
                let ours = MultilabelMetrics(labels: labels, truth: truth, scores: scores, threshold: threshold)
                let values = Dictionary(uniqueKeysWithValues: ours.scalars())
                expected = { values[$0] }
            }
            let result = results[k]
            for average in ["macro", "micro", "weighted", "samples"] {
                let means = try #require(result[average] as? [String: Any])
                for (name, key) in [("precision", "precision_score"), ("recall", "recall_score"), ("f1", "f1_score")] {
                    Self.close(
                        Self.number(means[name]), expected("\(key)_\(average)"), "\(threshold) \(key)_\(average)")
                }
            }
            Self.close(Self.number(result["hamming"]), expected("hamming_loss"), "\(threshold) hamming_loss")
            Self.close(Self.number(result["subset"]), expected("subset_accuracy"), "\(threshold) subset_accuracy")
        }
    }
}

extension ThresholdSliderTests {
    /// Detection: the image-level hits and the confusion matrix at the evaluation's score threshold
    /// are metrics.json's; at 0.9 (half the toy's 12 detections score lower) they are Argus's own
    /// `ImageLevelMetrics` and `DetectionConfusionMatrix` computed there from the data.
    @Test func detectionImageLevelAndConfusionFollowTheSlider() throws {
        let job = ReportsTests.toyJob
        let outcome = try job.run()
        let folder = Scratch.folder() + "/toy"
        try job.write(outcome, to: folder, overwrite: false)
        let run = try EvaluationRun(folder: folder)
        let html = HTMLReport.render(ReportFiles.document(run))
        guard let results = try Self.slider(html, thresholds: [job.scoreThreshold, 0.9]) else { return }
        let moved = try Self.moveSlider(html, to: 0.9)
        #expect(moved.hasPrefix("0.90 | "), "\(moved)")
        let voc = try #require(outcome.voc)
        let file = try #require(run.detectionMetrics)
        let level = try #require(file.imageLevel)
        let atNinety = ImageLevelMetrics(outcome.data, matches: voc.matches, scoreThreshold: 0.9)
        let confusionAtNinety = DetectionConfusionMatrix(
            outcome.data, iouThreshold: job.iouThreshold, scoreThreshold: 0.9)
        let expected: [([Int], [[Int]])] = [
            (
                [level.truePositives, level.falseNegatives, level.falsePositives, level.trueNegatives],
                file.confusionMatrix.counts
            ),
            (
                [atNinety.truePositives, atNinety.falseNegatives, atNinety.falsePositives, atNinety.trueNegatives],
                confusionAtNinety.counts
            ),
        ]
        #expect(expected[0].1 != expected[1].1 && expected[0].0 != expected[1].0)
        for (result, (figures, counts)) in zip(results, expected) {
            let images = try #require(result["images"] as? [String: Any])
            let shown = ["truePositives", "falseNegatives", "falsePositives", "trueNegatives"].map {
                images[$0] as? Int ?? -1
            }
            #expect(shown == figures, "\(shown) vs \(figures)")
            let confusion = try #require(result["confusion"] as? [String: Any])
            #expect((confusion["counts"] as? [[Int]]) == counts)
        }
    }
}
