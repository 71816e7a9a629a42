import ArgusCore
import Testing

@Suite struct CoreTests {
    @Test func boxFormsKeepTheirSourceNumbers() {
        let coco = Box(x: 0.1, y: 0.2, width: 0.3, height: 0.4)
        #expect(coco.minX == 0.1 && coco.width == 0.3 && coco.maxX == 0.1 + 0.3)
        let corners = Box(minX: 1, minY: 2, maxX: 4, maxY: 6)
        #expect(corners.width == 3 && corners.height == 4 && corners.area == 12)
        let centre = Box(centerX: 5, centerY: 5, width: 4, height: 2)
        #expect(centre.minX == 3 && centre.maxY == 6)
        #expect(corners.normalized(width: 10, height: 10).denormalized(width: 10, height: 10) == corners)
    }

    @Test func taskIsInferredFromTheLabels() {
        func dataset(_ annotation: ImageAnnotation) -> Dataset {
            Dataset(images: [ImageRecord(imageURL: "a.jpg", annotation: annotation)])
        }
        #expect(dataset(.category("cat")).inferredTask == .imageClassification)
        #expect(dataset(.categories(["cat"])).inferredTask == .imageClassificationMultilabel)
        #expect(
            dataset(.objects([ObjectAnnotation(label: "cat", box: Box(minX: 0, minY: 0, maxX: 1, maxY: 1))]))
                .inferredTask == .imageObjectDetection)
        #expect(
            dataset(.objects([ObjectAnnotation(label: "cat", segmentation: .polygons([[0, 0, 1, 0, 1, 1]]))]))
                .inferredTask == .imageInstanceSegmentation)
        #expect(dataset(.scores(labels: ["a", "b"], probabilities: [0.3, 0.7])).inferredTask == .imageClassification)
        #expect(
            dataset(.scores(labels: ["a", "b"], probabilities: [0.9, 0.7])).inferredTask
                == .imageClassificationMultilabel)
        #expect(dataset(.none).inferredTask == nil)
    }

    @Test func diagnosticsRenderAsFileLineFieldReason() {
        var diagnostics = Diagnostics()
        diagnostics.error(SourceLocation(file: "a.jsonl", line: 3), field: "label[0].topX", "expected a number")
        diagnostics.warning(SourceLocation(file: "a.jsonl"), field: "label", "rare")
        #expect(
            diagnostics.items.map(\.description) == [
                "a.jsonl:3: label[0].topX: expected a number", "a.jsonl: warning: label: rare",
            ])
        #expect(diagnostics.hasErrors && diagnostics.errors.count == 1 && diagnostics.warnings.count == 1)
    }

    @Test func imageNames() {
        let image = ImageRecord(imageURL: "azureml://x/paths/data/images/cat.01.jpg")
        #expect(image.fileName == "cat.01.jpg" && image.stem == "cat.01")
    }

    @Test func detectionResultsColumns() {
        var results = DetectionResults()
        results.append(imageID: 3, categoryID: 1, score: 0.5, box: (1, 2, 3, 4), segmentation: nil)
        results.append(
            imageID: 4, categoryID: 2, score: 0.25, box: nil,
            segmentation: .compressedRLE(counts: "0", height: 0, width: 0))
        #expect(results.count == 2)
        #expect(results.box(at: 0) == Box(x: 1, y: 2, width: 3, height: 4))
        #expect(results.box(at: 1) == nil && results.segmentation(at: 1) != nil && results.segmentation(at: 0) == nil)
    }
}
