import ArgusCore
import ArgusMasks
import Dispatch

/// COCO-style detection and segmentation evaluation, equivalent to pycocotools 2.0.x `COCOeval`
/// (`evaluate`, `accumulate`, `summarize`) for `bbox` and `segm`.
///
/// Phases, as in pycocotools:
/// 1. per image and category: detections sorted by score (stable), cut to the largest maxDets,
///    IoUs against the ground truth; per area range, greedy matching at each IoU threshold;
/// 2. per category, area range and maxDets: detections of all images (image-id order) sorted by
///    score (stable), cumulative true and false positives, interpolated precision at the 101
///    recall thresholds;
/// 3. the 12 summary statistics (means of the defined entries, numpy's summation order).
///
/// Work is spread over categories on every core. Undefined values are `nil` in the API; only
/// `stats` keeps pycocotools' −1.
public enum COCOEvaluator {
    /// - Parameter masks: the rasterised masks, when the caller has them already (`segm`).
    /// - Parameter keepTable: also keep every image's matching compactly (`COCOEvaluation.matchTable`),
    ///   what a bootstrap over images re-accumulates.
    public static func evaluate(
        _ data: EvaluationData, parameters: COCOParameters, masks given: MaskCache? = nil, keepTable: Bool = false
    ) -> COCOEvaluation {
        let K = parameters.useCategories ? data.categoryIDs.count : 1
        let A = parameters.areaRanges.count
        let T = parameters.iouThresholds.count
        let masks = parameters.iouType == .segm ? (given ?? MaskCache(data)) : nil
        let groups = Groups(data, categories: K, useCategories: parameters.useCategories)
        var table = PrecisionTable(
            iouThresholds: T, recallThresholds: parameters.recallThresholds.count, categories: K, areaRanges: A,
            maxDetections: parameters.maxDetections.count)
        var tables = [COCOMatchTable?](repeating: nil, count: K)
        table.withStorage { storage in
            tables.withUnsafeMutableBufferPointer { buffer in
                let kept = UnsafeMutableBufferPointerBox(buffer)
                DispatchQueue.concurrentPerform(iterations: K) { k in
                    let matches = categoryMatches(
                        data, parameters: parameters, groups: groups, masks: masks, category: k)
                    accumulate(
                        category: k, matches: matches, entries: Array(0..<matches.count), parameters: parameters,
                        storage: storage)
                    if keepTable { kept.buffer[k] = matches }
                }
            }
        }
        var evaluation = COCOEvaluation(parameters: parameters, table: table, data: data)
        if keepTable {
            var all = COCOMatchTable(areaRanges: A, iouThresholds: T)
            for case let part? in tables { all.append(contentsOf: part) }
            evaluation.matchTable = all
        }
        return evaluation
    }

    /// One category's matching of every image with candidates, in image order (pycocotools
    /// `evaluateImg` for each image and area range), in one flat table.
    static func categoryMatches(
        _ data: EvaluationData, parameters: COCOParameters, groups: Groups, masks: MaskCache?, category k: Int
    ) -> COCOMatchTable {
        var table = COCOMatchTable(
            areaRanges: parameters.areaRanges.count, iouThresholds: parameters.iouThresholds.count)
        var matcher = Matcher()
        matcher.minimumIoU = parameters.iouThresholds.min() ?? 0
        let maxDetection = parameters.maxDetections.max() ?? 100
        for image in 0..<data.images.count {
            guard
                matcher.load(
                    data, groups: groups, masks: masks, category: k, image: image, maxDetection: maxDetection,
                    type: parameters.iouType)
            else { continue }
            matcher.match(data, parameters: parameters)
            table.append(
                imageID: data.images[image].id, category: k, scores: matcher.scores, flags: matcher.flags,
                groundTruthCounts: matcher.counts)
        }
        return table
    }

    /// Indices sorted by score, descending, ties in their original order (numpy mergesort on −score).
    static func stableOrderByScoreDescending(_ scores: [Double]) -> [Int] {
        // Sorted as (score, index) pairs side by side: the same comparisons as on the indices, without
        // looking each score up.
        var pairs = scores.enumerated().map { (score: $1, index: $0) }
        pairs.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        return pairs.map(\.index)
    }
}

/// One image and category's candidates and matching, in buffers reused from image to image.
struct Matcher {
    /// The lowest IoU threshold: masks are not compared where their IoU cannot reach it.
    var minimumIoU = 0.0
    /// The kept detections (best score first, stable, cut to the largest maxDets) as positions in
    /// `Groups`' order, and their scores and areas.
    var detections: [Int] = []
    var scores: [Double] = []
    var areas: [Double] = []
    /// The ground truth, in file order.
    var truth: [Int] = []
    /// IoUs, detections × ground truth.
    var ious: [Double] = []
    /// Per area range, threshold and detection ([a × T × D + t × D + d]): bit 0 matched to a ground
    /// truth of nonzero id (pycocotools reads `dtm` as a boolean), bit 1 ignored.
    var flags: [UInt8] = []
    /// Per area range, the ground truth not ignored.
    var counts: [Int] = []
    // Scratch of the matching.
    var order: [Int] = []
    var outside: [Bool] = []
    var crowd: [Bool] = []
    var zeroID: [Bool] = []
    var taken: [Bool] = []
    /// The detections with an IoU that may match at the lowest threshold (in order): no other
    /// matches at any threshold, so the greedy matching walks only these.
    var candidates: [Int] = []

