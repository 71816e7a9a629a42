import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// `argus evaluate` for multi-label classification: ground truth in any multi-label format,
/// predictions as the AutoML scoring output; a label is predicted when its probability is
/// greater than `threshold`.
public struct MultilabelEvaluationJob: Sendable {
    /// The ground truth (any multi-label format).
    public var groundTruthPath: String
    /// The predictions (AutoML scoring output).
    public var predictionsPath: String
    /// The ground truth's format; detected when nil.
    public var groundTruthFormat: DataFormat?
    /// What to do with an image without a prediction.
    public var missing: MissingPredictions = .error
    /// How the inputs are read.
    public var readOptions = ReadOptions()
    /// A label is predicted when its probability is greater than this.
    public var threshold = EvaluationDefaults.multilabelThreshold

    /// A job on these files with the default settings.
    public init(groundTruth: String, predictions: String) {
        groundTruthPath = groundTruth
        predictionsPath = predictions
    }

    /// What an evaluation produced, before it is written.
    public struct Outcome: Sendable {
        /// The metrics, as scikit-learn computes them.
        public var metrics: MultilabelMetrics
        /// The images without a prediction.
        public var missingPredictions: Int
        /// What reading the inputs found.
        public var diagnostics: Diagnostics
        /// Each row's image URL.
        public var images: [String] = []
        /// The folder relative image URLs are relative to.
        public var imageFolder = "."
        /// The rows without a prediction.
        public var missingRows: Set<Int> = []
    }

    /// Reads the inputs and evaluates them. A missing prediction (all probabilities 0) predicts
    /// nothing: wrong wherever the image has labels.
    public func run() throws -> Outcome {
        let joined = try ClassificationJoin.join(
            groundTruth: groundTruthPath, predictions: predictionsPath, format: groundTruthFormat, missing: missing,
            readOptions: readOptions, multilabel: true
        )
        let classCount = joined.labels.count
        var truth = [Bool](repeating: false, count: joined.truth.count * classCount)
        for (i, row) in joined.truth.enumerated() {
            for c in row {
                truth[i * classCount + c] = true
            }
        }
        let metrics = MultilabelMetrics(
            labels: joined.labels, truth: truth, scores: joined.scores, threshold: threshold)
        return Outcome(
            metrics: metrics, missingPredictions: joined.missing.count, diagnostics: joined.diagnostics,
            images: joined.images, imageFolder: joined.imageFolder, missingRows: joined.missing)
    }

    /// Writes `metrics.json`, `curves.json` and `matches.jsonl` into `folder` (whole or not at all).
    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try ClassificationJoin.writeFolder(
            folder, overwrite: overwrite, inputs: [groundTruthPath, predictionsPath], metrics: metricsFile(outcome),
            curves: curvesFile(outcome), records: matchRecords(outcome, outputFolder: folder)
        ) { record, json in record.write(to: &json) }
    }

    /// One record per image: its URL, its file relative to the evaluation folder, its true labels,
    /// the labels predicted at the threshold and every label's probability.
    public func matchRecords(_ outcome: Outcome, outputFolder: String) -> [MultilabelMatchRecord] {
        let metrics = outcome.metrics
        let locator = ImageLocator(baseFolder: outcome.imageFolder, dataRoot: readOptions.dataRoot)
        let paths = RelativePaths(from: outputFolder)
        let count = metrics.classCount
        return (0..<min(metrics.sampleCount, outcome.images.count)).map { i in
            let row = (i * count)..<((i + 1) * count)
            return MultilabelMatchRecord(
                image: outcome.images[i],
                path: locator.localPath(outcome.images[i]).map(paths.relative),
                labels: row.filter { metrics.truth[$0] }.map { metrics.labels[$0 - row.lowerBound] },
                predicted: row.filter { metrics.scores[$0] > metrics.threshold }.map {
                    metrics.labels[$0 - row.lowerBound]
                },
                probabilities: Array(metrics.scores[row]), missing: outcome.missingRows.contains(i))
        }
    }

    /// The content of `metrics.json`.
    public func metricsFile(_ outcome: Outcome) -> ClassificationMetricsFile {
        let metrics = outcome.metrics
        let per = metrics.perLabel()
        let perLabel = per.map { entry in
            ClassificationMetricsFile.LabelMetrics(
                label: entry.label, precision: defined(entry.precision), recall: defined(entry.recall),
                f1: defined(entry.f1), support: entry.support, iou: defined(entry.iou), auc: defined(entry.auc),
                averagePrecision: defined(entry.averagePrecision)
            )
        }
        let best = metrics.bestF1Thresholds().map { entry in
            ClassificationMetricsFile.BestF1(
                label: entry.label, threshold: defined(entry.threshold), f1: defined(entry.f1))
        }
        return ClassificationMetricsFile(
            task: .imageClassificationMultilabel, threshold: metrics.threshold,
            scalars: metrics.scalars().map { .init($0.0, defined($0.1)) },
            iouClasswise: per.map { defined($0.iou) }, perLabel: perLabel, bestF1Thresholds: best,
            classesAbsent: per.filter { $0.support == 0 }.map(\.label),
            counts: .init(images: metrics.sampleCount, missingPredictions: outcome.missingPredictions),
            inputs: EvaluationInputs(groundTruth: groundTruthPath, predictions: predictionsPath)
        )
    }

    /// The content of `curves.json` (micro: the flattened indicator matrix).
    public func curvesFile(_ outcome: Outcome) -> CurvesFile {
        let metrics = outcome.metrics
        return ClassificationJoin.curves(
            labels: metrics.labels, column: { metrics.column($0) }, macroROC: metrics.macroROC(),
            macroPR: metrics.macroPrecisionRecall(), micro: { (metrics.truth, metrics.scores) }
        )
    }
}
