import ArgusCore
import ArgusIO
import Foundation

/// Reads folders of one text file per image: YOLO (`class cx cy w h [score]`, relative, class ids
/// into a names file) and the peer tools' layouts (`class [score] a b c d`, see `TextLayout`).
public enum TextReader {
    /// A YOLO folder: `<stem>.txt` label files and a names file (`obj.names`, `classes.txt`, `*.names`,
    /// here or one level up, or `options.labelNames`).
    public static func readYOLO(_ folder: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        var labelFolder = folder
        if FolderListing.isFolder((folder as NSString).appendingPathComponent("obj_train_data")) {
            labelFolder = (folder as NSString).appendingPathComponent("obj_train_data")
        } else if FolderListing.isFolder((folder as NSString).appendingPathComponent("labels")) {
            labelFolder = (folder as NSString).appendingPathComponent("labels")
        }
        var diagnostics = Diagnostics()
        var found = options.labelNames
        if found == nil { found = try findNames(near: folder) }
        guard let names = found else {
            throw DataError(
                .invalidData, SourceLocation(file: folder),
                "no names file (obj.names, classes.txt or *.names) found; pass --names")
        }
        let files = try FolderListing.files(in: labelFolder, extensions: ["txt"]).filter {
            !["classes.txt", "train.txt", "valid.txt", "test.txt"].contains(($0 as NSString).lastPathComponent)
        }
        let imagesFolder = options.imagesFolder ?? guessImages(labelFolder)
        let imageNames = FolderListing.imagesByStem(in: imagesFolder)
        var images: [ImageRecord] = []
        for file in files {
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            var objects: [ObjectAnnotation] = []
            try readLines(file) { tokens, location in
                guard tokens.count == 5 || tokens.count == 6 else {
                    diagnostics.error(location, "expected `class cx cy w h [score]`, got \(tokens.count) fields")
                    return
                }
                guard let label = className(tokens[0], names: names, location: location, into: &diagnostics) else {
                    return
                }
                guard let numbers = numbers(tokens[1...4], field: "box", location: location, into: &diagnostics) else {
                    return
                }
                let box = Box(centerX: numbers[0], centerY: numbers[1], width: numbers[2], height: numbers[3])
                GeometryChecks.check(
                    box: box, space: .normalized, imageWidth: nil, imageHeight: nil, isPrediction: tokens.count == 6,
                    field: "box", at: location, into: &diagnostics)
                var object = ObjectAnnotation(label: label, box: box)
                if tokens.count == 6 {
                    guard let score = Double(tokens[5]) else {
                        diagnostics.error(location, field: "score", "expected a number")
                        return
                    }
                    object.score = score
                }
                objects.append(object)
            }
            let imageName = imageNames[stem] ?? stem + ".jpg"
            images.append(
                ImageRecord(imageURL: imageName, annotation: .objects(objects), location: SourceLocation(file: file)))
        }
        if files.isEmpty { diagnostics.error(SourceLocation(file: labelFolder), "no .txt label files in the folder") }
        let dataset = Dataset(
            task: options.task ?? .imageObjectDetection, images: images, labels: names, coordinateSpace: .normalized)
        return LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: imagesFolder ?? labelFolder, format: .yolo)
    }

    /// A folder in one of the peer text layouts (ground truth or detections).
    public static func readText(_ folder: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        let layout = options.textLayout
        var diagnostics = Diagnostics()
        let files = try FolderListing.files(in: folder, extensions: ["txt"])
        let imagesFolder = options.imagesFolder ?? guessImages(folder)
        let imageNames = FolderListing.imagesByStem(in: imagesFolder)
        var images: [ImageRecord] = []
        var names = options.labelNames
        if names == nil, let found = try? findNames(near: folder) { names = found }
        for file in files {
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            var objects: [ObjectAnnotation] = []
            try readLines(file) { tokens, location in
                let scored = layout.hasScores ?? (tokens.count == 6)
                let expected = scored ? 6 : 5
                guard tokens.count == expected else {
                    diagnostics.error(
                        location,
                        "expected `class \(scored ? "score " : "")a b c d` (\(expected) fields), got \(tokens.count)")
                    return
                }
                let label: String
                if let names, let id = Int(tokens[0]) {
                    guard let name = className(tokens[0], names: names, location: location, into: &diagnostics) else {
                        return
                    }
                    _ = id
                    label = name
                } else {
                    label = String(tokens[0])
                }
                guard
                    let values = numbers(
                        tokens[(expected - 4)...], field: "box", location: location, into: &diagnostics)
                else { return }
                let box: Box
                switch layout.boxForm {
                case .xywh: box = Box(x: values[0], y: values[1], width: values[2], height: values[3])
                case .xyxy: box = Box(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
                case .cxcywh: box = Box(centerX: values[0], centerY: values[1], width: values[2], height: values[3])
                }
                GeometryChecks.check(
                    box: box, space: layout.absolute ? .pixels : .normalized, imageWidth: nil, imageHeight: nil,
                    isPrediction: scored, field: "box", at: location, into: &diagnostics)
                var object = ObjectAnnotation(label: label, box: box)
                if scored {
                    guard let score = Double(tokens[1]) else {
                        diagnostics.error(location, field: "score", "expected a number, got \"\(tokens[1])\"")
                        return
                    }
                    object.score = score
                }
                objects.append(object)
            }
            let imageName = imageNames[stem] ?? stem + ".jpg"
            images.append(
                ImageRecord(imageURL: imageName, annotation: .objects(objects), location: SourceLocation(file: file)))
        }
        if files.isEmpty { diagnostics.error(SourceLocation(file: folder), "no .txt files in the folder") }
        let dataset = Dataset(
            task: options.task ?? .imageObjectDetection, images: images, labels: names ?? [],
            coordinateSpace: layout.absolute ? .pixels : .normalized)
        return LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: imagesFolder ?? folder, format: .text)
    }

    /// Reads a names file: one class per line, blank lines ignored.
    public static func readNames(_ path: String) throws(DataError) -> [String] {
        let bytes = try PaddedBytes(contentsOfFile: path)
        return bytes.string.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    static func findNames(near folder: String) throws(DataError) -> [String]? {
        let parent = (folder as NSString).deletingLastPathComponent
        for place in [folder, parent.isEmpty ? "." : parent] {
            for name in ["obj.names", "classes.names", "classes.txt", "voc.names", "coco.names"] {
                let path = (place as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: path) { return try readNames(path) }
            }
            if let other = (try? FolderListing.files(in: place, extensions: ["names"]))?.first {
                return try readNames(other)
            }
        }
        return nil
    }

    static func guessImages(_ folder: String) -> String? {
        if !FolderListing.imagesByStem(in: folder).isEmpty { return folder }
        let parent = (folder as NSString).deletingLastPathComponent
        for candidate in ["images", "JPEGImages", "../images"] {
            let path = (((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(candidate) as NSString)
                .standardizingPath
            if FolderListing.isFolder(path) { return path }
        }
        return nil
    }

    static func readLines(_ file: String, _ body: ([Substring], SourceLocation) -> Void) throws(DataError) {
        let bytes = try PaddedBytes(contentsOfFile: file)
        bytes.forEachLine { line, number in
            let tokens = tokenize(line, first: number == 1)
            if tokens.isEmpty { return }
            body(tokens, SourceLocation(file: file, line: number))
        }
    }

    /// A line's fields, separated by spaces, tabs or commas; a UTF-8 byte-order mark at the start
    /// of the file and a carriage return at the end of the line are not part of them.
    static func tokenize(_ line: UnsafeRawBufferPointer, first: Bool) -> [Substring] {
        var text = String(decoding: line, as: UTF8.self)
        if first && text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\r\n" })
    }

    /// Whether a line reads as YOLO: an integer class id, then cx, cy, w, h (and an optional
    /// score) as fractions in [0, 1].
    static func isYOLOLine(_ tokens: [Substring]) -> Bool {
        guard tokens.count == 5 || tokens.count == 6, let id = Int(tokens[0]), id >= 0 else { return false }
        return tokens[1...].allSatisfy { Double($0).map { $0 >= 0 && $0 <= 1 } ?? false }
    }

    static func className(
        _ token: Substring, names: [String], location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> String? {
        if let id = Int(token) {
            guard names.indices.contains(id) else {
                diagnostics.error(
                    location, field: "class", "class id \(id) is not in the names file (\(names.count) names)")
                return nil
            }
            return names[id]
        }
        return String(token)
    }

    static func numbers(
        _ tokens: ArraySlice<Substring>, field: String, location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> [Double]? {
        var values: [Double] = []
        for token in tokens {
            guard let value = Double(token), value.isFinite else {
                diagnostics.error(location, field: field, "expected a number, got \"\(token)\"")
                return nil
            }
            values.append(value)
        }
        return values
    }
}
