import ArgusCore
import ArgusMasks
import Dispatch

/// VOC-style evaluation as the AutoML service computes it (docs/metrics.md): one IoU threshold, greedy
/// matching by score, all-point (or 11-point) interpolated AP per class.
public enum VOCEvaluator {
    /// How AP summarises a precision–recall curve.
    public enum Interpolation: String, Sendable {
        case allPoint = "all_point"
        case elevenPoint = "eleven_point"
    }

    /// What happened to one detection.
    public enum Outcome: String, Sendable {
        case truePositive = "tp"
        case falsePositive = "fp"
        case ignored
    }

    /// One class's VOC results.
    public struct ClassResult: Sendable {
        /// The class.
        public var name: String
        /// Non-crowd ground truth.
        public var groundTruthCount: Int
        /// Its counted detections (true and false positives).
        public var detectionCount: Int
        /// nil where undefined (see docs/metrics.md).
        public var averagePrecision: Double?
        /// True positives over counted detections (nil without detections).
        public var precision: Double?
        /// True positives over objects (nil without objects).
        public var recall: Double?
        /// The precision/recall curve, one point per counted detection in score order (before interpolation).
        public var curve: [(score: Double, precision: Double, recall: Double)]
    }

    /// What the per-class summary needs of one detection: enough to merge shards.
    public struct Record: Sendable, Hashable {
        /// The detection's class index.
        public var category: Int32
        /// Its score.
        public var score: Double
        /// The detection's position in the predictions file (ties in score keep this order).
        public var order: Int
        /// What matching made of it.
        public var outcome: Outcome
        /// A record.
        public init(category: Int32, score: Double, order: Int, outcome: Outcome) {
            self.category = category
            self.score = score
            self.order = order
            self.outcome = outcome
        }
    }

    /// A detection's match, for the match records.
    public struct Match: Sendable {
        /// Index into `EvaluationData.detections`.
        public var detection: Int
        /// What matching made of it.
        public var outcome: Outcome
        /// Index into `EvaluationData.groundTruth` of the best-overlapping ground truth, if any overlaps.
        public var groundTruth: Int?
        /// Its IoU with the best ground truth (0 without any).
        public var iou: Double
    }

    /// A VOC evaluation's results.
    public struct Result: Sendable {
        /// The IoU threshold.
        public var iouThreshold: Double
        /// The AP interpolation.
        public var interpolation: Interpolation
        /// Each class's results, in category order.
        public var classes: [ClassResult]
        /// Outcome of every detection.
        public var matches: [Match]
        /// Ground truth (indices) that no detection took, crowds excluded.
        public var missed: [Int]
        /// Every detection's outcome, for merging shards.
        public var records: [Record]
        /// Non-crowd ground truth per class.
        public var truthCounts: [Int]

        /// Results with every part given.
        public init(
            iouThreshold: Double, interpolation: Interpolation, classes: [ClassResult], matches: [Match], missed: [Int],
            records: [Record], truthCounts: [Int]
        ) {
            self.iouThreshold = iouThreshold
            self.interpolation = interpolation
            self.classes = classes
            self.matches = matches
            self.missed = missed
            self.records = records
            self.truthCounts = truthCounts
        }

        /// Means over the classes where each value is defined.
        public var meanAveragePrecision: Double? { mean(classes.compactMap(\.averagePrecision)) }
        /// The mean precision over classes that have one.
        public var precision: Double? { mean(classes.compactMap(\.precision)) }
        /// The mean recall over classes that have one.
        public var recall: Double? { mean(classes.compactMap(\.recall)) }

        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    }

