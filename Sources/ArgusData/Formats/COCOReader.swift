import ArgusCore
import ArgusIO
import ArgusMasks

/// Reads COCO instances JSON (ground truth) and COCO results JSON (detections).
public enum COCOReader {
    /// At most this many messages get a line number (each costs a scan of the file).
    static let locatedMessages = 200

    // MARK: Instances

    /// Reads a COCO instances file. Detections stored as the `annotations` of a COCO-style file
    /// (with `score`s) are read too: their objects carry the scores.
    public static func readInstances(_ path: String, options: ReadOptions) throws(DataError) -> LoadedDataset {
        try readInstancesTellingScores(path, options: options).loaded
    }

    /// `readInstances`, and whether the file's first annotation has a `score` (what tells COCO
    /// results from ground truth in a COCO object): nil where the file is not one JSON object.
    static func readInstancesTellingScores(_ path: String, options: ReadOptions) throws(DataError) -> (
        loaded: LoadedDataset, scored: Bool?
    ) {
        let bytes = try PaddedBytes(contentsOfFile: path)
        var scored: Bool?
        var diagnostics = Diagnostics()
        var pending: [(Int, [JSONLocator.Step])] = []
        var dataset = Dataset(task: options.task, coordinateSpace: .pixels)
        var notes: [String] = []
        var strays: [(index: Int, id: Int?, category: Int)] = []
        let file = SourceLocation(file: path)

        func report(_ steps: [JSONLocator.Step], _ field: String, _ message: String, warning: Bool = false) {
            pending.append((diagnostics.items.count, steps))
            if warning {
                diagnostics.warning(file, field: field, message)
            } else {
                diagnostics.error(file, field: field, message)
            }
        }

        let outcome = JSONDocument().parse(bytes) { root in
            guard root.kind == .object else {
                diagnostics.error(
                    file, "expected a COCO object with images, annotations and categories, got \(root.kind)")
                return
            }
            scored = root["annotations"]?.elements.first(where: { _ in true })?["score"] != nil
            let categoryNames = readCategories(root, dataset: &dataset, notes: &notes, report: report)
            let imageIndex = readImages(root, dataset: &dataset, file: file, report: report)
            // Annotations
            guard let annotations = root["annotations"] else {
                report([], "annotations", "missing required key")
                return
            }
            var objects = [[ObjectAnnotation]](repeating: [], count: dataset.images.count)
            var annotationIDs = Set<Int>()
            var warnedZeroID = false
            for (index, annotation) in annotations.elements.enumerated() {
                // Written only for a message.
                func steps() -> [JSONLocator.Step] { [.key("annotations"), .index(index)] }
                func field() -> String { "annotations[\(index)]" }
                var problems: [(String, String)] = []
                let parsedAnnotation = parseAnnotation(
                    annotation, requireScore: false, imageIDs: dataset.stringImageIDs, problems: &problems)
                guard let parsed = parsedAnnotation else {
                    for (key, message) in problems {
                        report(steps(), key.isEmpty ? field() : "\(field()).\(key)", message)
                    }
                    continue
                }
                for (key, message) in problems { report(steps(), "\(field()).\(key)", message) }
                guard let slot = imageIndex[parsed.imageID] else {
                    report(steps(), "\(field()).image_id", "no image has id \(parsed.imageID)")
                    continue
                }
                guard let label = categoryNames[parsed.categoryID] else {
                    if options.unknownCategories == .error {
                        report(steps(), "\(field()).category_id", "no category has id \(parsed.categoryID)")
                    } else {
                        strays.append((index, parsed.id, parsed.categoryID))
                    }
                    continue
                }
                let segmentation = parsed.segmentation
                var object = ObjectAnnotation(
                    label: label, segmentation: segmentation, isCrowd: parsed.isCrowd,
                    score: parsed.score, area: parsed.area, id: parsed.id)
                if let b = parsed.box {
                    let box = Box(x: b.0, y: b.1, width: b.2, height: b.3)
                    let image = dataset.images[slot]
                    var local = Diagnostics()
                    GeometryChecks.check(
                        box: box, space: .pixels, imageWidth: image.width, imageHeight: image.height,
                        field: "\(field()).bbox", at: file, into: &local)
                    for item in local.items {
                        report(steps(), item.field, item.message, warning: item.severity == .warning)
                    }
                    object.box = box
                }
                if case .polygons(let rings) = segmentation {
                    var local = Diagnostics()
                    let image = dataset.images[slot]
                    GeometryChecks.check(
                        rings: rings, space: .pixels, imageWidth: image.width, imageHeight: image.height,
                        field: "\(field()).segmentation", at: file, into: &local)
                    for item in local.items { report(steps(), item.field, item.message) }
                }
                if let size = segmentation?.rleDimensions, let width = dataset.images[slot].width,
                    let height = dataset.images[slot].height, size != (height, width)
                {
                    report(
                        steps(), "\(field()).segmentation.size",
                        "the mask is \(size.height)×\(size.width) (height × width) but the image is \(height)×\(width)"
                    )
                }
                if let id = parsed.id {
                    if id == 0 && !warnedZeroID {
                        warnedZeroID = true
                        report(
                            steps(), "\(field()).id",
                            "annotation id 0: pycocotools treats id 0 as \"unmatched\"; renumber from 1", warning: true)
                    }
                    if !annotationIDs.insert(id).inserted {
                        report(steps(), "\(field()).id", "duplicate annotation id \(id)", warning: true)
                    }
                }
                objects[slot].append(object)
            }
            for slot in dataset.images.indices { dataset.images[slot].annotation = .objects(objects[slot]) }
            if !strays.isEmpty {
                report(
                    [.key("annotations"), .index(strays[0].index)], "annotations", strayMessage(strays), warning: true)
            }
        }
        if case .failure = outcome {
            let (location, message) = JSONSyntaxError.locate(in: bytes, file: path)
            diagnostics.error(location, "invalid JSON: \(message)")
        }
        for (index, steps) in pending.prefix(locatedMessages) {
            diagnostics.items[index].location.line = JSONLocator.line(of: steps, in: bytes.bytes)
        }
        if dataset.task == nil {
            dataset.task =
                dataset.images.contains { $0.annotation.objects.contains { $0.segmentation != nil } }
                ? .imageInstanceSegmentation : .imageObjectDetection
        }
        var loaded = LoadedDataset(
            dataset: dataset, diagnostics: diagnostics, imageBase: PathTools.folder(of: path), format: .coco)
        loaded.notes = notes
        return (loaded, scored)
    }

