import ArgusCore
import ArgusIO
import Foundation

/// Reads classification folders (`root/<class>/<image>`) and the multi-label CSV.
public enum ClassificationReaders {
    /// Each subfolder of `root` is a class; each image inside it an example of that class.
    public static func readFolders(_ root: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        var diagnostics = Diagnostics()
        let classes: [String]
        do {
            classes = try FileManager.default.contentsOfDirectory(atPath: root)
                .filter { !$0.hasPrefix(".") && FolderListing.isFolder((root as NSString).appendingPathComponent($0)) }
                .sorted()
        } catch {
            throw DataError(
                .unreadable, SourceLocation(file: root), "cannot list the folder: \(error.localizedDescription)")
        }
        var images: [ImageRecord] = []
        for label in classes {
            let folder = (root as NSString).appendingPathComponent(label)
            let files = try FolderListing.files(in: folder, extensions: FolderListing.imageExtensions)
            if files.isEmpty { diagnostics.warning(SourceLocation(file: folder), "class folder holds no images") }
            for file in files {
                let relative = label + "/" + (file as NSString).lastPathComponent
                images.append(
                    ImageRecord(
                        imageURL: relative, format: (file as NSString).pathExtension.lowercased(),
                        annotation: .category(label), location: SourceLocation(file: file)))
            }
        }
        if classes.isEmpty {
            diagnostics.error(SourceLocation(file: root), "no class folders (expected root/<class>/<image>)")
        }
        let dataset = Dataset(task: .imageClassification, images: images, labels: classes, coordinateSpace: .normalized)
        return LoadedDataset(dataset: dataset, diagnostics: diagnostics, imageBase: root, format: .folders)
    }

    /// `filename,labels` with a header row; labels separated by spaces (an empty field: no label).
    public static func readMultilabelCSV(_ path: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        let bytes = try PaddedBytes(contentsOfFile: path)
        var diagnostics = Diagnostics()
        var images: [ImageRecord] = []
        var header = true
        bytes.forEachLine { line, number in
            let location = SourceLocation(file: path, line: number)
            let text = String(decoding: line, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return }
            let fields = CSV.fields(text)
            if header {
                header = false
                if fields.count < 2 { diagnostics.error(location, "expected a header row `filename,labels`") }
                return
            }
            guard fields.count == 2 else {
                diagnostics.error(location, "expected 2 fields (filename,labels), got \(fields.count)")
                return
            }
            let name = fields[0].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                diagnostics.error(location, field: "filename", "is empty")
                return
            }
            let labels = fields[1].split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
            images.append(ImageRecord(imageURL: name, annotation: .categories(labels), location: location))
        }
        if header { diagnostics.error(SourceLocation(file: path), "the file is empty (expected a header row)") }
        let dataset = Dataset(task: .imageClassificationMultilabel, images: images, coordinateSpace: .normalized)
        return LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: PathTools.folder(of: path), format: .multilabelCSV)
    }
}

/// The small part of RFC 4180 the multi-label CSV needs: commas, double quotes, doubled quotes.
enum CSV {
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pendingQuote = false
        while let character = iterator.next() {
            if quoted {
                if pendingQuote {
                    pendingQuote = false
                    if character == "\"" {
                        current.append("\"")
                        continue
                    }
                    quoted = false
                } else if character == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    current.append(character)
                    continue
                }
            }
            if character == "," {
                fields.append(current)
                current = ""
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    static func escape(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
