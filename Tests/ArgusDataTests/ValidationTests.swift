import ArgusCore
import ArgusIO
import Foundation
import Testing

@testable import ArgusData

/// Every problem `argus validate` reports, each as `file:line: field: reason`.
@Suite struct ValidationTests {
    /// Reads `text` as JSONL and runs the dataset checks; returns the rendered diagnostics.
    func problems(
        _ text: String, task: VisionTask? = nil, labels: [String]? = nil, checkImages: Bool = false,
        file: String = "data.jsonl"
    ) throws -> (path: String, lines: [String]) {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(text, folder, file)
        let loaded = try DatasetReader.read(path, format: .jsonl, options: ReadOptions(task: task))
        var options = DatasetValidator.Options()
        options.labels = labels
        options.checkImages = checkImages
        var all = loaded.diagnostics
        all.append(contentsOf: DatasetValidator.validate(loaded, options: options))
        return (path, all.items.map(\.description))
    }

    /// Ten valid detection lines, so that the count rules stay quiet.
    func validLines(_ n: Int = 10) -> [String] {
        (0..<n).map {
            #"{"image_url": "img\#($0).jpg", "label": [{"label": "cat", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5}]}"#
        }
    }

    func expectProblem(
        _ result: (path: String, lines: [String]), _ expected: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let wanted = result.path + expected
        #expect(result.lines.contains(wanted), "expected \(wanted) in \(result.lines)", sourceLocation: sourceLocation)
    }

