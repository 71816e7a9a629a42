import ArgusCore
import ArgusIO
import ArgusMetrics

/// What one shard of a detection evaluation leaves for the merge: every detection's VOC outcome,
/// every image's COCO matching, and the additive counts. Merging the states of disjoint shards
/// gives the metrics of one evaluation over all their images.
public struct EvaluationState: Sendable {
    /// The `format` a state file declares.
    public static let formatName = "argus-evaluation-state"
    /// The layout version of state files (written as `schema_version`).
    public static let version = 2

    /// What a state was made with; shards merge only when these are equal.
    public struct Settings: Sendable, Equatable {
        /// The task.
        public var task: VisionTask
        /// The metrics computed.
        public var metricType: DetectionMetricType
        /// The VOC IoU threshold.
        public var iouThreshold: Double
        /// VOC's interpolation.
        public var interpolation: VOCEvaluator.Interpolation
        /// Whether boxes were measured the VOC devkit's way (x2 − x1 + 1 wide).
        public var pixelInclusive: Bool
        /// The score threshold of the confusion matrix and the image-level metrics.
        public var scoreThreshold: Double
        /// The ground truth, as given on the command line.
        public var groundTruth: String
        /// The predictions, as given on the command line.
        public var predictions: String

        /// The first setting that differs from `other`'s, as written in the state file.
        public func difference(from other: Settings) -> (key: String, ours: String, theirs: String)? {
            let pairs: [(String, String, String)] = [
                ("task", task.rawValue, other.task.rawValue),
                ("metric_type", metricType.rawValue, other.metricType.rawValue),
                ("iou_threshold", "\(iouThreshold)", "\(other.iouThreshold)"),
                ("interpolation", interpolation.rawValue, other.interpolation.rawValue),
                ("pixel_inclusive", "\(pixelInclusive)", "\(other.pixelInclusive)"),
                ("score_threshold", "\(scoreThreshold)", "\(other.scoreThreshold)"),
                ("ground_truth", groundTruth, other.groundTruth),
                ("predictions", predictions, other.predictions),
            ]
            return pairs.first { $0.1 != $0.2 }.map { ($0.0, $0.1, $0.2) }
        }

        /// Settings with every field given.
        public init(
            task: VisionTask, metricType: DetectionMetricType, iouThreshold: Double,
            interpolation: VOCEvaluator.Interpolation, pixelInclusive: Bool, scoreThreshold: Double,
            groundTruth: String, predictions: String
        ) {
            self.task = task
            self.metricType = metricType
            self.iouThreshold = iouThreshold
            self.interpolation = interpolation
            self.pixelInclusive = pixelInclusive
            self.scoreThreshold = scoreThreshold
            self.groundTruth = groundTruth
            self.predictions = predictions
        }
    }

    /// What the state was made with.
    public var settings: Settings
    /// The COCO category ids, in evaluation order.
    public var categoryIDs: [Int]
    /// The categories' names, in the same order.
    public var categoryNames: [String]
    /// The ids of the images this state covers.
    public var imageIDs: [Int]
    /// Their names, in the same order (empty in states written before names were kept).
    public var imageNames: [String] = []
    /// The ground-truth objects of those images.
    public var groundTruthCount: Int
    /// The detections of those images.
    public var detectionCount: Int
    /// Detections of labels the ground truth does not have, left out.
    public var skippedDetections: Int
    /// VOC: the ground-truth objects per category (crowds left out).
    public var vocTruthCounts: [Int]?
    /// VOC: every counted detection's category, score, order and outcome.
    public var vocRecords: [VOCEvaluator.Record]?
    /// TIDE's error of each VOC record, and missed objects per class.
    public var tideErrors: [TIDEBreakdown.DetectionError?]?
    /// TIDE: the missed objects per category.
    public var tideMissed: [Int]?
    /// COCO: every image's matching per category, area range and IoU threshold.
    public var cocoMatches: COCOMatchTable?
    /// The detection confusion matrix's counts (labels, then background).
    public var confusion: [[Int]]
    /// The confusion matrix at each of these score thresholds (empty without a sweep) …
    public var confusionSweepThresholds: [Double] = []
    /// … and its counts there.
    public var confusionSweep: [[[Int]]] = []
    /// true positives, false negatives, false positives, true negatives
    public var imageLevel: [Int]?
    /// The match records' lines, when the state keeps them.
    public var matchLines: [String]
    /// What the report should say about how the inputs were read (the same in every shard).
    public var notes: [String] = []
    /// Which shard of how many this state is (nil for a state of every image).
    public var shard: (index: Int, count: Int)?

