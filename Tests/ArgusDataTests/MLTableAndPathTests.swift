import ArgusCore
import ArgusIO
import Foundation
import Testing

@testable import ArgusData

@Suite struct MLTableAndPathTests {
    let lines = (0..<10).map { #"{"image_url": "images/i\#($0).jpg", "label": "cat"}"# }

    @Test func readsTheMLTableOfTheSpec() throws {
        let folder = Fixtures.scratch()
        Fixtures.write(lines.joined(separator: "\n"), folder, "train_annotations.jsonl")
        Fixtures.write(
            """
            paths:
              - file: ./train_annotations.jsonl
            transformations:
              - read_json_lines: {encoding: utf8, invalid_lines: error, include_path_column: false}
              - convert_column_types:
                  - columns: image_url
                    column_type: stream_info
            """, folder, "MLTable")
        let definition = try MLTableReader.definition(folder)
        #expect(definition.files == [folder + "/train_annotations.jsonl"])
        #expect(definition.dropInvalidLines == false)
        #expect(definition.streamColumns == ["image_url"])
        let loaded = try read(folder)
        #expect(loaded.format == .mltable)
        #expect(loaded.dataset.images.count == 10)
        #expect(loaded.dataset.task == .imageClassification)
    }

    @Test func invalidLinesErrorOrDrop() throws {
        for mode in ["error", "drop"] {
            let folder = Fixtures.scratch()
            Fixtures.write(
                (lines + ["{not json", #"{"label": "cat"}"#]).joined(separator: "\n"), folder, "data/a.jsonl")
            Fixtures.write(
                "paths:\n  - pattern: ./data/*.jsonl\ntransformations:\n  - read_json_lines:\n      invalid_lines: \(mode)\n",
                folder, "MLTable")
            let loaded = try DatasetReader.read(folder)
            if mode == "error" {
                #expect(
                    loaded.diagnostics.errors.map(\.description).contains {
                        $0.hasPrefix(folder + "/data/a.jsonl:11: invalid JSON")
                    })
                #expect(
                    loaded.diagnostics.errors.map(\.description).contains(
                        folder + "/data/a.jsonl:12: image_url: missing required key"))
            } else {
                #expect(!loaded.diagnostics.hasErrors)
                #expect(loaded.diagnostics.warnings.map(\.message) == ["dropped 2 invalid lines (invalid_lines: drop)"])
                #expect(loaded.dataset.images.count == 10)
                // Paths relative to data/a.jsonl are rebased onto the MLTable folder.
                #expect(loaded.dataset.images[0].imageURL == "data/images/i0.jpg")
            }
        }
    }

    @Test func badMLTableSettingsAreErrors() throws {
        let folder = Fixtures.scratch()
        Fixtures.write(
            "paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines:\n      invalid_lines: skip\n", folder,
            "MLTable")
        #expect {
            try MLTableReader.definition(folder)
        } throws: { error in
            (error as? DataError)?.description == folder
                + "/MLTable:5: read_json_lines.invalid_lines: expected error or drop, got skip"
        }
        Fixtures.write("transformations: []\n", folder, "MLTable")
        #expect(throws: DataError.self) { try MLTableReader.definition(folder) }
    }

    @Test func imageURLForms() {
        let locator = ImageLocator(baseFolder: "/data/set", dataRoot: "/mnt/store")
        #expect(locator.resolve("images/a.jpg") == .local("/data/set/images/a.jpg"))
        #expect(locator.resolve("/abs/a.jpg") == .local("/abs/a.jpg"))
        #expect(locator.resolve("file:///abs/my%20a.jpg") == .local("/abs/my a.jpg"))
        #expect(
            locator.resolve("azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/d/paths/fridge/a.jpg")
                == .local("/mnt/store/fridge/a.jpg"))
        #expect(locator.resolve("AmlDatastore://fridge/images/a.jpg") == .local("/mnt/store/fridge/images/a.jpg"))
        #expect(locator.resolve("https://example.org/a.jpg") == .remote)
        #expect(ImageLocator(baseFolder: "/d").resolve("azureml://x/paths/a.jpg") == .needsDataRoot)
    }

    @Test func imageSizesFromHeadersMatchTheAnnotations() throws {
        // The toy's VOC files state each image's size; the JPEG headers must agree.
        let voc = try read(Fixtures.toy + "/gts_vocpascal_format")
        #expect(voc.dataset.images.count == 10)
        for image in voc.dataset.images {
            let size = try #require(ImageHeader.size(ofFile: Fixtures.toy + "/images/" + image.fileName))
            #expect(size.width == image.width && size.height == image.height, "\(image.fileName)")
        }
    }

