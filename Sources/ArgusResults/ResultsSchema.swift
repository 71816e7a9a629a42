import ArgusCore
import ArgusIO

/// The files of an evaluation folder and the version of their layout.
///
/// Every file written by `argus evaluate` carries `schema_version`: a member of the top-level
/// object in `metrics.json`, `curves.json` and the shard state, and a first header line
/// (`{"schema_version":1,"file":"matches"}`) in the JSON-lines files. Files written before
/// versioning (no `schema_version`) are version 0 and read as version 1: their layout is the same.
/// A file of a newer version is refused with a message naming both versions.
public enum ResultsSchema {
    /// The version this Argus writes, and the newest it reads.
    public static let version = 1

    /// The files of an evaluation folder.
    public enum File: String, Sendable, CaseIterable {
        case metrics = "metrics.json"
        case curves = "curves.json"
        case matches = "matches.jsonl"
        case images = "images.jsonl"
        case cocoMatches = "coco_matches.json"

        /// The file's path inside `folder`.
        public func path(in folder: String) -> String {
            folder.hasSuffix("/") ? folder + rawValue : folder + "/" + rawValue
        }

        /// The name written in the header line of a JSON-lines file.
        var headerName: String {
            switch self {
            case .metrics: "metrics"
            case .curves: "curves"
            case .matches: "matches"
            case .images: "images"
            case .cocoMatches: "coco_matches"
            }
        }
    }

    /// The key that holds the version.
    public static let versionKey = "schema_version"

    /// Checks a version read from a file.
    /// - Parameters:
    ///   - version: the file's `schema_version`; nil when the file has none (version 0).
    ///   - location: the file, for the message.
    /// - Throws: `DataError` when the file is newer than this Argus reads.
    public static func check(_ version: Int?, at location: SourceLocation) throws(DataError) {
        let found = version ?? 0
        guard found <= self.version, found >= 0 else {
            throw DataError(
                .unsupported, location, field: versionKey,
                "this file is schema version \(found); this Argus reads versions 0 to \(self.version): use a newer Argus"
            )
        }
    }

    /// The header line of a JSON-lines file of `file`'s kind, with its newline.
    public static func headerLine(_ file: File) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field(versionKey, version)
        json.field("file", file.headerName)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// Whether a parsed JSON line is a header line, and if so checks its version.
    /// - Returns: true for a header line (which holds no record).
    /// - Throws: `DataError` when the header names a newer version or another kind of file.
    static func readHeader(_ row: JSONValue, _ file: File, at location: SourceLocation) throws(DataError) -> Bool {
        guard let version = row[versionKey] else { return false }
        guard let number = version.int else {
            throw DataError(.invalidData, location, field: versionKey, "expected a whole number, found \(version.kind)")
        }
        try check(number, at: location)
        if let kind = row["file"]?.string, kind != file.headerName {
            throw DataError(
                .invalidData, location, field: "file", "this is a \(kind) file, expected \(file.headerName)")
        }
        return true
    }
}

/// The defaults of an evaluation's settings, defined once for the jobs, the command line and the readers.
public enum EvaluationDefaults {
    /// The VOC IoU threshold.
    public static let iouThreshold = 0.5
    /// The score threshold of the detection confusion matrix and the image-level metrics.
    public static let scoreThreshold = 0.3
    /// Multi-label: a label is predicted when its probability is greater than this.
    public static let multilabelThreshold = 0.5
}
