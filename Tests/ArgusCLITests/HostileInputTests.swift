import ArgusTestSupport
import Foundation
import Testing

/// Corrupted, extreme and hostile inputs, end to end: each gets a clear error (file, line, field)
/// or the right answer — never a crash, a hang, a guess, a wrong number, an escape or a loss.
/// README, "Bad input", lists them.
@Suite struct HostileInputTests {
    func argus(_ arguments: String..., in folder: String? = nil) throws -> ProgramRun.Result {
        try ProgramRun.run(CLITests.binary, arguments)
    }

    /// Two images, three boxes, as AutoML JSONL (normalised) with sizes.
    func groundTruth(_ folder: ScratchFolder) -> String {
        folder.write(
            """
            {"image_url": "a.jpg", "image_details": {"width": 100, "height": 100}, "label": [{"label": "cat", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5}]}
            {"image_url": "b.jpg", "image_details": {"width": 100, "height": 100}, "label": []}
            {"image_url": "c.jpg", "image_details": {"width": 100, "height": 100}, "label": [{"label": "dog", "topX": 0.2, "topY": 0.2, "bottomX": 0.6, "bottomY": 0.8}, {"label": "cat", "topX": 0.5, "topY": 0.5, "bottomX": 0.9, "bottomY": 0.9}]}
            """, to: "gt.jsonl")
    }

