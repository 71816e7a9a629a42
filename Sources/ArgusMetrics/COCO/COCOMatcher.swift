import ArgusMasks

/// One image and category's candidates and matching (pycocotools `computeIoU` and `evaluateImg`),
/// in buffers reused from image to image.
struct Matcher {
    /// The kept detections (best score first, stable, cut to the largest maxDets) as positions in
    /// `Groups`' order, and their scores.
    private(set) var detections: [Int] = []
    private(set) var scores: [Double] = []
    /// The ground truth, as positions in `Groups`' order (file order).
    private(set) var truth: Range<Int> = 0..<0
    /// IoUs, detections × ground truth.
    private(set) var ious: [Double] = []
    /// Per area range, threshold and detection ([a × T × D + t × D + d]): bit 0 matched to a ground
    /// truth of nonzero id (pycocotools reads `dtm` as a boolean), bit 1 ignored.
    private(set) var flags: [UInt8] = []
    /// Per area range, the ground truth not ignored.
    private(set) var counts: [Int] = []
    /// The ground truth of one area range, regular first then ignored, each in file order (as
    /// offsets in `truth`).
    private var order: [Int] = []
    /// Per position in `order`: whether a detection took it at the current threshold.
    private var taken: [Bool] = []
    /// The detections with an IoU that may match at the lowest threshold (in order): no other
    /// matches at any threshold, so the greedy matching walks only these.
    private var candidates: [Int] = []

    /// Loads one cell (category × images + image); false when it has neither detections nor
    /// ground truth. Masks are compared in `overlaps` (segm), else boxes here.
    mutating func load(groups: Groups, overlaps: MaskOverlaps?, cell: Int, maxDetection: Int) -> Bool {
        truth = groups.truthPositions(cell: cell)
        let positions = groups.detectionPositions(cell: cell)
        if truth.isEmpty && positions.isEmpty { return false }
        detections.removeAll(keepingCapacity: true)
        detections.append(contentsOf: positions)
        // Stable, as pycocotools' mergesort (positions keep file order within the group).
        if detections.count > 1 {
            groups.scores.withUnsafeBufferPointer { all in detections.sort { all[$0] > all[$1] } }
        }
        if detections.count > maxDetection { detections.removeSubrange(maxDetection...) }
        scores.removeAll(keepingCapacity: true)
        for d in detections { scores.append(groups.scores[d]) }
        ious.removeAll(keepingCapacity: true)
        guard !detections.isEmpty && !truth.isEmpty else { return true }
        if let overlaps {
            let G = truth.count
            let items = groups.groundTruthItems[truth]
            ious.append(contentsOf: repeatElement(0, count: detections.count * G))
            ious.withUnsafeMutableBufferPointer { ious in
                for (row, d) in detections.enumerated() {
                    overlaps.fill(
                        detection: groups.detectionItems[d], truths: items,
                        into: UnsafeMutableBufferPointer(rebasing: ious[(row * G)..<(row * G + G)]))
                }
            }
        } else {
            loadBoxIoUs(groups)
        }
        return true
    }

    /// The box IoUs of the loaded detections and ground truth.
    private mutating func loadBoxIoUs(_ groups: Groups) {
        let G = truth.count
        let first = truth.lowerBound
        ious.append(contentsOf: repeatElement(0, count: detections.count * G))
        ious.withUnsafeMutableBufferPointer { ious in
            let truthBoxes = groups.truthBoxes
            for (row, d) in detections.enumerated() {
                let b = groups.boxes
                let box = (b[4 * d], b[4 * d + 1], b[4 * d + 2], b[4 * d + 3])
                for g in 0..<G {
                    let p = first + g
                    ious[row * G + g] = MaskOperations.iou(
                        detection: box,
                        groundTruth: (
                            truthBoxes[4 * p], truthBoxes[4 * p + 1], truthBoxes[4 * p + 2], truthBoxes[4 * p + 3]
                        ),
                        crowd: groups.truthCrowd[p])
                }
            }
        }
    }

