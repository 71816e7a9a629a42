import ArgusCore
import ArgusIO
import ArgusMetrics

/// `coco_matches.json`: every image and category's COCO matching, kept so that a bootstrap over
/// images can re-accumulate COCO AP and AR without matching again.
///
/// ```json
/// {"schema_version": 1, "iou_type": "bbox", "iou_thresholds": [0.5, …], "area_ranges": ["all", …],
///  "max_detections": [1, 10, 100], "category_ids": [1, …], "category_names": ["person", …],
///  "image_ids": [1, …], "image_names": ["a.jpg", …],
///  "entries": [[image id, category index, [ground truth per area range], [scores], "flags"], …]}
/// ```
///
/// An entry's flags are one digit per area range, IoU threshold and detection
/// (`[a × T × D + t × D + d]`): bit 0 matched to a ground truth of nonzero id, bit 1 ignored.
/// Evaluations read in passes (`--passes`) do not write this file.
public struct COCOMatchesFile: Sendable {
    /// The parameters the matching was made with (pycocotools' defaults for `iouType`).
    public var parameters: COCOParameters
    /// The COCO category ids, in evaluation order.
    public var categoryIDs: [Int]
    /// The categories' names, in the same order.
    public var categoryNames: [String]
    /// Every evaluated image's id, images without any entry included.
    public var imageIDs: [Int]
    /// Their names, as match records and images.jsonl give them.
    public var imageNames: [String]
    /// The matchings.
    public var table: COCOMatchTable

    /// A file's content.
    public init(
        parameters: COCOParameters, categoryIDs: [Int], categoryNames: [String], imageIDs: [Int],
        imageNames: [String], table: COCOMatchTable
    ) {
        self.parameters = parameters
        self.categoryIDs = categoryIDs
        self.categoryNames = categoryNames
        self.imageIDs = imageIDs
        self.imageNames = imageNames
        self.table = table
    }

    /// The file's bytes (compact JSON with a final newline).
    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 1 << 20)
        json.beginObject()
        json.field(ResultsSchema.versionKey, ResultsSchema.version)
        json.field("iou_type", parameters.iouType.rawValue)
        json.key("iou_thresholds")
        json.numbers(parameters.iouThresholds)
        json.key("area_ranges")
        json.strings(parameters.areaRanges.map(\.label))
        json.key("max_detections")
        json.integers(parameters.maxDetections)
        json.key("category_ids")
        json.integers(categoryIDs)
        json.key("category_names")
        json.strings(categoryNames)
        json.key("image_ids")
        json.integers(imageIDs)
        json.key("image_names")
        json.strings(imageNames)
        json.key("entries")
        table.writeEntries(to: &json)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// Reads a file written by `encoded()`.
    /// - Throws: `DataError` naming the file and the key that is missing, malformed or made with
    ///   parameters other than pycocotools' defaults.
    public static func read(_ path: String) throws(DataError) -> COCOMatchesFile {
        let bytes = try PaddedBytes(contentsOfFile: path)
        let location = SourceLocation(file: path)
        var file: COCOMatchesFile?
        var problem: (field: String, message: String)?
        let outcome = JSONDocument().parse(bytes) { root in
            do throws(DataError) {
                try ResultsSchema.check(root[ResultsSchema.versionKey]?.int, at: location)
            } catch {
                problem = (ResultsSchema.versionKey, error.message)
                return
            }
            guard let type = root["iou_type"]?.string.flatMap(COCOParameters.IoUType.init(rawValue:)) else {
                problem = ("iou_type", "expected \"bbox\" or \"segm\"")
                return
            }
            let parameters = COCOParameters(iouType: type)
            guard root["iou_thresholds"]?.doubles == parameters.iouThresholds,
                root["area_ranges"]?.elements.compactMap(\.string) == parameters.areaRanges.map(\.label),
                root["max_detections"]?.elements.compactMap(\.int) == parameters.maxDetections
            else {
                problem = ("iou_thresholds", "made with COCO parameters other than pycocotools' defaults")
                return
            }
            let categoryIDs = root["category_ids"]?.elements.compactMap(\.int) ?? []
            let categoryNames = root["category_names"]?.elements.compactMap(\.string) ?? []
            let imageIDs = root["image_ids"]?.elements.compactMap(\.int) ?? []
            let imageNames = root["image_names"]?.elements.compactMap(\.string) ?? []
            guard categoryIDs.count == categoryNames.count, categoryIDs.count == root["category_ids"]?.count else {
                problem = ("category_names", "expected one name per category id")
                return
            }
            guard imageIDs.count == imageNames.count, imageIDs.count == root["image_ids"]?.count else {
                problem = ("image_names", "expected one name per image id")
                return
            }
            guard let entries = root["entries"] else {
                problem = ("entries", "missing")
                return
            }
            switch COCOMatchTable.decodeEntries(
                entries, areaRanges: parameters.areaRanges.count, iouThresholds: parameters.iouThresholds.count,
                categories: categoryIDs.count)
            {
            case .failure(let error): problem = ("entries", error.message)
            case .success(let table):
                file = COCOMatchesFile(
                    parameters: parameters, categoryIDs: categoryIDs, categoryNames: categoryNames, imageIDs: imageIDs,
                    imageNames: imageNames, table: table)
            }
        }
        if case .failure(let error) = outcome {
            throw DataError(.invalidJSON, location, "invalid JSON: \(error.message)")
        }
        if let problem { throw DataError(.invalidData, location, field: problem.field, problem.message) }
        return file!
    }
}