    /// - Parameter pixelInclusive: the Pascal VOC devkit's convention for boxes in integer pixel
    ///   coordinates (a box from x1 to x2 is x2 − x1 + 1 pixels wide), which the older peer tools use;
    ///   off by default, as in the AutoML service and COCO.
    public static func evaluate(
        _ data: EvaluationData, iouThreshold: Double = 0.5, interpolation: Interpolation = .allPoint,
        segm: Bool = false, pixelInclusive: Bool = false, masks given: MaskCache? = nil
    ) -> Result {
        let K = data.categoryIDs.count
        let masks = segm ? (given ?? MaskCache(data)) : nil
        // Ground truth and detections by category, file order.
        var truthByCategory = [[Int]](repeating: [], count: K)
        var truthCount = [Int](repeating: 0, count: K)
        for g in 0..<data.groundTruth.count {
            let k = Int(data.groundTruth.category[g])
            truthByCategory[k].append(g)
            if !data.groundTruth.isCrowd[g] { truthCount[k] += 1 }
        }
        var detectionsByCategory = [[Int]](repeating: [], count: K)
        for d in 0..<data.detections.count { detectionsByCategory[Int(data.detections.category[d])].append(d) }
        // Categories share no ground truth: each is matched on a core of its own, into its place in
        // category order (known from its number of detections).
        var offsets = [0]
        for list in detectionsByCategory { offsets.append(offsets[offsets.count - 1] + list.count) }
        let n = offsets[K]
        let truthLists = truthByCategory
        let detectionLists = detectionsByCategory
        let starts = offsets
        var taken = [Bool](repeating: false, count: data.groundTruth.count)
        var records: [Record] = []
        let matches = [Match](unsafeUninitializedCapacity: n) { matchBuffer, matchCount in
            records = [Record](unsafeUninitializedCapacity: n) { recordBuffer, recordCount in
                taken.withUnsafeMutableBufferPointer { takenBuffer in
                    let out = CategoryOutput(
                        matches: UnsafeMutableBufferPointerBox(matchBuffer),
                        records: UnsafeMutableBufferPointerBox(recordBuffer),
                        taken: UnsafeMutableBufferPointerBox(takenBuffer))
                    DispatchQueue.concurrentPerform(iterations: K) { k in
                        matchCategory(
                            k, data: data, truths: truthLists[k], detections: detectionLists[k], at: starts[k],
                            iouThreshold: iouThreshold, pixelInclusive: pixelInclusive, masks: masks,
                            into: out)
                    }
                }
                recordCount = n
            }
            matchCount = n
        }
        let classes = classResults(
            names: data.categoryNames, truthCounts: truthCount, records: records, interpolation: interpolation)
        let missed = (0..<data.groundTruth.count).filter { !data.groundTruth.isCrowd[$0] && !taken[$0] }
        return Result(
            iouThreshold: iouThreshold, interpolation: interpolation, classes: classes, matches: matches,
            missed: missed,
            records: records, truthCounts: truthCount)
    }

    /// Where the categories' matching goes: each writes its own range of `matches` and `records`,
    /// and the flags of its own ground truth in `taken`.
    struct CategoryOutput: Sendable {
        let matches: UnsafeMutableBufferPointerBox<Match>
        let records: UnsafeMutableBufferPointerBox<Record>
        let taken: UnsafeMutableBufferPointerBox<Bool>
    }

    /// Category `k`'s greedy matching: its detections by score (stable: file order among equals),
    /// each to the ground truth of its image with the highest IoU (the first in file order among
    /// equals), written from `offset` on.
    static func matchCategory(
        _ k: Int, data: EvaluationData, truths: [Int], detections: [Int], at offset: Int, iouThreshold: Double,
        pixelInclusive: Bool, masks: MaskCache?, into out: CategoryOutput
    ) {
        let truthByImage = ImageLists(truths, imageOf: data.groundTruth.image, images: data.images.count)
        var order = detections
        let scores = data.detections.scores
        order.sort { scores[$0] > scores[$1] }
        // Read in place: a closure over the array would retain it for each detection, on every core.
        data.groundTruth.isCrowd.withUnsafeBufferPointer { isCrowd in
            var values: [Double] = []
            for (position, d) in order.enumerated() {
                let image = Int(data.detections.image[d])
                let (best, bestIoU) = bestOverlap(
                    d, among: truthByImage[image], data: data, isCrowd: isCrowd,
                    pixelInclusive: pixelInclusive, masks: masks, values: &values)
                var outcome = Outcome.falsePositive
                if let g = best, bestIoU >= iouThreshold {
                    if isCrowd[g] {
                        outcome = .ignored
                    } else if !out.taken.buffer[g] {
                        out.taken.buffer[g] = true
                        outcome = .truePositive
                    }
                }
                (out.matches.buffer.baseAddress! + offset + position).initialize(
                    to: Match(detection: d, outcome: outcome, groundTruth: best, iou: max(0, bestIoU)))
                (out.records.buffer.baseAddress! + offset + position).initialize(
                    to: Record(category: Int32(k), score: scores[d], order: data.detections.ids[d], outcome: outcome))
            }
        }
    }

    /// The ground truth among `truths` that detection `d` overlaps most, and the IoU (-1 without
    /// any); among equal IoUs the first in file order.
    @inline(__always)
    static func bestOverlap(
        _ d: Int, among truths: ArraySlice<Int>, data: EvaluationData, isCrowd: UnsafeBufferPointer<Bool>,
        pixelInclusive: Bool, masks: MaskCache?, values: inout [Double]
    ) -> (Int?, Double) {
        var best: Int?
        var bestIoU = -1.0
        values.removeAll(keepingCapacity: true)
        masks?.appendIoUs(detection: d, groundTruths: truths, crowd: { isCrowd[$0] }, to: &values)
        for (index, g) in truths.enumerated() {
            let iou: Double
            if masks != nil {
                iou = values[index]
            } else if pixelInclusive {
                iou = inclusiveIoU(data.detections.box(d), data.groundTruth.box(g), crowd: isCrowd[g])
            } else {
                iou = MaskOperations.iou(
                    detection: data.detections.box(d), groundTruth: data.groundTruth.box(g), crowd: isCrowd[g])
            }
            if iou > bestIoU {
                bestIoU = iou
                best = g
            }
        }
        return (best, bestIoU)
    }