    /// Creates a shard's state.
    public init(
        settings: Settings, categoryIDs: [Int], categoryNames: [String], imageIDs: [Int], groundTruthCount: Int,
        detectionCount: Int, skippedDetections: Int, vocTruthCounts: [Int]?, vocRecords: [VOCEvaluator.Record]?,
        tideErrors: [TIDEBreakdown.DetectionError?]?, tideMissed: [Int]?, cocoMatches: COCOMatchTable?,
        confusion: [[Int]], imageLevel: [Int]?, matchLines: [String]
    ) {
        self.settings = settings
        self.categoryIDs = categoryIDs
        self.categoryNames = categoryNames
        self.imageIDs = imageIDs
        self.groundTruthCount = groundTruthCount
        self.detectionCount = detectionCount
        self.skippedDetections = skippedDetections
        self.vocTruthCounts = vocTruthCounts
        self.vocRecords = vocRecords
        self.tideErrors = tideErrors
        self.tideMissed = tideMissed
        self.cocoMatches = cocoMatches
        self.confusion = confusion
        self.imageLevel = imageLevel
        self.matchLines = matchLines
    }

    // MARK: Merge

    /// Merges the states of disjoint shards.
    /// - Throws: when settings or categories differ, or an image appears in two states.
    /// - Parameter states: each state with the file it was read from (for the messages).
    /// - Throws: `DataError` naming the file when settings or categories differ, an image is in two
    ///   states, or a shard of the set is missing or given twice.
    public static func merge(_ states: [(file: String, state: EvaluationState)]) throws(DataError) -> EvaluationState {
        guard let first = states.first else {
            throw DataError(.usage, SourceLocation(file: "argus merge"), "no state files to merge")
        }
        try checkComplete(states)
        var merged = first.state
        var seen = Set(merged.imageIDs)
        for (file, state) in states.dropFirst() { try merged.absorb(state, seen: &seen, from: file) }
        return merged
    }

    /// Every shard of the set, each once: a merge of some shards would give the metrics of some images.
    static func checkComplete(_ states: [(file: String, state: EvaluationState)]) throws(DataError) {
        let shards = states.compactMap { entry in entry.state.shard.map { (entry.file, $0) } }
        guard let count = shards.first?.1.count else { return }
        var files: [Int: String] = [:]
        for (file, shard) in shards {
            guard shard.count == count else {
                throw DataError(
                    .invalidData, SourceLocation(file: file), field: "shard",
                    "is shard \(shard.index)/\(shard.count), the others are of \(count)")
            }
            if let other = files[shard.index] {
                throw DataError(
                    .invalidData, SourceLocation(file: file), field: "shard",
                    "shard \(shard.index)/\(count) is given twice (also \(other))")
            }
            files[shard.index] = file
        }
        let missing = (0..<count).filter { files[$0] == nil }
        if !missing.isEmpty || shards.count != states.count {
            let list = missing.map { "\($0)/\(count)" }.joined(separator: ", ")
            throw DataError(
                .invalidData, SourceLocation(file: states[0].file), field: "shard",
                "the set of shards is incomplete (missing \(list.isEmpty ? "shard information" : list)): "
                    + "the merge would cover only some of the images")
        }
    }

