import ArgusCore
import ArgusData
import ArgusMetrics
import Foundation

/// `argus evaluate` for multi-class classification: ground truth in any classification format,
/// predictions as the AutoML scoring output (`probs` aligned with `labels`).
public struct ClassificationEvaluationJob: Sendable {
    public enum Missing: String, Sendable { case error, asWrong = "as-wrong" }

    public var groundTruthPath: String
    public var predictionsPath: String
    public var groundTruthFormat: DataFormat?
    public var missing: Missing = .error
    public var readOptions = ReadOptions()

    public init(groundTruth: String, predictions: String) {
        groundTruthPath = groundTruth; predictionsPath = predictions
    }

    public struct Outcome: Sendable {
        public var metrics: MulticlassMetrics
        public var predicted: [Int]
        public var missingPredictions: Int
        public var diagnostics: Diagnostics
    }

    public func run() throws -> Outcome {
        var options = readOptions
        options.task = .imageClassification
        let truth = try DatasetReader.read(groundTruthPath, format: groundTruthFormat, options: options)
        var diagnostics = truth.diagnostics
        guard !truth.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "the ground truth is invalid", diagnostics: diagnostics.items) }
        let predictions = try ScoringReader.read(predictionsPath, options: ReadOptions(task: .imageClassification))
        diagnostics.append(contentsOf: predictions.diagnostics)
        guard !predictions.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid", diagnostics: diagnostics.items) }

        // Columns: the labels of the first prediction, in its order.
        guard case .scores(let labels, _)? = predictions.dataset.images.first?.annotation else {
            throw DataError(.invalidData, SourceLocation(file: predictionsPath), "no classification predictions (probs and labels)")
        }
        let column = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var problems = Diagnostics()
        // Predictions by file name (or by order where they name none).
        var byName: [String: (Int, ImageRecord)] = [:]
        for (index, image) in predictions.dataset.images.enumerated() { byName[image.imageURL.hasPrefix("#") ? image.imageURL : image.fileName] = (index, image) }
        var truthIndex: [Int] = [], rows: [Double] = [], wrong = Set<Int>()
        for (position, image) in truth.dataset.images.enumerated() {
            let location = image.location ?? SourceLocation(file: groundTruthPath)
            guard case .category(let label) = image.annotation else {
                problems.error(location, field: "label", "expected one class per image"); continue
            }
            guard let t = column[label] else {
                problems.error(location, field: "label", "label \"\(label)\" is not among the predictions' labels"); continue
            }
            let prediction = byName[image.fileName] ?? byName["#\(position)"]
            guard let (_, record) = prediction, case .scores(let names, let probabilities) = record.annotation else {
                if missing == .asWrong {
                    wrong.insert(truthIndex.count)
                    truthIndex.append(t)
                    rows += [Double](repeating: 0, count: labels.count)
                } else {
                    problems.error(location, field: "image_url", "no prediction for \(image.imageURL) (pass --missing as-wrong to count it wrong)")
                }
                continue
            }
            var row = [Double](repeating: 0, count: labels.count)
            var complete = names.count == labels.count
            for (name, p) in zip(names, probabilities) {
                guard let c = column[name] else { complete = false; break }
                row[c] = p
            }
            guard complete else {
                problems.error(record.location ?? SourceLocation(file: predictionsPath), field: "labels",
                               "the labels differ from the first prediction's (\(labels.joined(separator: ", ")))")
                continue
            }
            truthIndex.append(t)
            rows += row
        }
        diagnostics.append(contentsOf: problems)
        guard !problems.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "cannot evaluate", diagnostics: diagnostics.items) }
        guard !truthIndex.isEmpty else { throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "no images to evaluate") }
        let metrics = MulticlassMetrics(labels: labels, truth: truthIndex, scores: rows)
        var predicted = metrics.predicted
        // A missing prediction counts as wrong.
        for i in wrong { predicted[i] = (truthIndex[i] + 1) % max(1, labels.count) }
        return Outcome(metrics: metrics, predicted: predicted, missingPredictions: wrong.count, diagnostics: diagnostics)
    }

    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try OutputFile.checkDestination(folder, overwrite: overwrite)
        try OutputFile.writeFolder(at: folder) { partial in
            try OutputFile.write(metricsJSON(outcome), to: partial + "/metrics.json")
            try OutputFile.write(curvesJSON(outcome), to: partial + "/curves.json")
        }
    }

    public func metricsJSON(_ outcome: Outcome) -> [UInt8] {
        let metrics = outcome.metrics
        let counts = metrics.confusionMatrix(outcome.predicted)
        let scalars = metrics.scalars(predicted: outcome.predicted)
        let value = Dictionary(uniqueKeysWithValues: scalars)
        func defined(_ v: Double?) -> Double? { v.flatMap { $0.isNaN ? nil : $0 } }
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field("task", VisionTask.imageClassification.rawValue)
        json.key("primary_metric")
        json.beginObject(); json.field("name", "accuracy"); json.key("value"); json.number(defined(value["accuracy"])); json.endObject()
        json.key("metrics")
        json.beginObject()
        for (name, v) in scalars { json.key(name); json.number(defined(v)) }
        json.endObject()
        let per = metrics.perClass(counts)
        let auc = metrics.classwiseAUC, ap = metrics.classwiseAveragePrecision
        json.key("per_label")
        json.beginObject()
        for (c, label) in metrics.labels.enumerated() {
            json.key(label)
            json.beginObject()
            json.field("precision", per.precision[c]); json.field("recall", per.recall[c]); json.field("f1", per.f1[c])
            json.field("support", per.support[c])
            json.key("AUC"); json.number(defined(auc[c]))
            json.key("average_precision"); json.number(defined(ap[c]))
            json.endObject()
        }
        json.endObject()
        json.key("classes_absent")
        json.beginArray(); for (c, label) in metrics.labels.enumerated() where per.support[c] == 0 { json.string(label) }; json.endArray()
        json.key("confusion_matrix")
        json.beginObject()
        json.key("labels"); json.beginArray(); metrics.labels.forEach { json.string($0) }; json.endArray()
        json.key("counts"); json.beginArray(); for row in counts { json.beginArray(); row.forEach { json.integer($0) }; json.endArray() }; json.endArray()
        json.key("normalized"); json.beginArray(); for row in MulticlassMetrics.rowNormalized(counts) { json.numbers(row) }; json.endArray()
        json.endObject()
        json.key("calibration")
        json.beginObject()
        let calibration = metrics.calibration()
        json.field("expected_calibration_error", calibration.ece)
        json.key("bins"); json.beginArray()
        for bin in calibration.bins {
            json.beginObject()
            json.field("lower", bin.lower); json.field("upper", bin.upper); json.field("count", bin.count)
            json.key("confidence"); json.number(bin.confidence); json.key("accuracy"); json.number(bin.accuracy)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.key("counts")
        json.beginObject(); json.field("images", metrics.sampleCount); json.field("missing_predictions", outcome.missingPredictions); json.endObject()
        json.key("inputs")
        json.beginObject(); json.field("ground_truth", groundTruthPath); json.field("predictions", predictionsPath); json.endObject()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// ROC and PR curve points per label (sklearn `roc_curve` / `precision_recall_curve`) and micro.
    public func curvesJSON(_ outcome: Outcome) -> [UInt8] {
        let metrics = outcome.metrics
        var json = JSONWriter()
        json.beginObject()
        func curves(_ truth: [Bool], _ scores: [Double]) {
            json.beginObject()
            let roc = BinaryCurves.roc(truth, scores)
            json.key("roc"); json.beginObject()
            json.key("fpr"); json.numbers(roc.fpr); json.key("tpr"); json.numbers(roc.tpr); json.key("thresholds"); json.numbers(roc.thresholds)
            json.endObject()
            let pr = BinaryCurves.precisionRecall(truth, scores)
            json.key("pr"); json.beginObject()
            json.key("precision"); json.numbers(pr.precision); json.key("recall"); json.numbers(pr.recall); json.key("thresholds"); json.numbers(pr.thresholds)
            json.endObject()
            json.endObject()
        }
        json.key("per_label")
        json.beginObject()
        for c in 0..<metrics.classCount {
            json.key(metrics.labels[c])
            curves(metrics.truth.map { $0 == c }, (0..<metrics.sampleCount).map { metrics.scores[$0 * metrics.classCount + c] })
        }
        json.endObject()
        json.key("micro")
        var t: [Bool] = [], s: [Double] = []
        for i in 0..<metrics.sampleCount { for c in 0..<metrics.classCount { t.append(metrics.truth[i] == c); s.append(metrics.scores[i * metrics.classCount + c]) } }
        curves(t, s)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }
}
