import ArgusTestSupport
import Foundation
import Testing

/// The `argus` executable end to end: exit codes, messages, outputs.
@Suite struct CLITests {
    static let root = Repository.root
    static let database = root + "/golden/peers/review_object_detection_metrics/data/database"

    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
            Bundle.main.bundleURL.path,
            Bundle.main.bundleURL.deletingLastPathComponent().path,
        ]
        for folder in candidates where FileManager.default.isExecutableFile(atPath: folder + "/argus") {
            return folder + "/argus"
        }
        return root + "/.build/debug/argus"
    }()

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    func argus(_ arguments: String...) throws -> Run {
        let result = try ProgramRun.run(Self.binary, arguments)
        return Run(status: result.status, out: result.out, err: result.err)
    }

    @Test(arguments: [
        [], ["validate"], ["convert"], ["split"], ["stats"], ["evaluate"], ["merge"], ["report"], ["compare"],
        ["record"], ["history"], ["runs"], ["gate"], ["nightly"], ["train"], ["infer"], ["explain"], ["job"],
        ["job", "validate"], ["job", "run"], ["job", "resume"], ["job", "manifests"], ["retrain"],
    ])
    func everySubcommandHasHelpWithAnExample(_ command: [String]) throws {
        let result = try ProgramRun.run(Self.binary, command + ["--help"])
        let help = Run(status: result.status, out: result.out, err: result.err)
        #expect(help.status == 0, "\(help.err)")
        #expect(help.out.contains("USAGE: argus"), "\(command)")
        if !command.isEmpty { #expect(help.out.contains("argus \(command[0]) "), "\(command): no example") }
    }

    @Test func anEmptyOutputFolderIsAcceptedAndAFullOneNeedsOverwrite() throws {
        let folder = scratch()
        let output = folder + "/empty"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let truth = Self.root + "/samples/digits/validation.jsonl"
        let predictions = Self.root + "/samples/digits/predictions.jsonl"
        let first = try argus("evaluate", "--ground-truth", truth, "--predictions", predictions, "--output", output)
        #expect(first.status == 0, "\(first.err)")
        #expect(FileManager.default.fileExists(atPath: output + "/metrics.json"))
        let second = try argus("evaluate", "--ground-truth", truth, "--predictions", predictions, "--output", output)
        #expect(second.status == 1 && second.err.contains("--overwrite"))
    }

    func scratch(_ name: String = #function) -> String { Scratch.folder(name) }

    @Test(arguments: ["validate", "convert", "split", "stats"])
    func everySubcommandHasHelpWithAnExample(_ command: String) throws {
        let run = try argus(command, "--help")
        #expect(run.status == 0)
        #expect(run.out.contains("Example"), "\(run.out)")
    }

    @Test func usageErrorsExitWith64() throws {
        #expect(try argus("convert", "x.json").status == 64)
        #expect(try argus("split", "x.jsonl", "--output", "o", "--validation-data-size", "1.5").status == 64)
        #expect(try argus("validate", "x", "--task", "image_nonsense").status == 64)
    }

    @Test func validateReportsAndExits() throws {
        let good = try argus(
            "validate", Self.database + "/gts/coco_format_v1/instances_default.json", "--skip-image-check")
        #expect(good.status == 0, "\(good.err)")
        #expect(
            good.out.hasSuffix("100 images, 20 labels, image_object_detection: 0 errors, 10 warnings\n"), "\(good.out)")
        #expect(good.err.contains("note: --task not given: the data reads as image_object_detection"))

        let folder = scratch()
        let bad = folder + "/bad.jsonl"
        try
            #"{"image_url": "a.jpg", "label": [{"label": "cat", "topX": 0.5, "topY": 0, "bottomX": 0.2, "bottomY": 1}]}"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try argus("validate", bad)
        #expect(run.status == 1)
        #expect(run.err.contains(bad + ":1: label[0]: box is inverted (0.5, 0) – (0.2, 1)"), "\(run.err)")
        #expect(run.err.contains(bad + ":1: image_url: image file not found: "), "\(run.err)")
        #expect(run.err.contains(bad + ": only 1 image: a training set needs at least 10"), "\(run.err)")
        #expect(run.out.hasSuffix(": 1 images, 1 labels, image_object_detection: 3 errors, 1 warning\n"), "\(run.out)")
    }

    @Test func convertSplitAndStatsEndToEnd() throws {
        let folder = scratch()
        let mltable = folder + "/voc-mltable"
        let convert = try argus(
            "convert", Self.database + "/gts/pascalvoc_format", "--to", "mltable", "--output", mltable)
        #expect(convert.status == 0, "\(convert.err)")
        #expect(FileManager.default.fileExists(atPath: mltable + "/MLTable"))
        // Every converted image URL points at a real image (rebased onto the MLTable folder).
        let check = try argus("validate", mltable)
        #expect(check.status == 0, "\(check.err)")

        let again = try argus(
            "convert", Self.database + "/gts/pascalvoc_format", "--to", "mltable", "--output", mltable)
        #expect(again.status == 1)
        #expect(again.err.contains("already exists (pass --overwrite to replace it)"))

        let split = try argus("split", mltable, "--output", folder + "/split", "--seed", "3")
        #expect(split.status == 0, "\(split.err)")
        #expect(split.out.contains("80 training and 20 validation images"))
        for part in ["train", "validation"] {
            let stats = try argus("stats", folder + "/split/\(part)-mltable")
            #expect(stats.status == 0, "\(stats.err)")
            #expect(stats.out.contains("images: \(part == "train" ? 80 : 20)"), "\(stats.out)")
        }
    }

    @Test func convertOfInvalidDataWritesNothing() throws {
        let folder = scratch()
        let bad = folder + "/bad.jsonl"
        try "{\"image_url\": \"a.jpg\", \"label\": [}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try argus("convert", bad, "--to", "coco", "--output", folder + "/out.json")
        #expect(run.status == 1)
        #expect(run.err.contains(bad + ":1: invalid JSON"))
        #expect(run.err.contains("nothing was written"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["bad.jsonl"])
    }
}

