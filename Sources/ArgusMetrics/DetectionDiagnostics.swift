import ArgusCore
import ArgusMasks
import Dispatch

/// A detection confusion matrix: ground-truth classes in rows, predicted classes in columns, with
/// a background row (detections that found no object: false positives) and a background column
/// (objects no detection found: missed).
public struct DetectionConfusionMatrix: Sendable {
    /// The class names; index `labels.count` is the background.
    public var labels: [String]
    /// (K + 1) × (K + 1) counts, `counts[truth][predicted]`.
    public var counts: [[Int]]
    /// The IoU at which a detection matches an object.
    public var iouThreshold: Double
    /// The score below which detections are not counted.
    public var scoreThreshold: Double
    /// The score thresholds of `sweep`, ascending (empty when no sweep was asked for).
    public var sweepThresholds: [Double] = []
    /// The counts at each of `sweepThresholds`, for a page that moves the score threshold.
    public var sweep: [[[Int]]] = []

    /// The lowest score a matrix counts: `scoreThreshold`, or the lowest of a sweep's.
    public static func lowestScore(scoreThreshold: Double, sweep: Bool) -> Double {
        sweep ? sweepThresholds(including: scoreThreshold)[0] : scoreThreshold
    }

    /// The mask pairs a matrix reads: IoUs down to `iouThreshold`, across categories for
    /// detections scoring at least `lowestScore(scoreThreshold:sweep:)`.
    public static func overlapsNeeded(iouThreshold: Double, scoreThreshold: Double, sweep: Bool) -> MaskOverlaps.Need {
        MaskOverlaps.Need(
            minimum: iouThreshold, crossScore: lowestScore(scoreThreshold: scoreThreshold, sweep: sweep))
    }

    /// The thresholds a sweep uses: 0, 0.05, …, 1 and the evaluation's own score threshold.
    public static func sweepThresholds(including scoreThreshold: Double) -> [Double] {
        Array(Set((0...20).map { Double($0) / 20 } + [scoreThreshold])).sorted()
    }

    /// An empty matrix over `labels` (counts are filled in by the caller, e.g. when merging shards).
    public init(labels: [String], iouThreshold: Double, scoreThreshold: Double) {
        self.labels = labels
        self.iouThreshold = iouThreshold
        self.scoreThreshold = scoreThreshold
        counts = [[Int]](repeating: [Int](repeating: 0, count: labels.count + 1), count: labels.count + 1)
    }

    /// Detections with score ≥ `scoreThreshold` are paired one-to-one with non-crowd objects of the
    /// same image by IoU ≥ `iouThreshold`, whatever their classes, highest IoU first (ties: higher
    /// score, then file order). Unpaired detections overlapping a crowd region are not counted.
    /// With `sweep`, the same counts at each of `sweepThresholds(including:)` come out of the same
    /// pairs (the pairing at a threshold is the pairing of the pairs whose detection scores at least it).
    ///
    /// Masks (`segm`) are compared in `overlaps` where given (down to `iouThreshold`, across
    /// categories down to `lowestScore(scoreThreshold:sweep:)`), else in `masks` or masks
    /// rasterised here.
    ///
    /// Complexity: O(Σ G·D log(G·D)) over images, and O(Σ (G + D)·T) for a sweep of T thresholds.
    public init(
        _ data: EvaluationData, iouThreshold: Double, scoreThreshold: Double, segm: Bool = false,
        masks: MaskCache? = nil, overlaps given: MaskOverlaps? = nil, sweep: Bool = false
    ) {
        let K = data.categoryIDs.count
        labels = data.categoryNames
        self.iouThreshold = iouThreshold
        self.scoreThreshold = scoreThreshold
        // The evaluation's threshold first, then the sweep's.
        let thresholds = [scoreThreshold] + (sweep ? Self.sweepThresholds(including: scoreThreshold) : [])
        let lowest = Self.lowestScore(scoreThreshold: scoreThreshold, sweep: sweep)
        let need = Self.overlapsNeeded(iouThreshold: iouThreshold, scoreThreshold: scoreThreshold, sweep: sweep)
        let overlaps = segm ? MaskOverlaps.serving(need, given: given, data: data, masks: masks) : nil
        let truthByImage = ImageLists(
            Array(0..<data.groundTruth.count), imageOf: data.groundTruth.image, images: data.images.count)
        let detectionsByImage = ImageLists(
            (0..<data.detections.count).filter { data.detections.scores[$0] >= lowest },
            imageOf: data.detections.image, images: data.images.count)
        // Images in parallel, each block with its own counts (flat: threshold, truth, predicted),
        // added up at the end.
        let side = K + 1
        let size = thresholds.count * side * side
        let blocks = max(1, min(16, data.images.count / 64))
        var partial = [[Int]](repeating: [Int](repeating: 0, count: size), count: blocks)
        partial.withUnsafeMutableBufferPointer { buffer in
            let box = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                var local = box.buffer[block]
                for image in stride(from: block, to: data.images.count, by: blocks) {
                    Self.count(
                        image: image, data: data, truths: Array(truthByImage[image]),
                        detections: Array(detectionsByImage[image]),
                        K: K, iouThreshold: iouThreshold, thresholds: thresholds, overlaps: overlaps, into: &local)
                }
                box.buffer[block] = local
            }
        }
        var flat = [Int](repeating: 0, count: size)
        for block in partial { for i in 0..<size { flat[i] += block[i] } }
        let total = thresholds.indices.map { k in
            (0..<side).map { r in Array(flat[((k * side + r) * side)..<((k * side + r + 1) * side)]) }
        }
        counts = total[0]
        if sweep {
            sweepThresholds = Array(thresholds.dropFirst())
            self.sweep = Array(total.dropFirst())
        }
    }
}

