import ArgusCore
import ArgusIO

/// Reads the AutoML scoring output (docs/formats.md): one prediction per image, as JSONL or a JSON list.
///
/// Classification: `{filename, probs, labels}`; detection and segmentation:
/// `{filename, boxes: [{box: {topX, topY, bottomX, bottomY}, label, score, polygon?}]}`.
/// Without `filename`, a record is matched to ground truth by its order (its `imageURL` is then
/// `#<index>`).
public enum ScoringReader {
    /// Reads scoring output, as JSONL or a JSON list.
    /// - Throws: `DataError` when the file cannot be read; problems in records are diagnostics.
    public static func read(_ path: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        var diagnostics = Diagnostics()
        var images: [ImageRecord] = []
        let parser = JSONDocument()
        if try FileSize.firstNonSpaceByte(path) == UInt8(ascii: "[") {
            let bytes = try PaddedBytes(contentsOfFile: path)
            let outcome = parser.parse(bytes) { root in
                for (index, element) in root.elements.enumerated() {
                    var location = SourceLocation(file: path)
                    let before = diagnostics.items.count
                    if let record = parseRecord(
                        element, index: index, task: options.task, at: location, into: &diagnostics)
                    {
                        images.append(record)
                    }
                    if diagnostics.items.count > before {
                        location.line = JSONLocator.line(of: [.index(index)], in: bytes.bytes)
                        for i in before..<diagnostics.items.count {
                            diagnostics.relocate(i, to: location, prefix: "[\(index)]")
                        }
                    }
                }
            }
            if case .failure = outcome {
                let (location, message) = JSONSyntaxError.locate(in: bytes, file: path)
                diagnostics.error(location, "invalid JSON: \(message)")
            }
        } else {
            var index = 0
            try LineStream(path: path).forEachLine { line, number in
                let location = SourceLocation(file: path, line: number)
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                let outcome = parser.parse(line.baseAddress!, length: line.count) { root in
                    parseRecord(root, index: index, task: options.task, at: location, into: &diagnostics)
                }
                switch outcome {
                case .failure(let error): diagnostics.error(location, "invalid JSON: \(error.message)")
                case .success(let record): if let record { images.append(record) }
                }
                index += 1
            }
        }
        // One prediction per image: a second one for the same file is ambiguous.
        var firstOf: [String: ImageRecord] = [:]
        for image in images where !image.imageURL.hasPrefix("#") {
            if let first = firstOf[image.imageURL] {
                let earlier = first.location.map { "\($0)" } ?? "an earlier record"
                diagnostics.error(
                    image.location ?? SourceLocation(file: path), field: "filename",
                    "a second prediction for \(image.imageURL) (the first is at \(earlier))")
            } else {
                firstOf[image.imageURL] = image
            }
        }
        var dataset = Dataset(task: options.task, images: images, coordinateSpace: .normalized)
        if dataset.task == nil { dataset.task = dataset.inferredTask }
        return LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: PathTools.folder(of: path), format: .scoring)
    }

    static func parseRecord(
        _ root: JSONValue, index: Int, task: VisionTask?, at location: SourceLocation,
        into diagnostics: inout Diagnostics
    ) -> ImageRecord? {
        guard root.kind == .object else {
            diagnostics.error(location, "expected a JSON object, got \(root.kind)")
            return nil
        }
        var name = "#\(index)"
        if let filename = root["filename"] ?? root["image_url"], !filename.isNull {
            guard let text = filename.string else {
                diagnostics.error(location, field: "filename", "expected a string, got \(filename.kind)")
                return nil
            }
            name = text
        }
        var record = ImageRecord(imageURL: name, location: location)
        if let probs = root["probs"] {
            guard let labels = root["labels"] else {
                diagnostics.error(location, field: "labels", "missing required key (probs need their labels)")
                return nil
            }
            guard let probabilities = probs.doubles else {
                diagnostics.error(location, field: "probs", "expected a list of numbers")
                return nil
            }
            var names: [String] = []
            for element in labels.elements {
                guard let label = element.string ?? element.int.map(String.init) else {
                    diagnostics.error(location, field: "labels", "expected a list of class names")
                    return nil
                }
                names.append(label)
            }
            if labels.kind != .array {
                diagnostics.error(location, field: "labels", "expected a list of class names, got \(labels.kind)")
                return nil
            }
            if names.count != probabilities.count {
                diagnostics.error(
                    location, field: "probs", "has \(probabilities.count) values but labels has \(names.count)")
                return nil
            }
            if let bad = probabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                diagnostics.error(
                    location, field: "probs[\(bad)]", "a probability must be in [0, 1], got \(probabilities[bad])")
                return nil
            }
            var seen = Set<String>()
            if let repeated = names.first(where: { !seen.insert($0).inserted }) {
                diagnostics.error(location, field: "labels", "label \"\(repeated)\" appears more than once")
                return nil
            }
            let total = probabilities.reduce(0, +)
            if task == .imageClassification && !probabilities.isEmpty && abs(total - 1) > 1e-3 {
                diagnostics.warning(
                    location, field: "probs",
                    "multi-class probabilities should sum to 1, these sum to \(total) (log loss and calibration assume they do)"
                )
            }
            record.annotation = .scores(labels: names, probabilities: probabilities)
            return record
        }
        guard let boxes = root["boxes"] else {
            diagnostics.error(location, field: "boxes", "missing: a prediction needs `probs` and `labels` or `boxes`")
            return nil
        }
        guard boxes.kind == .array else {
            diagnostics.error(location, field: "boxes", "expected a list, got \(boxes.kind)")
            return nil
        }
        var objects: [ObjectAnnotation] = []
        for (position, element) in boxes.elements.enumerated() {
            let field = "boxes[\(position)]"
            guard element.kind == .object else {
                diagnostics.error(location, field: field, "expected an object, got \(element.kind)")
                continue
            }
            guard let boxValue = element["box"] else {
                diagnostics.error(location, field: "\(field).box", "missing required key")
                continue
            }
            guard let box = JSONLReader.readBox(boxValue, field: "\(field).box", at: location, into: &diagnostics)
            else { continue }
            GeometryChecks.check(
                box: box, space: .normalized, imageWidth: nil, imageHeight: nil, isPrediction: true,
                field: "\(field).box", at: location, into: &diagnostics)
            guard let labelValue = element["label"], let label = labelValue.string ?? labelValue.int.map(String.init)
            else {
                diagnostics.error(location, field: "\(field).label", "missing or not a class name")
                continue
            }
            guard let scoreValue = element["score"], let score = scoreValue.lenientDouble else {
                diagnostics.error(location, field: "\(field).score", "missing or not a number")
                continue
            }
            guard score >= 0 && score <= 1 else {
                diagnostics.error(location, field: "\(field).score", "a score must be in [0, 1], got \(score)")
                continue
            }
            var object = ObjectAnnotation(label: label, box: box, score: score)
            if let polygon = element["polygon"], !polygon.isNull,
                let rings = JSONLReader.readRings(polygon, field: "\(field).polygon", at: location, into: &diagnostics)
            {
                let kept = rings.filter { !$0.isEmpty }
                if !kept.isEmpty {
                    GeometryChecks.check(
                        rings: kept, space: .normalized, field: "\(field).polygon", at: location, into: &diagnostics)
                    object.segmentation = .polygons(kept)
                }
            }
            objects.append(object)
        }
        record.annotation = .objects(objects)
        return record
    }
}

extension Diagnostics {
    /// Moves a diagnostic to a more precise location, prefixing its field with the element path.
    mutating func relocate(_ index: Int, to location: SourceLocation, prefix: String) {
        items[index].location = location
        items[index].field = items[index].field.isEmpty ? prefix : "\(prefix).\(items[index].field)"
    }
}
