import ArgusCharts
import ArgusIO

/// What a gallery tile's enlarged view lists, and what the gallery filters on: each object of the
/// image with its outcome, label, score and IoU with the ground truth it was compared with.
enum GalleryDetails {
    /// The image's labels (ground truth and detections) and its records, best score first.
    static func of(_ records: EvaluationRun.DetectionRecords, _ indices: [Int], scoreThreshold: Double)
        -> [(String, PlainJSON)]
    {
        var labels: [String] = []
        var boxes: [(score: Double, json: PlainJSON)] = []
        for i in indices {
            let label = records.labelNames[Int(records.label[i])]
            if !labels.contains(label) { labels.append(label) }
            let kind: String
            switch records.outcome[i] {
            case .truePositive: kind = "true positive"
            case .falsePositive: kind = "false positive"
            case .missed: kind = "missed"
            case .ignored: continue
            }
            let scored = records.outcome[i] != .missed
            if scored && records.score[i] < scoreThreshold { continue }
            let overlap = records.truthBox[i].map { iou(records.box[i], $0) }
            boxes.append(
                (
                    scored ? records.score[i] : -1,
                    .object([
                        ("kind", .string(kind)), ("label", .string(label)),
                        ("score", scored ? .number(records.score[i]) : .null),
                        ("iou", records.outcome[i] == .missed ? .null : overlap.map { .number($0) } ?? .null),
                    ])
                ))
        }
        let sorted = boxes.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }
        return [("labels", .strings(labels.sorted())), ("boxes", .array(sorted.map(\.element.json)))]
    }

    /// Intersection over union of two (x, y, width, height) boxes.
    static func iou(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> Double {
        let w = max(0, min(a.0 + a.2, b.0 + b.2) - max(a.0, b.0))
        let h = max(0, min(a.1 + a.3, b.1 + b.3) - max(a.1, b.1))
        let intersection = w * h
        let union = a.2 * a.3 + b.2 * b.3 - intersection
        return union > 0 ? intersection / union : 0
    }
}
