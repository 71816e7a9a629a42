import ArgusCore
import ArgusIO
import Foundation
import Testing

@testable import ArgusData

/// Every writer's output, read back, holds the same boxes as the source.
@Suite struct RoundTripTests {
    static let groundTruth = Fixtures.database + "/gts/coco_format_v1/instances_default.json"

    static let formats: [(DataFormat, TextLayout?)] = [
        (.jsonl, nil), (.mltable, nil), (.coco, nil), (.voc, nil), (.yolo, nil),
        (.text, TextLayout(boxForm: .xywh, absolute: true)),
        (.text, TextLayout(boxForm: .xyxy, absolute: true)),
        (.text, TextLayout(boxForm: .cxcywh, absolute: false)),
    ]

    @Test(arguments: 0..<formats.count)
    func groundTruthRoundTrip(_ index: Int) throws {
        let (format, layout) = Self.formats[index]
        let source = try read(Self.groundTruth)
        let sizes = Dictionary(uniqueKeysWithValues: source.dataset.images.map { ($0.stem, ($0.width!, $0.height!)) })
        let folder = Fixtures.scratch()
        let output = folder + "/out" + ([.jsonl].contains(format) ? ".jsonl" : format == .coco ? ".json" : "")
        var options = WriteOptions()
        if let layout { options.textLayout = layout }
        try DatasetWriter.write(source, as: format, to: output, options: options)
        let back = try read(output, format) { options in
            if let layout {
                options.textLayout = layout
                options.labelNames = source.dataset.labels
            }
        }
        #expect(back.dataset.images.count == 100)
        let difference = PixelBoxes(back, sizes: sizes).difference(
            from: PixelBoxes(source), tolerance: 1e-9,
            compareCrowd: format != .text && format != .yolo)
        #expect(difference == nil, "\(format): \(difference ?? "")")
        // The same round trip in pixel formats is exact, bit for bit.
        if format == .coco {
            #expect(back.dataset.images.map(\.annotation) == source.dataset.images.map(\.annotation))
        }
    }

    @Test func segmentationRoundTripKeepsPolygons() throws {
        let source = try read(Fixtures.database + "/gts/coco_format_v2/instances_v2.json")
        #expect(source.dataset.task == .imageInstanceSegmentation)
        let folder = Fixtures.scratch()
        try DatasetWriter.write(source, as: .jsonl, to: folder + "/seg.jsonl")
        let jsonl = try read(folder + "/seg.jsonl")
        #expect(jsonl.dataset.task == .imageInstanceSegmentation)
        try DatasetWriter.write(jsonl, as: .coco, to: folder + "/seg.json")
        let back = try read(folder + "/seg.json")
        for (a, b) in zip(source.dataset.images, back.dataset.images) {
            let ringsA = a.annotation.objects.compactMap { $0.segmentation?.polygons }
            let ringsB = b.annotation.objects.compactMap { $0.segmentation?.polygons }
            #expect(ringsA.count == ringsB.count)
            for (x, y) in zip(ringsA.joined(), ringsB.joined()) {
                #expect(zip(x, y).allSatisfy { abs($0 - $1) < 1e-9 }, "\(a.imageURL)")
            }
        }
    }

    @Test func predictionsRoundTripThroughScoringAndCOCOResults() throws {
        let source = try read(Fixtures.database + "/dets/coco_format/coco_dets.json")
        let sizes = Dictionary(uniqueKeysWithValues: source.dataset.images.map { ($0.stem, ($0.width!, $0.height!)) })
        let folder = Fixtures.scratch()
        try DatasetWriter.write(source, as: .scoring, to: folder + "/scoring.jsonl")
        let scoring = try read(folder + "/scoring.jsonl")
        #expect(scoring.format == .scoring)
        #expect(PixelBoxes(scoring, sizes: sizes).difference(from: PixelBoxes(source), tolerance: 1e-9) == nil)

        // COCO results need the ground truth to name images and categories.
        try DatasetWriter.write(source, as: .coco, to: folder + "/gt.json")
        try DatasetWriter.write(source, as: .cocoResults, to: folder + "/results.json")
        let reference = try read(folder + "/gt.json").dataset
        let results = try read(folder + "/results.json", .cocoResults) { $0.reference = reference }
        #expect(PixelBoxes(results).difference(from: PixelBoxes(source), tolerance: 0) == nil)
    }

