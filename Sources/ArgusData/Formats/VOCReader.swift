import ArgusCore
import ArgusIO
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads a folder of Pascal VOC XML files (one per image). `difficult` objects become crowd
/// (ignored) regions, as the AutoML service's converter does.
public enum VOCReader {
    /// Reads a folder of Pascal VOC XML files (`difficult` objects become crowds, ignored).
    /// - Throws: `DataError` when the folder cannot be listed; problems in files are diagnostics.
    public static func read(_ folder: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        let files = try FolderListing.files(in: folder, extensions: ["xml"])
        var diagnostics = Diagnostics()
        var images: [ImageRecord] = []
        for file in files {
            if let record = readFile(file, options: options, into: &diagnostics) { images.append(record) }
        }
        if files.isEmpty { diagnostics.error(SourceLocation(file: folder), "no .xml files in the folder") }
        var dataset = Dataset(task: options.task ?? .imageObjectDetection, images: images, coordinateSpace: .pixels)
        if let names = options.labelNames { dataset.labels = names }
        let base = options.imagesFolder ?? guessImagesFolder(folder)
        return LoadedDataset(dataset: dataset, diagnostics: diagnostics, imageBase: base, format: .voc)
    }

    /// VOC layouts keep images in a sibling `JPEGImages` or `images` folder.
    static func guessImagesFolder(_ folder: String) -> String {
        let parent = (folder as NSString).deletingLastPathComponent
        for candidate in ["JPEGImages", "images", "../images", "../../images"] {
            let path = ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(candidate)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                return (path as NSString).standardizingPath
            }
        }
        return folder
    }

    static func readFile(_ path: String, options: ReadOptions, into diagnostics: inout Diagnostics) -> ImageRecord? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.error(SourceLocation(file: path), "cannot read the file")
            return nil
        }
        // Foundation's XML parser traps on names that are not UTF-8: check the bytes first.
        if let problem = XMLBytes.encodingProblem(in: data) {
            diagnostics.error(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return nil
        }
        let delegate = VOCParserDelegate(file: path)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        if !parser.parse() {
            diagnostics.error(
                SourceLocation(file: path, line: parser.lineNumber, column: parser.columnNumber),
                "invalid XML: \(describe(parser.parserError))")
            return nil
        }
        if let open = delegate.openElements.last {
            // A parser may stop quietly at the end of a cut file: an element still open means one.
            diagnostics.error(
                SourceLocation(file: path, line: parser.lineNumber),
                "invalid XML: the file ends inside <\(open)> (truncated?)")
            return nil
        }
        diagnostics.append(contentsOf: delegate.diagnostics)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = delegate.filename ?? stem + ".jpg"
        var record = ImageRecord(
            imageURL: name, width: delegate.width, height: delegate.height,
            annotation: .objects(delegate.objects), location: SourceLocation(file: path))
        if record.width == nil || record.height == nil {
            diagnostics.warning(SourceLocation(file: path), field: "size", "missing width or height")
        }
        record.format = (name as NSString).pathExtension.lowercased().nilIfEmpty
        return record
    }
}

/// Collects `filename`, `size` and `object` elements of one VOC file.
/// What an XML parser error means, in words (Foundation reports only a code).
func describe(_ error: Error?) -> String {
    guard let error = error as NSError?, error.domain == XMLParser.errorDomain,
        let code = XMLParser.ErrorCode(rawValue: error.code)
    else { return error.map { ($0 as NSError).localizedDescription } ?? "malformed XML" }
    switch code {
    case .emptyDocumentError: return "the file is empty"
    case .prematureDocumentEndError: return "the file ends before the XML is complete (truncated?)"
    case .documentStartError: return "the file does not start as an XML document"
    case .tagNameMismatchError: return "a closing tag does not match the open element"
    case .notWellBalancedError: return "the elements are not balanced (a tag is not closed)"
    case .gtRequiredError: return "a tag is not closed with '>'"
    case .ltRequiredError: return "expected '<'"
    case .extraContentError: return "content after the root element"
    case .entityReferenceWithoutNameError, .entityRefLoopError, .undeclaredEntityError, .entityNotFinishedError:
        return "an entity reference that is undefined, unfinished or loops"
    case .invalidCharacterError: return "a character that XML does not allow"
    case .attributeNotStartedError, .attributeNotFinishedError:
        return "a malformed attribute"
    default: return "XML error \(error.code) (\(code))"
    }
}