    @Test func invalidJSONNamesTheLine() throws {
        let result = try problems((validLines() + [#"{"image_url": "x.jpg", "label": [}"#]).joined(separator: "\n"))
        #expect(result.lines.contains { $0.hasPrefix(result.path + ":11: invalid JSON") }, "\(result.lines)")
    }

    @Test func missingKeysAndWrongTypes() throws {
        let lines =
            validLines() + [
                #"{"label": "cat"}"#,
                #"{"image_url": 5, "label": "cat"}"#,
                #"{"image_url": "a.jpg"}"#,
                #"{"image_url": "b.jpg", "label": [{"label": "cat", "topX": "left", "topY": 0, "bottomX": 1, "bottomY": 1}]}"#,
                #"{"image_url": "c.jpg", "label": [{"label": "cat", "topY": 0, "bottomX": 1, "bottomY": 1}]}"#,
                #"{"image_url": "d.jpg", "image_details": {"width": "wide"}, "label": []}"#,
            ]
        let result = try problems(lines.joined(separator: "\n"), task: .imageObjectDetection)
        expectProblem(result, ":11: image_url: missing required key")
        expectProblem(result, ":12: image_url: expected a non-empty string, got a number")
        expectProblem(result, ":13: label: missing required key")
        expectProblem(result, #":14: label[0].topX: expected a number, got "left""#)
        expectProblem(result, ":15: label[0].topX: missing required key")
        expectProblem(result, #":16: image_details.width: expected a positive whole number (or "400px"), got "wide""#)
    }

    @Test func boxesOutsideTheImageOrInverted() throws {
        let lines =
            validLines() + [
                #"{"image_url": "a.jpg", "label": [{"label": "cat", "topX": -0.2, "topY": 0, "bottomX": 0.5, "bottomY": 1.5}]}"#,
                #"{"image_url": "b.jpg", "label": [{"label": "cat", "topX": 0.8, "topY": 0.1, "bottomX": 0.2, "bottomY": 0.5}]}"#,
            ]
        let result = try problems(lines.joined(separator: "\n"))
        expectProblem(result, ":11: label[0]: box coordinates must be normalised to [0, 1], got (-0.2, 0, 0.5, 1.5)")
        expectProblem(result, ":12: label[0]: box is inverted (0.8, 0.1) – (0.2, 0.5)")
    }

    @Test func badPolygons() throws {
        let lines =
            validLines() + [
                #"{"image_url": "a.jpg", "label": [{"label": "cat", "polygon": [[0.1, 0.1, 0.2, 0.2]]}]}"#,
                #"{"image_url": "b.jpg", "label": [{"label": "cat", "polygon": [[0.1, 0.1, 0.2, 0.2, 0.3]]}]}"#,
                #"{"image_url": "c.jpg", "label": [{"label": "cat", "polygon": [[0.1, 0.1, 0.2, 0.2, 0.3, 0.1], [0.5, 0.5]]}]}"#,
            ]
        let result = try problems(lines.joined(separator: "\n"), task: .imageInstanceSegmentation)
        expectProblem(result, ":11: label[0].polygon: polygon has fewer than 3 points (2)")
        expectProblem(result, ":12: label[0].polygon: polygon has an odd number of coordinates (5)")
        expectProblem(result, ":13: label[0].polygon[1]: polygon has fewer than 3 points (1)")
    }

    @Test func labelsNotInTheList() throws {
        let lines =
            validLines() + [
                #"{"image_url": "a.jpg", "label": [{"label": "dgo", "topX": 0, "topY": 0, "bottomX": 1, "bottomY": 1}]}"#
            ]
        let result = try problems(lines.joined(separator: "\n"), labels: ["cat", "dog"])
        expectProblem(result, #":11: label[0].label: label "dgo" is not in the label list"#)
    }

    @Test func duplicateImages() throws {
        let result = try problems((validLines() + [validLines()[3]]).joined(separator: "\n"))
        expectProblem(result, ":11: image_url: duplicate image img3.jpg (first at line 4)")
    }

    @Test func missingImageFiles() throws {
        let result = try problems(validLines().joined(separator: "\n"), checkImages: true)
        let folder = (result.path as NSString).deletingLastPathComponent
        expectProblem(result, ":1: image_url: image file not found: \(folder)/img0.jpg")
        #expect(result.lines.filter { $0.contains("image file not found") }.count == 10)
    }

    @Test func tooFewImagesIsAnErrorAndRareLabelsAWarning() throws {
        let result = try problems(validLines(9).joined(separator: "\n"))
        expectProblem(result, ": only 9 images: a training set needs at least 10")
        expectProblem(result, #": warning: label: "cat" has 9 examples; at least 10 per label are recommended"#)
        let fine = try problems(validLines(10).joined(separator: "\n"))
        #expect(fine.lines.isEmpty, "\(fine.lines)")
    }

    @Test func stringTypedValuesAreAccepted() throws {
        let lines = (0..<10).map {
            #"{"image_url": "i\#($0).jpg", "image_details": {"format": "JPG", "width": "400px", "height": "300"}, "label": [{"label": "cat", "topX": "0.1", "topY": "0.2", "bottomX": "0.5", "bottomY": "0.6", "isCrowd": "false"}, {"label": "cat", "topX": 0, "topY": 0, "bottomX": 1, "bottomY": 1, "isCrowd": "1"}]}"#
        }
        let result = try problems(lines.joined(separator: "\n"))
        #expect(result.lines.isEmpty, "\(result.lines)")
        let loaded = try DatasetReader.read(result.path)
        let image = loaded.dataset.images[0]
        #expect(image.width == 400 && image.height == 300 && image.format == "jpg")
        #expect(
            image.annotation.objects == [
                ObjectAnnotation(label: "cat", box: Box(minX: 0.1, minY: 0.2, maxX: 0.5, maxY: 0.6), isCrowd: false),
                ObjectAnnotation(label: "cat", box: Box(minX: 0, minY: 0, maxX: 1, maxY: 1), isCrowd: true),
            ])
    }

    @Test func taskMismatchIsReported() throws {
        let result = try problems(#"{"image_url": "a.jpg", "label": "cat"}"#, task: .imageObjectDetection)
        expectProblem(
            result, ":1: label: a single class name is a multi-class label, but the task is image_object_detection")
    }

    @Test func cocoProblemsNameTheirLine() throws {
        let folder = Fixtures.scratch()
        let text = """
            {
              "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
              "categories": [{"id": 1, "name": "cat"}],
              "annotations": [
                {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                {"id": 2, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]},
                {"id": 3, "image_id": 1, "category_id": 9, "bbox": [1, 1, 2, 2]},
                {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2]},
                {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "segmentation": [[1, 1, 2, 2]]}
              ]
            }
            """
        let path = Fixtures.write(text, folder, "gt.json")
        let loaded = try DatasetReader.read(path)
        let lines = loaded.diagnostics.items.map(\.description)
        #expect(lines.contains(path + ":6: annotations[1].image_id: no image has id 7"), "\(lines)")
        // An annotation of an unlisted category is left out with a warning, as pycocotools leaves it out …
        #expect(
            lines.contains(
                path + ":7: warning: annotations: 1 annotation(s) of category id(s) 9, which no category lists, are "
                    + "left out as pycocotools leaves them out: annotations[2] (id 3) "
                    + "(--unknown-categories error refuses them)"), "\(lines)")
        // … or refused on request.
        var strict = ReadOptions()
        strict.unknownCategories = .error
        let refused = try DatasetReader.read(path, options: strict).diagnostics.items.map(\.description)
        #expect(refused.contains(path + ":7: annotations[2].category_id: no category has id 9"), "\(refused)")
        #expect(lines.contains(path + ":8: annotations[3].bbox: expected [x, y, width, height]"), "\(lines)")
        #expect(
            lines.contains(path + ":9: annotations[4].segmentation: polygon has fewer than 3 points (2)"), "\(lines)")
        #expect(lines.contains(path + ":9: warning: annotations[4].id: duplicate annotation id 1"), "\(lines)")
    }

    @Test func invalidJSONInAWholeFileHasLineAndColumn() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(
            "{\n  \"images\": [\n    {\"id\": 1,, \"file_name\": \"a.jpg\"}\n  ]\n}\n", folder, "bad.json")
        let loaded = try DatasetReader.read(path, format: .coco)
        let first = try #require(loaded.diagnostics.errors.first)
        #expect(first.location.line == 3 && first.location.column != nil, "\(first)")
        #expect(first.message.hasPrefix("invalid JSON"))
    }

    @Test func scoringProblems() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(
            """
            {"filename": "a.jpg", "probs": [0.5, 0.5], "labels": ["cat"]}
            {"filename": "b.jpg", "probs": [-0.1, 1.1], "labels": ["cat", "dog"]}
            {"filename": "c.jpg", "boxes": [{"box": {"topX": 0.1, "topY": 0.1, "bottomX": 0.2, "bottomY": 0.2}, "label": "cat"}]}
            """, folder, "preds.jsonl")
        let lines = try DatasetReader.read(path, format: .scoring).diagnostics.items.map(\.description)
        #expect(lines.contains(path + ":1: probs: has 2 values but labels has 1"), "\(lines)")
        #expect(lines.contains(path + ":2: probs[0]: a probability must be in [0, 1], got -0.1"), "\(lines)")
        #expect(lines.contains(path + ":3: boxes[0].score: missing or not a number"), "\(lines)")
    }
}

@Suite struct COCOResultsProblemTests {
    @Test func resultProblemsNameTheirLine() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(
            """
            [
              {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},
              {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]},
              {"image_id": "one", "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},
              {"image_id": 1, "category_id": 1, "score": 0.5}
            ]
            """, folder, "results.json")
        let (results, diagnostics) = try COCOReader.readResults(path)
        #expect(results.count == 1)
        #expect(
            diagnostics.items.map(\.description) == [
                path + ":3: [1].score: missing required key",
                path + ":4: [2].image_id: missing or not a whole number",
                path + ":5: [3]: a result needs a bbox or a segmentation",
            ])
    }

    @Test func truncatedResultsFile() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write(
            #"[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},"#, folder, "cut.json")
        let (_, diagnostics) = try COCOReader.readResults(path)
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.errors.first?.message.hasPrefix("invalid JSON") == true, "\(diagnostics.items)")
    }
}
