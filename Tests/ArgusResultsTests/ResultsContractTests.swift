import ArgusData
import ArgusIO
import ArgusPipeline
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

/// The output files' contract: each file's bytes are pinned by a committed snapshot, decoding and
/// encoding again gives the same bytes, and a hand-edited file with a missing or mistyped key is an
/// error naming the file and the key. Regenerate the snapshots with `ARGUS_UPDATE_SNAPSHOTS=1
/// swift test --filter ResultsContractTests` and review the change.
@Suite struct ResultsContractTests {
    static let snapshots = "Tests/ArgusResultsTests/Snapshots/"
    /// Inputs written into the snapshots in place of the machine's absolute paths.
    static let inputs = EvaluationInputs(groundTruth: "gt", predictions: "predictions")

    static func detection() throws -> (DetectionEvaluationJob, DetectionEvaluationJob.Outcome) {
        let cases = Repository.path("golden/detection/cases/")
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: cases + "bbox_102_gt.json",
            predictions: cases + "bbox_102_results.json"
        )
        job.metricType = .cocoVOC
        return (job, try job.run())
    }

    static func multiclass() throws -> (ClassificationEvaluationJob, ClassificationEvaluationJob.Outcome) {
        let job = ClassificationEvaluationJob(
            groundTruth: Repository.path("samples/digits/validation.jsonl"),
            predictions: Repository.path("samples/digits/predictions.jsonl")
        )
        return (job, try job.run())
    }

    static func multilabel(_ folder: ScratchFolder) throws -> (MultilabelEvaluationJob, MultilabelEvaluationJob.Outcome)
    {
        let truth = folder.write(
            "filename,labels\na.jpg,dog\nb.jpg,cat dog\nc.jpg,cat\nd.jpg,\ne.jpg,dog\n", to: "gt.csv"
        )
        let predictions = folder.write(
            """
            {"filename": "a.jpg", "probs": [0.2, 0.7, 0.1], "labels": ["cat", "dog", "eel"]}
            {"filename": "b.jpg", "probs": [0.9, 0.6, 0.5], "labels": ["cat", "dog", "eel"]}
            {"filename": "c.jpg", "probs": [0.6, 0.4, 0.1], "labels": ["cat", "dog", "eel"]}
            {"filename": "d.jpg", "probs": [0.1, 0.2, 0.3], "labels": ["cat", "dog", "eel"]}
            {"filename": "e.jpg", "probs": [0.3, 0.8, 0.6], "labels": ["cat", "dog", "eel"]}
            """, to: "p.jsonl")
        let job = MultilabelEvaluationJob(groundTruth: truth, predictions: predictions)
        return (job, try job.run())
    }

    @Test func detectionFilesMatchTheirSnapshots() throws {
        let (job, outcome) = try Self.detection()
        var metrics = job.metricsFile(outcome)
        metrics.inputs = Self.inputs
        Golden.expectSnapshot(metrics.encoded(), Self.snapshots + "detection_metrics.json")
        Golden.expectSnapshot(job.curvesFile(outcome).encoded(), Self.snapshots + "detection_curves.json")
        let folder = ScratchFolder()
        try job.write(outcome, to: folder.file("eval"), overwrite: false)
        let lines = try String(contentsOfFile: folder.file("eval/matches.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(6)
        Golden.expectSnapshot(
            Array((lines.joined(separator: "\n") + "\n").utf8), Self.snapshots + "detection_matches.jsonl")
    }

    @Test func classificationMetricsMatchTheirSnapshots() throws {
        let (job, outcome) = try Self.multiclass()
        var metrics = job.metricsFile(outcome)
        metrics.inputs = Self.inputs
        Golden.expectSnapshot(metrics.encoded(), Self.snapshots + "multiclass_metrics.json")
        let folder = ScratchFolder()
        let (labelJob, labelOutcome) = try Self.multilabel(folder)
        var labelMetrics = labelJob.metricsFile(labelOutcome)
        labelMetrics.inputs = Self.inputs
        Golden.expectSnapshot(labelMetrics.encoded(), Self.snapshots + "multilabel_metrics.json")
        Golden.expectSnapshot(labelJob.curvesFile(labelOutcome).encoded(), Self.snapshots + "multilabel_curves.json")
        try labelJob.write(labelOutcome, to: folder.file("multilabel"), overwrite: false)
        Golden.expectSnapshot(
            try #require(Golden.bytes(at: folder.file("multilabel/matches.jsonl"))),
            Self.snapshots + "multilabel_matches.jsonl")
    }

    /// Every file of the three kinds of evaluation, read and written again, gives the same bytes.
    @Test func decodingAndEncodingGiveTheSameBytes() throws {
        let folder = ScratchFolder()
        let (detectionJob, detectionOutcome) = try Self.detection()
        try detectionJob.write(detectionOutcome, to: folder.file("detection"), overwrite: false)
        let (classJob, classOutcome) = try Self.multiclass()
        try classJob.write(classOutcome, to: folder.file("multiclass"), overwrite: false)
        let (labelJob, labelOutcome) = try Self.multilabel(folder)
        try labelJob.write(labelOutcome, to: folder.file("multilabel"), overwrite: false)
        for name in ["detection", "multiclass", "multilabel"] {
            let metricsPath = folder.file(name + "/metrics.json")
            #expect(try EvaluationMetrics.read(metricsPath).encoded() == Golden.bytes(at: metricsPath), "\(name)")
            let curvesPath = folder.file(name + "/curves.json")
            #expect(try CurvesFile.read(curvesPath).encoded() == Golden.bytes(at: curvesPath), "\(name)")
        }
        let matchesPath = folder.file("detection/matches.jsonl")
        var lines = ResultsSchema.headerLine(.matches)
        try DetectionMatchRecord.forEach(in: matchesPath) { record in lines += Array((record.line + "\n").utf8) }
        #expect(lines == Golden.bytes(at: matchesPath))
        let classLines = RecordLinesWriter.bytes(
            .matches, try ClassificationMatchRecord.read(folder.file("multiclass/matches.jsonl"))
        ) {
            record, json in record.write(to: &json)
        }
        #expect(classLines == Golden.bytes(at: folder.file("multiclass/matches.jsonl")))
        let labelLines = RecordLinesWriter.bytes(
            .matches, try MultilabelMatchRecord.read(folder.file("multilabel/matches.jsonl"))
        ) {
            record, json in record.write(to: &json)
        }
        #expect(labelLines == Golden.bytes(at: folder.file("multilabel/matches.jsonl")))
        let images = RecordLinesWriter.bytes(.images, try ImageEntry.read(folder.file("detection/images.jsonl"))) {
            entry, json in entry.write(to: &json)
        }
        #expect(images == Golden.bytes(at: folder.file("detection/images.jsonl")))
        let state = try detectionJob.runState().0
        let statePath = folder.write(String(decoding: state.bytes(), as: UTF8.self), to: "shard.state")
        #expect(try EvaluationState.read(statePath).bytes() == state.bytes())
    }

    /// Match records are read by a one-walk reader when they are plain box records and by the strict
    /// decoder otherwise: both give the same records, and a bad record is named by the strict one.
    @Test func matchRecordsReadTheSameEitherWay() throws {
        guard let bytes = Golden.bytes(Self.snapshots + "detection_matches.jsonl") else { return }
        let lines =
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init) + [
                #"{"kind":"missed","image":"a.jpg","label":"cat","ground_truth_id":4,"bbox":[1,2,3,4]}"#,
                #"{"kind":"detection","image":"a.jpg","label":"cat","score":0.5,"bbox":[1,2,3,4],"outcome":"fp","#
                    + #""ground_truth_id":null,"iou":0.0,"segmentation":[[1,2,3,2,3,4]]}"#,
            ]
        let folder = ScratchFolder()
        func records(_ lines: [String]) throws(DataError) -> [DetectionMatchRecord] {
            let path = folder.write(lines.joined(separator: "\n") + "\n", to: "matches.jsonl")
            var result: [DetectionMatchRecord] = []
            try DetectionMatchRecord.forEach(in: path) { result.append($0) }
            return result
        }
        // A repeated first key sends every record to the strict decoder (which reads the first one).
        let repeated =
            [lines[0]]
            + lines.dropFirst().map { line in "{" + line.dropFirst().prefix { $0 != "," } + "," + line.dropFirst() }
        let plain = try records(lines)
        #expect(plain.count == lines.count - 1 && plain.contains { $0.detection == nil } && plain.last?.shape != nil)
        #expect(try records(repeated) == plain)
        let bad: [(String, String, String)] = [
            (#""bbox":["#, #""bbox":[1,"#, "bbox"),
            (#""outcome":"fp""#, #""outcome":"maybe""#, "outcome"),
            (#""ground_truth_id":25,"#, "", "ground_truth_id"),
            (#""score":1.0"#, #""score":"high""#, "score"),
            (#""tide_error":"background""#, #""tide_error":"noise""#, "tide_error"),
        ]
        for (from, to, key) in bad {
            let edited = [lines[0], lines[1].replacingOccurrences(of: from, with: to)]
            #expect(edited[1] != lines[1], "\(from)")
            do {
                _ = try records(edited)
                Issue.record("\(key): the edited record was read")
            } catch {
                #expect(error.description.contains("matches.jsonl:2") && error.description.contains(key), "\(error)")
            }
        }
    }

    /// Edits a snapshot and expects the reader's error to name the file and the key.
    func expectError(
        _ snapshot: String, _ edit: (String) -> String, mentions key: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let bytes = Golden.bytes(Self.snapshots + snapshot) else { return }
        let folder = ScratchFolder()
        let path = folder.write(edit(String(decoding: bytes, as: UTF8.self)), to: "metrics.json")
        do {
            _ = try EvaluationMetrics.read(path)
            Issue.record("\(snapshot): the edited file was read", sourceLocation: sourceLocation)
        } catch {
            let message = error.description
            #expect(message.contains(path) && message.contains(key), "\(message)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingOrMistypedKeysAreErrorsNamingFileAndKey() {
        expectError(
            "detection_metrics.json", { $0.replacingOccurrences(of: "\"recall\": ", with: "\"recal\": ") },
            mentions: "metrics.recall")
        expectError(
            "detection_metrics.json",
            {
                $0.replacingOccurrences(
                    of: "\"iou_threshold\": 0.5,\n  \"primary", with: "\"iou_threshold\": \"0.5\",\n  \"primary")
            },
            mentions: "iou_threshold")
        expectError(
            "detection_metrics.json", { $0.replacingOccurrences(of: "\"skipped_detections\"", with: "\"skipped\"") },
            mentions: "counts.skipped_detections")
        expectError(
            "multiclass_metrics.json", { $0.replacingOccurrences(of: "\"support\": 30", with: "\"support\": \"30\"") },
            mentions: "support")
        expectError(
            "multiclass_metrics.json", { $0.replacingOccurrences(of: "\"calibration\"", with: "\"calibrations\"") },
            mentions: "calibration")
        expectError(
            "multilabel_metrics.json", { $0.replacingOccurrences(of: "\"threshold\": 0.5,", with: "") },
            mentions: "threshold")
    }

    @Test func schemaVersionsAreReadOrRefused() throws {
        guard let bytes = Golden.bytes(Self.snapshots + "detection_metrics.json") else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let folder = ScratchFolder()
        // Files written before versioning (version 0) are read.
        let old = folder.write(text.replacingOccurrences(of: "  \"schema_version\": 1,\n", with: ""), to: "old.json")
        #expect(try EvaluationMetrics.read(old).task == .imageObjectDetection)
        // A newer file is refused with both versions named.
        let newer = folder.write(
            text.replacingOccurrences(of: "\"schema_version\": 1", with: "\"schema_version\": 7"), to: "new.json")
        #expect {
            _ = try EvaluationMetrics.read(newer)
        } throws: { error in
            let message = "\(error)"
            return message.contains("schema version 7") && message.contains("versions 0 to \(ResultsSchema.version)")
                && message.contains(newer)
        }
        // The same for a JSON-lines file's header.
        let lines = folder.write("{\"schema_version\":3,\"file\":\"matches\"}\n", to: "matches.jsonl")
        #expect(throws: DataError.self) { try ClassificationMatchRecord.read(lines) }
    }
}

extension Golden {
    /// The bytes of a file anywhere (nil when unreadable).
    static func bytes(at path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