final class VOCParserDelegate: NSObject, XMLParserDelegate {
    let file: String
    var diagnostics = Diagnostics()
    var filename: String?
    var width: Int?
    var height: Int?
    var objects: [ObjectAnnotation] = []

    private var path: [String] = []
    private var text = ""
    private var current: [String: String] = [:]
    private var objectLine = 0
    private var objectCount = 0

    init(file: String) { self.file = file }

    /// The elements open where the parser stopped (none after a whole document).
    var openElements: [String] { path }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        path.append(name)
        text = ""
        if name == "object" && path.count == 2 {
            current = [:]
            objectLine = parser.lineNumber
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let location = SourceLocation(file: file, line: parser.lineNumber)
        switch path.count {
        case 2 where name == "filename": filename = value
        case 3 where path[1] == "size":
            if name == "width" || name == "height" {
                if let number = Double(value).flatMap({ Int(exactly: $0) }), number > 0 {
                    if name == "width" { width = number } else { height = number }
                } else {
                    diagnostics.error(
                        location, field: "size.\(name)", "expected a positive whole number, got \"\(value)\"")
                }
            }
        case 3 where path[1] == "object" && (name == "name" || name == "difficult"): current[name] = value
        case 4 where path[1] == "object" && path[2] == "bndbox": current[name] = value
        case 2 where name == "object": finishObject(at: SourceLocation(file: file, line: objectLine))
        default: break
        }
        path.removeLast()
        text = ""
    }

    private func finishObject(at location: SourceLocation) {
        let field = "object[\(objectCount)]"
        objectCount += 1
        guard let label = current["name"], !label.isEmpty else {
            diagnostics.error(location, field: "\(field).name", "missing class name")
            return
        }
        var numbers: [Double] = []
        for key in ["xmin", "ymin", "xmax", "ymax"] {
            guard let text = current[key] else {
                diagnostics.error(location, field: "\(field).bndbox.\(key)", "missing")
                return
            }
            guard let number = Double(text), number.isFinite else {
                diagnostics.error(location, field: "\(field).bndbox.\(key)", "expected a number, got \"\(text)\"")
                return
            }
            numbers.append(number)
        }
        let box = Box(minX: numbers[0], minY: numbers[1], maxX: numbers[2], maxY: numbers[3])
        GeometryChecks.check(
            box: box, space: .pixels, imageWidth: width, imageHeight: height,
            field: "\(field).bndbox", at: location, into: &diagnostics)
        let difficult = current["difficult"].map { $0 == "1" || $0.lowercased() == "true" } ?? false
        objects.append(ObjectAnnotation(label: label, box: box, isCrowd: difficult))
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Sorted listings of a folder's files.
enum FolderListing {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "jpe", "jfif", "bmp", "tif", "tiff", "gif"]

    /// The files directly in `folder` whose extension is one of `extensions` (lowercased), sorted by name.
    static func files(in folder: String, extensions: Set<String>) throws(DataError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw DataError(
                .unreadable, SourceLocation(file: folder), "cannot list the folder: \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// The image files of `folder` by stem (file name without extension).
    static func imagesByStem(in folder: String?) -> [String: String] {
        guard let folder, let files = try? files(in: folder, extensions: imageExtensions) else { return [:] }
        var result: [String: String] = [:]
        for file in files {
            result[((file as NSString).lastPathComponent as NSString).deletingPathExtension] =
                (file as NSString).lastPathComponent
        }
        return result
    }
}
