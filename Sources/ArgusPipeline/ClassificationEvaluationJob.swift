import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// What to do with a ground-truth image that has no prediction.
public enum MissingPredictions: String, CaseIterable, Sendable {
    /// Refuse to evaluate.
    case error
    /// Count the image as wrong.
    case asWrong = "as-wrong"
}

/// `argus evaluate` for multi-class classification: ground truth in any classification format,
/// predictions as the AutoML scoring output (`probs` aligned with `labels`).
public struct ClassificationEvaluationJob: Sendable {
    /// What to do with an image without a prediction.
    public typealias Missing = MissingPredictions

    /// The ground truth (any classification format).
    public var groundTruthPath: String
    /// The predictions (AutoML scoring output).
    public var predictionsPath: String
    /// The ground truth's format; detected when nil.
    public var groundTruthFormat: DataFormat?
    /// What to do with an image without a prediction.
    public var missing: Missing = .error
    /// How the inputs are read.
    public var readOptions = ReadOptions()
    /// Write each image's probabilities into its match record (for a bootstrap of the AUCs).
    public var keepProbabilities = false

    /// A job on these files with the default settings.
    public init(groundTruth: String, predictions: String) {
        groundTruthPath = groundTruth
        predictionsPath = predictions
    }

    /// What an evaluation produced, before it is written.
    public struct Outcome: Sendable {
        /// The metrics, as scikit-learn computes them.
        public var metrics: MulticlassMetrics
        /// Each image's predicted class (a wrong one for a missing prediction).
        public var predicted: [Int]
        /// The images without a prediction.
        public var missingPredictions: Int
        /// What reading the inputs found.
        public var diagnostics: Diagnostics
        /// Each evaluated image's URL (rows of `metrics`), and the folder relative URLs are relative to.
        public var images: [String] = []
        /// The folder relative URLs are relative to.
        public var imageFolder = "."
        /// Rows without a prediction (counted wrong).
        public var missingRows: Set<Int> = []
    }

    /// Reads the inputs and evaluates them.
    public func run() throws -> Outcome {
        let joined = try ClassificationJoin.join(
            groundTruth: groundTruthPath, predictions: predictionsPath, format: groundTruthFormat, missing: missing,
            readOptions: readOptions, multilabel: false
        )
        let metrics = MulticlassMetrics(labels: joined.labels, truth: joined.truth.map { $0[0] }, scores: joined.scores)
        var predicted = metrics.predicted
        // A missing prediction counts as wrong.
        for i in joined.missing {
            predicted[i] = (metrics.truth[i] + 1) % max(1, joined.labels.count)
        }
        return Outcome(
            metrics: metrics, predicted: predicted, missingPredictions: joined.missing.count,
            diagnostics: joined.diagnostics, images: joined.images, imageFolder: joined.imageFolder,
            missingRows: joined.missing
        )
    }

