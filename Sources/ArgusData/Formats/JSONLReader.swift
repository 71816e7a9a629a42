import ArgusCore
import ArgusIO

/// Reads AutoML JSONL ground truth (docs/formats.md): one JSON object per line.
public enum JSONLReader {
    /// Reads a JSONL file; with `dropInvalidLines` a malformed line is skipped and counted
    /// (MLTable `invalid_lines: drop`) instead of being an error.
    public static func read(_ path: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        var diagnostics = Diagnostics()
        var images: [ImageRecord] = []
        var dropped = 0
        let parser = JSONDocument()
        try LineStream(path: path).forEachLine { line, number in
            let location = SourceLocation(file: path, line: number)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            let outcome = parser.parse(line.baseAddress!, length: line.count) { root in
                var local = Diagnostics()
                let record = parseRecord(root, task: options.task, at: location, into: &local)
                return (record, local)
            }
            switch outcome {
            case .failure(let error):
                if options.dropInvalidLines {
                    dropped += 1
                } else {
                    diagnostics.error(location, "invalid JSON: \(error.message)")
                }
            case .success(let (record, local)):
                if options.dropInvalidLines && local.hasErrors {
                    dropped += 1
                    return
                }
                diagnostics.append(contentsOf: local)
                if let record { images.append(record) }
            }
        }
        if dropped > 0 {
            diagnostics.warning(
                SourceLocation(file: path),
                "dropped \(dropped) invalid line\(dropped == 1 ? "" : "s") (invalid_lines: drop)")
        }
        var dataset = Dataset(task: options.task, images: images, coordinateSpace: .normalized)
        finishTask(&dataset)
        return LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: PathTools.folder(of: path), format: .jsonl)
    }

    /// Settles the task and turns the empty label lists read before the task was known into the
    /// task's empty annotation.
    static func finishTask(_ dataset: inout Dataset) {
        if dataset.task == nil { dataset.task = dataset.inferredTask }
        guard let task = dataset.task, task.hasObjects else { return }
        for index in dataset.images.indices {
            if case .categories(let list) = dataset.images[index].annotation, list.isEmpty {
                dataset.images[index].annotation = .objects([])
            }
        }
    }

    static func parseRecord(
        _ root: JSONValue, task: VisionTask?, at location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> ImageRecord? {
        guard root.kind == .object else {
            diagnostics.error(location, "expected a JSON object, got \(root.kind)")
            return nil
        }
        guard let urlValue = root["image_url"] else {
            diagnostics.error(location, field: "image_url", "missing required key")
            return nil
        }
        guard let url = urlValue.string, !url.isEmpty else {
            diagnostics.error(location, field: "image_url", "expected a non-empty string, got \(urlValue.kind)")
            return nil
        }
        var record = ImageRecord(imageURL: url, location: location)
        if let details = root["image_details"], !details.isNull {
            readDetails(details, into: &record, at: location, diagnostics: &diagnostics)
        }
        guard let label = root["label"] else {
            diagnostics.error(location, field: "label", "missing required key")
            return nil
        }
        guard let annotation = readLabel(label, task: task, record: record, at: location, into: &diagnostics) else {
            return nil
        }
        record.annotation = annotation
        return record
    }

    static func readDetails(
        _ details: JSONValue, into record: inout ImageRecord, at location: SourceLocation,
        diagnostics: inout Diagnostics
    ) {
        guard details.kind == .object else {
            diagnostics.error(location, field: "image_details", "expected an object, got \(details.kind)")
            return
        }
        if let format = details["format"], !format.isNull {
            if let text = format.string {
                record.format = text.lowercased()
            } else {
                diagnostics.error(location, field: "image_details.format", "expected a string, got \(format.kind)")
            }
        }
        for (key, isWidth) in [("width", true), ("height", false)] {
            guard let value = details[key], !value.isNull else { continue }
            guard let number = value.lenientInt, number > 0 else {
                diagnostics.error(
                    location, field: "image_details.\(key)",
                    "expected a positive whole number (or \"400px\"), got \(describe(value))")
                continue
            }
            if isWidth { record.width = number } else { record.height = number }
        }
    }

    static func readLabel(
        _ label: JSONValue, task: VisionTask?, record: ImageRecord, at location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> ImageAnnotation? {
        switch label.kind {
        case .string:
            if let task, task != .imageClassification {
                diagnostics.error(
                    location, field: "label", "a single class name is a multi-class label, but the task is \(task)")
                return nil
            }
            return .category(label.string!)
        case .integer:
            // Class ids written as numbers occur in real files: read them as names.
            if let task, task != .imageClassification {
                diagnostics.error(location, field: "label", "expected a list for \(task), got a number")
                return nil
            }
            return .category(String(label.int ?? 0))
        case .array:
            let first = label.elements.first { _ in true }
            let objectList = first?.kind == .object || (first == nil && task?.hasObjects == true)
            if objectList {
                if let task, !task.hasObjects {
                    diagnostics.error(
                        location, field: "label",
                        "objects are labels of detection or segmentation, but the task is \(task)")
                    return nil
                }
                var objects: [ObjectAnnotation] = []
                for (index, element) in label.elements.enumerated() {
                    if let object = readObject(
                        element, field: "label[\(index)]", task: task, record: record,
                        at: location, into: &diagnostics)
                    {
                        objects.append(object)
                    }
                }
                return .objects(objects)
            }
            if let task, task != .imageClassificationMultilabel {
                diagnostics.error(
                    location, field: "label", "a list of class names is a multi-label label, but the task is \(task)")
                return nil
            }
            var names: [String] = []
            for (index, element) in label.elements.enumerated() {
                if let name = element.string {
                    names.append(name)
                } else if let id = element.int {
                    names.append(String(id))
                } else {
                    diagnostics.error(location, field: "label[\(index)]", "expected a class name, got \(element.kind)")
                }
            }
            return .categories(names)
        default:
            diagnostics.error(location, field: "label", "expected a class name or a list, got \(label.kind)")
            return nil
        }
    }

    static func readObject(
        _ value: JSONValue, field: String, task: VisionTask?, record: ImageRecord,
        at location: SourceLocation, into diagnostics: inout Diagnostics
    ) -> ObjectAnnotation? {
        guard value.kind == .object else {
            diagnostics.error(location, field: field, "expected an object, got \(value.kind)")
            return nil
        }
        guard let labelValue = value["label"] else {
            diagnostics.error(location, field: "\(field).label", "missing required key")
            return nil
        }
        guard let name = labelValue.string ?? labelValue.int.map(String.init) else {
            diagnostics.error(location, field: "\(field).label", "expected a class name, got \(labelValue.kind)")
            return nil
        }
        var object = ObjectAnnotation(label: name)
        if let crowd = value["isCrowd"] ?? value["iscrowd"], !crowd.isNull {
            if let flag = crowd.lenientBool {
                object.isCrowd = flag
            } else {
                diagnostics.error(
                    location, field: "\(field).isCrowd", "expected 0/1 or true/false, got \(describe(crowd))")
            }
        }
        let polygon = value["polygon"]
        let hasBoxKeys = value["topX"] != nil
        if task == .imageInstanceSegmentation || (polygon != nil && !hasBoxKeys) {
            guard let polygon else {
                diagnostics.error(location, field: "\(field).polygon", "missing required key")
                return nil
            }
            guard let rings = readRings(polygon, field: "\(field).polygon", at: location, into: &diagnostics) else {
                return nil
            }
            GeometryChecks.check(
                rings: rings, space: .normalized, field: "\(field).polygon", at: location, into: &diagnostics)
            object.segmentation = .polygons(rings)
            if hasBoxKeys, let box = readBox(value, field: field, at: location, into: &diagnostics) { object.box = box }
            return object
        }
        guard let box = readBox(value, field: field, at: location, into: &diagnostics) else { return nil }
        GeometryChecks.check(
            box: box, space: .normalized, imageWidth: record.width, imageHeight: record.height,
            field: field, at: location, into: &diagnostics)
        object.box = box
        if let polygon, let rings = readRings(polygon, field: "\(field).polygon", at: location, into: &diagnostics) {
            GeometryChecks.check(
                rings: rings, space: .normalized, field: "\(field).polygon", at: location, into: &diagnostics)
            object.segmentation = .polygons(rings)
        }
        return object
    }

    /// `topX, topY, bottomX, bottomY` of an object (numbers or numeric strings).
    static func readBox(
        _ value: JSONValue, field: String, at location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> Box? {
        var numbers: [Double] = []
        for key in ["topX", "topY", "bottomX", "bottomY"] {
            guard let coordinate = value[key] else {
                diagnostics.error(location, field: "\(field).\(key)", "missing required key")
                return nil
            }
            guard let number = coordinate.lenientDouble else {
                diagnostics.error(location, field: "\(field).\(key)", "expected a number, got \(describe(coordinate))")
                return nil
            }
            numbers.append(number)
        }
        return Box(minX: numbers[0], minY: numbers[1], maxX: numbers[2], maxY: numbers[3])
    }

    /// A polygon: a list of rings of numbers (a single flat ring is accepted too).
    static func readRings(
        _ value: JSONValue, field: String, at location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> [[Double]]? {
        guard value.kind == .array else {
            diagnostics.error(location, field: field, "expected a list of rings, got \(value.kind)")
            return nil
        }
        if let flat = value.doubles, !flat.isEmpty { return [flat] }
        var rings: [[Double]] = []
        for (index, ring) in value.elements.enumerated() {
            guard ring.kind == .array else {
                diagnostics.error(
                    location, field: "\(field)[\(index)]", "expected a list of coordinates, got \(ring.kind)")
                return nil
            }
            var coordinates: [Double] = []
            for element in ring.elements {
                guard let number = element.lenientDouble else {
                    diagnostics.error(
                        location, field: "\(field)[\(index)]", "expected numbers, got \(describe(element))")
                    return nil
                }
                coordinates.append(number)
            }
            rings.append(coordinates)
        }
        return rings
    }

    /// A short rendering of a value for messages.
    static func describe(_ value: JSONValue) -> String {
        switch value.kind {
        case .string: "\"\(value.string!.prefix(40))\""
        case .integer, .double: GeometryChecks.fmt(value.double ?? 0)
        case .bool: value.bool! ? "true" : "false"
        default: value.kind.description
        }
    }
}
