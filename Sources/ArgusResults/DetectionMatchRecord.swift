import ArgusCore
import ArgusIO
import ArgusMetrics
import Dispatch

/// A mask in a match record, as COCO writes it: polygons in pixels, or compressed RLE.
public enum MatchShape: Sendable, Equatable {
    case polygons([[Double]])
    case rle(counts: String, height: Int, width: Int)

    func write(to json: inout JSONWriter) {
        switch self {
        case .polygons(let rings):
            json.beginArray()
            for ring in rings {
                json.numbers(ring)
            }
            json.endArray()
        case .rle(let counts, let height, let width):
            json.beginObject()
            json.key("size")
            json.integers([height, width])
            json.field("counts", counts)
            json.endObject()
        }
    }

    static func read(_ value: LocatedValue?) throws(DataError) -> MatchShape? {
        guard let value, !value.value.isNull else { return nil }
        if value.value.kind == .array {
            return .polygons(try value.elements().map { (ring) throws(DataError) in try ring.doubles() })
        }
        let size = try value.member("size").ints()
        guard size.count == 2 else {
            throw DataError(.invalidData, value.location, field: value.path + ".size", "expected [height, width]")
        }
        return .rle(counts: try value.member("counts").string(), height: size[0], width: size[1])
    }
}

/// One line of a detection `matches.jsonl`: a detection with its VOC outcome, or a missed object.
///
/// ```
/// {"kind":"detection","image":"a.jpg","label":"cat","score":0.9,"bbox":[x,y,w,h],"outcome":"tp",
///  "ground_truth_id":3,"iou":0.82,"ground_truth_bbox":[…],"segmentation":…,"ground_truth_segmentation":…}
/// {"kind":"detection",…,"outcome":"fp",…,"tide_error":"localization"}
/// {"kind":"missed","image":"a.jpg","label":"dog","ground_truth_id":4,"bbox":[…],"segmentation":…,
///  "tide_error":"missed"}
/// ```
/// Boxes are `[x, y, width, height]` in pixels. `tide_error` is TIDE's error type of a false
/// positive, and `missed` for an object TIDE counts as missed (one no classification or
/// localisation error points at).
public struct DetectionMatchRecord: Sendable, Equatable {
    /// The keys of a record's line, spelled here only (the writer, the strict decoder and
    /// `BoxRecordReader` read them from here).
    enum Key: String, CaseIterable {
        case kind, image, label, score, bbox, outcome, iou, segmentation
        case groundTruthID = "ground_truth_id"
        case groundTruthBox = "ground_truth_bbox"
        case groundTruthSegmentation = "ground_truth_segmentation"
        case tideError = "tide_error"
    }

    /// The values of `kind`.
    enum Kind: String, CaseIterable {
        case detection, missed
    }

    /// A detection's outcome under VOC matching.
    public enum Outcome: String, Sendable, CaseIterable {
        case truePositive = "tp"
        case falsePositive = "fp"
        case ignored
    }

    /// The image's name, as the ground truth gives it.
    public var image: String
    /// The detection's label, or the missed object's.
    public var label: String
    /// The box `[x, y, width, height]` in pixels.
    public var box: (Double, Double, Double, Double)
    /// The mask, for instance segmentation.
    public var shape: MatchShape?
    /// nil for a missed object.
    public var detection: Detection?
    /// The matched (or, for a missed object, the missed) ground truth's id.
    public var groundTruthID: Int?
    /// TIDE's error type: of a false positive, or `.missed` for an object TIDE counts as missed.
    public var tideError: TIDEBreakdown.ErrorType?

    /// What a detection line adds.
    public struct Detection: Sendable, Equatable {
        /// The detection's score.
        public var score: Double
        /// What VOC matching made of it.
        public var outcome: Outcome
        /// Its IoU with the ground truth it matched best (0 without any).
        public var iou: Double
        /// That ground truth's box `[x, y, width, height]`, when there is one.
        public var groundTruthBox: (Double, Double, Double, Double)?
        /// That ground truth's mask, for instance segmentation.
        public var groundTruthShape: MatchShape?

        /// A detection's part of a record.
        public init(
            score: Double, outcome: Outcome, iou: Double, groundTruthBox: (Double, Double, Double, Double)?,
            groundTruthShape: MatchShape?
        ) {
            self.score = score
            self.outcome = outcome
            self.iou = iou
            self.groundTruthBox = groundTruthBox
            self.groundTruthShape = groundTruthShape
        }