    /// Writes `metrics.json`, `curves.json` and `matches.jsonl` into `folder` (whole or not at all).
    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try ClassificationJoin.writeFolder(
            folder, overwrite: overwrite, inputs: [groundTruthPath, predictionsPath], metrics: metricsFile(outcome),
            curves: curvesFile(outcome), records: matchRecords(outcome, outputFolder: folder)
        ) { record, json in record.write(to: &json) }
    }

    /// One record per image: its URL, its file relative to the evaluation folder, the true and
    /// predicted labels, the predicted label's probability and the true label's, whether it is
    /// right, and whether the prediction was missing.
    public func matchRecords(_ outcome: Outcome, outputFolder: String) -> [ClassificationMatchRecord] {
        let metrics = outcome.metrics
        let locator = ImageLocator(baseFolder: outcome.imageFolder, dataRoot: readOptions.dataRoot)
        let paths = RelativePaths(from: outputFolder)
        return (0..<min(metrics.sampleCount, outcome.images.count)).map { i in
            let truth = metrics.truth[i]
            let predicted = outcome.predicted[i]
            return ClassificationMatchRecord(
                image: outcome.images[i],
                path: locator.localPath(outcome.images[i]).map(paths.relative),
                label: metrics.labels[truth], predicted: metrics.labels[predicted],
                score: metrics.scores[i * metrics.classCount + predicted],
                labelScore: metrics.scores[i * metrics.classCount + truth],
                correct: truth == predicted, missing: outcome.missingRows.contains(i),
                probabilities: keepProbabilities
                    ? Array(metrics.scores[(i * metrics.classCount)..<((i + 1) * metrics.classCount)]) : nil
            )
        }
    }

    /// The content of `metrics.json`.
    public func metricsFile(_ outcome: Outcome) -> ClassificationMetricsFile {
        let metrics = outcome.metrics
        let counts = metrics.confusionMatrix(outcome.predicted)
        let per = metrics.perClass(counts)
        let (auc, ap) = metrics.classwiseRanking
        let calibration = metrics.calibration()
        let perLabel = metrics.labels.indices.map { c in
            ClassificationMetricsFile.LabelMetrics(
                label: metrics.labels[c], precision: defined(per.precision[c]), recall: defined(per.recall[c]),
                f1: defined(per.f1[c]), support: per.support[c], auc: defined(auc[c]), averagePrecision: defined(ap[c])
            )
        }
        let bins = calibration.bins.map { bin in
            ClassificationMetricsFile.CalibrationSection.Bin(
                lower: bin.lower, upper: bin.upper, count: bin.count, confidence: defined(bin.confidence),
                accuracy: defined(bin.accuracy)
            )
        }
        return ClassificationMetricsFile(
            task: .imageClassification,
            scalars: metrics.scalars(predicted: outcome.predicted).map { .init($0.0, defined($0.1)) },
            perLabel: perLabel,
            classesAbsent: metrics.labels.indices.filter { per.support[$0] == 0 }.map { metrics.labels[$0] },
            confusionMatrix: .init(
                labels: metrics.labels, counts: counts,
                normalized: MulticlassMetrics.rowNormalized(counts).map { $0.map(defined) }
            ),
            calibration: .init(expectedCalibrationError: defined(calibration.ece), bins: bins),
            counts: .init(images: metrics.sampleCount, missingPredictions: outcome.missingPredictions),
            inputs: EvaluationInputs(groundTruth: groundTruthPath, predictions: predictionsPath)
        )
    }

    /// The content of `curves.json`: ROC and PR curve points per label (scikit-learn's `roc_curve`
    /// and `precision_recall_curve`), micro, and the macro ROC and PR curves.
    public func curvesFile(_ outcome: Outcome) -> CurvesFile {
        let metrics = outcome.metrics
        func micro() -> (truth: [Bool], scores: [Double]) {
            var truth: [Bool] = []
            var scores: [Double] = []
            for i in 0..<metrics.sampleCount {
                for c in 0..<metrics.classCount {
                    truth.append(metrics.truth[i] == c)
                    scores.append(metrics.scores[i * metrics.classCount + c])
                }
            }
            return (truth, scores)
        }
        return ClassificationJoin.curves(
            labels: metrics.labels, column: { metrics.column($0) }, macroROC: metrics.macroROC(),
            macroPR: metrics.macroPrecisionRecall(), micro: micro
        )
    }
}

/// A value, or nil where it is undefined (NaN).
func defined(_ value: Double?) -> Double? {
    value.flatMap { $0.isNaN ? nil : $0 }
}

/// The ground truth and the predictions of a classification evaluation, aligned image by image.
struct ClassificationJoin {
    var labels: [String]
    /// The truth's label indices per image.
    var truth: [[Int]]
    var scores: [Double]
    var missing: Set<Int>
    var diagnostics: Diagnostics
    /// Each row's image URL, and the folder relative URLs are relative to.
    var images: [String] = []
    var imageFolder = "."

    /// Writes a classification evaluation's folder (whole or not at all): `metrics.json`,
    /// `curves.json` and `matches.jsonl` with one line per record.
    static func writeFolder<Record>(
        _ folder: String, overwrite: Bool, inputs: [String], metrics: ClassificationMetricsFile, curves: CurvesFile,
        records: [Record], line: (Record, inout JSONWriter) -> Void
    ) throws {
        try OutputFile.checkDestination(folder, overwrite: overwrite, inputs: inputs)
        let matches = RecordLinesWriter.bytes(.matches, records, line)
        try OutputFile.writeFolder(at: folder) { partial in
            try OutputFile.write(metrics.encoded(), to: ResultsSchema.File.metrics.path(in: partial))
            try OutputFile.write(curves.encoded(), to: ResultsSchema.File.curves.path(in: partial))
            try OutputFile.write(matches, to: ResultsSchema.File.matches.path(in: partial))
        }
    }

    /// Curves of every label, the micro average and the macro averages.
    static func curves(
        labels: [String], column: (Int) -> (truth: [Bool], scores: [Double]),
        macroROC: (fpr: [Double], tpr: [Double]), macroPR: (recall: [Double], precision: [Double]),
        micro: () -> (truth: [Bool], scores: [Double])
    ) -> CurvesFile {
        func pair(_ truth: [Bool], _ scores: [Double]) -> CurvesFile.CurvePair {
            let roc = BinaryCurves.roc(truth, scores)
            let pr = BinaryCurves.precisionRecall(truth, scores)
            return CurvesFile.CurvePair(
                roc: .init(x: roc.fpr, y: roc.tpr, thresholds: roc.thresholds),
                precisionRecall: .init(x: pr.recall, y: pr.precision, thresholds: pr.thresholds)
            )
        }
        let perLabel = labels.indices.map { c in
            let values = column(c)
            return pair(values.truth, values.scores)
        }
        let all = micro()
        return CurvesFile(
            classification: .init(
                labels: labels, perLabel: perLabel, macroROC: .init(x: macroROC.fpr, y: macroROC.tpr),
                macroPR: .init(x: macroPR.recall, y: macroPR.precision), micro: pair(all.truth, all.scores)
            )
        )
    }