    @Test func pngHeader() throws {
        let folder = Fixtures.scratch()
        // A 3×2 PNG header (signature + IHDR), enough for the reader.
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0, 0, 0, 0, 0]
        let path = folder + "/tiny.png"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(ImageHeader.size(ofFile: path) == ImageHeader.Size(width: 3, height: 2))
        #expect(ImageHeader.size(ofFile: folder + "/missing.png") == nil)
    }

    @Test func jsonlWithoutSizesReadsThemFromImages() throws {
        let folder = Fixtures.scratch()
        let text =
            #"{"image_url": "\#(Fixtures.toy)/images/2007_000549.jpg", "label": [{"label": "cat", "topX": 0, "topY": 0, "bottomX": 0.5, "bottomY": 0.5}]}"#
        let path = Fixtures.write(text, folder, "one.jsonl")
        let loaded = try read(path)
        var diagnostics = Diagnostics()
        let pixels = DatasetGeometry.converted(
            loaded.dataset, to: .pixels, locator: ImageLocator(baseFolder: folder), diagnostics: &diagnostics)
        #expect(!diagnostics.hasErrors)
        #expect(pixels.images[0].annotation.objects[0].box == Box(minX: 0, minY: 0, maxX: 187.5, maxY: 250))
        // Without the image file, the conversion names the image.
        let missing = Fixtures.write(
            #"{"image_url": "nowhere.jpg", "label": [{"label": "cat", "topX": 0, "topY": 0, "bottomX": 1, "bottomY": 1}]}"#,
            folder, "two.jsonl")
        let other = try read(missing)
        _ = DatasetGeometry.converted(
            other.dataset, to: .pixels, locator: ImageLocator(baseFolder: folder), diagnostics: &diagnostics)
        #expect(
            diagnostics.errors.map(\.description) == [
                missing
                    + ":1: image_details: the size of nowhere.jpg is unknown (no width/height and the image file is not at hand), so its coordinates cannot be converted"
            ])
    }
}

@Suite struct SplitTests {
    func classification(_ counts: [String: Int]) -> Dataset {
        var images: [ImageRecord] = []
        for (label, n) in counts.sorted(by: { $0.key < $1.key }) {
            for i in 0..<n { images.append(ImageRecord(imageURL: "\(label)/\(i).jpg", annotation: .category(label))) }
        }
        return Dataset(task: .imageClassification, images: images)
    }

    @Test func deterministicAndStratified() {
        let dataset = classification(["cat": 50, "dog": 30, "eel": 5, "fox": 1])
        let (train, validation) = DatasetSplitter.split(dataset, fraction: 0.2, seed: 7)
        let again = DatasetSplitter.split(dataset, fraction: 0.2, seed: 7)
        #expect(again.validation.images == validation.images)
        #expect(train.images.count + validation.images.count == 86)
        func count(_ d: Dataset, _ label: String) -> Int { d.images.filter { $0.annotation == .category(label) }.count }
        #expect(count(validation, "cat") == 10)
        #expect(count(validation, "dog") == 6)
        #expect(count(validation, "eel") == 1)
        #expect(count(validation, "fox") == 0)
        #expect(Set(train.images.map(\.imageURL)).isDisjoint(with: validation.images.map(\.imageURL)))
        let other = DatasetSplitter.split(dataset, fraction: 0.2, seed: 8)
        #expect(other.validation.images != validation.images)
    }

    @Test func detectionSplitsAsAWhole() {
        let images = (0..<10).map { ImageRecord(imageURL: "\($0).jpg", annotation: .objects([])) }
        let (train, validation) = DatasetSplitter.split(
            Dataset(task: .imageObjectDetection, images: images), fraction: 0.25, seed: 1)
        #expect(validation.images.count == 3 && train.images.count == 7)
    }

    /// The generator's sequence is part of the split's contract: pin it.
    @Test func splitMixSequenceIsStable() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}