@Suite struct EvaluateCLITests {
    let cli = CLITests()
    static let toy = CLITests.root + "/golden/peers/review_object_detection_metrics/toyexample"

    @Test func evaluateWritesMetrics() throws {
        let folder = cli.scratch()
        let run = try cli.argus(
            "evaluate", "--ground-truth", Self.toy + "/gts_vocpascal_format",
            "--predictions", Self.toy + "/dets_coco_format/coco_dets.json", "--output", folder + "/eval")
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("VOC @ IoU 0.5: mean_average_precision 0.8958"), "\(run.out)")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/eval/metrics.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((json["primary_metric"] as? [String: Any])?["name"] as? String == "mean_average_precision")
    }

    @Test func evaluateUsageAndDataErrors() throws {
        let folder = cli.scratch()
        #expect(
            try cli.argus(
                "evaluate", "--ground-truth", "a", "--predictions", "b", "--output", folder + "/o", "--iou-threshold",
                "0.05"
            ).status == 64)
        #expect(
            try cli.argus(
                "evaluate", "--task", "image_classification_multilabel", "--threshold", "1.5", "--ground-truth", "a",
                "--predictions", "b", "--output", folder + "/o"
            ).status == 64)
        // Predictions naming an image the ground truth lacks.
        let predictions = folder + "/p.jsonl"
        try #"{"filename": "nowhere.jpg", "boxes": []}"#.write(toFile: predictions, atomically: true, encoding: .utf8)
        let run = try cli.argus(
            "evaluate", "--ground-truth", Self.toy + "/gts_vocpascal_format", "--predictions", predictions, "--output",
            folder + "/o")
        #expect(run.status == 1)
        #expect(run.err.contains("name images the ground truth does not have, e.g. nowhere.jpg"), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/o"))
    }
}

extension CLITests {
    /// `convert --min-score`: a detector's boxes at an operating point; ground truth has no scores.
    @Test func convertKeepsTheBoxesAtAnOperatingPoint() throws {
        let folder = Scratch.folder()
        let converted = try argus(
            "convert", Self.database + "/dets/abs_xyx2y2", "--from", "text", "--text-box", "xyxy", "--names",
            Self.database + "/voc.names", "--images", Self.database + "/images", "--min-score", "0.6", "--to",
            "scoring", "--output", folder + "/strict.jsonl")
        #expect(converted.status == 0, "\(converted.err)")
        #expect(converted.out.contains("kept the boxes scoring at least 0.6 ("))
        let text = try String(contentsOfFile: folder + "/strict.jsonl", encoding: .utf8)
        let scores = try text.split(separator: "\n").flatMap { line -> [Double] in
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (row?["boxes"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
        }
        #expect(!scores.isEmpty && scores.allSatisfy { $0 >= 0.6 })
        let truth = try argus(
            "convert", Self.database + "/gts/pascalvoc_format", "--min-score", "0.5", "--to", "mltable", "--output",
            folder + "/gt")
        #expect(truth.status == 1 && truth.err.contains("--min-score applies to predictions"))
        #expect(try argus("convert", "x", "--to", "coco", "--output", "y", "--min-score", "2").status == 64)
    }
}
