import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults

/// An evaluation that can be recomputed under per-image weights, from the per-image records it
/// already keeps (`matches.jsonl`): never re-matching. A weight is how many times a resample drew
/// the image.
public protocol ResampledEvaluation: Sendable {
    /// The images, in the order weights are given.
    var imageNames: [String] { get }
    /// The labels, in the order per-label values are returned.
    var labels: [String] { get }
    /// The scalar metrics these records can recompute.
    var scalarNames: [String] { get }
    /// The per-label metrics these records can recompute.
    var labelMetricNames: [String] { get }
    /// Every metric under `weights`, computed once.
    func snapshot(weights: [Int32]) -> MetricSnapshot
    /// At least the named metrics under `weights` (an evaluation may compute only those).
    func snapshot(weights: [Int32], scalars: Set<String>, perLabel: Set<String>) -> MetricSnapshot
}

/// The metrics of one (re)sample: scalars by name, and per-label values in label order (nil where
/// undefined).
public struct MetricSnapshot: Sendable {
    /// Scalars by name.
    public var scalars: [String: Double?]
    /// Per-label values by metric name, in label order.
    public var perLabel: [String: [Double?]]
}

extension ResampledEvaluation {
    /// Every metric: these records are cheap to recompute whole.
    public func snapshot(weights: [Int32], scalars: Set<String>, perLabel: Set<String>) -> MetricSnapshot {
        snapshot(weights: weights)
    }

    /// A scalar metric under `weights` (nil where undefined).
    public func scalar(_ name: String, weights: [Int32]) -> Double? { snapshot(weights: weights).scalars[name] ?? nil }

    /// A per-label metric under `weights`, in `labels` order.
    public func perLabel(_ name: String, weights: [Int32]) -> [Double?] {
        snapshot(weights: weights).perLabel[name] ?? labels.map { _ in nil }
    }
}

/// Multi-class classification from its match records: accuracy, macro F1 and per-label precision,
/// recall and F1 (scikit-learn's, with 0 where a ratio's denominator is 0); with the images'
/// probabilities (`--bootstrap-records`), also AUC_macro, AUC_weighted, AUC_micro and per-label AUC.
public struct ClassificationResampling: ResampledEvaluation {
    /// The images, in the records' order.
    public let imageNames: [String]
    /// The labels, in metrics.json's order.
    public let labels: [String]
    let truth: [Int32]
    let predicted: [Int32]
    /// The AUCs' rankings, where every record has its probabilities.
    let ranking: WeightedRanking?
    static let aucNames = ["AUC_macro", "AUC_weighted", "AUC_micro"]

    /// The scalars the records recompute.
    public var scalarNames: [String] {
        ["accuracy", "f1_score_macro", "precision_score_macro", "recall_score_macro"]
            + (ranking == nil ? [] : Self.aucNames)
    }
    /// The per-label metrics the records recompute.
    public var labelMetricNames: [String] { ["precision", "recall", "f1"] + (ranking == nil ? [] : ["AUC"]) }

    /// - Parameters:
    ///   - records: the evaluation's `matches.jsonl`.
    ///   - labels: every label, in metrics.json's order (absent ones count in the macro averages).
    public init(records: [ClassificationMatchRecord], labels: [String]) {
        var index: [String: Int32] = [:]
        for (position, label) in labels.enumerated() { index[label] = Int32(position) }
        imageNames = records.map(\.image)
        self.labels = labels
        truth = records.map { index[$0.label] ?? -1 }
        predicted = records.map { index[$0.predicted] ?? -1 }
        let probabilities = records.compactMap(\.probabilities)
        let complete = probabilities.count == records.count && probabilities.allSatisfy { $0.count == labels.count }
        ranking = complete ? WeightedRanking(probabilities: probabilities, truth: truth, labels: labels.count) : nil
    }

