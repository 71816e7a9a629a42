import ArgusCore
import ArgusIO
import Foundation
import Yams

/// Reads an MLTable folder (docs/formats.md): the `MLTable` YAML names JSONL files (`paths`) and how
/// to read them (`read_json_lines` with `invalid_lines: error|drop`, `convert_column_types`).
public enum MLTableReader {
    /// What an `MLTable` file says.
    public struct Definition: Sendable, Equatable {
        /// The JSONL files it names, resolved.
        public var files: [String]
        /// `invalid_lines: drop` (else `error`).
        public var dropInvalidLines: Bool
        /// The files' encoding.
        public var encoding: String
        /// Whether the file name goes into a column.
        public var includePathColumn: Bool
        /// The columns converted to streams (image URLs).
        public var streamColumns: [String]
    }

    /// Parses the `MLTable` file of `folder`.
    public static func definition(_ folder: String) throws(DataError) -> Definition {
        let path = (folder as NSString).appendingPathComponent("MLTable")
        let location = SourceLocation(file: path)
        let text = try PaddedBytes(contentsOfFile: path).string
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            var located = location
            if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError {
                located.line = mark.line
                located.column = mark.column
            } else if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError {
                located.line = mark.line
                located.column = mark.column
            }
            throw DataError(.invalidData, located, "invalid YAML: \(error)")
        }
        guard let root = node?.mapping else {
            throw DataError(.invalidData, location, "expected a YAML mapping with `paths`")
        }
        func line(_ node: Node?) -> SourceLocation { SourceLocation(file: path, line: node.map { $0.mark?.line ?? 0 }) }
        guard let paths = root["paths"]?.sequence, !paths.isEmpty else {
            throw DataError(
                .invalidData, line(root["paths"]), field: "paths", "missing or empty (expected a list of `- file: …`)")
        }
        var files: [String] = []
        for entry in paths {
            if let file = entry.mapping?["file"]?.string {
                files.append(resolve(file, in: folder))
            } else if let pattern = entry.mapping?["pattern"]?.string {
                files += try glob(pattern, in: folder, location: line(entry))
            } else if let folderPath = entry.mapping?["folder"]?.string {
                let full = resolve(folderPath, in: folder)
                files += try FolderListing.files(in: full, extensions: ["jsonl", "json"])
            } else {
                throw DataError(
                    .invalidData, line(entry), field: "paths", "each entry needs `file`, `folder` or `pattern`")
            }
        }
        var definition = Definition(
            files: files, dropInvalidLines: false, encoding: "utf8", includePathColumn: false, streamColumns: [])
        var sawReader = false
        for step in root["transformations"]?.sequence ?? [] {
            guard let mapping = step.mapping, let (key, value) = mapping.first else { continue }
            switch key.string {
            case "read_json_lines":
                sawReader = true
                let settings = value.mapping
                if let invalid = settings?["invalid_lines"]?.string {
                    switch invalid {
                    case "error": definition.dropInvalidLines = false
                    case "drop": definition.dropInvalidLines = true
                    default:
                        throw DataError(
                            .invalidData, line(settings?["invalid_lines"]), field: "read_json_lines.invalid_lines",
                            "expected error or drop, got \(invalid)")
                    }
                }
                if let encoding = settings?["encoding"]?.string {
                    guard ["utf8", "utf-8", "ascii"].contains(encoding.lowercased()) else {
                        throw DataError(
                            .unsupported, line(settings?["encoding"]), field: "read_json_lines.encoding",
                            "only utf8 is supported, got \(encoding)")
                    }
                    definition.encoding = encoding
                }
                definition.includePathColumn = settings?["include_path_column"]?.bool ?? false
            case "convert_column_types":
                for conversion in value.sequence ?? [] {
                    let columns = conversion.mapping?["columns"]
                    let names = columns?.string.map { [$0] } ?? columns?.sequence?.compactMap(\.string) ?? []
                    let type =
                        conversion.mapping?["column_type"]?.string
                        ?? conversion.mapping?["column_type"]?.mapping?.keys.first?.string
                    if type == "stream_info" { definition.streamColumns += names }
                }
            case "read_delimited", "read_parquet":
                throw DataError(
                    .unsupported, line(step), field: "transformations",
                    "\(key.string ?? "") is not supported: image datasets use read_json_lines")
            default: continue
            }
        }
        if !sawReader && !files.allSatisfy({ $0.hasSuffix(".jsonl") || $0.hasSuffix(".json") }) {
            throw DataError(
                .invalidData, location, field: "transformations",
                "no read_json_lines step and the paths are not JSONL files")
        }
        return definition
    }

    /// Reads an MLTable folder: its definition and the JSONL files it names.
    /// - Throws: `DataError` naming the file and line of a malformed definition.
    public static func read(_ folder: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        let definition = try definition(folder)
        var combined: LoadedDataset?
        for file in definition.files {
            var fileOptions = options
            fileOptions.dropInvalidLines = definition.dropInvalidLines
            var part = try JSONLReader.read(file, options: fileOptions)
            // Image URLs relative to each JSONL file are rebased onto the MLTable folder.
            let fileFolder = PathTools.folder(of: file)
            if PathTools.absolute(fileFolder) != PathTools.absolute(folder) {
                let locator = ImageLocator(baseFolder: fileFolder)
                for index in part.dataset.images.indices {
                    let url = part.dataset.images[index].imageURL
                    if !url.contains("://"), !url.hasPrefix("/"), let local = locator.localPath(url) {
                        part.dataset.images[index].imageURL = PathTools.relative(local, from: folder)
                    }
                }
            }
            if combined == nil {
                combined = part
            } else {
                combined!.dataset.images += part.dataset.images
                combined!.diagnostics.append(contentsOf: part.diagnostics)
            }
        }
        guard var result = combined else {
            throw DataError(
                .invalidData, SourceLocation(file: (folder as NSString).appendingPathComponent("MLTable")),
                field: "paths", "names no files")
        }
        result.imageBase = folder
        result.format = .mltable
        if options.task == nil {
            result.dataset.task = nil
            JSONLReader.finishTask(&result.dataset)
        }
        return result
    }

    static func resolve(_ file: String, in folder: String) -> String {
        var path = file
        if path.hasPrefix("file://") { path.removeFirst(7) }
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("./") { path.removeFirst(2) }
        return (folder as NSString).appendingPathComponent(path)
    }

    /// `*`-patterns over file names of one folder (the usual `./data/*.jsonl`).
    static func glob(_ pattern: String, in folder: String, location: SourceLocation) throws(DataError) -> [String] {
        let full = resolve(pattern, in: folder)
        let directory = (full as NSString).deletingLastPathComponent
        let namePattern = (full as NSString).lastPathComponent
        let parts = namePattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let matched = names.filter { name in
            guard let first = parts.first, name.hasPrefix(first), let last = parts.last, name.hasSuffix(last),
                name.count >= first.count + last.count
            else { return false }
            var rest = Substring(name.dropFirst(first.count))
            for part in parts.dropFirst().dropLast() where !part.isEmpty {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
            return true
        }.sorted()
        if matched.isEmpty {
            throw DataError(.invalidData, location, field: "paths.pattern", "\(pattern) matches no file")
        }
        return matched.map { (directory as NSString).appendingPathComponent($0) }
    }
}