    /// Per-class results from every detection's outcome (also how shards are merged): each class's
    /// detections in score order, ties in file order.
    public static func classResults(
        names: [String], truthCounts: [Int], records: [Record], interpolation: Interpolation
    ) -> [ClassResult] {
        var byClass = [[Record]](repeating: [], count: names.count)
        for record in records { byClass[Int(record.category)].append(record) }
        // Each class on a core of its own.
        let lists = byClass
        var results = [ClassResult?](repeating: nil, count: names.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: names.count) { k in
                out.buffer[k] = classResult(
                    name: names[k], truthCount: truthCounts[k], records: lists[k], interpolation: interpolation)
            }
        }
        return results.map { $0! }
    }

    /// One class's results from its detections' outcomes, in any order.
    static func classResult(name: String, truthCount: Int, records: [Record], interpolation: Interpolation)
        -> ClassResult
    {
        let list = records.sorted { $0.score > $1.score || ($0.score == $1.score && $0.order < $1.order) }
        var tp = 0
        var fp = 0
        var curve: [(score: Double, precision: Double, recall: Double)] = []
        for record in list {
            switch record.outcome {
            case .truePositive: tp += 1
            case .falsePositive: fp += 1
            case .ignored: continue
            }
            let recall = truthCount > 0 ? Double(tp) / Double(truthCount) : 0
            curve.append((record.score, Double(tp) / Double(tp + fp), recall))
        }
        var result = ClassResult(
            name: name, groundTruthCount: truthCount, detectionCount: tp + fp, averagePrecision: nil, precision: nil,
            recall: nil, curve: curve)
        if truthCount > 0 {
            result.recall = Double(tp) / Double(truthCount)
            result.averagePrecision =
                tp + fp > 0
                ? averagePrecision(curve.map { ($0.precision, $0.recall) }, interpolation: interpolation) : 0
        }
        if tp + fp > 0 { result.precision = Double(tp) / Double(tp + fp) }
        return result
    }

    /// IoU of `[x, y, w, h]` boxes whose corners are inclusive pixel indices (VOC devkit).
    static func inclusiveIoU(_ d: (Double, Double, Double, Double), _ g: (Double, Double, Double, Double), crowd: Bool)
        -> Double
    {
        let w = min(d.0 + d.2, g.0 + g.2) - max(d.0, g.0) + 1
        let h = min(d.1 + d.3, g.1 + g.3) - max(d.1, g.1) + 1
        if w <= 0 || h <= 0 { return 0 }
        let intersection = w * h
        let detectionArea = (d.2 + 1) * (d.3 + 1)
        return intersection / (crowd ? detectionArea : detectionArea + (g.2 + 1) * (g.3 + 1) - intersection)
    }

    /// AP from (precision, recall) points in score order.
    /// All-point: prepend (recall 0, precision 1), make precision monotone from the right, sum p·Δr.
    /// 11-point: the mean over r ∈ {0, 0.1, …, 1} (as `i * 0.1`) of the best precision at recall ≥ r.
    public static func averagePrecision(_ points: [(precision: Double, recall: Double)], interpolation: Interpolation)
        -> Double
    {
        switch interpolation {
        case .allPoint:
            var precision = [1.0] + points.map(\.precision)
            let recall = [0.0] + points.map(\.recall)
            if precision.count > 1 {
                for i in stride(from: precision.count - 2, through: 0, by: -1) {
                    precision[i] = max(precision[i], precision[i + 1])
                }
            }
            var ap = 0.0
            for i in 1..<recall.count where recall[i] != recall[i - 1] {
                ap += precision[i] * (recall[i] - recall[i - 1])
            }
            return ap
        case .elevenPoint:
            var total = 0.0
            for step in 0...10 {
                // i × 0.1 in floating point, as numpy's arange/linspace give them in the VOC devkit
                // (0.30000000000000004: a recall of exactly 0.3 does not reach it).
                let threshold = Double(step) * 0.1
                let best = points.filter { $0.recall >= threshold }.map(\.precision).max() ?? 0
                total += best
            }
            return total / 11
        }
    }
}