    func counts(_ weights: [Int32]) -> (tp: [Int], fp: [Int], fn: [Int], correct: Int, total: Int) {
        var tp = [Int](repeating: 0, count: labels.count)
        var fp = tp
        var fn = tp
        var correct = 0
        var total = 0
        for i in truth.indices where weights[i] > 0 {
            let w = Int(weights[i])
            total += w
            let t = Int(truth[i])
            let p = Int(predicted[i])
            if t == p {
                correct += w
                if t >= 0 { tp[t] += w }
            } else {
                if p >= 0 { fp[p] += w }
                if t >= 0 { fn[t] += w }
            }
        }
        return (tp, fp, fn, correct, total)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    func perClass(_ weights: [Int32]) -> (precision: [Double], recall: [Double], f1: [Double]) {
        let c = counts(weights)
        let precision = labels.indices.map { Self.ratio(c.tp[$0], c.tp[$0] + c.fp[$0]) }
        let recall = labels.indices.map { Self.ratio(c.tp[$0], c.tp[$0] + c.fn[$0]) }
        let f1 = labels.indices.map { k in
            precision[k] + recall[k] == 0 ? 0 : 2 * precision[k] * recall[k] / (precision[k] + recall[k])
        }
        return (precision, recall, f1)
    }

    /// Every metric under `weights`.
    public func snapshot(weights: [Int32]) -> MetricSnapshot {
        snapshot(weights: weights, scalars: Set(scalarNames), perLabel: Set(labelMetricNames))
    }

    /// The counting metrics under `weights`, and the AUCs when named.
    public func snapshot(weights: [Int32], scalars: Set<String>, perLabel: Set<String>) -> MetricSnapshot {
        var result = counted(weights)
        if let ranking, perLabel.contains("AUC") || !scalars.isDisjoint(with: Self.aucNames) {
            let values = ranking.values(weights: weights)
            result.perLabel["AUC"] = values.perLabel
            result.scalars["AUC_macro"] = values.macro
            result.scalars["AUC_weighted"] = values.weighted
            result.scalars["AUC_micro"] = values.micro
        }
        return result
    }

    func counted(_ weights: [Int32]) -> MetricSnapshot {
        let c = counts(weights)
        let values = perClass(weights)
        return MetricSnapshot(
            scalars: [
                "accuracy": c.total == 0 ? nil : Double(c.correct) / Double(c.total),
                "f1_score_macro": mean(values.f1), "precision_score_macro": mean(values.precision),
                "recall_score_macro": mean(values.recall),
            ],
            perLabel: ["precision": values.precision, "recall": values.recall, "f1": values.f1])
    }

    /// Which images each model gets right, for McNemar's test.
    var correct: [Bool] { truth.indices.map { truth[$0] == predicted[$0] } }

    func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

/// Detection from its match records: VOC mean average precision, precision, recall and per-label
/// AP, precision and recall, as `VOCEvaluator` computes them.
public struct DetectionResampling: ResampledEvaluation {
    /// The images: images.jsonl's, then any only the records name.
    public let imageNames: [String]
    /// The labels, in metrics.json's order.
    public let labels: [String]
    let interpolation: VOCEvaluator.Interpolation
    /// Per label, its counted detections in score order: (image, true positive).
    let ranked: [[(image: Int32, truePositive: Bool)]]
    /// Per label, the objects per image: (image, count).
    let objects: [[(image: Int32, count: Int32)]]

    /// The scalars the records recompute.
    public var scalarNames: [String] { ["mean_average_precision", "precision", "recall"] }
    /// The per-label metrics the records recompute.
    public var labelMetricNames: [String] { ["average_precision", "precision", "recall"] }

    /// - Parameters:
    ///   - records: the evaluation's `matches.jsonl`, in file order.
    ///   - images: every image of the evaluation (images.jsonl), so that images without records count.
    ///   - labels: the labels, in metrics.json's order.
    public init(
        records: [DetectionMatchRecord], images: [String], labels: [String], interpolation: VOCEvaluator.Interpolation
    ) {
        var imageIndex: [String: Int32] = [:]
        var names = images
        for (position, name) in images.enumerated() { imageIndex[name] = Int32(position) }
        var labelIndex: [String: Int] = [:]
        for (position, label) in labels.enumerated() { labelIndex[label] = position }
        var scored = [[(score: Double, position: Int, image: Int32, truePositive: Bool)]](
            repeating: [], count: labels.count)
        var objectCounts = [[Int32: Int32]](repeating: [:], count: labels.count)
        for (position, record) in records.enumerated() {
            guard let k = labelIndex[record.label] else { continue }
            let image: Int32
            if let known = imageIndex[record.image] {
                image = known
            } else {
                image = Int32(names.count)
                imageIndex[record.image] = image
                names.append(record.image)
            }
            guard let detection = record.detection else {
                objectCounts[k][image, default: 0] += 1
                continue
            }
            switch detection.outcome {
            case .ignored: continue
            case .truePositive:
                objectCounts[k][image, default: 0] += 1
                scored[k].append((detection.score, position, image, true))
            case .falsePositive:
                scored[k].append((detection.score, position, image, false))
            }
        }
        imageNames = names
        self.labels = labels
        self.interpolation = interpolation
        ranked = scored.map { list in
            list.sorted { $0.score > $1.score || ($0.score == $1.score && $0.position < $1.position) }
                .map { ($0.image, $0.truePositive) }
        }
        objects = objectCounts.map { $0.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 } }
    }

    /// Per label: AP, precision and recall (nil where undefined, as in metrics.json).
    func perClass(_ weights: [Int32]) -> [(ap: Double?, precision: Double?, recall: Double?)] {
        labels.indices.map { k in
            var truth = 0
            for (image, count) in objects[k] { truth += Int(weights[Int(image)]) * Int(count) }
            var tp = 0
            var fp = 0
            var points: [(precision: Double, recall: Double)] = []
            points.reserveCapacity(ranked[k].count)
            for (image, truePositive) in ranked[k] {
                let w = Int(weights[Int(image)])
                for _ in 0..<w {
                    if truePositive { tp += 1 } else { fp += 1 }
                    let recall = truth > 0 ? Double(tp) / Double(truth) : 0
                    points.append((Double(tp) / Double(tp + fp), recall))
                }
            }
            var ap: Double?
            var recall: Double?
            if truth > 0 {
                recall = Double(tp) / Double(truth)
                ap = tp + fp > 0 ? VOCEvaluator.averagePrecision(points, interpolation: interpolation) : 0
            }
            let precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : nil
            return (ap, precision, recall)
        }
    }

    /// Every metric under `weights`.
    public func snapshot(weights: [Int32]) -> MetricSnapshot {
        let values = perClass(weights)
        func mean(_ list: [Double]) -> Double? { list.isEmpty ? nil : list.reduce(0, +) / Double(list.count) }
        return MetricSnapshot(
            scalars: [
                "mean_average_precision": mean(values.compactMap(\.ap)),
                "precision": mean(values.compactMap(\.precision)),
                "recall": mean(values.compactMap(\.recall)),
            ],
            perLabel: [
                "average_precision": values.map(\.ap), "precision": values.map(\.precision),
                "recall": values.map(\.recall),
            ])
    }
}