extension DetectionConfusionMatrix {
    /// Adds one image's pairings to `counts` at each of `thresholds[k]` (flat: cell
    /// `(k × (K + 1) + truth) × (K + 1) + predicted`). `truths` and `detections` are in index order,
    /// so that pairs compare by their positions in them as by the indices. Masks' IoUs are read in
    /// `overlaps` where given, else boxes are compared.
    static func count(
        image: Int, data: EvaluationData, truths all: [Int], detections: [Int], K: Int, iouThreshold: Double,
        thresholds: [Double], overlaps: MaskOverlaps?, into counts: inout [Int]
    ) {
        let side = K + 1
        let truths = all.filter { !data.groundTruth.isCrowd[$0] }
        let crowds = all.filter { data.groundTruth.isCrowd[$0] }
        // The boxes, looked up once for all the image's pairs.
        let detectionBoxes = overlaps == nil ? detections.map(data.detections.box) : []
        let truthBoxes = overlaps == nil ? truths.map(data.groundTruth.box) : []
        let crowdBoxes = overlaps == nil ? crowds.map(data.groundTruth.box) : []
        // Detection d's (a position in `detections`) IoUs with `group` (`truths` or `crowds`).
        func ious(_ d: Int, _ group: [Int], crowd: Bool, _ into: inout [Double]) {
            into.removeAll(keepingCapacity: true)
            if let overlaps {
                // Each mask IoU was worked out with the ground truth's own crowd flag, as here.
                for g in group { into.append(overlaps.iou(detection: detections[d], truth: g)) }
                return
            }
            for box in crowd ? crowdBoxes : truthBoxes {
                into.append(MaskOperations.iou(detection: detectionBoxes[d], groundTruth: box, crowd: crowd))
            }
        }
        let scores = detections.map { data.detections.scores[$0] }
        let predicted = detections.map { Int(data.detections.category[$0]) }
        let actual = truths.map { Int(data.groundTruth.category[$0]) }
        // Pairs by positions in `detections` and `truths`.
        var pairs: [(iou: Double, d: Int, g: Int)] = []
        var values: [Double] = []
        for d in detections.indices {
            ious(d, truths, crowd: false, &values)
            for (g, v) in values.enumerated() where v >= iouThreshold { pairs.append((v, d, g)) }
        }
        pairs.sort { a, b in
            if a.iou != b.iou { return a.iou > b.iou }
            if scores[a.d] != scores[b.d] { return scores[a.d] > scores[b.d] }
            return (a.d, a.g) < (b.d, b.g)
        }
        // Whether an unpaired detection overlaps a crowd region (0 no, 1 yes, 2 not asked yet).
        var overCrowd = [UInt8](repeating: 2, count: detections.count)
        var usedDetections = [Bool](repeating: false, count: detections.count)
        var usedTruths = [Bool](repeating: false, count: truths.count)
        for (k, threshold) in thresholds.enumerated() {
            let base = k * side * side
            for d in usedDetections.indices { usedDetections[d] = false }
            for g in usedTruths.indices { usedTruths[g] = false }
            for pair in pairs where scores[pair.d] >= threshold && !usedDetections[pair.d] && !usedTruths[pair.g] {
                usedDetections[pair.d] = true
                usedTruths[pair.g] = true
                counts[base + actual[pair.g] * side + predicted[pair.d]] += 1
            }
            for g in truths.indices where !usedTruths[g] { counts[base + actual[g] * side + K] += 1 }
            for d in detections.indices where scores[d] >= threshold && !usedDetections[d] {
                if overCrowd[d] == 2 {
                    ious(d, crowds, crowd: true, &values)
                    overCrowd[d] = values.contains { $0 >= iouThreshold } ? 1 : 0
                }
                if overCrowd[d] == 0 { counts[base + K * side + predicted[d]] += 1 }
            }
        }
    }
}

