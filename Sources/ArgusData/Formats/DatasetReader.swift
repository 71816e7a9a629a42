import ArgusCore
import ArgusIO
import Foundation

/// Reads any supported format, detecting it where the caller did not say.
public enum DatasetReader {
    /// Guesses the format of `path`: a folder by what it holds, a file by its extension and content.
    /// - Throws: `DataError` when nothing fits, or when two formats fit (then `--from` decides).
    public static func detectFormat(_ path: String) throws(DataError) -> DataFormat {
        try explainFormat(path).format
    }

    /// The format of `path` and why it was chosen (for the note a command prints).
    /// - Throws: `DataError` when nothing fits, or when two formats fit (then `--from` decides).
    public static func explainFormat(_ path: String) throws(DataError) -> (format: DataFormat, reason: String) {
        if FolderListing.isFolder(path) {
            let texts = (try? FolderListing.files(in: path, extensions: ["txt"])) ?? []
            let special =
                FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("MLTable"))
                || !((try? FolderListing.files(in: path, extensions: ["xml"])) ?? []).isEmpty
                || FolderListing.isFolder((path as NSString).appendingPathComponent("obj_train_data"))
            if !special && !texts.isEmpty { return try textFolderFormat(path, files: texts) }
        }
        let format = try formatByLayout(path)
        return (format, reason(for: format))
    }

    /// Why a file or folder of `format` was read as such.
    private static func reason(for format: DataFormat) -> String {
        let reason: String
        switch format {
        case .mltable: reason = "it is or holds an MLTable file"
        case .voc: reason = "it holds .xml files"
        case .yolo: reason = "it holds obj_train_data/"
        case .folders: reason = "it holds one folder per class"
        case .multilabelCSV: reason = "its extension is .csv"
        case .cocoResults: reason = "it is a JSON list, or a COCO object whose annotations have scores"
        case .coco: reason = "it is a COCO object whose annotations have no scores"
        case .scoring: reason = "its records have probs or boxes"
        case .jsonl: reason = "it holds one JSON object a line"
        case .text: reason = "it holds text label files"
        }
        return reason
    }

    /// Reads `path` in the format its layout tells, with the format and why (as `explainFormat`
    /// then `read`): a file of one JSON object is parsed once for both, its first annotation's
    /// `score` telling COCO results from ground truth.
    public static func readExplained(_ path: String, options: ReadOptions = ReadOptions()) throws(DataError) -> (
        loaded: LoadedDataset, format: DataFormat, reason: String
    ) {
        if options.reference == nil && isObjectFile(path) {
            let (loaded, scored) = try COCOReader.readInstancesTellingScores(path, options: options)
            if let scored {
                let format: DataFormat = scored ? .cocoResults : .coco
                let read = scored ? detectionsOfObject(loaded) : loaded
                return (finished(read, path: path, options: options), format, reason(for: format))
            }
            // Not one JSON object (JSON lines, or a syntax error): the detection tells.
        }
        let (format, reason) = try explainFormat(path)
        return (try read(path, format: format, options: options), format, reason)
    }

    /// Whether `formatByLayout` tells `path`'s format by parsing it as one JSON object: a file
    /// (not a folder, `.csv`, MLTable, `.jsonl` or `.ndjson`) whose first byte past white space is `{`.
    private static func isObjectFile(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        return ext != "jsonl" && ext != "ndjson" && jsonFirstByte(path) == UInt8(ascii: "{")
    }

    /// The first byte past white space of a file that may hold JSON: nil for a folder, a `.csv`
    /// file, an MLTable file or a file that cannot be read.
    private static func jsonFirstByte(_ path: String) -> UInt8? {
        guard !FolderListing.isFolder(path), (path as NSString).pathExtension.lowercased() != "csv",
            (path as NSString).lastPathComponent != "MLTable"
        else { return nil }
        return firstByte(path)
    }

    /// YOLO or the peer text layout, from the label files' lines (empty files, which mark images
    /// without objects, say nothing). Every non-empty file is looked at, up to 2,000 of them.
    static func textFolderFormat(_ path: String, files: [String]) throws(DataError) -> (DataFormat, String) {
        var yoloLines = 0
        var otherLines = 0
        var example: String?
        var nonEmpty = 0
        for file in files.prefix(2000) {
            let bytes = try PaddedBytes(contentsOfFile: file)
            var sawLine = false
            bytes.forEachLine { line, number in
                let tokens = TextReader.tokenize(line, first: number == 1)
                guard !tokens.isEmpty, number <= 200 else { return }
                sawLine = true
                if TextReader.isYOLOLine(tokens) {
                    yoloLines += 1
                } else {
                    otherLines += 1
                    if example == nil { example = "\(file):\(number): \(tokens.joined(separator: " "))" }
                }
            }
            if sawLine { nonEmpty += 1 }
        }
        let hasNames = ((try? TextReader.findNames(near: path)) ?? nil) != nil
        switch (yoloLines > 0, otherLines > 0) {
        case (true, false):
            return (
                .yolo,
                "every line of its \(nonEmpty) non-empty label file(s) is `class cx cy w h [score]` in [0, 1]"
                    + (hasNames ? "" : " (no names file found: pass --names)")
            )
        case (false, true):
            return (.text, "its label files hold `class [score] a b c d` lines that are not YOLO's, e.g. \(example!)")
        case (true, true):
            throw DataError(
                .unsupported, SourceLocation(file: path),
                "\(yoloLines) line(s) read as YOLO (`class cx cy w h` in [0, 1]) and \(otherLines) do not, e.g. "
                    + "\(example!): pass --from yolo or --from text")
        case (false, false):
            guard hasNames else {
                throw DataError(
                    .unsupported, SourceLocation(file: path),
                    "every label file is empty and there is no names file: pass --from yolo --names FILE, or --from text"
                )
            }
            return (.yolo, "every label file is empty (images without objects) and a names file is there")
        }
    }

    /// Whether `path` is a COCO results list, told without reading the (often large) file: a file,
    /// neither `.csv` nor `MLTable`, whose first non-space byte is `[`.
    public static func isResultsList(_ path: String) -> Bool {
        jsonFirstByte(path) == UInt8(ascii: "[")
    }

    /// The format by the layout of a folder, or a file's extension and first bytes.
    static func formatByLayout(_ path: String) throws(DataError) -> DataFormat {
        let fm = FileManager.default
        let location = SourceLocation(file: path)
        guard fm.fileExists(atPath: path) else { throw DataError(.unreadable, location, "no such file or folder") }
        if FolderListing.isFolder(path) {
            if fm.fileExists(atPath: (path as NSString).appendingPathComponent("MLTable")) { return .mltable }
            if !((try? FolderListing.files(in: path, extensions: ["xml"])) ?? []).isEmpty { return .voc }
            if FolderListing.isFolder((path as NSString).appendingPathComponent("obj_train_data")) { return .yolo }
            return .folders
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "csv" { return .multilabelCSV }
        if (path as NSString).lastPathComponent == "MLTable" { return .mltable }
        if isResultsList(path) { return .cocoResults }
        let bytes = try PaddedBytes(contentsOfFile: path)
        let first = bytes.firstNonSpaceByte
        if first == UInt8(ascii: "[") { return .cocoResults }
        // One parse tells a single object (COCO-style: detections when its annotations carry
        // scores) from JSON lines.
        var objectHasScores: Bool?
        if first == UInt8(ascii: "{") && ext != "jsonl" && ext != "ndjson" {
            _ = JSONDocument().parse(bytes) { root in
                guard root.kind == .object else { return }
                let firstAnnotation = root["annotations"]?.elements.first(where: { _ in true })
                objectHasScores = firstAnnotation?["score"] != nil
            }
        }
        if let objectHasScores { return objectHasScores ? .cocoResults : .coco }
        if ext == "jsonl" || ext == "ndjson" || first == UInt8(ascii: "{") {
            var format = DataFormat.jsonl
            bytes.forEachLine { line, number in
                guard number == firstContentLine(bytes) else { return }
                let text = String(decoding: line, as: UTF8.self)
                if text.contains("\"probs\"") || text.contains("\"boxes\"") { format = .scoring }
            }
            return format
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
            loaded = detectionsOfObject(try COCOReader.readInstances(path, options: options))
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
        return finished(loaded, path: path, options: options)
    }

    /// Detections as the annotations of a COCO-style file, which carry their own images and categories.
    private static func detectionsOfObject(_ instances: LoadedDataset) -> LoadedDataset {
        var loaded = instances
        loaded.format = .cocoResults
        // Detections are renumbered on loading (as pycocotools' loadRes does): their ids do not matter.
        loaded.diagnostics.items.removeAll { $0.field.hasSuffix(".id") && $0.severity == .warning }
        return loaded
    }

    /// What every read gives whatever the format: the source, and the task and label names asked for.
    private static func finished(_ read: LoadedDataset, path: String, options: ReadOptions) -> LoadedDataset {
        var loaded = read
        loaded.source = path
        if let task = options.task { loaded.dataset.task = task }
        if let names = options.labelNames, loaded.dataset.labels.isEmpty { loaded.dataset.labels = names }
        return loaded
    }

    /// The first byte that is not white space, read without reading the whole file.
    private static func firstByte(_ path: String) -> UInt8? {
        try? FileSize.firstNonSpaceByte(path)
    }

    private static func firstContentLine(_ bytes: PaddedBytes) -> Int {
        var found = 0
        bytes.forEachLine { line, number in
            if found == 0 && !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { found = number }
        }
        return found
    }
}