    @Test func yoloFoldersAreRecognisedWhateverTheirFirstFile() throws {
        let folder = ScratchFolder()
        let truth = groundTruth(folder)
        // a.txt: a byte-order mark and tabs; b.txt: empty (no objects); c.txt: a score column; no names file
        // until the second run.
        folder.write("\u{FEFF}0\t0.3\t0.3\t0.4\t0.4\n", to: "yolo/a.txt")
        folder.write("", to: "yolo/b.txt")
        folder.write("1 0.4 0.5 0.4 0.6 0.9\n0 0.7 0.7 0.4 0.4 0.8\n", to: "yolo/c.txt")
        let unnamed = try argus(
            "evaluate", "--task", "image_object_detection", "--ground-truth", truth, "--predictions",
            folder.file("yolo"), "--output", folder.file("eval0"))
        #expect(unnamed.status == 1 && unnamed.err.contains("--names"), "\(unnamed.err)")
        folder.write("cat\ndog\n", to: "yolo/obj.names")
        let run = try argus(
            "evaluate", "--task", "image_object_detection", "--ground-truth", truth, "--predictions",
            folder.file("yolo"), "--output", folder.file("eval"))
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.contains("read as yolo"), "\(run.err)")
        #expect(run.out.contains("mean_average_precision 1.0000"), "\(run.out)")
    }

    @Test func aFolderThatFitsTwoLayoutsIsNotGuessed() throws {
        let folder = ScratchFolder()
        folder.write("cat\n", to: "dets/obj.names")
        folder.write("0 0.3 0.3 0.4 0.4\n", to: "dets/a.txt")
        folder.write("0 0.9 12 40 60 80\n", to: "dets/b.txt")
        let run = try argus("stats", folder.file("dets"))
        #expect(run.status == 1 && run.err.contains("--from yolo or --from text"), "\(run.err)")
    }

    @Test func aDetectionFileWhoseFirstImageIsEmptyIsDetection() throws {
        let folder = ScratchFolder()
        let run = try argus("stats", groundTruth(folder))
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.contains("image_object_detection"), "\(run.err)")
    }

    @Test func hugeAndFarPolygonsAreRefusedQuickly() throws {
        let folder = ScratchFolder()
        let coco = folder.write(
            """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 100}],
             "categories": [{"id": 1, "name": "cat"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 10, 10], "area": 100,
                              "segmentation": [[1, 1, 1000000000, 1, 1000000000, 30000000, 1, 30000000]], "iscrowd": 0}]}
            """, to: "gt.json")
        let started = Date()
        let run = try argus("validate", coco)
        #expect(run.status == 1 && run.err.contains("far outside the 100×100 image"), "\(run.err)")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func badPredictionsAreErrorsNotCrashes() throws {
        let folder = ScratchFolder()
        let truth = folder.write(
            """
            {"image_url": "a.jpg", "label": "cat"}
            {"image_url": "b.jpg", "label": "dog"}
            """, to: "gt.jsonl")
        let cases: [(String, String)] = [
            (#"{"filename": "a.jpg", "probs": [0.5, 0.5], "labels": ["cat", "cat"]}"#, "appears more than once"),
            (#"{"filename": "a.jpg", "probs": [1e20, 0.5], "labels": ["cat", "dog"]}"#, "must be in [0, 1]"),
            (
                #"{"filename": "a.jpg", "probs": [0.5, 0.5], "labels": ["cat", "dog"]}"# + "\n"
                    + #"{"filename": "a.jpg", "probs": [0.4, 0.6], "labels": ["cat", "dog"]}"#, "a second prediction"
            ),
        ]
        for (index, (lines, message)) in cases.enumerated() {
            let predictions = folder.write(lines, to: "p\(index).jsonl")
            let run = try argus(
                "evaluate", "--ground-truth", truth, "--predictions", predictions, "--missing", "as-wrong",
                "--output", folder.file("eval\(index)"))
            #expect(run.status == 1 && run.err.contains(message), "\(message): \(run.err)")
            #expect(run.err.contains(predictions + ":"), "the file and line are named: \(run.err)")
        }
    }

    @Test func endlessStreamsAndDevicesAreRefused() throws {
        let run = try argus("validate", "--from", "jsonl", "/dev/zero")
        #expect(run.status == 1 && run.err.contains("is a device"), "\(run.err)")
    }

    @Test func datastorePathsStayInsideTheDataRoot() throws {
        let folder = ScratchFolder()
        folder.write("", to: "root/keep.txt")
        var lines: [String] = []
        for index in 0..<10 {
            lines.append(
                #"{"image_url": "AmlDatastore://../../../../etc/passwd", "label": "cat"}"#.replacingOccurrences(
                    of: "passwd", with: index == 0 ? "passwd" : "passwd\(index)"))
        }
        let data = folder.write(lines.joined(separator: "\n"), to: "escape.jsonl")
        let check = try argus("validate", data, "--data-root", folder.file("root"))
        #expect(check.status == 1 && check.err.contains("leaves --data-root"), "\(check.err)")
        let convert = try argus(
            "convert", data, "--data-root", folder.file("root"), "--to", "folders", "--output", folder.file("out"))
        #expect(convert.status == 1, "\(convert.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/cat/passwd")))
    }

    @Test func anOutputThatIsOrHoldsAnInputIsRefused() throws {
        let folder = ScratchFolder()
        let truth = groundTruth(folder)
        let input = CLITests.root + "/golden/peers/review_object_detection_metrics/data/database/gts/pascalvoc_format"
        let copy = folder.file("voc")
        try FileManager.default.copyItem(atPath: input, toPath: copy)
        let before = try FileManager.default.contentsOfDirectory(atPath: copy).count
        let same = try argus("convert", copy, "--to", "voc", "--output", copy, "--overwrite")
        #expect(same.status == 1 && same.err.contains("is also an input"), "\(same.err)")
        let holder = try argus("convert", copy, "--to", "mltable", "--output", folder.path, "--overwrite")
        #expect(holder.status == 1 && holder.err.contains("holds the input"), "\(holder.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy).count == before)
        let here = try argus(
            "evaluate", "--task", "image_object_detection", "--ground-truth", truth, "--predictions", truth,
            "--output", ".", "--overwrite")
        #expect(here.status == 1 && here.err.contains("current folder"), "\(here.err)")
    }

    @Test func brokenMasksAndBoxesAreErrors() throws {
        let folder = ScratchFolder()
        func coco(_ annotation: String) -> String {
            """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
             "categories": [{"id": 1, "name": "cat"}], "annotations": [\(annotation)]}
            """
        }
        let cases: [(String, String)] = [
            (
                #"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": {"size": [10, 10], "counts": "!!garbage"}}"#,
                "not a valid compressed RLE"
            ),
            (
                #"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": {"size": [10, 10], "counts": ""}}"#,
                "cover 0 pixels"
            ),
            (
                #"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": {"size": [20, 5], "counts": [100]}}"#,
                "the image is 10×10"
            ),
            (#"{"id": 1, "image_id": 1, "category_id": 1, "bbox": [50, 50, 2, 2]}"#, "wholly outside"),
        ]
        // An RLE's size must be two whole numbers, not negative.
        let sizes = ["[10]", "[10, 10, 1]", "[10, \"10\"]", "[10.5, 10]", "[-1, 10]", "{}", "10"]
        let badSizes = sizes.map { size in
            (
                #"{"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": \#(size), "counts": "0"}}"#,
                "RLE needs size: [height, width]"
            )
        }
        for (index, (annotation, message)) in (cases + badSizes).enumerated() {
            let path = folder.write(coco(annotation), to: "gt\(index).json")
            let run = try argus("validate", path, "--skip-image-check")
            #expect(run.status == 1 && run.err.contains(message), "\(message): \(run.err)")
        }
    }

    @Test func truncatedXMLAndEmptyImagesAreReported() throws {
        let folder = ScratchFolder()
        folder.write(
            "<annotation><filename>a.jpg</filename><size><width>10</width><height>10</height></size>"
                + "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin>", to: "voc/a.xml")
        let truncated = try argus("validate", folder.file("voc"), "--skip-image-check")
        #expect(truncated.status == 1 && truncated.err.contains("a.xml"), "\(truncated.err)")
        #expect(!truncated.err.contains("NSXMLParserErrorDomain"), "\(truncated.err)")
        folder.write("", to: "images/a.jpg")
        let data = folder.write(#"{"image_url": "images/a.jpg", "label": "cat"}"#, to: "data.jsonl")
        let empty = try argus("validate", data)
        #expect(empty.status == 1 && empty.err.contains("is empty or not a PNG, JPEG"), "\(empty.err)")
    }

    /// A streamed run (`--passes`) that fails part-way leaves nothing behind: no output, no hidden
    /// partial folder beside it, nothing in the temporary directory.
    @Test func aFailedStreamedRunLeavesNothing() throws {
        let folder = ScratchFolder()
        let truth = Repository.path("golden/detection/cases/bbox_102_gt.json")
        let results = try String(
            contentsOfFile: Repository.path("golden/detection/cases/bbox_102_results.json"), encoding: .utf8)
        // The last result's box has three numbers: found by the pass that reads it, after the output
        // folder was started.
        let body = results.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
        let broken = folder.write(
            body + #", {"image_id": 535, "category_id": 1, "bbox": [1, 1, 2], "score": 0.5}]"#, to: "results.json")
        try FileManager.default.createDirectory(atPath: folder.file("tmp"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try ProgramRun.run(
            CLITests.binary,
            [
                "evaluate", "--ground-truth", truth, "--predictions", broken, "--output", folder.file("out/eval"),
                "--passes", "3",
            ],
            environment: ["TMPDIR": folder.file("tmp")])
        #expect(run.status == 1 && run.err.contains("bbox: expected [x, y, width, height]"), "\(run.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("tmp")) == [])
    }

    /// Inputs the fuzzers found (Fuzz/): each once crashed a reader, now each is an error naming the file.
    @Test func fuzzFindingsAreErrors() throws {
        let folder = ScratchFolder()
        let finding = Repository.path("Tests/Fixtures/FuzzRegressions/voc/invalid-utf8-element-name.xml")
        try FileManager.default.createDirectory(atPath: folder.file("voc"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: finding, toPath: folder.file("voc/a.xml"))
        let run = try argus("validate", folder.file("voc"), "--skip-image-check")
        #expect(run.status == 1 && run.err.contains("a.xml:2:5") && run.err.contains("not UTF-8"), "\(run.err)")
        folder.write(
            #"<?xml version="1.0" encoding="ISO-8859-1"?><annotation><filename>\#u{E9}.jpg</filename></annotation>"#,
            to: "latin/a.xml")
        let latin = try argus("validate", folder.file("latin"), "--skip-image-check")
        #expect(latin.status == 1 && latin.err.contains("encoding \"iso-8859-1\""), "\(latin.err)")
    }

    @Test func messagesNameWhatWentWrong() throws {
        let folder = ScratchFolder()
        let misspelled = try argus("evalute", "--ground-truth", "x")
        #expect(misspelled.status == 64 && misspelled.err.contains("did you mean 'evaluate'"), "\(misspelled.err)")
        let negative = try argus(
            "evaluate", "--ground-truth", "x", "--predictions", "y", "--output", folder.file("o"), "--passes", "-2")
        #expect(negative.status == 64 && negative.err.contains("--passes must be at least 1"), "\(negative.err)")
        let streamed = try argus(
            "evaluate", "--ground-truth", "x", "--predictions", "y", "--output", folder.file("o"), "--passes", "2",
            "--bootstrap-records")
        #expect(streamed.status == 64 && streamed.err.contains("--bootstrap-records cannot be used with --passes"))
        let threshold = try argus(
            "evaluate", "--ground-truth", "x", "--predictions", "y", "--output", folder.file("o"),
            "--score-threshold", "2")
        #expect(threshold.status == 64 && threshold.err.contains("--score-threshold must be in [0, 1]"))
        // A byte-order mark before JSON is read past.
        let bom = folder.write(
            "\u{FEFF}" + #"{"images": [], "categories": [{"id": 1, "name": "cat"}], "annotations": []}"#, to: "bom.json"
        )
        let read = try argus("stats", bom)
        #expect(read.status == 0, "\(read.err)")
    }

    @Test func staleLeftoversOfAKilledRunAreRemoved() throws {
        let folder = ScratchFolder()
        // A process id that cannot run (above the kernel's limit).
        let stale = folder.file(".eval.partial-99999999-1")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let truth = CLITests.root + "/samples/digits/validation.jsonl"
        let predictions = CLITests.root + "/samples/digits/predictions.jsonl"
        let run = try argus(
            "evaluate", "--ground-truth", truth, "--predictions", predictions, "--output", folder.file("eval"))
        #expect(run.status == 0, "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: stale))
    }
}