    /// Adds a disjoint shard's state to this one in place (no copy of what is already merged).
    /// - Parameter seen: the image ids merged so far (this state's, to begin with).
    /// - Parameter file: where `state` was read from, for the messages.
    public mutating func absorb(
        _ state: EvaluationState, seen: inout Set<Int>, from file: String = "a pass's state"
    ) throws(DataError) {
        let location = SourceLocation(file: file)
        if let difference = settings.difference(from: state.settings) {
            throw DataError(
                .invalidData, location, field: "settings.\(difference.key)",
                "\(difference.theirs) here, \(difference.ours) in the first state: shards must share inputs and settings"
            )
        }
        guard state.categoryIDs == categoryIDs && state.categoryNames == categoryNames else {
            throw DataError(
                .invalidData, location, field: "category_ids",
                "the categories differ from the first state's: shards must share the ground truth")
        }
        for id in state.imageIDs where !seen.insert(id).inserted {
            throw DataError(
                .invalidData, location, field: "image_ids", "image id \(id) is in two states: shards must not overlap")
        }
        guard state.confusionSweepThresholds == confusionSweepThresholds else {
            throw DataError(
                .invalidData, location, field: "confusion_sweep.thresholds",
                "the confusion sweep's thresholds differ from the first state's: evaluate the shards again")
        }
        let named = imageNames.count == imageIDs.count && state.imageNames.count == state.imageIDs.count
        imageNames = named ? imageNames + state.imageNames : []
        imageIDs += state.imageIDs
        groundTruthCount += state.groundTruthCount
        detectionCount += state.detectionCount
        skippedDetections += state.skippedDetections
        if let counts = state.vocTruthCounts { vocTruthCounts = zip(vocTruthCounts ?? [], counts).map(+) }
        if let records = state.vocRecords {
            if vocRecords == nil { vocRecords = records } else { vocRecords!.append(contentsOf: records) }
        }
        if let errors = state.tideErrors {
            if tideErrors == nil { tideErrors = errors } else { tideErrors!.append(contentsOf: errors) }
        }
        if let missed = state.tideMissed { tideMissed = zip(tideMissed ?? [], missed).map(+) }
        if let matches = state.cocoMatches {
            if cocoMatches == nil { cocoMatches = matches } else { cocoMatches!.append(contentsOf: matches) }
        }
        confusion = zip(confusion, state.confusion).map { zip($0, $1).map(+) }
        confusionSweep = zip(confusionSweep, state.confusionSweep).map { matrix in
            zip(matrix.0, matrix.1).map { zip($0, $1).map(+) }
        }
        if let level = state.imageLevel { imageLevel = zip(imageLevel ?? [0, 0, 0, 0], level).map(+) }
        matchLines += state.matchLines
    }

    // MARK: File