    /// Loads one image and category (pycocotools `computeIoU`); false when it has neither
    /// detections nor ground truth.
    mutating func load(
        _ data: EvaluationData, groups: Groups, masks: MaskCache?, category k: Int, image: Int, maxDetection: Int,
        type: COCOParameters.IoUType
    ) -> Bool {
        let truthItems = groups.groundTruth(category: k, image: image)
        let detectionPositions = groups.detectionPositions(category: k, image: image)
        if truthItems.isEmpty && detectionPositions.isEmpty { return false }
        truth.removeAll(keepingCapacity: true)
        truth.append(contentsOf: truthItems)
        detections.removeAll(keepingCapacity: true)
        detections.append(contentsOf: detectionPositions)
        // Stable, as pycocotools' mergesort (positions keep file order within the group).
        groups.scores.withUnsafeBufferPointer { all in
            detections.sort { all[$0] > all[$1] }
            if detections.count > maxDetection { detections.removeSubrange(maxDetection...) }
            scores.removeAll(keepingCapacity: true)
            for d in detections { scores.append(all[d]) }
        }
        areas.removeAll(keepingCapacity: true)
        for d in detections { areas.append(groups.areas[d]) }
        ious.removeAll(keepingCapacity: true)
        if !detections.isEmpty && !truth.isEmpty, let masks, type == .segm {
            // Read in place: a closure over `data` would retain its arrays for each detection, on
            // every core at once.
            data.groundTruth.isCrowd.withUnsafeBufferPointer { isCrowd in
                for detection in detections {
                    // An IoU below the lowest threshold matches nothing.
                    masks.appendIoUs(
                        detection: groups.detectionItems[detection], groundTruths: truth, crowd: { isCrowd[$0] },
                        minimum: minimumIoU, to: &ious)
                }
            }
        } else if !detections.isEmpty && !truth.isEmpty {
            for detection in detections {
                for g in truth {
                    ious.append(
                        MaskOperations.iou(
                            detection: groups.box(detection), groundTruth: data.groundTruth.box(g),
                            crowd: data.groundTruth.isCrowd[g]))
                }
            }
        }
        return true
    }

    /// Matches the loaded image in every area range (pycocotools `evaluateImg`).
    mutating func match(_ data: EvaluationData, parameters: COCOParameters) {
        let T = parameters.iouThresholds.count
        let D = detections.count
        flags.removeAll(keepingCapacity: true)
        flags.append(contentsOf: repeatElement(0, count: parameters.areaRanges.count * T * D))
        counts.removeAll(keepingCapacity: true)
        findCandidates(lowest: min(parameters.iouThresholds.min() ?? 0, 1 - 1e-10))
        for (a, range) in parameters.areaRanges.enumerated() {
            counts.append(match(data, parameters: parameters, range: range, base: a * T * D))
        }
    }

    /// Keeps in `candidates` the detections with an IoU not below `lowest` (or NaN, which
    /// pycocotools' comparison lets match).
    mutating func findCandidates(lowest: Double) {
        candidates.removeAll(keepingCapacity: true)
        let G = truth.count
        guard G > 0 else { return }
        ious.withUnsafeBufferPointer { ious in
            for d in 0..<detections.count {
                let row = d * G
                for g in 0..<G where !(ious[row + g] < lowest) {
                    candidates.append(d)
                    break
                }
            }
        }
    }

    /// One area range: greedy matching at each threshold into `flags[base...]`.
    /// - Returns: the ground truth not ignored in the range.
    mutating func match(_ data: EvaluationData, parameters: COCOParameters, range: COCOParameters.AreaRange, base: Int)
        -> Int
    {
        let G = truth.count
        let D = detections.count
        // Ground truth ignored when crowd or outside the area range (bounds inclusive), moved last (stable).
        order.removeAll(keepingCapacity: true)
        outside.removeAll(keepingCapacity: true)
        for g in 0..<G {
            let index = truth[g]
            let area = data.groundTruth.areas[index]
            let ignore = data.groundTruth.isCrowd[index] || area < range.lower || area > range.upper
            outside.append(ignore)
            if !ignore { order.append(g) }
        }
        let regular = order.count
        for g in 0..<G where outside[g] { order.append(g) }
        if !ious.isEmpty {
            crowd.removeAll(keepingCapacity: true)
            zeroID.removeAll(keepingCapacity: true)
            for g in order {
                crowd.append(data.groundTruth.isCrowd[truth[g]])
                zeroID.append(data.groundTruth.ids[truth[g]] == 0)
            }
            for (t, threshold) in parameters.iouThresholds.enumerated() {
                taken.removeAll(keepingCapacity: true)
                taken.append(contentsOf: repeatElement(false, count: G))
                for d in candidates {
                    var best = min(threshold, 1 - 1e-10)
                    var m = -1
                    let row = d * G
                    for g in 0..<G {
                        // A matched ground truth is taken, unless it is a crowd.
                        if taken[g] && !crowd[g] { continue }
                        // Having a regular match, stop at the first ignored ground truth.
                        if m > -1 && m < regular && g >= regular { break }
                        let iou = ious[row + order[g]]
                        if iou < best { continue }
                        best = iou
                        m = g
                    }
                    if m == -1 { continue }
                    flags[base + t * D + d] = (zeroID[m] ? 0 : 1) | (m >= regular ? 2 : 0)
                    taken[m] = true
                }
            }
        }
        // Unmatched detections outside the area range are ignored.
        let T = parameters.iouThresholds.count
        for d in 0..<D {
            let area = areas[d]
            if area < range.lower || area > range.upper {
                for t in 0..<T where flags[base + t * D + d] & 1 == 0 { flags[base + t * D + d] |= 2 }
            }
        }
        return regular
    }
}