        /// Whether two detections are the same (boxes compared by their numbers).
        public static func == (a: Detection, b: Detection) -> Bool {
            a.score == b.score && a.outcome == b.outcome && a.iou == b.iou
                && a.groundTruthBox.map(boxArray) == b.groundTruthBox.map(boxArray)
                && a.groundTruthShape == b.groundTruthShape
        }
    }

    /// A record: a detection (with `detection`) or a missed object (without).
    public init(
        image: String, label: String, box: (Double, Double, Double, Double), shape: MatchShape?,
        detection: Detection?, groundTruthID: Int?, tideError: TIDEBreakdown.ErrorType? = nil
    ) {
        self.image = image
        self.label = label
        self.box = box
        self.shape = shape
        self.detection = detection
        self.groundTruthID = groundTruthID
        self.tideError = tideError
    }

    /// Whether two records are the same (boxes compared by their numbers).
    public static func == (a: DetectionMatchRecord, b: DetectionMatchRecord) -> Bool {
        a.image == b.image && a.label == b.label && boxArray(a.box) == boxArray(b.box) && a.shape == b.shape
            && a.detection == b.detection && a.groundTruthID == b.groundTruthID && a.tideError == b.tideError
    }

    static func boxArray(_ box: (Double, Double, Double, Double)) -> [Double] { [box.0, box.1, box.2, box.3] }

    /// Appends the record's line (without its newline) to `json`.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        if let detection {
            json.field(Key.kind.rawValue, Kind.detection.rawValue)
            json.field(Key.image.rawValue, image)
            json.field(Key.label.rawValue, label)
            json.field(Key.score.rawValue, detection.score)
            json.key(Key.bbox.rawValue)
            json.numbers(Self.boxArray(box))
            json.field(Key.outcome.rawValue, detection.outcome.rawValue)
            json.key(Key.groundTruthID.rawValue)
            if let groundTruthID { json.integer(groundTruthID) } else { json.null() }
            json.field(Key.iou.rawValue, detection.iou)
            if let truth = detection.groundTruthBox {
                json.key(Key.groundTruthBox.rawValue)
                json.numbers(Self.boxArray(truth))
            }
            if let shape {
                json.key(Key.segmentation.rawValue)
                shape.write(to: &json)
            }
            if let truthShape = detection.groundTruthShape {
                json.key(Key.groundTruthSegmentation.rawValue)
                truthShape.write(to: &json)
            }
        } else {
            json.field(Key.kind.rawValue, Kind.missed.rawValue)
            json.field(Key.image.rawValue, image)
            json.field(Key.label.rawValue, label)
            json.field(Key.groundTruthID.rawValue, groundTruthID ?? -1)
            json.key(Key.bbox.rawValue)
            json.numbers(Self.boxArray(box))
            if let shape {
                json.key(Key.segmentation.rawValue)
                shape.write(to: &json)
            }
        }
        if let tideError {
            json.field(Key.tideError.rawValue, tideError.rawValue)
        }
        json.endObject()
    }

    /// The record's line, without its newline.
    public var line: String {
        var json = JSONWriter()
        write(to: &json)
        return json.text
    }

    static func decode(_ row: LocatedValue) throws(DataError) -> DetectionMatchRecord {
        let kind = try row.member(Key.kind.rawValue).string()
        let box = try decodeBox(try row.member(Key.bbox.rawValue))
        let image = try row.member(Key.image.rawValue).string()
        let label = try row.member(Key.label.rawValue).string()
        let shape = try MatchShape.read(try row.optionalMember(Key.segmentation.rawValue))
        let tideError = try row.optionalMember(Key.tideError.rawValue)?.enumeration(TIDEBreakdown.ErrorType.self)
        switch kind {
        case Kind.missed.rawValue:
            return DetectionMatchRecord(
                image: image, label: label, box: box, shape: shape, detection: nil,
                groundTruthID: try row.member(Key.groundTruthID.rawValue).int(), tideError: tideError
            )
        case Kind.detection.rawValue:
            let truthID = try row.member(Key.groundTruthID.rawValue)
            let detection = Detection(
                score: try row.member(Key.score.rawValue).double(),
                outcome: try row.member(Key.outcome.rawValue).enumeration(Outcome.self),
                iou: try row.member(Key.iou.rawValue).double(),
                groundTruthBox: try row.optionalMember(Key.groundTruthBox.rawValue).map { (value) throws(DataError) in
                    try decodeBox(value)
                },
                groundTruthShape: try MatchShape.read(try row.optionalMember(Key.groundTruthSegmentation.rawValue))
            )
            return DetectionMatchRecord(
                image: image, label: label, box: box, shape: shape, detection: detection,
                groundTruthID: truthID.value.isNull ? nil : try truthID.int(), tideError: tideError
            )
        default:
            throw DataError(
                .invalidData, row.location, field: Key.kind.rawValue, "expected detection or missed, found \(kind)")
        }
    }

    private static func decodeBox(_ value: LocatedValue) throws(DataError) -> (Double, Double, Double, Double) {
        if let box = value.value.fourNumbers { return box }
        let numbers = try value.doubles()
        guard numbers.count == 4 else {
            throw DataError(
                .invalidData, value.location, field: value.path, "expected 4 numbers, found \(numbers.count)")
        }
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }

    /// Calls `body` with each record of a detection `matches.jsonl`, in file order.
    /// - Throws: `DataError` naming the file, line and key of a malformed record.
    public static func forEach(
        in path: String,
        _ body: (DetectionMatchRecord) throws(DataError) -> Void
    ) throws(DataError) {
        try ResultsFileReader.forEachRecord(path, .matches) { (row) throws(DataError) in
            if let record = BoxRecordReader.read(row.value) {
                try body(record)
            } else {
                try body(try decode(row))
            }
        }
    }
}