/// Image-level hit metrics: an image with objects is a hit when any of its objects is found.
public struct ImageLevelMetrics: Sendable {
    public var truePositives = 0, falseNegatives = 0, falsePositives = 0, trueNegatives = 0
    /// The score at which an image counts as predicted positive.
    public var scoreThreshold: Double

    /// Counts with every figure given.
    public init(
        truePositives: Int, falseNegatives: Int, falsePositives: Int, trueNegatives: Int, scoreThreshold: Double
    ) {
        self.truePositives = truePositives
        self.falseNegatives = falseNegatives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.scoreThreshold = scoreThreshold
    }

    /// From a VOC matching: an image with (non-crowd) objects is a true positive when a detection
    /// with score ≥ `scoreThreshold` is a true positive in it, else a false negative; an image
    /// without objects is a false positive when it has any such detection, else a true negative.
    public init(_ data: EvaluationData, matches: [VOCEvaluator.Match], scoreThreshold: Double) {
        self.scoreThreshold = scoreThreshold
        var hasTruth = [Bool](repeating: false, count: data.images.count)
        for g in 0..<data.groundTruth.count where !data.groundTruth.isCrowd[g] {
            hasTruth[Int(data.groundTruth.image[g])] = true
        }
        var found = [Bool](repeating: false, count: data.images.count)
        var predicted = [Bool](repeating: false, count: data.images.count)
        for match in matches where data.detections.scores[match.detection] >= scoreThreshold {
            let image = Int(data.detections.image[match.detection])
            if match.outcome != .ignored { predicted[image] = true }
            if match.outcome == .truePositive { found[image] = true }
        }
        for image in 0..<data.images.count {
            switch (hasTruth[image], found[image], predicted[image]) {
            case (true, true, _): truePositives += 1
            case (true, false, _): falseNegatives += 1
            case (false, _, true): falsePositives += 1
            case (false, _, false): trueNegatives += 1
            }
        }
    }

    /// True positives over predicted positives (nil without any).
    public var precision: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }
    /// True positives over images with objects (nil without any).
    public var recall: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    /// The share of images judged right (nil without images).
    public var accuracy: Double? {
        let total = truePositives + falseNegatives + falsePositives + trueNegatives
        return total == 0 ? nil : Double(truePositives + trueNegatives) / Double(total)
    }
}

extension VOCEvaluator.ClassResult {
    /// F1 at each point of the curve (0 where precision and recall are both 0).
    public var f1Curve: [Double] {
        curve.map { point in
            point.precision + point.recall == 0
                ? 0 : 2 * point.precision * point.recall / (point.precision + point.recall)
        }
    }

    /// The confidence threshold with the best F1 (the first such point in score order), or nil
    /// without ground truth or detections.
    public var bestF1: (threshold: Double, f1: Double, precision: Double, recall: Double)? {
        guard groundTruthCount > 0, !curve.isEmpty else { return nil }
        let f1 = f1Curve
        var best = 0
        for i in f1.indices where f1[i] > f1[best] { best = i }
        return (curve[best].score, f1[best], curve[best].precision, curve[best].recall)
    }
}
