import ArgusCharts
import ArgusIO

/// What a gallery tile's enlarged view lists, and what the gallery filters on: each object of the
/// image with its outcome, label, score and IoU with the ground truth it was compared with.
enum GalleryDetails {
    /// The image's size, labels (ground truth and detections), TIDE error types and records, best
    /// score first; each record with its box `[x, y, width, height]` in image pixels (a true
    /// positive also with its ground truth's), for the enlarged view to draw.
    static func of(
        _ records: EvaluationRun.DetectionRecords, _ indices: [Int], size: (width: Double, height: Double),
        scoreThreshold: Double
    ) -> [(String, PlainJSON)] {
        var labels: [String] = []
        var errors: [String] = []
        var boxes: [(score: Double, json: PlainJSON)] = []
        for i in indices {
            let label = records.labelNames[Int(records.label[i])]
            if !labels.contains(label) { labels.append(label) }
            let error = i < records.tideError.count ? records.tideError[i] : nil
            if let error, !errors.contains(error.rawValue) { errors.append(error.rawValue) }
            guard let kind = kind(records.outcome[i]) else { continue }
            let scored = records.outcome[i] != .missed
            if scored && records.score[i] < scoreThreshold { continue }
            let truth = records.truthBox[i]
            let overlap = truth.map { iou(records.box[i], $0) }
            let box = records.box[i]
            boxes.append(
                (
                    scored ? records.score[i] : -1,
                    .object([
                        ("kind", .string(kind)), ("label", .string(label)),
                        ("score", scored ? .number(records.score[i]) : .null),
                        ("iou", records.outcome[i] == .missed ? .null : overlap.map { .number($0) } ?? .null),
                        ("error", error.map { .string($0.rawValue) } ?? .null),
                        ("bbox", .numbers([box.0, box.1, box.2, box.3])),
                        (
                            "truth_bbox",
                            records.outcome[i] == .truePositive
                                ? truth.map { .numbers([$0.0, $0.1, $0.2, $0.3]) } ?? .null
                                : .null
                        ),
                    ])
                ))
        }
        let sorted = boxes.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }
        return [
            ("size", .numbers([size.width, size.height])), ("labels", .strings(labels.sorted())),
            ("errors", .strings(errors.sorted())), ("boxes", .array(sorted.map(\.element.json))),
        ]
    }

    /// Each kind of box by the name the box table gives it (the enlarged view colours by it).
    static let kindNames: [(kind: ImageTile.Kind, name: String)] = [
        (.groundTruth, "ground truth"), (.truePositive, "true positive"), (.falsePositive, "false positive"),
        (.missed, "missed"),
    ]

    /// What a record is, in the box table's words (nil for an ignored detection).
    static func kind(_ outcome: EvaluationRun.DetectionRecords.Outcome) -> String? {
        let kind: ImageTile.Kind
        switch outcome {
        case .truePositive: kind = .truePositive
        case .falsePositive: kind = .falsePositive
        case .missed: kind = .missed
        case .ignored: return nil
        }
        return kindNames.first { $0.kind == kind }?.name
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
