import ArgusCharts
import ArgusIO

/// The HTML report's score-threshold slider: the data the page needs to recompute precision,
/// recall and F1 (and, for classification, accuracy, coverage and the confusion matrix) at any
/// threshold, and the script that does it. At the slider's start (0) the figures are metrics.json's.
public struct ThresholdExplorer: Sendable {
    /// What the page embeds (`#argus-threshold-data`).
    public var data: PlainJSON
    /// What the slider recomputes, in words.
    public var note: String

    /// The most images a classification page embeds, and curve points a detection page embeds.
    static let imageLimit = 50_000
    static let pointLimit = 400_000
    /// The most probabilities (images × labels) a multi-label page embeds.
    static let valueLimit = 2_000_000

    /// Multi-class classification: each image's true label, predicted label and its score; below
    /// the threshold an image has no prediction (counted wrong). Nil for multi-label or too many images.
    static func classification(_ run: EvaluationRun) -> ThresholdExplorer? {
        guard !run.isMultilabel, let records = run.classifications, !records.isEmpty,
            records.count <= imageLimit
        else { return nil }
        let labels = run.perLabel.map(\.label)
        var index: [String: Int] = [:]
        for (k, label) in labels.enumerated() { index[label] = k }
        let data: PlainJSON = .object([
            ("kind", .string("classification")), ("labels", .strings(labels)),
            ("truth", .numbers(records.map { Double(index[$0.label] ?? -1) })),
            ("predicted", .numbers(records.map { Double(index[$0.predicted] ?? -1) })),
            ("score", .numbers(records.map(\.score))),
        ])
        return ThresholdExplorer(
            data: data,
            note: "An image whose top score is below the threshold gets no prediction (counted wrong): precision, "
                + "recall and F1 per class and their macro means, accuracy, coverage and the confusion matrix are "
                + "recomputed in the page. At 0 they are metrics.json's.")
    }

    /// Multi-label classification: each image's true labels and probabilities; a label is predicted
    /// when its probability is greater than the threshold (the evaluation's rule). The slider starts
    /// at the evaluation's threshold, where the figures are metrics.json's. Nil without the match
    /// records or when they hold more than `valueLimit` probabilities.
    static func multilabel(_ run: EvaluationRun) -> ThresholdExplorer? {
        guard run.isMultilabel, let records = run.multilabelRecords, !records.isEmpty,
            let threshold = run.classificationMetrics?.threshold
        else { return nil }
        let labels = run.perLabel.map(\.label)
        guard records.count * labels.count <= valueLimit, records.allSatisfy({ $0.probabilities.count == labels.count })
        else { return nil }
        var truth: [Double] = []
        var scores: [Double] = []
        truth.reserveCapacity(records.count * labels.count)
        scores.reserveCapacity(records.count * labels.count)
        for record in records {
            let held = Set(record.labels)
            truth += labels.map { held.contains($0) ? 1 : 0 }
            scores += record.probabilities
        }
        let data: PlainJSON = .object([
            ("kind", .string("multilabel")), ("labels", .strings(labels)), ("start", .number(threshold)),
            ("truth", .numbers(truth)), ("scores", .numbers(scores)),
        ])
        return ThresholdExplorer(
            data: data,
            note: "A label is predicted when its probability is greater than the threshold: precision, recall and F1 "
                + "per label, their macro, micro and per-image (samples) means, the Hamming loss and the subset "
                + "accuracy are recomputed in the page. At the evaluation's threshold "
                + "(\(formatNumber(threshold))) they are metrics.json's.")
    }

    /// Detection: each class's precision–recall points with their score thresholds (the curve of
    /// curves.json) and its ground truth. Nil when the curves hold too many points.
    static func detection(_ run: EvaluationRun) -> ThresholdExplorer? {
        let labels = run.perLabel.map(\.label)
        let curves = labels.map { run.curves.precisionRecall[$0] }
        let points = curves.reduce(0) { $0 + ($1?.thresholds.count ?? 0) }
        guard !labels.isEmpty, points > 0, points <= pointLimit else { return nil }
        let classes: [PlainJSON] = zip(labels, curves).enumerated().map { k, pair in
            let truth = run.perLabel[k].values["ground_truth"] ?? 0
            return .object([
                ("label", .string(pair.0)), ("truth", .number(truth)),
                ("thresholds", .numbers(pair.1?.thresholds ?? [])), ("precision", .numbers(pair.1?.y ?? [])),
                ("recall", .numbers(pair.1?.x ?? [])),
            ])
        }
        var parts: [(String, PlainJSON)] = [("kind", .string("detection")), ("classes", .array(classes))]
        if let sweep = run.curves.confusionSweep, let labels = run.confusionMatrix?.labels {
            parts.append(
                (
                    "confusion",
                    .object([
                        ("labels", .strings(labels)), ("thresholds", .numbers(sweep.thresholds)),
                        ("counts", .array(sweep.counts.map { .array($0.map { .numbers($0.map(Double.init)) }) })),
                    ])
                ))
        }
        if let images = imageScores(run) { parts.append(("images", images)) }
        return ThresholdExplorer(
            data: .object(parts),
            note: "Only detections scoring at least the threshold count: precision, recall and F1 per class and "
                + "their means (precision over the classes with a detection, recall over the classes with ground "
                + "truth), the image-level hits and the confusion matrix (counted at each 0.05 and at the "
                + "evaluation's score threshold; the nearest at or below is shown) are recomputed in the page. "
                + "At 0 precision, recall and F1 are metrics.json's; at the evaluation's score threshold, the "
                + "image-level hits and the confusion matrix are.")
    }

    /// Per image with match records: whether it has objects, the best score of its true positives
    /// and of its counted detections (null without); and the number of images. An image is a hit at
    /// t when a true positive scores ≥ t, a false alarm when it has no objects and a detection does.
    static func imageScores(_ run: EvaluationRun) -> PlainJSON? {
        guard let records = run.detections, let total = run.imageCount, records.imageNames.count <= imageLimit
        else { return nil }
        let count = records.imageNames.count
        var truth = [Bool](repeating: false, count: count)
        var found = [Double?](repeating: nil, count: count)
        var predicted = [Double?](repeating: nil, count: count)
        for i in 0..<records.count {
            let image = Int(records.image[i])
            switch records.outcome[i] {
            case .missed: truth[image] = true
            case .truePositive:
                truth[image] = true
                found[image] = max(found[image] ?? -.infinity, records.score[i])
                predicted[image] = max(predicted[image] ?? -.infinity, records.score[i])
            case .falsePositive: predicted[image] = max(predicted[image] ?? -.infinity, records.score[i])
            case .ignored: break
            }
        }
        let optional = { (values: [Double?]) in PlainJSON.array(values.map { $0.map(PlainJSON.number) ?? .null }) }
        return .object([
            ("total", .integer(total)), ("truth", .numbers(truth.map { $0 ? 1 : 0 })), ("found", optional(found)),
            ("predicted", optional(predicted)),
        ])
    }

    /// The controls and the table the script fills.
    var html: String {
        """
        <div class="explorer"><p>\(HTMLReport.escape(note))</p>
        <label for="threshold-input">score threshold <output id="threshold-value">0.00</output></label>
        <input type="range" id="threshold-input" min="0" max="1" step="0.01" value="0">
        <p id="threshold-summary"></p>
        <table id="threshold-table"><thead></thead><tbody></tbody></table>
        <p id="threshold-images"></p>
        <table id="threshold-confusion"><thead></thead><tbody></tbody></table></div>

        """
    }
}