/// Ground truth and detections grouped by category and image, in file order within a group; the
/// detections' scores, areas and boxes copied in that order, so that a group reads them side by side.
struct Groups: Sendable {
    let images: Int
    let groundTruthStart: [Int], groundTruthItems: [Int]
    let detectionStart: [Int], detectionItems: [Int]
    /// The detections' scores, areas and boxes (four values each), at their positions in `detectionItems`.
    let scores: [Double], areas: [Double], boxes: [Double]

    init(_ data: EvaluationData, categories K: Int, useCategories: Bool) {
        let images = data.images.count
        self.images = images
        func group(_ objects: EvaluationData.Objects) -> ([Int], [Int]) {
            // Counting sort by (category, image); within a cell, categories in id order then file order
            // (pycocotools concatenates the categories when useCats is off).
            let cells = K * images
            var counts = [Int](repeating: 0, count: cells + 1)
            let n = objects.count
            var keys = [Int](repeating: 0, count: n)
            for i in 0..<n {
                let k = useCategories ? Int(objects.category[i]) : 0
                keys[i] = k * images + Int(objects.image[i])
                counts[keys[i] + 1] += 1
            }
            for c in 0..<cells { counts[c + 1] += counts[c] }
            var items = [Int](repeating: 0, count: n)
            var fill = counts
            // With useCats off, order by category first inside each cell.
            let order =
                useCategories
                ? Array(0..<n) : (0..<n).sorted { (objects.category[$0], $0) < (objects.category[$1], $1) }
            for i in order {
                items[fill[keys[i]]] = i
                fill[keys[i]] += 1
            }
            return (counts, items)
        }
        let truth = group(data.groundTruth)
        let detections = group(data.detections)
        groundTruthStart = truth.0
        groundTruthItems = truth.1
        detectionStart = detections.0
        detectionItems = detections.1
        // Gathered in blocks on every core.
        let all = data.detections
        let items = detectionItems
        let n = items.count
        var scores = [Double](repeating: 0, count: n)
        var areas = [Double](repeating: 0, count: n)
        var boxes = [Double](repeating: 0, count: 4 * n)
        scores.withUnsafeMutableBufferPointer { scoreBuffer in
            areas.withUnsafeMutableBufferPointer { areaBuffer in
                boxes.withUnsafeMutableBufferPointer { boxBuffer in
                    let (scoresOut, areasOut) = (
                        UnsafeMutableBufferPointerBox(scoreBuffer), UnsafeMutableBufferPointerBox(areaBuffer)
                    )
                    let boxesOut = UnsafeMutableBufferPointerBox(boxBuffer)
                    DispatchQueue.concurrentPerform(iterations: (n + 65535) / 65536) { block in
                        for p in (block * 65536)..<min(n, (block + 1) * 65536) {
                            let i = items[p]
                            scoresOut.buffer[p] = all.scores[i]
                            areasOut.buffer[p] = all.areas[i]
                            for c in 0..<4 { boxesOut.buffer[4 * p + c] = all.boxes[4 * i + c] }
                        }
                    }
                }
            }
        }
        self.scores = scores
        self.areas = areas
        self.boxes = boxes
    }

    /// The box `(x, y, w, h)` of the detection at `position`.
    @inline(__always) func box(_ position: Int) -> (Double, Double, Double, Double) {
        (boxes[4 * position], boxes[4 * position + 1], boxes[4 * position + 2], boxes[4 * position + 3])
    }

    /// One image and category's ground truth, in file order (a view, no copy).
    func groundTruth(category k: Int, image: Int) -> ArraySlice<Int> {
        let cell = k * images + image
        return groundTruthItems[groundTruthStart[cell]..<groundTruthStart[cell + 1]]
    }

    /// One image and category's detections, in file order, as positions in `detectionItems`.
    func detectionPositions(category k: Int, image: Int) -> Range<Int> {
        let cell = k * images + image
        return detectionStart[cell]..<detectionStart[cell + 1]
    }
}
