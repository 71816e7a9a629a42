import ArgusCore
import ArgusIO

/// One line of a classification `matches.jsonl`: an image's true and predicted labels.
///
/// ```
/// {"image":"a.png","path":"../images/a.png","label":"3","predicted":"8","score":0.71,"label_score":0.2,"correct":false}
/// ```
/// `path` is the image file relative to the evaluation folder (null when the URL is not a local
/// file); `missing: true` marks an image without a prediction, counted wrong. Evaluations made with
/// `--bootstrap-records` add `probabilities`: every label's, in metrics.json's label order.
public struct ClassificationMatchRecord: Sendable, Equatable {
    /// The image's URL, as the ground truth gives it.
    public var image: String
    /// The image file relative to the evaluation folder (nil when not a local file).
    public var path: String?
    /// The true label.
    public var label: String
    /// The predicted label (the highest probability).
    public var predicted: String
    /// The predicted label's probability.
    public var score: Double
    /// The true label's probability.
    public var labelScore: Double
    /// Whether the prediction is the true label.
    public var correct: Bool
    /// Whether the image had no prediction (counted wrong).
    public var missing: Bool
    /// Every label's probability, in metrics.json's label order, where the evaluation kept them.
    public var probabilities: [Double]?

    /// A record with every field given.
    public init(
        image: String, path: String?, label: String, predicted: String, score: Double, labelScore: Double,
        correct: Bool, missing: Bool = false, probabilities: [Double]? = nil
    ) {
        self.image = image
        self.path = path
        self.label = label
        self.predicted = predicted
        self.score = score
        self.labelScore = labelScore
        self.correct = correct
        self.missing = missing
        self.probabilities = probabilities
    }

    /// Appends the record's line (without its newline) to `json`.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("image", image)
        json.key("path")
        if let path { json.string(path) } else { json.null() }
        json.field("label", label)
        json.field("predicted", predicted)
        json.field("score", score)
        json.field("label_score", labelScore)
        json.field("correct", correct)
        if missing {
            json.field("missing", true)
        }
        if let probabilities {
            json.key("probabilities")
            json.numbers(probabilities)
        }
        json.endObject()
    }

    static func decode(_ row: LocatedValue) throws(DataError) -> ClassificationMatchRecord {
        let path = try row.member("path")
        return ClassificationMatchRecord(
            image: try row.member("image").string(),
            path: path.value.isNull ? nil : try path.string(),
            label: try row.member("label").string(),
            predicted: try row.member("predicted").string(),
            score: try row.member("score").double(),
            labelScore: try row.member("label_score").double(),
            correct: try row.member("correct").bool(),
            missing: try row.optionalMember("missing")?.bool() ?? false,
            probabilities: try row.optionalMember("probabilities")?.doubles()
        )
    }

    /// Reads a classification `matches.jsonl`.
    /// - Throws: `DataError` naming the file, line and key of a malformed record.
    public static func read(_ path: String) throws(DataError) -> [ClassificationMatchRecord] {
        var records: [ClassificationMatchRecord] = []
        try ResultsFileReader.forEachRecord(path, .matches) { (row) throws(DataError) in
            records.append(try decode(row))
        }
        return records
    }
}

/// One line of a multi-label `matches.jsonl`: an image's true labels, the labels predicted at the
/// evaluation's threshold, and every label's probability.
///
/// ```
/// {"image":"a.png","path":"../images/a.png","labels":["cat"],"predicted":["cat","dog"],"probabilities":[0.9,0.6,0.1]}
/// ```
/// `probabilities` are in metrics.json's label order; `missing: true` marks an image without a
/// prediction (every probability 0).
public struct MultilabelMatchRecord: Sendable, Equatable {
    /// The keys of a record's line, spelled here only.
    enum Key: String {
        case image, path, labels, predicted, probabilities, missing
    }

