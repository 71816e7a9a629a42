import ArgusCore
import ArgusIO

extension ClassificationMetricsFile {
    /// The file's bytes: pretty-printed JSON with a final newline.
    public func encoded() -> [UInt8] {
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field(ResultsSchema.versionKey, ResultsSchema.version)
        json.field("task", task.rawValue)
        if let threshold {
            json.field("threshold", threshold)
        }
        json.key("primary_metric")
        json.beginObject()
        json.field("name", primaryMetricName)
        json.key("value")
        json.number(scalar(primaryMetricName))
        json.endObject()
        json.key("metrics")
        json.beginObject()
        for entry in scalars {
            json.key(entry.name)
            json.number(entry.value)
        }
        json.endObject()
        if let iouClasswise {
            json.key("iou_classwise")
            writeOptionals(iouClasswise, to: &json)
        }
        writePerLabel(to: &json)
        if let bestF1Thresholds {
            json.key("best_f1_thresholds")
            json.beginObject()
            for entry in bestF1Thresholds {
                json.key(entry.label)
                json.beginObject()
                json.key("threshold")
                json.number(entry.threshold)
                json.key("f1")
                json.number(entry.f1)
                json.endObject()
            }
            json.endObject()
        }
        json.key("classes_absent")
        json.strings(classesAbsent)
        if let confusionMatrix {
            writeConfusion(confusionMatrix, to: &json)
        }
        if let calibration {
            writeCalibration(calibration, to: &json)
        }
        json.key("counts")
        json.beginObject()
        json.field("images", counts.images)
        json.field("missing_predictions", counts.missingPredictions)
        json.endObject()
        inputs.write(to: &json)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    private func writeOptionals(_ values: [Double?], to json: inout JSONWriter) {
        json.beginArray()
        for value in values {
            json.number(value)
        }
        json.endArray()
    }

    private func writePerLabel(to json: inout JSONWriter) {
        json.key("per_label")
        json.beginObject()
        for entry in perLabel {
            json.key(entry.label)
            json.beginObject()
            json.key("precision")
            json.number(entry.precision)
            json.key("recall")
            json.number(entry.recall)
            json.key("f1")
            json.number(entry.f1)
            json.field("support", entry.support)
            if isMultilabel {
                json.key("iou")
                json.number(entry.iou)
            }
            json.key("AUC")
            json.number(entry.auc)
            json.key("average_precision")
            json.number(entry.averagePrecision)
            json.endObject()
        }
        json.endObject()
    }

    private func writeConfusion(_ matrix: ConfusionSection, to json: inout JSONWriter) {
        json.key("confusion_matrix")
        json.beginObject()
        json.key("labels")
        json.strings(matrix.labels)
        json.key("counts")
        json.beginArray()
        for row in matrix.counts {
            json.integers(row)
        }
        json.endArray()
        json.key("normalized")
        json.beginArray()
        for row in matrix.normalized {
            writeOptionals(row, to: &json)
        }
        json.endArray()
        json.endObject()
    }

    private func writeCalibration(_ calibration: CalibrationSection, to json: inout JSONWriter) {
        json.key("calibration")
        json.beginObject()
        json.key("expected_calibration_error")
        json.number(calibration.expectedCalibrationError)
        json.key("bins")
        json.beginArray()
        for bin in calibration.bins {
            json.beginObject()
            json.field("lower", bin.lower)
            json.field("upper", bin.upper)
            json.field("count", bin.count)
            json.key("confidence")
            json.number(bin.confidence)
            json.key("accuracy")
            json.number(bin.accuracy)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    /// Reads a classification `metrics.json` (multi-class or multi-label).
    /// - Parameter path: the file.
    /// - Returns: the file's content.
    /// - Throws: `DataError` naming the file and the key when a key is missing or has another type,
    ///   when the file is not a classification evaluation, or when its schema version is newer.
    public static func read(_ path: String) throws(DataError) -> ClassificationMetricsFile {
        try ResultsFileReader.decode(path) { (top) throws(DataError) in try decode(top) }
    }

    static func decode(_ top: LocatedValue) throws(DataError) -> ClassificationMetricsFile {
        let task = try top.member("task").enumeration(VisionTask.self)
        guard task == .imageClassification || task == .imageClassificationMultilabel else {
            throw DataError(.invalidData, top.location, field: "task", "\(task.rawValue) is not a classification task")
        }
        let multilabel = task == .imageClassificationMultilabel
        let scalars = try top.member("metrics").members().map { (name, value) throws(DataError) in
            NamedValue(name, try value.optionalDouble())
        }
        let primaryName = try top.member("primary_metric").member("name").string()
        guard primaryName == primaryMetricName(for: task) else {
            throw DataError(
                .invalidData, top.location, field: "primary_metric.name",
                "expected \(primaryMetricName(for: task)), found \(primaryName)"
            )
        }
        let perLabel = try top.member("per_label").members().map { (label, value) throws(DataError) in
            LabelMetrics(
                label: label,
                precision: try value.member("precision").optionalDouble(),
                recall: try value.member("recall").optionalDouble(),
                f1: try value.member("f1").optionalDouble(),
                support: try value.member("support").int(),
                iou: multilabel ? try value.member("iou").optionalDouble() : nil,
                auc: try value.member("AUC").optionalDouble(),
                averagePrecision: try value.member("average_precision").optionalDouble()
            )
        }
        let counts = try top.member("counts")
        var file = ClassificationMetricsFile(
            task: task, scalars: scalars, perLabel: perLabel,
            classesAbsent: try top.member("classes_absent").strings(),
            counts: Counts(
                images: try counts.member("images").int(),
                missingPredictions: try counts.member("missing_predictions").int()
            ),
            inputs: try EvaluationInputs.read(top)
        )
        if multilabel {
            file.threshold = try top.member("threshold").double()
            file.iouClasswise = try top.member("iou_classwise").optionalDoubles()
            file.bestF1Thresholds = try top.member("best_f1_thresholds").members().map {
                (label, value) throws(DataError) in
                BestF1(
                    label: label, threshold: try value.member("threshold").optionalDouble(),
                    f1: try value.member("f1").optionalDouble()
                )
            }
        } else {
            file.confusionMatrix = try decodeConfusion(try top.member("confusion_matrix"))
            file.calibration = try decodeCalibration(try top.member("calibration"))
        }
        return file
    }

    private static func decodeConfusion(_ section: LocatedValue) throws(DataError) -> ConfusionSection {
        let labels = try section.member("labels").strings()
        let counts = try section.member("counts").elements().map { (row) throws(DataError) in try row.ints() }
        let normalized = try section.member("normalized").elements().map { (row) throws(DataError) in
            try row.optionalDoubles()
        }
        guard counts.count == labels.count, normalized.count == labels.count,
            counts.allSatisfy({ $0.count == labels.count }), normalized.allSatisfy({ $0.count == labels.count })
        else {
            throw DataError(
                .invalidData, section.location, field: section.path,
                "expected \(labels.count) rows of \(labels.count) values (one per label) in counts and normalized"
            )
        }
        return ConfusionSection(labels: labels, counts: counts, normalized: normalized)
    }

    private static func decodeCalibration(_ section: LocatedValue) throws(DataError) -> CalibrationSection {
        let bins = try section.member("bins").elements().map { (bin) throws(DataError) in
            CalibrationSection.Bin(
                lower: try bin.member("lower").double(),
                upper: try bin.member("upper").double(),
                count: try bin.member("count").int(),
                confidence: try bin.member("confidence").optionalDouble(),
                accuracy: try bin.member("accuracy").optionalDouble()
            )
        }
        return CalibrationSection(
            expectedCalibrationError: try section.member("expected_calibration_error").optionalDouble(),
            bins: bins
        )
    }
}
