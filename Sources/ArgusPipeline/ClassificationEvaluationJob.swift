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
    /// Multi-label: a label is predicted when its probability is > threshold.
    public var multilabel = false
    public var threshold = 0.5

    public init(groundTruth: String, predictions: String) {
        groundTruthPath = groundTruth; predictionsPath = predictions
    }

    /// Multi-label evaluation: reads and joins as `run()`, then scores with `MultilabelMetrics`.
    public func runMultilabel() throws -> (metrics: MultilabelMetrics, missingPredictions: Int, diagnostics: Diagnostics) {
        let joined = try join()
        let classCount = joined.labels.count
        var truth = [Bool](repeating: false, count: joined.truth.count * classCount)
        for (i, row) in joined.truth.enumerated() { for c in row { truth[i * classCount + c] = true } }
        // A missing prediction (all probabilities 0) predicts nothing: wrong wherever the image has labels.
        return (MultilabelMetrics(labels: joined.labels, truth: truth, scores: joined.scores, threshold: threshold),
                joined.missing.count, joined.diagnostics)
    }

    struct Joined {
        var labels: [String]
        /// The truth's label indices per image.
        var truth: [[Int]]
        var scores: [Double]
        var missing: Set<Int>
        var diagnostics: Diagnostics
        /// Each row's image URL, and the folder relative URLs are relative to.
        var images: [String] = []
        var imageFolder = "."
    }

    public struct Outcome: Sendable {
        public var metrics: MulticlassMetrics
        public var predicted: [Int]
        public var missingPredictions: Int
        public var diagnostics: Diagnostics
        /// Each evaluated image's URL (rows of `metrics`), and the folder relative URLs are relative to.
        public var images: [String] = []
        public var imageFolder = "."
        /// Rows without a prediction (counted wrong).
        public var missingRows: Set<Int> = []
    }

    public func run() throws -> Outcome {
        let joined = try join()
        let metrics = MulticlassMetrics(labels: joined.labels, truth: joined.truth.map { $0[0] }, scores: joined.scores)
        var predicted = metrics.predicted
        // A missing prediction counts as wrong.
        for i in joined.missing { predicted[i] = (metrics.truth[i] + 1) % max(1, joined.labels.count) }
        return Outcome(metrics: metrics, predicted: predicted, missingPredictions: joined.missing.count, diagnostics: joined.diagnostics,
                       images: joined.images, imageFolder: joined.imageFolder, missingRows: joined.missing)
    }

    /// Reads both files and aligns every ground-truth image with its prediction's probabilities.
    func join() throws -> Joined {
        var options = readOptions
        options.task = multilabel ? .imageClassificationMultilabel : .imageClassification
        let truth = try DatasetReader.read(groundTruthPath, format: groundTruthFormat, options: options)
        var diagnostics = truth.diagnostics
        guard !truth.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "the ground truth is invalid", diagnostics: diagnostics.items) }
        let predictions = try ScoringReader.read(predictionsPath, options: ReadOptions(task: options.task))
        diagnostics.append(contentsOf: predictions.diagnostics)
        guard !predictions.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid", diagnostics: diagnostics.items) }
        // Columns: the labels of the first prediction, in its order.
        guard case .scores(let labels, _)? = predictions.dataset.images.first?.annotation else {
            throw DataError(.invalidData, SourceLocation(file: predictionsPath), "no classification predictions (probs and labels)")
        }
        let column = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var problems = Diagnostics()
        // Predictions by file name (or by order where they name none).
        var byName: [String: ImageRecord] = [:]
        for image in predictions.dataset.images { byName[image.imageURL.hasPrefix("#") ? image.imageURL : image.fileName] = image }
        var truthRows: [[Int]] = [], rows: [Double] = [], missingRows = Set<Int>(), imageNames: [String] = []
        for (position, image) in truth.dataset.images.enumerated() {
            let location = image.location ?? SourceLocation(file: groundTruthPath)
            let names: [String]
            switch image.annotation {
            case .category(let label) where !multilabel: names = [label]
            case .categories(let list) where multilabel: names = list
            case .none where multilabel: names = []
            default:
                problems.error(location, field: "label", multilabel ? "expected a list of labels" : "expected one class per image"); continue
            }
            var indices: [Int] = []
            for name in names {
                if let c = column[name] { indices.append(c) } else { problems.error(location, field: "label", "label \"\(name)\" is not among the predictions' labels") }
            }
            if indices.count != names.count { continue }
            guard let record = byName[image.fileName] ?? byName["#\(position)"], case .scores(let predictedNames, let probabilities) = record.annotation else {
                if missing == .asWrong {
                    missingRows.insert(truthRows.count)
                    truthRows.append(indices)
                    imageNames.append(image.imageURL)
                    rows += [Double](repeating: 0, count: labels.count)
                } else {
                    problems.error(location, field: "image_url", "no prediction for \(image.imageURL) (pass --missing as-wrong to count it wrong)")
                }
                continue
            }
            var row = [Double](repeating: 0, count: labels.count)
            var complete = predictedNames.count == labels.count
            for (name, p) in zip(predictedNames, probabilities) {
                guard let c = column[name] else { complete = false; break }
                row[c] = p
            }
            guard complete else {
                problems.error(record.location ?? SourceLocation(file: predictionsPath), field: "labels",
                               "the labels differ from the first prediction's (\(labels.joined(separator: ", ")))")
                continue
            }
            truthRows.append(indices)
            imageNames.append(image.imageURL)
            rows += row
        }
        diagnostics.append(contentsOf: problems)
        guard !problems.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "cannot evaluate", diagnostics: diagnostics.items) }
        guard !truthRows.isEmpty else { throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "no images to evaluate") }
        return Joined(labels: labels, truth: truthRows, scores: rows, missing: missingRows, diagnostics: diagnostics,
                      images: imageNames, imageFolder: truth.imageBase)
    }

    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try OutputFile.checkDestination(folder, overwrite: overwrite)
        try OutputFile.writeFolder(at: folder) { partial in
            try OutputFile.write(metricsJSON(outcome), to: partial + "/metrics.json")
            try OutputFile.write(curvesJSON(outcome), to: partial + "/curves.json")
            try OutputFile.write(matchesJSONL(outcome, outputFolder: folder), to: partial + "/matches.jsonl")
        }
    }

    /// One line per image: its URL, its file relative to the evaluation folder (`path`), the true
    /// and predicted labels, the predicted label's probability and the true label's, whether it
    /// is right, and whether the prediction was missing.
    public func matchesJSONL(_ outcome: Outcome, outputFolder: String) -> [UInt8] {
        let metrics = outcome.metrics
        let locator = ImageLocator(baseFolder: outcome.imageFolder, dataRoot: readOptions.dataRoot)
        var json = JSONWriter()
        var bytes: [UInt8] = []
        for i in 0..<min(metrics.sampleCount, outcome.images.count) {
            json.removeAllBytes()
            let truth = metrics.truth[i], predicted = outcome.predicted[i]
            json.beginObject()
            json.field("image", outcome.images[i])
            json.key("path")
            if let local = locator.localPath(outcome.images[i]) { json.string(PathTools.relative(local, from: outputFolder)) } else { json.null() }
            json.field("label", metrics.labels[truth])
            json.field("predicted", metrics.labels[predicted])
            json.field("score", metrics.scores[i * metrics.classCount + predicted])
            json.field("label_score", metrics.scores[i * metrics.classCount + truth])
            json.field("correct", truth == predicted)
            if outcome.missingRows.contains(i) { json.field("missing", true) }
            json.endObject()
            bytes += json.bytes; bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
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
        let (auc, ap) = metrics.classwiseRanking
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
        json.key("labels"); json.strings(metrics.labels)
        json.key("counts"); json.beginArray(); for row in counts { json.integers(row) }; json.endArray()
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

    /// metrics.json of a multi-label evaluation.
    public func multilabelJSON(_ metrics: MultilabelMetrics, missingPredictions: Int) -> [UInt8] {
        let scalars = metrics.scalars()
        let value = Dictionary(uniqueKeysWithValues: scalars)
        func defined(_ v: Double?) -> Double? { v.flatMap { $0.isNaN ? nil : $0 } }
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field("task", VisionTask.imageClassificationMultilabel.rawValue)
        json.field("threshold", metrics.threshold)
        json.key("primary_metric")
        json.beginObject(); json.field("name", "iou"); json.key("value"); json.number(defined(value["iou"])); json.endObject()
        json.key("metrics")
        json.beginObject()
        for (name, v) in scalars { json.key(name); json.number(defined(v)) }
        json.endObject()
        let per = metrics.perLabel()
        json.key("iou_classwise"); json.numbers(per.map(\.iou))
        json.key("per_label")
        json.beginObject()
        for entry in per {
            json.key(entry.label)
            json.beginObject()
            json.field("precision", entry.precision); json.field("recall", entry.recall); json.field("f1", entry.f1)
            json.field("support", entry.support); json.field("iou", entry.iou)
            json.key("AUC"); json.number(defined(entry.auc))
            json.key("average_precision"); json.number(defined(entry.averagePrecision))
            json.endObject()
        }
        json.endObject()
        json.key("best_f1_thresholds")
        json.beginObject()
        for entry in metrics.bestF1Thresholds() {
            json.key(entry.label); json.beginObject(); json.field("threshold", entry.threshold); json.field("f1", entry.f1); json.endObject()
        }
        json.endObject()
        json.key("classes_absent")
        json.beginArray(); for entry in per where entry.support == 0 { json.string(entry.label) }; json.endArray()
        json.key("counts")
        json.beginObject(); json.field("images", metrics.sampleCount); json.field("missing_predictions", missingPredictions); json.endObject()
        json.key("inputs")
        json.beginObject(); json.field("ground_truth", groundTruthPath); json.field("predictions", predictionsPath); json.endObject()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// ROC and PR curve points per label (sklearn `roc_curve` / `precision_recall_curve`), micro,
    /// and the macro ROC and PR curves.
    public func curvesJSON(_ outcome: Outcome) -> [UInt8] {
        let metrics = outcome.metrics
        return Self.curvesJSON(labels: metrics.labels, column: { metrics.column($0) }, macroROC: metrics.macroROC(),
                               macroPR: metrics.macroPrecisionRecall()) {
            var t: [Bool] = [], s: [Double] = []
            for i in 0..<metrics.sampleCount { for c in 0..<metrics.classCount { t.append(metrics.truth[i] == c); s.append(metrics.scores[i * metrics.classCount + c]) } }
            return (t, s)
        }
    }

    /// The same curves for a multi-label evaluation (micro: the flattened indicator matrix).
    public func multilabelCurvesJSON(_ metrics: MultilabelMetrics) -> [UInt8] {
        Self.curvesJSON(labels: metrics.labels, column: { metrics.column($0) }, macroROC: metrics.macroROC(),
                        macroPR: metrics.macroPrecisionRecall()) { (metrics.truth, metrics.scores) }
    }

    static func curvesJSON(labels: [String], column: (Int) -> (truth: [Bool], scores: [Double]),
                           macroROC: (fpr: [Double], tpr: [Double]), macroPR: (recall: [Double], precision: [Double]),
                           micro: () -> (truth: [Bool], scores: [Double])) -> [UInt8] {
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
        for c in labels.indices {
            json.key(labels[c])
            let col = column(c)
            curves(col.truth, col.scores)
        }
        json.endObject()
        json.key("macro_roc"); json.beginObject(); json.key("fpr"); json.numbers(macroROC.fpr); json.key("tpr"); json.numbers(macroROC.tpr); json.endObject()
        json.key("macro_pr"); json.beginObject(); json.key("recall"); json.numbers(macroPR.recall); json.key("precision"); json.numbers(macroPR.precision); json.endObject()
        json.key("micro")
        let all = micro()
        curves(all.truth, all.scores)
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }
}