    /// The categories by id. Names that repeat become unique keys, `name (id N)`, for every
    /// category sharing them: pycocotools keys categories by id and evaluates them apart.
    static func readCategories(
        _ root: JSONValue, dataset: inout Dataset, notes: inout [String],
        report: (_ steps: [JSONLocator.Step], _ field: String, _ message: String, _ warning: Bool) -> Void
    ) -> [Int: String] {
        guard let categories = root["categories"] else {
            report([], "categories", "missing required key", false)
            return [:]
        }
        var listed: [(id: Int, name: String)] = []
        var seen = Set<Int>()
        for (index, category) in categories.elements.enumerated() {
            let steps: [JSONLocator.Step] = [.key("categories"), .index(index)]
            guard let id = category["id"]?.int else {
                report(steps, "categories[\(index)].id", "missing or not a whole number", false)
                continue
            }
            guard let name = category["name"]?.string else {
                report(steps, "categories[\(index)].name", "missing or not a string", false)
                continue
            }
            guard seen.insert(id).inserted else {
                report(steps, "categories[\(index)].id", "duplicate category id \(id)", false)
                continue
            }
            listed.append((id, name))
        }
        var idsByName: [String: [Int]] = [:]
        for category in listed { idsByName[category.name, default: []].append(category.id) }
        let repeated = idsByName.filter { $0.value.count > 1 }
        var names: [Int: String] = [:]
        for category in listed {
            let name = repeated[category.name] == nil ? category.name : "\(category.name) (id \(category.id))"
            names[category.id] = name
            dataset.labels.append(name)
            dataset.categoryIDs[name] = category.id
        }
        if !repeated.isEmpty {
            let groups = repeated.keys.sorted().map { name in
                "\"\(name)\" (ids \(repeated[name]!.map(String.init).joined(separator: ", ")))"
            }
            let message =
                "categories share the name \(groups.joined(separator: "; ")): they are evaluated apart, by id, "
                + "as \"name (id N)\""
            report([.key("categories")], "categories", message, true)
            notes.append(
                "Categories " + groups.joined(separator: "; ")
                    + " share a name; they are evaluated apart, by id, as \"name (id N)\".")
        }
        return names
    }

