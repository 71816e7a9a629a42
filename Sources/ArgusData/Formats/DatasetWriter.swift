import ArgusCore
import ArgusIO
import ArgusMasks
import Foundation

/// Options of a write.
public struct WriteOptions: Sendable {
    /// The text layout (format `text`).
    public var textLayout = TextLayout()
    /// Replace an existing output.
    public var overwrite = false
    /// Where `azureml://` and `AmlDatastore://` image URLs are mapped when image files are needed.
    public var dataRoot: String?
    /// Most points of a polygon traced from a mask (`max_number_of_polygon_points`).
    public var maxPolygonPoints = 100
    /// JSONL only: keep each `image_url` as the source wrote it and add `path`, the image's absolute local
    /// path (the compute plane's input: images read from `path`, predictions named by `image_url`).
    public var resolvedPaths = false

    /// Options that replace an existing output only when `overwrite`.
    public init(overwrite: Bool = false) { self.overwrite = overwrite }
}

/// Writes a dataset in any supported format. Every output appears whole or not at all.
public enum DatasetWriter {
    /// Writes `loaded` to `output` in `format`.
    /// - Returns: warnings about what the format could not hold (e.g. masks in VOC).
    /// - Throws: `DataError` with every problem when the data cannot be written as asked.
    @discardableResult
    public static func write(
        _ loaded: LoadedDataset, as format: DataFormat, to output: String,
        options: WriteOptions = WriteOptions()
    ) throws -> Diagnostics {
        try OutputFile.checkDestination(output, overwrite: options.overwrite, inputs: [loaded.source])
        var diagnostics = Diagnostics()
        let locator = ImageLocator(baseFolder: loaded.imageBase, dataRoot: options.dataRoot)
        var dataset = loaded.dataset
        let task = dataset.task ?? dataset.inferredTask
        let needsPolygonsOnly: Set<DataFormat> = [.jsonl, .mltable, .scoring]
        if needsPolygonsOnly.contains(format) {
            dataset = DatasetGeometry.polygonized(dataset, maxPoints: options.maxPolygonPoints)
        }
        let pixelFormats: Set<DataFormat> = [.coco, .cocoResults, .voc]
        let wantsPixels = pixelFormats.contains(format) || (format == .text && options.textLayout.absolute)
        let boxFormats: Set<DataFormat> = [.coco, .cocoResults, .voc, .yolo, .text]
        if task?.hasObjects ?? false {
            dataset = DatasetGeometry.converted(
                dataset, to: wantsPixels ? .pixels : .normalized, locator: locator, diagnostics: &diagnostics)
        } else if boxFormats.contains(format) {
            throw DataError(
                .unsupported, SourceLocation(file: output),
                "\(format) holds boxes, but the data is \(task?.rawValue ?? "unlabelled")")
        }
        if [.voc, .yolo, .text].contains(format),
            dataset.images.contains(where: { $0.annotation.objects.contains { $0.segmentation != nil } })
        {
            diagnostics.warning(SourceLocation(file: output), "\(format) holds boxes only: the masks were left out")
        }
        guard !diagnostics.hasErrors else {
            throw DataError(
                .invalidData, SourceLocation(file: output), "cannot write \(format)", diagnostics: diagnostics.items)
        }
        let context = Context(dataset: dataset, locator: locator, outputFolder: output, options: options)
        switch format {
        case .jsonl:
            try OutputFile.write(
                JSONLWriting.groundTruth(context.with(folder: PathTools.folder(of: output))), to: output)
        case .mltable:
            try OutputFile.writeFolder(at: output) { folder in
                let name = "annotations.jsonl"
                let bytes = JSONLWriting.groundTruth(context.with(folder: output))
                try OutputFile.write(bytes, to: (folder as NSString).appendingPathComponent(name))
                try OutputFile.write(
                    MLTableWriting.definition(files: [name]), to: (folder as NSString).appendingPathComponent("MLTable")
                )
            }
        case .scoring:
            try OutputFile.write(JSONLWriting.scoring(context.with(folder: PathTools.folder(of: output))), to: output)
        case .coco:
            try OutputFile.write(COCOWriting.instances(context.with(folder: PathTools.folder(of: output))), to: output)
        case .cocoResults:
            try OutputFile.write(COCOWriting.results(context), to: output)
        case .voc:
            try OutputFile.writeFolder(at: output) { folder in try BoxFolderWriting.voc(context, into: folder) }
        case .yolo:
            try OutputFile.writeFolder(at: output) { folder in try BoxFolderWriting.yolo(context, into: folder) }
        case .text:
            try OutputFile.writeFolder(at: output) { folder in
                try BoxFolderWriting.text(context, layout: options.textLayout, into: folder)
            }
        case .folders:
            try OutputFile.writeFolder(at: output) { folder in try ClassificationWriting.folders(context, into: folder)
            }
        case .multilabelCSV:
            try OutputFile.write(
                ClassificationWriting.csv(context.with(folder: PathTools.folder(of: output))), to: output)
        }
        return diagnostics
    }

    struct Context {
        var dataset: Dataset
        var locator: ImageLocator
        /// The folder the written file lives in (image URLs are rebased onto it).
        var outputFolder: String
        var options: WriteOptions

        func with(folder: String) -> Context {
            var copy = self
            copy.outputFolder = folder
            return copy
        }

        /// The image URL for a file written in `outputFolder`: a local relative path whose file
        /// exists is rebased; anything else is kept as written.
        func url(_ image: ImageRecord) -> String {
            let url = image.imageURL
            if url.contains("://") || url.hasPrefix("/") || url.hasPrefix("#") { return url }
            guard let local = locator.localPath(url), FileManager.default.fileExists(atPath: local) else { return url }
            return PathTools.relative(local, from: outputFolder)
        }

        /// Category ids: the source's COCO ids where known, else 1, 2, … in label order.
        var categoryIDs: [(label: String, id: Int)] {
            let labels = dataset.allLabels
            let keep =
                labels.allSatisfy { dataset.categoryIDs[$0] != nil }
                && Set(labels.compactMap { dataset.categoryIDs[$0] }).count == labels.count
            return labels.enumerated().map { index, label in (label, keep ? dataset.categoryIDs[label]! : index + 1) }
        }

        /// Image ids: the source's where every image has a distinct one, else 1, 2, …
        var imageIDs: [Int] {
            let ids = dataset.images.compactMap(\.id)
            if ids.count == dataset.images.count && Set(ids).count == ids.count { return ids }
            return Array(1...max(1, dataset.images.count)).prefix(dataset.images.count).map { $0 }
        }
    }
}

enum MLTableWriting {
    static func definition(files: [String]) -> String {
        var text = "paths:\n"
        for file in files { text += "  - file: \(file.hasPrefix(".") ? file : "./" + file)\n" }
        text += """
            transformations:
              - read_json_lines:
                  encoding: utf8
                  invalid_lines: error
                  include_path_column: false
              - convert_column_types:
                  - columns: image_url
                    column_type: stream_info

            """
        return text
    }
}

/// The text of an `MLTable` file over JSONL files.
public enum MLTableFile {
    /// The text of an `MLTable` file naming `files`.
    public static func text(for files: String...) -> String { MLTableWriting.definition(files: files) }
}
