import ArgusCharts
import ArgusMetrics

/// What each metric of `metrics.json` is called in a report and what it measures: the one owner of
/// the names people read ("mAP@0.5 (VOC, all-point)" for `mean_average_precision`).
public enum MetricGlossary {
    /// A metric's readable name and its definition.
    public struct Entry: Sendable, Equatable {
        /// The name a report shows.
        public var name: String
        /// What the metric measures, in one sentence.
        public var definition: String
    }

    /// The words detection metrics depend on.
    public struct DetectionContext: Sendable {
        /// The VOC IoU threshold.
        public var iouThreshold: Double
        /// VOC's interpolation (`all-point` or `eleven-point`).
        public var interpolation: String

        /// A context.
        public init(iouThreshold: Double, interpolation: String) {
            self.iouThreshold = iouThreshold
            self.interpolation = interpolation
        }
    }

    /// The entry of `key`; nil for a key this Argus does not describe.
    /// - Parameter detection: set for a detection evaluation (its precision and recall are VOC's).
    public static func entry(_ key: String, detection: DetectionContext? = nil) -> Entry? {
        if let detection, let entry = detectionEntry(key, detection) { return entry }
        if key.hasPrefix("coco."), let statistic = COCOStatistic(rawValue: String(key.dropFirst(5))) {
            return cocoEntry(statistic)
        }
        if let entry = singles[key] { return entry }
        if key.hasPrefix("top_"), key.hasSuffix("_accuracy"), let k = Int(key.dropFirst(4).dropLast(9)) {
            return Entry(
                name: "top-\(k) accuracy",
                definition: "Share of images whose true label is among the \(k) highest scores.")
        }
        return averaged(key)
    }

    /// The readable name of `key` (the key itself when it is not described).
    public static func name(_ key: String, detection: DetectionContext? = nil) -> String {
        entry(key, detection: detection)?.name ?? key
    }

    /// A COCO statistic's entry (`COCO AP@[.50:.95]` …).
    public static func cocoEntry(_ statistic: COCOStatistic) -> Entry {
        let names: [COCOStatistic: String] = [
            .ap: "COCO AP@[.50:.95]", .ap50: "COCO AP@.50", .ap75: "COCO AP@.75", .apSmall: "COCO AP small",
            .apMedium: "COCO AP medium", .apLarge: "COCO AP large", .ar1: "COCO AR, 1 detection",
            .ar10: "COCO AR, 10 detections", .ar100: "COCO AR, 100 detections", .arSmall: "COCO AR small",
            .arMedium: "COCO AR medium", .arLarge: "COCO AR large",
        ]
        let what = statistic.index < COCOStatistic.ar1.index ? "precision" : "recall"
        return Entry(
            name: names[statistic] ?? statistic.name,
            definition: "pycocotools' \(statistic.name): \(statistic.definition); the \(what) averaged over "
                + "categories (and IoU thresholds 0.50 to 0.95 unless one is named), as COCOeval.summarize.")
    }

    static func detectionEntry(_ key: String, _ context: DetectionContext) -> Entry? {
        let iou = formatNumber(context.iouThreshold)
        switch key {
        case "mean_average_precision":
            return Entry(
                name: "mAP@\(iou) (VOC, \(context.interpolation))",
                definition:
                    "Mean over the classes with ground truth of the average precision (\(context.interpolation) "
                    + "interpolation), a detection counting as right when it overlaps an unclaimed object of its class "
                    + "with IoU ≥ \(iou).")
        case "precision":
            return Entry(
                name: "precision (macro over classes, all detections)",
                definition: "Mean over classes of TP / (TP + FP) at IoU ≥ \(iou), every detection counted whatever its "
                    + "score.")
        case "recall":
            return Entry(
                name: "recall (macro over classes, all detections)",
                definition: "Mean over classes of the share of objects found by a detection at IoU ≥ \(iou), every "
                    + "detection counted whatever its score.")
        default: return nil
        }
    }

    static let singles: [String: Entry] = [
        "accuracy": Entry(name: "accuracy", definition: "Share of images whose highest-scoring label is the true one."),
        "balanced_accuracy": Entry(
            name: "balanced accuracy",
            definition: "Mean over classes of the recall: accuracy with every class weighed alike."),
        "log_loss": Entry(
            name: "log loss",
            definition: "Mean of −log(probability given to the true label); lower is better."),
        "matthews_correlation": Entry(
            name: "Matthews correlation",
            definition: "Correlation between true and predicted labels over all classes, from −1 to 1 (0: chance)."),
        "expected_calibration_error": Entry(
            name: "expected calibration error",
            definition: "Gap between confidence and accuracy, over 15 equal-width confidence bins weighted by their "
                + "images; lower is better."),
        "hamming_loss": Entry(
            name: "Hamming loss", definition: "Share of (image, label) decisions that are wrong; lower is better."),
        "iou": Entry(
            name: "IoU (over images)",
            definition: "|predicted ∩ true| / |predicted ∪ true| of each image's label sets (Jaccard), averaged over "
                + "images."),
        "subset_accuracy": Entry(
            name: "exact-match accuracy",
            definition: "Share of images whose predicted label set is exactly the true one."),
    ]

    /// `precision_score_macro`, `AUC_micro`, `iou_weighted` …: a measure and how it is averaged.
    static func averaged(_ key: String) -> Entry? {
        let measures: [(prefix: String, name: String, definition: String)] = [
            ("precision_score", "precision", "of the labels predicted, the share that are right"),
            ("recall_score", "recall", "of the true labels, the share predicted"),
            ("f1_score", "F1", "the harmonic mean of precision and recall"),
            ("average_precision_score", "average precision", "the area under the precision–recall curve of the scores"),
            ("AUC", "ROC AUC", "the area under the ROC curve of the scores (one label against the rest)"),
            ("iou", "IoU", "|predicted ∩ true| / |predicted ∪ true| over label sets (Jaccard)"),
        ]
        let averages: [(suffix: String, name: String, definition: String)] = [
            ("macro", "macro over classes", "averaged over classes alike"),
            ("micro", "micro, pooled", "over every (image, label) decision pooled"),
            ("weighted", "weighted by support", "averaged over classes weighted by their true examples"),
            ("samples", "over images", "computed per image, then averaged over images"),
        ]
        for measure in measures {
            if key == measure.prefix {
                return Entry(name: measure.name, definition: capitalised(measure.definition) + ".")
            }
            for average in averages where key == measure.prefix + "_" + average.suffix {
                return Entry(
                    name: "\(measure.name) (\(average.name))",
                    definition: capitalised(measure.definition) + ", " + average.definition + ".")
            }
        }
        return nil
    }

    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}

extension MetricGlossary {
    /// The glossary of every metric this evaluation's summary shows (and COCO's statistics, where
    /// computed): one paragraph each — readable name, key and definition — so that it wraps on a page.
    static func section(for run: EvaluationRun) -> ReportDocument.Section {
        var keys = run.scalars.map(\.0)
        if run.detectionMetrics?.coco != nil { keys += COCOStatistic.allCases.map { "coco.\($0.name)" } }
        let paragraphs: [ReportDocument.Block] = keys.compactMap { key in
            entry(key, detection: run.glossaryContext).map {
                .paragraph("\($0.name) — \(key): \($0.definition)")
            }
        }
        let intro = ReportDocument.Block.paragraph(
            "What each metric measures; the key is its name in metrics.json and in gate policies.")
        return .init(id: "glossary", title: "Glossary", blocks: [intro] + paragraphs)
    }
}