    /// Reads both files and aligns every ground-truth image with its prediction's probabilities.
    static func join(
        groundTruth groundTruthPath: String, predictions predictionsPath: String, format groundTruthFormat: DataFormat?,
        missing: MissingPredictions, readOptions: ReadOptions, multilabel: Bool
    ) throws -> ClassificationJoin {
        var options = readOptions
        options.task = multilabel ? .imageClassificationMultilabel : .imageClassification
        let truth = try DatasetReader.read(groundTruthPath, format: groundTruthFormat, options: options)
        var diagnostics = truth.diagnostics
        guard !truth.diagnostics.hasErrors else {
            throw DataError(
                .invalidData, SourceLocation(file: groundTruthPath), "the ground truth is invalid",
                diagnostics: diagnostics.items)
        }
        let predictions = try ScoringReader.read(predictionsPath, options: ReadOptions(task: options.task))
        diagnostics.append(contentsOf: predictions.diagnostics)
        guard !predictions.diagnostics.hasErrors else {
            throw DataError(
                .invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid",
                diagnostics: diagnostics.items)
        }
        // Columns: the labels of the first prediction, in its order.
        guard case .scores(let labels, _)? = predictions.dataset.images.first?.annotation else {
            throw DataError(
                .invalidData, SourceLocation(file: predictionsPath), "no classification predictions (probs and labels)")
        }
        let column = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var problems = Diagnostics()
        // Predictions by file name (or by order where they name none).
        var byName: [String: ImageRecord] = [:]
        for image in predictions.dataset.images {
            byName[image.imageURL.hasPrefix("#") ? image.imageURL : image.fileName] = image
        }
        var truthRows: [[Int]] = []
        var rows: [Double] = []
        var missingRows = Set<Int>()
        var imageNames: [String] = []
        for (position, image) in truth.dataset.images.enumerated() {
            let location = image.location ?? SourceLocation(file: groundTruthPath)
            let names: [String]
            switch image.annotation {
            case .category(let label) where !multilabel: names = [label]
            case .categories(let list) where multilabel: names = list
            case .none where multilabel: names = []
            default:
                problems.error(
                    location, field: "label", multilabel ? "expected a list of labels" : "expected one class per image")
                continue
            }
            var indices: [Int] = []
            for name in names {
                if let c = column[name] {
                    indices.append(c)
                } else {
                    problems.error(location, field: "label", "label \"\(name)\" is not among the predictions' labels")
                }
            }
            if indices.count != names.count { continue }
            guard let record = byName[image.fileName] ?? byName["#\(position)"],
                case .scores(let predictedNames, let probabilities) = record.annotation
            else {
                if missing == .asWrong {
                    missingRows.insert(truthRows.count)
                    truthRows.append(indices)
                    imageNames.append(image.imageURL)
                    rows += [Double](repeating: 0, count: labels.count)
                } else {
                    problems.error(
                        location, field: "image_url",
                        "no prediction for \(image.imageURL) (pass --missing as-wrong to count it wrong)")
                }
                continue
            }
            var row = [Double](repeating: 0, count: labels.count)
            var complete = predictedNames.count == labels.count
            for (name, p) in zip(predictedNames, probabilities) {
                guard let c = column[name] else {
                    complete = false
                    break
                }
                row[c] = p
            }
            guard complete else {
                problems.error(
                    record.location ?? SourceLocation(file: predictionsPath), field: "labels",
                    "the labels differ from the first prediction's (\(labels.joined(separator: ", ")))")
                continue
            }
            truthRows.append(indices)
            imageNames.append(image.imageURL)
            rows += row
        }
        diagnostics.append(contentsOf: problems)
        guard !problems.hasErrors else {
            throw DataError(
                .invalidData, SourceLocation(file: predictionsPath), "cannot evaluate", diagnostics: diagnostics.items)
        }
        guard !truthRows.isEmpty else {
            throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "no images to evaluate")
        }
        return ClassificationJoin(
            labels: labels, truth: truthRows, scores: rows, missing: missingRows, diagnostics: diagnostics,
            images: imageNames, imageFolder: truth.imageBase)
    }

}