@Suite struct OutputTests {
    @Test func failedConvertLeavesNoOutputAndKeepsTheOldOne() throws {
        let folder = Fixtures.scratch()
        // A JSONL whose image sizes are unknown cannot become COCO (pixels).
        let path = Fixtures.write(
            #"{"image_url": "nowhere.jpg", "label": [{"label": "cat", "topX": 0, "topY": 0, "bottomX": 1, "bottomY": 1}]}"#,
            folder, "in.jsonl")
        let loaded = try read(path)
        let output = folder + "/out.json"
        #expect(throws: DataError.self) { try DatasetWriter.write(loaded, as: .coco, to: output) }
        #expect(!FileManager.default.fileExists(atPath: output))
        // An existing output is kept unless --overwrite, and kept when the overwrite fails.
        try "old".write(toFile: output, atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { try DatasetWriter.write(loaded, as: .jsonl, to: output) }
        #expect(throws: DataError.self) {
            try DatasetWriter.write(loaded, as: .coco, to: output, options: WriteOptions(overwrite: true))
        }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func boxFormatsRefuseClassificationData() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(#"{"image_url": "a.jpg", "label": "cat"}"#, folder, "c.jsonl")
        let loaded = try read(path)
        for format in [DataFormat.voc, .yolo, .coco, .cocoResults, .text] {
            #expect(throws: DataError.self) {
                try DatasetWriter.write(loaded, as: format, to: folder + "/out-\(format)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/out-\(format)"))
        }
    }

    @Test func folderOutputsAppearWholeOrNotAtAll() throws {
        let folder = Fixtures.scratch()
        let target = folder + "/voc"
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try OutputFile.writeFolder(at: target) { partial in
                try OutputFile.write("half", to: partial + "/a.xml")
                throw Boom()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        try OutputFile.writeFolder(at: target) { partial in try OutputFile.write("whole", to: partial + "/a.xml") }
        #expect(try String(contentsOfFile: target + "/a.xml", encoding: .utf8) == "whole")
    }

    /// A path written relative to a folder leads back to the target from that folder, however the
    /// two are spelled (relative to the working directory, with `.`, `..` and repeated slashes).
    @Test func relativePathsLeadBackToTheirTargets() {
        let cwd = FileManager.default.currentDirectoryPath
        let folders = ["out", "./out/run/", "/tmp/a/b", "/", "../x", "out/../other"]
        let targets = ["images/i1.jpg", "/tmp/a/b/c.png", "/tmp/a/z.png", "out//run/./x.jpg", "/", "../x/y.jpg"]
        for folder in folders {
            let paths = RelativePaths(from: folder)
            for target in targets {
                let written = paths.relative(target)
                #expect(written == PathTools.relative(target, from: folder))
                let back = PathTools.lexicalAbsolute(PathTools.lexicalAbsolute(folder) + "/" + written)
                #expect(back == PathTools.lexicalAbsolute(target), "\(target) from \(folder) as \(written)")
                #expect(!written.hasPrefix("/"))
            }
            #expect(paths.relative(folder) == ".")
        }
        #expect(PathTools.lexicalAbsolute("a/./b//../c") == (cwd == "/" ? "" : cwd) + "/a/c")
    }
}

@Suite struct FormatDetectionTests {
    /// Ground truth, detections as a COCO object, JSON lines and broken JSON behind `.json`: one
    /// parse tells and reads each as detecting the format, then reading in it, does.
    @Test func readExplainedReadsAsDetectingThenReading() throws {
        let folder = Fixtures.scratch()
        let images = #""images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30}]"#
        let categories = #""categories": [{"id": 1, "name": "cat"}]"#
        let files = [
            Fixtures.write(
                #"{\#(images), "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}], \#(categories)}"#,
                folder, "truth.json"),
            Fixtures.write(
                #"{\#(images), "annotations": [{"id": 0, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}], \#(categories)}"#,
                folder, "detections.json"),
            Fixtures.write(
                #"{"image_url": "a.jpg", "label": "cat"}"# + "\n" + #"{"image_url": "b.jpg", "label": "dog"}"#, folder,
                "lines.json"),
            Fixtures.write(#"{"images": [}"#, folder, "broken.json"),
        ]
        var formats: [DataFormat] = []
        for path in files {
            let once = try DatasetReader.readExplained(path)
            let (format, reason) = try DatasetReader.explainFormat(path)
            let twice = try DatasetReader.read(path, format: format)
            formats.append(once.format)
            #expect(once.format == format && once.reason == reason, "\(path)")
            #expect(once.loaded.dataset == twice.dataset, "\(path)")
            #expect(once.loaded.diagnostics.items.map(\.description) == twice.diagnostics.items.map(\.description))
            #expect(once.loaded.format == twice.format && once.loaded.source == twice.source)
        }
        #expect(formats == [.coco, .cocoResults, .jsonl, .jsonl])
    }
}