/// The one encoding of match-table entries, shared by `coco_matches.json` and the shard state.
extension COCOMatchTable {
    /// Writes the entries as one array:
    /// `[image id, category index, [ground truth per area range], [scores], "flags as digits"]` each.
    func writeEntries(to json: inout JSONWriter) {
        json.beginArray()
        let width = areaRanges * iouThresholds
        for e in 0..<count {
            json.beginArray()
            json.integer(imageIDs[e])
            json.integer(Int(categories[e]))
            json.integers(groundTruthCounts[(e * areaRanges)..<((e + 1) * areaRanges)].map { Int($0) })
            let start = starts[e]
            let end = starts[e + 1]
            json.numbers(Array(scores[start..<end]))
            json.string(
                String(decoding: flags[(width * start)..<(width * end)].map { $0 + UInt8(ascii: "0") }, as: UTF8.self))
            json.endArray()
        }
        json.endArray()
    }

    /// Reads entries written by `writeEntries(to:)`.
    /// - Parameter categories: the number of categories, when known (category indices are checked).
    /// - Returns: the table, or what is wrong with the first bad entry.
    static func decodeEntries(_ entries: JSONValue, areaRanges: Int, iouThresholds: Int, categories: Int? = nil)
        -> Result<COCOMatchTable, EntryError>
    {
        guard entries.kind == .array else { return .failure(EntryError("expected an array of entries")) }
        var table = COCOMatchTable(areaRanges: areaRanges, iouThresholds: iouThresholds)
        for (index, entry) in entries.elements.enumerated() {
            let parts = Array(entry.elements)
            guard entry.kind == .array, parts.count == 5, let image = parts[0].int, let category = parts[1].int,
                category >= 0, category < (categories ?? Int.max),
                let truth = parts[2].doubles, truth.count == areaRanges, truth.allSatisfy({ $0 >= 0 }),
                let scores = parts[3].doubles, let flags = parts[4].stringBytes,
                flags.count == areaRanges * iouThresholds * scores.count,
                flags.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "3") })
            else {
                return .failure(EntryError("entry \(index) is malformed"))
            }
            table.append(
                imageID: image, category: category, scores: scores, flags: flags.map { $0 &- UInt8(ascii: "0") },
                groundTruthCounts: truth.map { Int($0) })
        }
        return .success(table)
    }

    /// What is wrong with an entry.
    struct EntryError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