    /// The images' positions by id. String ids are numbered by their rank in sorted order, as
    /// pycocotools orders them; a file mixing string and number ids is refused.
    static func readImages(
        _ root: JSONValue, dataset: inout Dataset, file: SourceLocation,
        report: (_ steps: [JSONLocator.Step], _ field: String, _ message: String, _ warning: Bool) -> Void
    ) -> [Int: Int] {
        guard let images = root["images"] else {
            report([], "images", "missing required key", false)
            return [:]
        }
        // The first image's id says whether ids are strings; an id of the other kind is an error.
        var first: JSONValue?
        for image in images.elements {
            first = image
            break
        }
        let stringIDs = first?["id"]?.kind == .string
        if stringIDs {
            var strings: [String] = []
            for image in images.elements { if let text = image["id"]?.string { strings.append(text) } }
            // Python compares strings by code point.
            let sorted = Set(strings).sorted {
                Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value))
            }
            for (rank, text) in sorted.enumerated() { dataset.stringImageIDs[text] = rank + 1 }
        }
        var imageIndex: [Int: Int] = [:]
        for (index, image) in images.elements.enumerated() {
            let steps: [JSONLocator.Step] = [.key("images"), .index(index)]
            let value = image["id"]
            let id: Int?
            if stringIDs {
                id = value?.string.flatMap { dataset.stringImageIDs[$0] }
                if id == nil {
                    report(steps, "images[\(index)].id", "expected a string, as the first image's id is", false)
                    continue
                }
            } else if value?.kind == .string {
                report(steps, "images[\(index)].id", "expected a whole number, as the first image's id is", false)
                continue
            } else {
                id = value?.int
            }
            guard let id else {
                report(steps, "images[\(index)].id", "missing or not a whole number or a string", false)
                continue
            }
            guard let name = image["file_name"]?.string else {
                report(steps, "images[\(index)].file_name", "missing or not a string", false)
                continue
            }
            if imageIndex[id] != nil {
                report(steps, "images[\(index)].id", "duplicate image id \(value?.string ?? String(id))", false)
                continue
            }
            var record = ImageRecord(imageURL: name, id: id, annotation: .objects([]), location: file)
            record.width = image["width"]?.lenientInt
            record.height = image["height"]?.lenientInt
            imageIndex[id] = dataset.images.count
            dataset.images.append(record)
        }
        return imageIndex
    }

    /// One warning for every ground-truth annotation of an unlisted category.
    static func strayMessage(_ strays: [(index: Int, id: Int?, category: Int)]) -> String {
        let categories = Set(strays.map(\.category)).sorted().map(String.init).joined(separator: ", ")
        let named = strays.prefix(10).map { stray in
            stray.id.map { "annotations[\(stray.index)] (id \($0))" } ?? "annotations[\(stray.index)]"
        }
        let more = strays.count > 10 ? ", … (\(strays.count - 10) more)" : ""
        return "\(strays.count) annotation(s) of category id(s) \(categories), which no category lists, are left out "
            + "as pycocotools leaves them out: \(named.joined(separator: ", "))\(more) "
            + "(--unknown-categories error refuses them)"
    }

    // MARK: Results

    /// Reads COCO results: a list of `{image_id, category_id, bbox, score, segmentation?}`, or the
    /// same inside the `annotations` array of a COCO-style object. Large lists are parsed a slice
    /// at a time (see `JSONArrayChunks`).
    /// - Parameter keep: keeps only the detections of the images it accepts (streaming passes over a
    ///   file too large to hold); kept detections remember their positions in the file.
    /// - Parameter imageIDs: the ground truth's string image ids and their numbers
    ///   (`Dataset.stringImageIDs`), for results that name images by string ids.
    /// - Parameter checked: the file was read whole before without a problem (an earlier pass):
    ///   results of the images `keep` leaves out are passed over after their image id.
    public static func readResults(
        _ path: String, keep: (@Sendable (Int) -> Bool)? = nil, imageIDs: [String: Int] = [:], checked: Bool = false
    ) throws(DataError) -> (
        DetectionResults, Diagnostics
    ) {
        var results = DetectionResults()
        var position = 0
        var diagnostics = Diagnostics()
        var pending: [(Int, [JSONLocator.Step])] = []
        let file = SourceLocation(file: path)
        let fileSize = FileSize.of(path)

        func add(
            _ element: JSONValue, _ steps: @autoclosure () -> [JSONLocator.Step], _ prefix: @autoclosure () -> String
        ) {
            var problems: [(String, String)] = []
            let parsed = parseAnnotation(element, requireScore: true, imageIDs: imageIDs, problems: &problems)
            if !problems.isEmpty {
                let name = prefix()
                for (key, message) in problems {
                    pending.append((diagnostics.items.count, steps()))
                    diagnostics.error(file, field: key.isEmpty ? name : "\(name).\(key)", message)
                }
            }
            defer { position += 1 }
            guard let parsed, let score = parsed.score else { return }
            if let problem = addResult(parsed, score: score, at: position, keep: keep, to: &results) {
                pending.append((diagnostics.items.count, steps()))
                diagnostics.error(file, field: prefix(), problem)
            }
        }

        var isList = false
        do {
            // Peek at the first byte without reading the file.
            isList = try FileSize.firstNonSpaceByte(path) == UInt8(ascii: "[")
        } catch {
            throw DataError(.unreadable, file, "\(error)")
        }
        if isList {
            if let read = resultsReadConcurrently(
                path, keep: keep, imageIDs: imageIDs, checked: checked, fileSize: fileSize)
            {
                return (read, diagnostics)
            }
            do {
                try JSONArrayChunks(file: path).forEachSlice { root, first, sliceBytes in
                    if first == 0 {
                        // Size the columns from the first slice's density.
                        let perElement = max(1, sliceBytes / max(1, root.count))
                        results.reserveCapacity(Int(Double(fileSize / perElement) * 1.02) + 16)
                    }
                    var index = first
                    for element in root.elements {
                        let current = index
                        add(element, [.index(current)], "[\(current)]")
                        index += 1
                    }
                    return index - first
                }
            } catch let failure as JSONArrayChunks.Failure {
                switch failure {
                case .notAnArray: diagnostics.error(file, "COCO results must be a JSON list")
                case .unterminated: diagnostics.error(file, "invalid JSON: the list is not closed (truncated file?)")
                case .unreadable(let reason): throw DataError(.unreadable, file, reason)
                case .syntax:
                    // Locate the error precisely with the slower parser (error path only).
                    let bytes = try PaddedBytes(contentsOfFile: path)
                    let (location, message) = JSONSyntaxError.locate(in: bytes, file: path)
                    diagnostics.error(location, "invalid JSON: \(message)")
                }
            } catch {
                throw DataError(.invalidJSON, file, "\(error)")
            }
            if !pending.isEmpty {
                let bytes = try PaddedBytes(contentsOfFile: path)
                for (index, steps) in pending.prefix(locatedMessages) {
                    diagnostics.items[index].location.line = JSONLocator.line(of: steps, in: bytes.bytes)
                }
            }
            return (results, diagnostics)
        }

        let bytes = try PaddedBytes(contentsOfFile: path)
        let outcome = JSONDocument().parse(bytes) { root in
            guard let annotations = root["annotations"], annotations.kind == .array else {
                diagnostics.error(
                    file, field: "annotations", "COCO results must be a list, or an object with an `annotations` list")
                return
            }
            results.reserveCapacity(annotations.count)
            for (index, element) in annotations.elements.enumerated() {
                add(element, [.key("annotations"), .index(index)], "annotations[\(index)]")
            }
        }
        if case .failure = outcome {
            let (location, message) = JSONSyntaxError.locate(in: bytes, file: path)
            diagnostics.error(location, "invalid JSON: \(message)")
        }
        for (index, steps) in pending.prefix(locatedMessages) {
            diagnostics.items[index].location.line = JSONLocator.line(of: steps, in: bytes.bytes)
        }
        return (results, diagnostics)
    }

    /// Adds one parsed result at `position` in its list: the first result tells whether areas come
    /// from boxes; with `keep`, only the results of the images it accepts, with their positions.
    /// - Returns: the problem, where the result has neither a bbox nor a segmentation.
    static func addResult(
        _ parsed: ParsedAnnotation, score: Double, at position: Int, keep: (@Sendable (Int) -> Bool)?,
        to results: inout DetectionResults
    ) -> String? {
        if parsed.box == nil && parsed.shape == nil && parsed.compressed == nil {
            return "a result needs a bbox or a segmentation"
        }
        if position == 0 { results.firstResultHasBox = parsed.box != nil }
        if let keep {
            guard keep(parsed.imageID) else { return nil }
            results.positions.append(Int32(truncatingIfNeeded: position))
        }
        if let compressed = parsed.compressed {
            results.append(
                imageID: parsed.imageID, categoryID: parsed.categoryID, score: score, box: parsed.box,
                compressedCounts: compressed.counts, height: compressed.height, width: compressed.width,
                footprint: parsed.footprint)
        } else {
            results.append(
                imageID: parsed.imageID, categoryID: parsed.categoryID, score: score, box: parsed.box,
                segmentation: parsed.shape, footprint: parsed.footprint)
        }
        return nil
    }

    /// Joins results to ground truth by image and category id, giving a dataset of predictions.
    /// Without ground truth, images are named by id and labels by category id.
    public static func dataset(
        from results: DetectionResults, reference: Dataset?, file: String,
        diagnostics: inout Diagnostics
    ) -> Dataset {
        var dataset = Dataset(coordinateSpace: .pixels)
        var slots: [Int: Int] = [:]
        var labelOfCategory: [Int: String] = [:]
        if let reference {
            dataset.labels = reference.labels
            dataset.categoryIDs = reference.categoryIDs
            dataset.task = reference.task
            for (label, id) in reference.categoryIDs { labelOfCategory[id] = label }
            for image in reference.images {
                guard let id = image.id else { continue }
                slots[id] = dataset.images.count
                var copy = image
                copy.annotation = .objects([])
                dataset.images.append(copy)
            }
        }
        var objects = [[ObjectAnnotation]](repeating: [], count: dataset.images.count)
        var unknownImages = Set<Int>()
        var unknownCategories = Set<Int>()
        for i in 0..<results.count {
            let imageID = results.imageIDs[i]
            let categoryID = results.categoryIDs[i]
            let slot: Int
            if let known = slots[imageID] {
                slot = known
            } else {
                if reference != nil {
                    unknownImages.insert(imageID)
                    continue
                }
                slot = dataset.images.count
                slots[imageID] = slot
                dataset.images.append(ImageRecord(imageURL: String(imageID), id: imageID))
                objects.append([])
            }
            let label: String
            if let known = labelOfCategory[categoryID] {
                label = known
            } else {
                if reference != nil {
                    unknownCategories.insert(categoryID)
                    continue
                }
                label = String(categoryID)
                labelOfCategory[categoryID] = label
                dataset.labels.append(label)
                dataset.categoryIDs[label] = categoryID
            }
            objects[slot].append(
                ObjectAnnotation(
                    label: label, box: results.box(at: i), segmentation: results.segmentation(at: i),
                    score: results.scores[i]))
        }
        for slot in dataset.images.indices { dataset.images[slot].annotation = .objects(objects[slot]) }
        let location = SourceLocation(file: file)
        if !unknownImages.isEmpty {
            diagnostics.error(
                location, field: "image_id",
                "\(unknownImages.count) image id(s) not in the ground truth, e.g. \(unknownImages.sorted().prefix(5).map(String.init).joined(separator: ", "))"
            )
        }
        if !unknownCategories.isEmpty {
            diagnostics.error(
                location, field: "category_id",
                "category id(s) not in the ground truth: \(unknownCategories.sorted().prefix(10).map(String.init).joined(separator: ", "))"
            )
        }
        if dataset.task == nil {
            dataset.task = results.segmentations.isEmpty ? .imageObjectDetection : .imageInstanceSegmentation
        }
        return dataset
    }

    // MARK: One annotation

    /// The number a string image id that no image has reads as (reported as an error).
    static let unknownStringID = -2 &- Int.max

    struct ParsedAnnotation {
        var imageID: Int
        var categoryID: Int
        var box: (Double, Double, Double, Double)?
        /// The shape, where it is not a compressed RLE …
        var shape: Segmentation?
        /// … or a compressed RLE's counts, in place in the parsed document (valid while it is).
        var compressed: CompressedCounts?
        /// A compressed RLE's area and box, from the walk that checked it.
        var footprint: MaskFootprint?
        var score: Double?
        var area: Double?
        var isCrowd = false
        var id: Int?

        /// The shape as a value (a compressed RLE's counts copied into a string).
        var segmentation: Segmentation? {
            guard let compressed else { return shape }
            let counts = String(decoding: compressed.counts, as: UTF8.self)
            return .compressedRLE(counts: counts, height: compressed.height, width: compressed.width)
        }
    }

    /// A compressed RLE as it lies in a parsed document: its counts' bytes and its size.
    struct CompressedCounts {
        var counts: UnsafeBufferPointer<UInt8>
        var height: Int
        var width: Int
    }

    /// The fields of one COCO annotation or result; problems are (field, message) pairs.
    /// - Parameter imageIDs: the numbers of string image ids (empty when the ids are numbers).
    /// Whether `keep` leaves out the result `value`, told by its image id alone (the last one, as
    /// `parseAnnotation` reads it); false where that id is not a number or a known string id.
    static func leftOut(_ value: JSONValue, keep: (Int) -> Bool, imageIDs: [String: Int]) -> Bool {
        guard value.kind == .object else { return false }
        var imageID: Int?
        for (key, member) in value.rawMembers where key.count == 8 && key.matches("image_id") {
            imageID = member.int ?? member.string.flatMap { imageIDs[$0] }
        }
        return imageID.map { !keep($0) } ?? false
    }

    static func parseAnnotation(
        _ value: JSONValue, requireScore: Bool, imageIDs: [String: Int] = [:], problems: inout [(String, String)]
    ) -> ParsedAnnotation? {
        guard value.kind == .object else {
            problems.append(("", "expected an object, got \(value.kind)"))
            return nil
        }
        // One pass over the members (this runs once per detection of files with millions).
        var imageID: Int?
        var categoryID: Int?
        var bbox: JSONValue?
        var score: JSONValue?
        var segmentation: JSONValue?
        var area: JSONValue?
        var crowd: JSONValue?
        var id: JSONValue?
        for (key, member) in value.rawMembers {
            switch key.count {
            case 8 where key.matches("image_id"):
                imageID =
                    member.int ?? member.string.map {
                        imageIDs.isEmpty ? -1 &- Int.max : imageIDs[$0] ?? unknownStringID
                    }
                    ?? -1 &- Int.max
            case 11 where key.matches("category_id"): categoryID = member.int ?? -1 &- Int.max
            case 4 where key.matches("bbox"): bbox = member
            case 5 where key.matches("score"): score = member
            case 12 where key.matches("segmentation"): segmentation = member
            case 4 where key.matches("area"): area = member
            case 7 where key.matches("iscrowd"): crowd = member
            case 2 where key.matches("id"): id = member
            default: continue
            }
        }
        let invalid = -1 &- Int.max
        guard let imageID, imageID != invalid else {
            problems.append(("image_id", "missing or not a whole number"))
            return nil
        }
        guard imageID != unknownStringID else {
            let text = value["image_id"]?.string ?? ""
            problems.append(("image_id", "no image has id \"\(text)\""))
            return nil
        }
        guard let categoryID, categoryID != invalid else {
            problems.append(("category_id", "missing or not a whole number"))
            return nil
        }
        var parsed = ParsedAnnotation(imageID: imageID, categoryID: categoryID)
        if let bbox, !bbox.isNull {
            if let numbers = bbox.fourNumbers {
                parsed.box = numbers
            } else if !(bbox.kind == .array && bbox.count == 0) {
                problems.append(("bbox", "expected [x, y, width, height]"))
                return nil
            }
        }
        if let score, !score.isNull {
            guard let number = score.double, number.isFinite else {
                problems.append(("score", "expected a number"))
                return nil
            }
            parsed.score = number
        } else if requireScore {
            problems.append(("score", "missing required key"))
            return nil
        }
        if let segmentation, !segmentation.isNull {
            switch parseSegmentation(segmentation) {
            case .success(let shape):
                parsed.shape = shape?.segmentation
                parsed.compressed = shape?.compressed
                parsed.footprint = shape?.footprint
            case .failure(let problem):
                problems.append(("segmentation", problem.message))
                return nil
            }
        }
        if let area, !area.isNull {
            guard let number = area.double else {
                problems.append(("area", "expected a number"))
                return nil
            }
            parsed.area = number
        }
        if let crowd, !crowd.isNull {
            guard let flag = crowd.lenientBool else {
                problems.append(("iscrowd", "expected 0 or 1"))
                return nil
            }
            parsed.isCrowd = flag
        }
        if let id, !id.isNull {
            guard let number = id.int else {
                problems.append(("id", "expected a whole number"))
                return nil
            }
            parsed.id = number
        }
        return parsed
    }

    struct Problem: Error { var message: String }

    /// Polygons (`[[x, y, …], …]`), uncompressed RLE (`{counts: [..], size: [h, w]}`) or
    /// compressed RLE (`{counts: "…", size: [h, w]}`). An empty list means no mask.
    /// A compressed RLE comes as its counts in place, with its area and box, from the walk that checks it.
    static func parseSegmentation(_ value: JSONValue) -> Result<
        (segmentation: Segmentation?, compressed: CompressedCounts?, footprint: MaskFootprint?)?, Problem
    > {
        switch value.kind {
        case .array:
            if value.count == 0 { return .success(nil) }
            var rings: [[Double]] = []
            for ring in value.elements {
                guard let numbers = ring.doubles else {
                    return .failure(Problem(message: "expected polygons: lists of numbers"))
                }
                rings.append(numbers)
            }
            return .success((.polygons(rings), nil, nil))
        case .object:
            guard let size = value["size"]?.twoNumbers,
                let height = Int(exactly: size.0), let width = Int(exactly: size.1), height >= 0, width >= 0
            else {
                return .failure(Problem(message: "RLE needs size: [height, width]"))
            }
            guard let counts = value["counts"] else { return .failure(Problem(message: "RLE needs counts")) }
            if let text = counts.stringBytes {
                guard let (total, footprint) = RLECodec.footprint(text, height: height, width: width) else {
                    return .failure(Problem(message: "RLE counts are not a valid compressed RLE string"))
                }
                guard total == height * width else {
                    return .failure(
                        Problem(message: "RLE counts cover \(total) pixels, not height × width = \(height * width)"))
                }
                return .success((nil, CompressedCounts(counts: text, height: height, width: width), footprint))
            }
            guard counts.kind == .array else {
                return .failure(Problem(message: "RLE counts must be a list or a string"))
            }
            var runs: [UInt32] = []
            runs.reserveCapacity(counts.count)
            var total = 0
            for element in counts.elements {
                guard let run = element.int, run >= 0, run <= Int(UInt32.max) else {
                    return .failure(Problem(message: "RLE counts must be non-negative whole numbers"))
                }
                runs.append(UInt32(run))
                total += run
            }
            if total != height * width {
                return .failure(
                    Problem(message: "RLE counts add up to \(total), not height × width = \(height * width)"))
            }
            return .success((.rle(RunLengthMask(height: height, width: width, counts: runs)), nil, nil))
        default:
            return .failure(Problem(message: "expected polygons or an RLE object, got \(value.kind)"))
        }
    }
}