    /// Matches the loaded cell in every area range.
    mutating func match(_ groups: Groups, parameters: COCOParameters) {
        let T = parameters.iouThresholds.count
        let D = detections.count
        flags.removeAll(keepingCapacity: true)
        flags.append(contentsOf: repeatElement(0, count: parameters.areaRanges.count * T * D))
        counts.removeAll(keepingCapacity: true)
        findCandidates(lowest: min(parameters.iouThresholds.min() ?? 0, 1 - 1e-10))
        for (a, range) in parameters.areaRanges.enumerated() {
            counts.append(match(groups, thresholds: parameters.iouThresholds, range: range, base: a * T * D))
        }
    }

    /// Keeps in `candidates` the detections with an IoU not below `lowest` (or NaN, which
    /// pycocotools' comparison lets match).
    private mutating func findCandidates(lowest: Double) {
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
    private mutating func match(
        _ groups: Groups, thresholds: [Double], range: COCOParameters.AreaRange, base: Int
    ) -> Int {
        let first = truth.lowerBound
        // Ground truth ignored when crowd or outside the area range (bounds inclusive), moved last (stable).
        func ignored(_ g: Int) -> Bool {
            let area = groups.truthAreas[first + g]
            return groups.truthCrowd[first + g] || area < range.lower || area > range.upper
        }
        order.removeAll(keepingCapacity: true)
        for g in 0..<truth.count where !ignored(g) { order.append(g) }
        let regular = order.count
        for g in 0..<truth.count where ignored(g) { order.append(g) }
        if !candidates.isEmpty {
            greedy(groups, thresholds: thresholds, regular: regular, base: base)
        }
        // Unmatched detections outside the area range are ignored.
        let T = thresholds.count
        let D = detections.count
        groups.areas.withUnsafeBufferPointer { areas in
            flags.withUnsafeMutableBufferPointer { flags in
                for (d, position) in detections.enumerated() {
                    let area = areas[position]
                    guard area < range.lower || area > range.upper else { continue }
                    for t in 0..<T where flags[base + t * D + d] & 1 == 0 { flags[base + t * D + d] |= 2 }
                }
            }
        }
        return regular
    }

    /// The greedy matching of the candidates, best score first, at each threshold, against the
    /// ground truth in `order` (its first `regular` not ignored).
    private mutating func greedy(_ groups: Groups, thresholds: [Double], regular: Int, base: Int) {
        let G = truth.count
        let D = detections.count
        let first = truth.lowerBound
        taken.removeAll(keepingCapacity: true)
        taken.append(contentsOf: repeatElement(false, count: G))
        let crowd = groups.truthCrowd
        let zeroID = groups.truthZeroID
        order.withUnsafeBufferPointer { order in
            ious.withUnsafeBufferPointer { ious in
                taken.withUnsafeMutableBufferPointer { taken in
                    flags.withUnsafeMutableBufferPointer { flags in
                        for (t, threshold) in thresholds.enumerated() {
                            if t > 0 { taken.update(repeating: false) }
                            for d in candidates {
                                var best = min(threshold, 1 - 1e-10)
                                var m = -1
                                let row = d * G
                                for j in 0..<G {
                                    // A matched ground truth is taken, unless it is a crowd.
                                    if taken[j] && !crowd[first + order[j]] { continue }
                                    // Having a regular match, stop at the first ignored ground truth.
                                    if m > -1 && m < regular && j >= regular { break }
                                    let iou = ious[row + order[j]]
                                    if iou < best { continue }
                                    best = iou
                                    m = j
                                }
                                if m == -1 { continue }
                                flags[base + t * D + d] = (zeroID[first + order[m]] ? 0 : 1) | (m >= regular ? 2 : 0)
                                taken[m] = true
                            }
                        }
                    }
                }
            }
        }
    }
}