    /// The state file's bytes (compact JSON with a final newline).
    public func bytes() -> [UInt8] {
        var json = JSONWriter(capacity: 1 << 20)
        json.beginObject()
        json.field("format", Self.formatName)
        json.field(ResultsSchema.versionKey, Self.version)
        json.key("settings")
        json.beginObject()
        json.field("task", settings.task.rawValue)
        json.field("metric_type", settings.metricType.rawValue)
        json.field("iou_threshold", settings.iouThreshold)
        json.field("interpolation", settings.interpolation.rawValue)
        json.field("pixel_inclusive", settings.pixelInclusive)
        json.field("score_threshold", settings.scoreThreshold)
        json.field("ground_truth", settings.groundTruth)
        json.field("predictions", settings.predictions)
        json.endObject()
        json.key("category_ids")
        json.integers(categoryIDs)
        json.key("category_names")
        json.strings(categoryNames)
        json.key("image_ids")
        json.integers(imageIDs)
        if imageNames.count == imageIDs.count {
            json.key("image_names")
            json.strings(imageNames)
        }
        json.field("ground_truth_count", groundTruthCount)
        json.field("detection_count", detectionCount)
        json.field("skipped_detections", skippedDetections)
        if let counts = vocTruthCounts, let records = vocRecords {
            json.key("voc")
            json.beginObject()
            json.key("truth_counts")
            json.integers(counts)
            json.key("category")
            json.beginArray()
            records.forEach { json.integer(Int($0.category)) }
            json.endArray()
            json.key("score")
            json.numbers(records.map(\.score))
            json.key("order")
            json.beginArray()
            records.forEach { json.integer($0.order) }
            json.endArray()
            json.field(
                "outcome",
                String(records.map { $0.outcome == .truePositive ? "t" : $0.outcome == .falsePositive ? "f" : "i" }))
            if let errors = tideErrors, let missed = tideMissed {
                let codes: [TIDEBreakdown.ErrorType: Character] = [
                    .classification: "c", .localization: "l", .both: "b", .duplicate: "d", .background: "g",
                ]
                json.field("tide_type", String(errors.map { $0.map { codes[$0.type]! } ?? "-" }))
                json.key("tide_target")
                json.beginArray()
                errors.forEach { json.integer($0?.target ?? -1) }
                json.endArray()
                json.key("tide_target_category")
                json.beginArray()
                errors.forEach { json.integer(Int($0?.targetCategory ?? -1)) }
                json.endArray()
                json.field("tide_target_taken", String(errors.map { ($0?.targetTaken ?? false) ? "1" : "0" }))
                json.key("tide_missed")
                json.integers(missed)
            }
            json.endObject()
        }
        if let matches = cocoMatches {
            json.key("coco")
            json.beginObject()
            json.field("area_ranges", matches.areaRanges)
            json.field("iou_thresholds", matches.iouThresholds)
            json.key("entries")
            matches.writeEntries(to: &json)
            json.endObject()
        }
        json.key("confusion")
        json.beginArray()
        for row in confusion { json.integers(row) }
        json.endArray()
        if !confusionSweep.isEmpty {
            CurvesFile.ConfusionSweep(thresholds: confusionSweepThresholds, counts: confusionSweep).write(to: &json)
        }
        if let level = imageLevel {
            json.key("image_level")
            json.integers(level)
        }
        json.key("matches")
        json.strings(matchLines)
        if let shard {
            json.key("shard")
            json.integers([shard.index, shard.count])
        }
        if !notes.isEmpty {
            json.key("notes")
            json.strings(notes)
        }
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// Reads a state file written by `bytes()`.
    public static func read(_ path: String) throws(DataError) -> EvaluationState {
        let bytes = try PaddedBytes(contentsOfFile: path)
        let location = SourceLocation(file: path)
        var state: EvaluationState?
        var problem: String?
        let outcome = JSONDocument().parse(bytes) { root in
            guard root["format"]?.string == formatName else {
                problem = "not an Argus evaluation state (format)"
                return
            }
            let found = root[ResultsSchema.versionKey]?.int ?? root["version"]?.int ?? -1
            guard found == version else {
                problem =
                    "this state is schema version \(found); this Argus reads version \(version): evaluate the shards again"
                return
            }
            guard let s = root["settings"], let task = s["task"]?.string.flatMap(VisionTask.init(rawValue:)),
                let metric = s["metric_type"]?.string.flatMap(DetectionMetricType.init(rawValue:)),
                let iou = s["iou_threshold"]?.double,
                let interpolation = s["interpolation"]?.string.flatMap(VOCEvaluator.Interpolation.init(rawValue:)),
                let inclusive = s["pixel_inclusive"]?.bool, let scoreThreshold = s["score_threshold"]?.double,
                let gt = s["ground_truth"]?.string, let predictions = s["predictions"]?.string
            else {
                problem = "settings are incomplete"
                return
            }
            func ints(_ value: JSONValue?) -> [Int]? {
                value.flatMap { v in v.kind == .array ? v.elements.compactMap(\.int) : nil }
            }
            guard let categoryIDs = ints(root["category_ids"]),
                let names = root["category_names"]?.elements.compactMap(\.string),
                let imageIDs = ints(root["image_ids"]),
                let confusion = root["confusion"]?.elements.map({ ints($0) ?? [] })
            else {
                problem = "categories, images or confusion counts are missing"
                return
            }
            guard let groundTruthCount = root["ground_truth_count"]?.int,
                let detectionCount = root["detection_count"]?.int,
                let skippedDetections = root["skipped_detections"]?.int
            else {
                problem = "ground_truth_count, detection_count or skipped_detections is missing"
                return
            }
            var result = EvaluationState(
                settings: Settings(
                    task: task, metricType: metric, iouThreshold: iou, interpolation: interpolation,
                    pixelInclusive: inclusive,
                    scoreThreshold: scoreThreshold, groundTruth: gt, predictions: predictions),
                categoryIDs: categoryIDs, categoryNames: names, imageIDs: imageIDs,
                groundTruthCount: groundTruthCount, detectionCount: detectionCount,
                skippedDetections: skippedDetections, vocTruthCounts: nil, vocRecords: nil,
                tideErrors: nil, tideMissed: nil, cocoMatches: nil,
                confusion: confusion, imageLevel: ints(root["image_level"]),
                matchLines: root["matches"]?.elements.compactMap(\.string) ?? [])
            typealias SweepKey = CurvesFile.ConfusionSweep.Key
            if let sweep = root[SweepKey.sweep.rawValue] {
                result.confusionSweepThresholds = sweep[SweepKey.thresholds.rawValue]?.doubles ?? []
                result.confusionSweep =
                    sweep[SweepKey.counts.rawValue]?.elements.map { $0.elements.map { ints($0) ?? [] } } ?? []
                guard result.confusionSweep.count == result.confusionSweepThresholds.count else {
                    problem =
                        "confusion_sweep has \(result.confusionSweep.count) matrices for "
                        + "\(result.confusionSweepThresholds.count) thresholds"
                    return
                }
            }
            result.notes = root["notes"]?.elements.compactMap(\.string) ?? []
            result.imageNames = root["image_names"]?.elements.compactMap(\.string) ?? []
            if let shard = ints(root["shard"]), shard.count == 2 { result.shard = (shard[0], shard[1]) }
            if let voc = root["voc"] {
                let categories = ints(voc["category"]) ?? []
                let scores = voc["score"]?.doubles ?? []
                let orders = ints(voc["order"]) ?? []
                let outcomes = Array((voc["outcome"]?.string ?? "").utf8)
                guard categories.count == scores.count && scores.count == orders.count && orders.count == outcomes.count
                else {
                    problem = "voc records of unequal lengths"
                    return
                }
                result.vocTruthCounts = ints(voc["truth_counts"])
                if let types = voc["tide_type"]?.string.map(Array.init), let targets = ints(voc["tide_target"]),
                    let targetCategories = ints(voc["tide_target_category"]),
                    let taken = voc["tide_target_taken"]?.string.map(Array.init),
                    let missed = ints(voc["tide_missed"]), types.count == scores.count, targets.count == scores.count,
                    targetCategories.count == scores.count, taken.count == scores.count
                {
                    let byCode: [Character: TIDEBreakdown.ErrorType] = [
                        "c": .classification, "l": .localization, "b": .both, "d": .duplicate, "g": .background,
                    ]
                    result.tideErrors = (0..<scores.count).map { i in
                        byCode[types[i]].map {
                            TIDEBreakdown.DetectionError(
                                type: $0, target: targets[i] < 0 ? nil : targets[i],
                                targetCategory: Int32(targetCategories[i]), targetTaken: taken[i] == "1")
                        }
                    }
                    result.tideMissed = missed
                }
                result.vocRecords = (0..<scores.count).map { i in
                    let outcome: VOCEvaluator.Outcome =
                        outcomes[i] == UInt8(ascii: "t")
                        ? .truePositive : outcomes[i] == UInt8(ascii: "f") ? .falsePositive : .ignored
                    return VOCEvaluator.Record(
                        category: Int32(categories[i]), score: scores[i], order: orders[i], outcome: outcome)
                }
            }
            if let coco = root["coco"] {
                guard let areaRanges = coco["area_ranges"]?.int, let thresholds = coco["iou_thresholds"]?.int,
                    let entries = coco["entries"]
                else {
                    problem = "the coco matches are malformed"
                    return
                }
                switch COCOMatchTable.decodeEntries(entries, areaRanges: areaRanges, iouThresholds: thresholds) {
                case .failure(let error):
                    problem = "the coco matches: \(error.message)"
                    return
                case .success(let matches):
                    result.cocoMatches = matches
                }
            }
            state = result
        }
        if case .failure(let error) = outcome {
            throw DataError(.invalidJSON, location, "invalid JSON: \(error.message)")
        }
        if let problem { throw DataError(.invalidData, location, problem) }
        return state!
    }
}