    @Test func classificationFormatsRoundTrip() throws {
        let folder = Fixtures.scratch()
        // Class folders built from the toy images.
        let images = try FileManager.default.contentsOfDirectory(atPath: Fixtures.toy + "/images").sorted()
        var lines: [String] = []
        for (index, name) in images.enumerated() {
            let label = index % 2 == 0 ? "even" : "odd"
            lines.append("{\"image_url\": \"\(Fixtures.toy)/images/\(name)\", \"label\": \"\(label)\"}")
        }
        let jsonl = Fixtures.write(lines.joined(separator: "\n"), folder, "classes.jsonl")
        let source = try read(jsonl)
        #expect(source.dataset.task == .imageClassification)
        try DatasetWriter.write(source, as: .folders, to: folder + "/folders")
        let folders = try read(folder + "/folders")
        #expect(folders.format == .folders)
        #expect(folders.dataset.labels == ["even", "odd"])
        #expect(
            Set(folders.dataset.images.map { "\($0.fileName) \($0.annotation)" })
                == Set(source.dataset.images.map { "\($0.fileName) \($0.annotation)" }))
        try DatasetWriter.write(folders, as: .jsonl, to: folder + "/back.jsonl")
        let back = try read(folder + "/back.jsonl")
        #expect(back.dataset.images.count == images.count)
        // Every image URL of the written JSONL resolves to an existing file.
        let locator = ImageLocator(baseFolder: back.imageBase)
        #expect(
            back.dataset.images.allSatisfy { FileManager.default.fileExists(atPath: locator.localPath($0.imageURL)!) })
    }

    @Test func multilabelCSVRoundTrip() throws {
        let folder = Fixtures.scratch()
        let csv = Fixtures.write("filename,labels\na.jpg,cat dog\nb.jpg,\n\"c,1.jpg\",dog\n", folder, "labels.csv")
        let source = try read(csv)
        #expect(source.dataset.task == .imageClassificationMultilabel)
        #expect(
            source.dataset.images.map(\.annotation) == [
                .categories(["cat", "dog"]), .categories([]), .categories(["dog"]),
            ])
        #expect(source.dataset.images[2].imageURL == "c,1.jpg")
        try DatasetWriter.write(source, as: .jsonl, to: folder + "/ml.jsonl")
        let jsonl = try read(folder + "/ml.jsonl")
        #expect(jsonl.dataset.images.map(\.annotation) == source.dataset.images.map(\.annotation))
        try DatasetWriter.write(jsonl, as: .multilabelCSV, to: folder + "/back.csv")
        #expect(
            try read(folder + "/back.csv").dataset.images.map(\.annotation) == source.dataset.images.map(\.annotation))
    }

    @Test func rleMasksBecomePolygonsInJSONL() throws {
        let folder = Fixtures.scratch()
        // A 6×8 image (h=6, w=8) with a 3×4 block: columns 2…5, rows 1…3.
        var pixels = [Bool](repeating: false, count: 48)
        for x in 2...5 { for y in 1...3 { pixels[x * 6 + y] = true } }
        let mask = RunLengthMask(height: 6, width: 8, columnMajor: pixels)
        let coco = """
            {"images": [{"id": 1, "file_name": "a.png", "width": 8, "height": 6}],
             "categories": [{"id": 1, "name": "block"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 12,
               "segmentation": {"counts": "\(mask.compressedCounts)", "size": [6, 8]}}]}
            """
        let path = Fixtures.write(coco, folder, "rle.json")
        let source = try read(path)
        #expect(source.dataset.task == .imageInstanceSegmentation)
        try DatasetWriter.write(source, as: .jsonl, to: folder + "/rle.jsonl")
        let back = try read(folder + "/rle.jsonl")
        let rings = try #require(back.dataset.images.first?.annotation.objects.first?.segmentation?.polygons)
        #expect(rings.count == 1)
        // The traced ring runs through the boundary pixels: x in 2…5 of 8, y in 1…3 of 6.
        let xs = stride(from: 0, to: rings[0].count, by: 2).map { rings[0][$0] * 8 }
        let ys = stride(from: 1, to: rings[0].count, by: 2).map { rings[0][$0] * 6 }
        #expect(xs.min()! == 2 && xs.max()! == 5 && ys.min()! == 1 && ys.max()! == 3)
    }
}