/// Writes a `matches.jsonl` (or `images.jsonl`): the header line, then records a line each,
/// buffered into large writes.
public struct RecordLinesWriter {
    private var json = JSONWriter(capacity: 1 << 16)
    private var chunk: [UInt8] = []
    private let stream: StreamingFile

    /// Starts the file with its header line.
    public init(_ stream: StreamingFile, file: ResultsSchema.File) throws(DataError) {
        self.stream = stream
        chunk.reserveCapacity(1 << 20)
        chunk += ResultsSchema.headerLine(file)
    }

    /// Appends one record.
    public mutating func append(_ write: (inout JSONWriter) -> Void) throws(DataError) {
        json.removeAllBytes()
        write(&json)
        chunk += json.bytes
        chunk.append(UInt8(ascii: "\n"))
        if chunk.count >= 1 << 20 {
            try stream.write(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    /// Appends records `0..<count`, each written by `write(index, &json)`: blocks of them formatted
    /// on every core, a few blocks at a time, and appended in order, as `append` would one by one.
    public mutating func appendConcurrently(
        count: Int, _ write: @Sendable (Int, inout JSONWriter) -> Void
    ) throws(DataError) {
        let block = 4096
        let window = 4 * max(1, JSONArrayChunks.processorCount)
        var first = 0
        while first < count {
            let blocks = min(window, (count - first + block - 1) / block)
            var formatted = [[UInt8]](repeating: [], count: blocks)
            formatted.withUnsafeMutableBufferPointer { buffer in
                let out = UnsafeMutableBufferPointerBox(buffer)
                let start = first
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    var json = JSONWriter(capacity: 1 << 10)
                    var bytes: [UInt8] = []
                    for index in (start + b * block)..<min(count, start + (b + 1) * block) {
                        json.removeAllBytes()
                        write(index, &json)
                        bytes += json.bytes
                        bytes.append(UInt8(ascii: "\n"))
                    }
                    out.buffer[b] = bytes
                }
            }
            for bytes in formatted { try appendLines(bytes) }
            first = min(count, first + blocks * block)
        }
    }

    /// Appends lines already written (without the header), as they are.
    public mutating func appendLines(_ bytes: [UInt8]) throws(DataError) {
        chunk += bytes
        if chunk.count >= 1 << 20 {
            try stream.write(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is buffered (the caller commits the stream).
    public mutating func flush() throws(DataError) {
        try stream.write(chunk)
        chunk.removeAll(keepingCapacity: true)
    }

    /// The bytes of a whole JSON-lines file: the header line, then each record's line.
    public static func bytes<S: Sequence>(
        _ file: ResultsSchema.File, _ records: S, _ write: (S.Element, inout JSONWriter) -> Void
    ) -> [UInt8] {
        var bytes = ResultsSchema.headerLine(file)
        var json = JSONWriter()
        for record in records {
            json.removeAllBytes()
            write(record, &json)
            bytes += json.bytes
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
