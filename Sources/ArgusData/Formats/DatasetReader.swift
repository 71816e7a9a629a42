import ArgusCore
import ArgusIO
import Foundation

/// Reads any supported format, detecting it where the caller did not say.
public enum DatasetReader {
    /// Guesses the format of `path`: a folder by what it holds, a file by its extension and content.
    public static func detectFormat(_ path: String) throws(DataError) -> DataFormat {
        let fm = FileManager.default
        let location = SourceLocation(file: path)
        guard fm.fileExists(atPath: path) else { throw DataError(.unreadable, location, "no such file or folder") }
        if FolderListing.isFolder(path) {
            if fm.fileExists(atPath: (path as NSString).appendingPathComponent("MLTable")) { return .mltable }
            if !((try? FolderListing.files(in: path, extensions: ["xml"])) ?? []).isEmpty { return .voc }
            let texts = (try? FolderListing.files(in: path, extensions: ["txt"])) ?? []
            if FolderListing.isFolder((path as NSString).appendingPathComponent("obj_train_data")) { return .yolo }
            if let first = texts.first {
                let hasNames = ((try? TextReader.findNames(near: path)) ?? nil) != nil
                let line =
                    (try? PaddedBytes(contentsOfFile: first).string)?.split(whereSeparator: \.isNewline).first ?? ""
                let tokens = line.split(separator: " ")
                let yoloLike =
                    tokens.count == 5 && Int(tokens[0]) != nil
                    && tokens[1...].allSatisfy { Double($0).map { $0 >= 0 && $0 <= 1 } ?? false }
                return hasNames && yoloLike ? .yolo : .text
            }
            return .folders
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "csv" { return .multilabelCSV }
        if (path as NSString).lastPathComponent == "MLTable" { return .mltable }
        let bytes = try PaddedBytes(contentsOfFile: path)
        let first = bytes.firstNonSpaceByte
        if first == UInt8(ascii: "[") { return .cocoResults }
        if ext == "jsonl" || ext == "ndjson" || (first == UInt8(ascii: "{") && !isSingleDocument(bytes)) {
            var format = DataFormat.jsonl
            bytes.forEachLine { line, number in
                guard number == firstContentLine(bytes) else { return }
                let text = String(decoding: line, as: UTF8.self)
                if text.contains("\"probs\"") || text.contains("\"boxes\"") { format = .scoring }
            }
            return format
        }
        if first == UInt8(ascii: "{") {
            // A COCO-style object: detections when its annotations carry scores.
            var hasScores = false
            _ = JSONDocument().parse(bytes) { root in
                if let first = root["annotations"]?.elements.first(where: { _ in true }) {
                    hasScores = first["score"] != nil
                }
            }
            return hasScores ? .cocoResults : .coco
        }
        throw DataError(.unsupported, location, "cannot tell the format; pass --from")
    }

    /// Reads `path` in `format` (detected when nil).
    public static func read(_ path: String, format: DataFormat? = nil, options: ReadOptions = ReadOptions())
        throws(DataError) -> LoadedDataset
    {
        let detected: DataFormat
        if let format { detected = format } else { detected = try detectFormat(path) }
        let format = detected
        var loaded: LoadedDataset
        switch format {
        case .jsonl: loaded = try JSONLReader.read(path, options: options)
        case .mltable:
            let folder = (path as NSString).lastPathComponent == "MLTable" ? PathTools.folder(of: path) : path
            loaded = try MLTableReader.read(folder, options: options)
        case .coco: loaded = try COCOReader.readInstances(path, options: options)
        case .cocoResults where options.reference == nil && firstByte(path) == UInt8(ascii: "{"):
            // Detections as the annotations of a COCO-style file carry their own images and categories.
            loaded = try COCOReader.readInstances(path, options: options)
            loaded.format = .cocoResults
            // Detections are renumbered on loading (as pycocotools' loadRes does): their ids do not matter.
            loaded.diagnostics.items.removeAll { $0.field.hasSuffix(".id") && $0.severity == .warning }
        case .cocoResults:
            let (results, diagnostics) = try COCOReader.readResults(
                path, imageIDs: options.reference?.stringImageIDs ?? [:])
            var all = diagnostics
            var dataset = COCOReader.dataset(from: results, reference: options.reference, file: path, diagnostics: &all)
            if let task = options.task { dataset.task = task }
            loaded = LoadedDataset(
                dataset: dataset, diagnostics: all, imageBase: PathTools.folder(of: path), format: .cocoResults)
        case .voc: loaded = try VOCReader.read(path, options: options)
        case .yolo: loaded = try TextReader.readYOLO(path, options: options)
        case .folders: loaded = try ClassificationReaders.readFolders(path, options: options)
        case .multilabelCSV: loaded = try ClassificationReaders.readMultilabelCSV(path, options: options)
        case .scoring: loaded = try ScoringReader.read(path, options: options)
        case .text: loaded = try TextReader.readText(path, options: options)
        }
        loaded.source = path
        if let task = options.task { loaded.dataset.task = task }
        if let names = options.labelNames, loaded.dataset.labels.isEmpty { loaded.dataset.labels = names }
        return loaded
    }

    private static func firstByte(_ path: String) -> UInt8? {
        (try? PaddedBytes(contentsOfFile: path))?.firstNonSpaceByte
    }

    private static func isSingleDocument(_ bytes: PaddedBytes) -> Bool {
        var ok = false
        _ = JSONDocument().parse(bytes) { root in ok = root.kind == .object }
        return ok
    }

    private static func firstContentLine(_ bytes: PaddedBytes) -> Int {
        var found = 0
        bytes.forEachLine { line, number in
            if found == 0 && !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { found = number }
        }
        return found
    }
}