    /// The image's URL, as the ground truth gives it.
    public var image: String
    /// The image file relative to the evaluation folder (nil when not a local file).
    public var path: String?
    /// The true labels.
    public var labels: [String]
    /// The labels whose probability is greater than the evaluation's threshold.
    public var predicted: [String]
    /// Every label's probability, in metrics.json's label order.
    public var probabilities: [Double]
    /// Whether the image had no prediction.
    public var missing: Bool

    /// A record with every field given.
    public init(
        image: String, path: String?, labels: [String], predicted: [String], probabilities: [Double],
        missing: Bool = false
    ) {
        self.image = image
        self.path = path
        self.labels = labels
        self.predicted = predicted
        self.probabilities = probabilities
        self.missing = missing
    }

    /// Appends the record's line (without its newline) to `json`.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field(Key.image.rawValue, image)
        json.key(Key.path.rawValue)
        if let path { json.string(path) } else { json.null() }
        json.key(Key.labels.rawValue)
        json.strings(labels)
        json.key(Key.predicted.rawValue)
        json.strings(predicted)
        json.key(Key.probabilities.rawValue)
        json.numbers(probabilities)
        if missing {
            json.field(Key.missing.rawValue, true)
        }
        json.endObject()
    }

    static func decode(_ row: LocatedValue) throws(DataError) -> MultilabelMatchRecord {
        let path = try row.member(Key.path.rawValue)
        return MultilabelMatchRecord(
            image: try row.member(Key.image.rawValue).string(),
            path: path.value.isNull ? nil : try path.string(),
            labels: try row.member(Key.labels.rawValue).strings(),
            predicted: try row.member(Key.predicted.rawValue).strings(),
            probabilities: try row.member(Key.probabilities.rawValue).doubles(),
            missing: try row.optionalMember(Key.missing.rawValue)?.bool() ?? false
        )
    }

    /// Reads a multi-label `matches.jsonl`.
    /// - Throws: `DataError` naming the file, line and key of a malformed record.
    public static func read(_ path: String) throws(DataError) -> [MultilabelMatchRecord] {
        var records: [MultilabelMatchRecord] = []
        try ResultsFileReader.forEachRecord(path, .matches) { (row) throws(DataError) in
            records.append(try decode(row))
        }
        return records
    }
}

/// One line of `images.jsonl`: an evaluated image, its file and its size.
///
/// ```
/// {"image":"a.jpg","path":"../images/a.jpg","width":500,"height":375}
/// ```
/// `image` is the name match records use; `path` is relative to the evaluation folder (null when
/// the URL is not a local file); sizes are 0 where unknown.
public struct ImageEntry: Sendable, Equatable {
    /// The image's name, as match records give it.
    public var image: String
    /// The image file relative to the evaluation folder (nil when not a local file).
    public var path: String?
    /// The width in pixels (0 where unknown).
    public var width: Int
    /// The height in pixels (0 where unknown).
    public var height: Int

    /// An entry with every field given.
    public init(image: String, path: String?, width: Int, height: Int) {
        self.image = image
        self.path = path
        self.width = width
        self.height = height
    }

    /// Appends the entry's line (without its newline) to `json`.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("image", image)
        json.key("path")
        if let path { json.string(path) } else { json.null() }
        json.field("width", width)
        json.field("height", height)
        json.endObject()
    }

    /// Reads `images.jsonl`.
    /// - Throws: `DataError` naming the file, line and key of a malformed entry.
    public static func read(_ path: String) throws(DataError) -> [ImageEntry] {
        var entries: [ImageEntry] = []
        try ResultsFileReader.forEachRecord(path, .images) { (row) throws(DataError) in
            let file = try row.member("path")
            entries.append(
                ImageEntry(
                    image: try row.member("image").string(),
                    path: file.value.isNull ? nil : try file.string(),
                    width: try row.member("width").int(),
                    height: try row.member("height").int()
                )
            )
        }
        return entries
    }
}
