import ArgusCore
import ArgusIO
import ArgusMetrics

extension DetectionMetricsFile {
    /// The file's bytes: pretty-printed JSON with a final newline.
    public func encoded() -> [UInt8] {
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field(ResultsSchema.versionKey, ResultsSchema.version)
        json.field("task", task.rawValue)
        json.field("metric_type", metricType.rawValue)
        json.field("iou_threshold", iouThreshold)
        json.key("primary_metric")
        json.beginObject()
        json.field("name", Self.primaryMetricName)
        json.key("value")
        json.number(meanAveragePrecision)
        json.endObject()
        json.key("metrics")
        json.beginObject()
        for (name, value) in scalars {
            json.key(name)
            json.number(value)
        }
        json.endObject()
        if let interpolation {
            json.field("interpolation", interpolation.rawValue)
        }
        if let perLabel {
            writePerLabel(perLabel, to: &json)
        }
        if let coco {
            writeCOCO(coco, to: &json)
        }
        writeConfusion(to: &json)
        if let imageLevel {
            writeImageLevel(imageLevel, to: &json)
        }
        if let tide {
            writeTIDE(tide, to: &json)
        }
        json.key("counts")
        json.beginObject()
        json.field("images", counts.images)
        json.field("ground_truth", counts.groundTruth)
        json.field("detections", counts.detections)
        json.field("skipped_detections", counts.skippedDetections)
        json.endObject()
        inputs.write(to: &json)
        if !notes.isEmpty {
            json.key("notes")
            json.strings(notes)
        }
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    private func writePerLabel(_ perLabel: [LabelMetrics], to json: inout JSONWriter) {
        json.key("per_label")
        json.beginObject()
        for entry in perLabel {
            json.key(entry.label)
            json.beginObject()
            json.key("precision")
            json.number(entry.precision)
            json.key("recall")
            json.number(entry.recall)
            json.key("average_precision")
            json.number(entry.averagePrecision)
            json.field("ground_truth", entry.groundTruth)
            json.field("detections", entry.detections)
            json.endObject()
        }
        json.endObject()
    }

    private func writeCOCO(_ coco: COCOSection, to json: inout JSONWriter) {
        json.key("coco")
        json.beginObject()
        json.field("iou_type", coco.iouType.rawValue)
        json.key("stat_names")
        json.strings(COCOStatistic.names)
        json.key("stats")
        json.numbers(coco.stats)
        json.key("per_category")
        json.beginObject()
        for category in coco.perCategory {
            json.key(category.name)
            json.beginObject()
            json.field("id", category.id)
            json.key("AP")
            json.number(category.ap)
            json.key("AP50")
            json.number(category.ap50)
            json.endObject()
        }
        json.endObject()
        json.endObject()
    }

    private func writeConfusion(to json: inout JSONWriter) {
        json.key("confusion_matrix")
        json.beginObject()
        json.field("iou_threshold", confusionMatrix.iouThreshold)
        json.field("score_threshold", confusionMatrix.scoreThreshold)
        json.key("labels")
        json.strings(confusionMatrix.labels)
        json.key("counts")
        json.beginArray()
        for row in confusionMatrix.counts {
            json.integers(row)
        }
        json.endArray()
        json.endObject()
    }

    private func writeImageLevel(_ images: ImageLevelSection, to json: inout JSONWriter) {
        json.key("image_level")
        json.beginObject()
        json.field("score_threshold", images.scoreThreshold)
        json.field("true_positives", images.truePositives)
        json.field("false_negatives", images.falseNegatives)
        json.field("false_positives", images.falsePositives)
        json.field("true_negatives", images.trueNegatives)
        json.key("precision")
        json.number(images.precision)
        json.key("recall")
        json.number(images.recall)
        json.key("accuracy")
        json.number(images.accuracy)
        json.endObject()
    }

    private func writeTIDE(_ tide: TIDESection, to json: inout JSONWriter) {
        json.key("tide")
        json.beginObject()
        json.field("foreground_iou", tide.foregroundIoU)
        json.field("background_iou", tide.backgroundIoU)
        json.key("errors")
        json.beginObject()
        for type in TIDEBreakdown.ErrorType.allCases {
            json.field(type.rawValue, tide.errors[type] ?? 0)
        }
        json.endObject()
        json.key("delta_ap")
        json.beginObject()
        for type in TIDEBreakdown.ErrorType.allCases {
            json.key(type.rawValue)
            json.number(tide.deltaAP[type] ?? nil)
        }
        json.endObject()
        json.endObject()
    }

    /// Reads a detection `metrics.json`.
    /// - Parameter path: the file.
    /// - Returns: the file's content.
    /// - Throws: `DataError` naming the file and the key when a key is missing or has another type,
    ///   when the file is not a detection evaluation, or when its schema version is newer.
    public static func read(_ path: String) throws(DataError) -> DetectionMetricsFile {
        try ResultsFileReader.decode(path) { (top) throws(DataError) in try decode(top) }
    }

    static func decode(_ top: LocatedValue) throws(DataError) -> DetectionMetricsFile {
        let task = try top.member("task").enumeration(VisionTask.self)
        guard task.hasObjects else {
            throw DataError(.invalidData, top.location, field: "task", "\(task.rawValue) is not a detection task")
        }
        let metrics = try top.member("metrics")
        var file = DetectionMetricsFile(
            task: task,
            metricType: try top.member("metric_type").enumeration(DetectionMetricType.self),
            iouThreshold: try top.member("iou_threshold").double(),
            meanAveragePrecision: try metrics.member(primaryMetricName).optionalDouble(),
            precision: try metrics.member("precision").optionalDouble(),
            recall: try metrics.member("recall").optionalDouble(),
            interpolation: try top.optionalMember("interpolation")?.enumeration(VOCEvaluator.Interpolation.self),
            perLabel: nil, coco: nil,
            confusionMatrix: try decodeConfusion(try top.member("confusion_matrix")),
            imageLevel: nil, tide: nil,
            counts: try decodeCounts(try top.member("counts")),
            inputs: try EvaluationInputs.read(top)
        )
        let primary = try top.member("primary_metric")
        let primaryName = try primary.member("name").string()
        guard primaryName == primaryMetricName else {
            throw DataError(
                .invalidData, top.location, field: "primary_metric.name",
                "expected \(primaryMetricName), found \(primaryName)"
            )
        }
        if let section = try top.optionalMember("per_label") {
            file.perLabel = try section.members().map { (label, value) throws(DataError) in
                LabelMetrics(
                    label: label,
                    precision: try value.member("precision").optionalDouble(),
                    recall: try value.member("recall").optionalDouble(),
                    averagePrecision: try value.member("average_precision").optionalDouble(),
                    groundTruth: try value.member("ground_truth").int(),
                    detections: try value.member("detections").int()
                )
            }
        }
        if let section = try top.optionalMember("coco") {
            file.coco = try decodeCOCO(section)
        }
        if let section = try top.optionalMember("image_level") {
            file.imageLevel = try decodeImageLevel(section)
        }
        if let section = try top.optionalMember("tide") {
            file.tide = try decodeTIDE(section)
        }
        if let section = try top.optionalMember("notes") {
            file.notes = try section.strings()
        }
        return file
    }

    private static func decodeCOCO(_ section: LocatedValue) throws(DataError) -> COCOSection {
        let names = try section.member("stat_names").strings()
        guard names == COCOStatistic.names else {
            throw DataError(
                .invalidData, section.location, field: section.path + ".stat_names",
                "expected \(COCOStatistic.names.joined(separator: ", "))"
            )
        }
        let stats = try section.member("stats").doubles()
        guard stats.count == names.count else {
            throw DataError(
                .invalidData, section.location, field: section.path + ".stats",
                "expected \(names.count) numbers, found \(stats.count)"
            )
        }
        let categories = try section.member("per_category").members().map { (name, value) throws(DataError) in
            COCOSection.Category(
                name: name, id: try value.member("id").int(),
                ap: try value.member("AP").optionalDouble(), ap50: try value.member("AP50").optionalDouble()
            )
        }
        return COCOSection(
            iouType: try section.member("iou_type").enumeration(COCOParameters.IoUType.self),
            stats: stats, perCategory: categories
        )
    }

    private static func decodeConfusion(_ section: LocatedValue) throws(DataError) -> ConfusionSection {
        let labels = try section.member("labels").strings()
        let rows = try section.member("counts").elements().map { (row) throws(DataError) in try row.ints() }
        guard rows.count == labels.count, rows.allSatisfy({ $0.count == labels.count }) else {
            throw DataError(
                .invalidData, section.location, field: section.path + ".counts",
                "expected \(labels.count) rows of \(labels.count) counts (one per label)"
            )
        }
        return ConfusionSection(
            iouThreshold: try section.member("iou_threshold").double(),
            scoreThreshold: try section.member("score_threshold").double(),
            labels: labels, counts: rows
        )
    }

    private static func decodeImageLevel(_ section: LocatedValue) throws(DataError) -> ImageLevelSection {
        ImageLevelSection(
            scoreThreshold: try section.member("score_threshold").double(),
            truePositives: try section.member("true_positives").int(),
            falseNegatives: try section.member("false_negatives").int(),
            falsePositives: try section.member("false_positives").int(),
            trueNegatives: try section.member("true_negatives").int(),
            precision: try section.member("precision").optionalDouble(),
            recall: try section.member("recall").optionalDouble(),
            accuracy: try section.member("accuracy").optionalDouble()
        )
    }

    private static func decodeTIDE(_ section: LocatedValue) throws(DataError) -> TIDESection {
        let errors = try section.member("errors")
        let delta = try section.member("delta_ap")
        var counts: [TIDEBreakdown.ErrorType: Int] = [:]
        var deltas: [TIDEBreakdown.ErrorType: Double?] = [:]
        for type in TIDEBreakdown.ErrorType.allCases {
            counts[type] = try errors.member(type.rawValue).int()
            deltas[type] = .some(try delta.member(type.rawValue).optionalDouble())
        }
        return TIDESection(
            foregroundIoU: try section.member("foreground_iou").double(),
            backgroundIoU: try section.member("background_iou").double(),
            errors: counts, deltaAP: deltas
        )
    }

    private static func decodeCounts(_ section: LocatedValue) throws(DataError) -> Counts {
        Counts(
            images: try section.member("images").int(),
            groundTruth: try section.member("ground_truth").int(),
            detections: try section.member("detections").int(),
            skippedDetections: try section.member("skipped_detections").int()
        )
    }
}
