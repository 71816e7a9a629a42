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
    /// - Parameter keepMatches: keep every image and category's matching (for match records and
    ///   error analysis); costs memory on large evaluations.
    /// - Parameter masks: the rasterised masks, when the caller has them already (`segm`).
    /// - Parameter keepTable: also keep every image's matching compactly (`COCOEvaluation.matchTable`),
    ///   what a bootstrap over images re-accumulates.
    public static func evaluate(
        _ data: EvaluationData, parameters: COCOParameters, keepMatches: Bool = false,
        masks given: MaskCache? = nil, keepTable: Bool = false
    ) -> COCOEvaluation {
        let K = parameters.useCategories ? data.categoryIDs.count : 1
        let T = parameters.iouThresholds.count
        let R = parameters.recallThresholds.count
        let A = parameters.areaRanges.count
        let M = parameters.maxDetections.count
        let imageCount = data.images.count
        let masks = parameters.iouType == .segm ? (given ?? MaskCache(data)) : nil
        let groups = Groups(data, categories: K, useCategories: parameters.useCategories)

        var table = PrecisionTable(
            iouThresholds: T, recallThresholds: R, categories: K, areaRanges: A, maxDetections: M)
        var matchRecords = [[ImageCategoryMatches]](repeating: [], count: K)
        var tables = [COCOMatchTable?](repeating: nil, count: K)
        let maxDetection = parameters.maxDetections.max() ?? 100

        let imageIDs = data.images.map(\.id)
        table.withStorage { storage in
            matchRecords.withUnsafeMutableBufferPointer { records in
                tables.withUnsafeMutableBufferPointer { tableBuffer in
                    let recordsBase = UnsafeMutableBufferPointerBox(records)
                    let tablesBase = UnsafeMutableBufferPointerBox(tableBuffer)
                    DispatchQueue.concurrentPerform(iterations: K) { k in
                        var perImage: [ImageCategoryMatches] = []
                        var evaluations = [[PerImage?]](
                            repeating: [PerImage?](repeating: nil, count: imageCount), count: A)
                        for image in 0..<imageCount {
                            guard
                                let (dts, gts, ious) = candidates(
                                    data, groups: groups, masks: masks, category: k, image: image,
                                    maxDetection: maxDetection, type: parameters.iouType)
                            else { continue }
                            for (a, range) in parameters.areaRanges.enumerated() {
                                evaluations[a][image] = match(
                                    data, parameters: parameters, range: range, detections: dts,
                                    groundTruth: gts, ious: ious)
                            }
                            if keepMatches, let all = evaluations[0][image] {
                                perImage.append(
                                    ImageCategoryMatches(
                                        image: image, category: k, detections: dts, groundTruth: gts,
                                        ious: ious, evaluation: all))
                            }
                        }
                        accumulate(
                            category: k, evaluations: evaluations, parameters: parameters, data: data, storage: storage)
                        recordsBase.buffer[k] = perImage
                        if keepTable {
                            tablesBase.buffer[k] = matchTable(
                                category: k, evaluations: evaluations, imageIDs: imageIDs, parameters: parameters)
                        }
                    }
                }
            }
        }
        var evaluation = COCOEvaluation(
            parameters: parameters, table: table, data: data, matches: matchRecords.flatMap { $0 })
        if keepTable {
            var all = COCOMatchTable(areaRanges: A, iouThresholds: T)
            for case let part? in tables { all.append(contentsOf: part) }
            evaluation.matchTable = all
        }
        return evaluation
    }

    /// One category's matchings, in image order, as a match table.
    static func matchTable(category k: Int, evaluations: [[PerImage?]], imageIDs: [Int], parameters: COCOParameters)
        -> COCOMatchTable
    {
        var table = COCOMatchTable(
            areaRanges: parameters.areaRanges.count, iouThresholds: parameters.iouThresholds.count)
        for image in imageIDs.indices {
            guard let first = evaluations[0][image] else { continue }
            var flags: [UInt8] = []
            var counts: [Int] = []
            for perArea in evaluations {
                let e = perArea[image]!
                flags += zip(e.matched, e.ignored).map { UInt8($0 ? 1 : 0) | UInt8($1 ? 2 : 0) }
                counts.append(e.groundTruthCount)
            }
            table.append(
                imageID: imageIDs[image], category: k, scores: first.scores, flags: flags, groundTruthCounts: counts)
        }
        return table
    }

    // MARK: IoU

    /// One image and category's detections (best score first, stable, cut to the largest maxDets),
    /// ground truth and IoUs; nil when the image has neither (pycocotools `computeIoU`).
    static func candidates(
        _ data: EvaluationData, groups: Groups, masks: MaskCache?, category k: Int, image: Int,
        maxDetection: Int, type: COCOParameters.IoUType
    ) -> (detections: [Int], groundTruth: [Int], ious: [Double])? {
        let gts = groups.groundTruth(category: k, image: image)
        var dts = groups.detections(category: k, image: image)
        if gts.isEmpty && dts.isEmpty { return nil }
        dts.sort { data.detections.scores[$0] > data.detections.scores[$1] }
        if dts.count > maxDetection { dts.removeSubrange(maxDetection...) }
        return (dts, gts, iouMatrix(data, masks: masks, image: image, detections: dts, groundTruth: gts, type: type))
    }

    /// IoUs, detections × ground truth (pycocotools `computeIoU`, transposed to rows of detections).
    static func iouMatrix(
        _ data: EvaluationData, masks: MaskCache?, image: Int, detections: [Int], groundTruth: [Int],
        type: COCOParameters.IoUType
    ) -> [Double] {
        guard !detections.isEmpty && !groundTruth.isEmpty else { return [] }
        var ious = [Double](repeating: 0, count: detections.count * groundTruth.count)
        let G = groundTruth.count
        for (d, detection) in detections.enumerated() {
            for (g, truth) in groundTruth.enumerated() {
                let crowd = data.groundTruth.isCrowd[truth]
                switch type {
                case .bbox:
                    ious[d * G + g] = MaskOperations.iou(
                        detection: data.detections.box(detection), groundTruth: data.groundTruth.box(truth),
                        crowd: crowd)
                case .segm:
                    let dm = masks!.detection(detection)
                    let gm = masks!.groundTruth(truth)
                    ious[d * G + g] = MaskOperations.iou(
                        detection: dm.mask, groundTruth: gm.mask, crowd: crowd,
                        detectionBox: dm.box, groundTruthBox: gm.box)
                }
            }
        }
        return ious
    }

    // MARK: Matching (pycocotools evaluateImg)

    struct PerImage {
        /// Scores of the kept detections, best first.
        var scores: [Double]
        /// [t × D + d]: matched to a ground truth whose id is not 0 (pycocotools reads `dtm` as a boolean).
        var matched: [Bool]
        /// [t × D + d]: ignored (matched to a crowd or ignored ground truth, or unmatched outside the area range).
        var ignored: [Bool]
        /// [t × D + d]: the position (in `groundTruthOrder`) of the ground truth each detection took, or -1.
        var matchedIndex: [Int32]
        /// Ground truth not ignored in this area range.
        var groundTruthCount: Int
        /// The order of the ground truth (ignored last).
        var groundTruthOrder: [Int]

        var detectionCount: Int { scores.count }
    }

    static func match(
        _ data: EvaluationData, parameters: COCOParameters, range: COCOParameters.AreaRange,
        detections: [Int], groundTruth: [Int], ious: [Double]
    ) -> PerImage {
        let T = parameters.iouThresholds.count
        let G = groundTruth.count
        let D = detections.count
        // Ground truth ignored when crowd or outside the area range (bounds inclusive), moved last (stable).
        var order: [Int] = []
        order.reserveCapacity(G)
        var ignoreFlags = [Bool](repeating: false, count: G)
        for g in 0..<G {
            let truth = groundTruth[g]
            let area = data.groundTruth.areas[truth]
            ignoreFlags[g] = data.groundTruth.isCrowd[truth] || area < range.lower || area > range.upper
            if !ignoreFlags[g] { order.append(g) }
        }
        let regular = order.count
        for g in 0..<G where ignoreFlags[g] { order.append(g) }
        var matched = [Bool](repeating: false, count: T * D)
        var ignored = [Bool](repeating: false, count: T * D)
        var matchedIndex = [Int32](repeating: -1, count: T * D)
        if !ious.isEmpty {
            var crowd = [Bool](repeating: false, count: G)
            var zeroID = [Bool](repeating: false, count: G)
            for (position, g) in order.enumerated() {
                crowd[position] = data.groundTruth.isCrowd[groundTruth[g]]
                zeroID[position] = data.groundTruth.ids[groundTruth[g]] == 0
            }
            var taken = [Bool](repeating: false, count: G)
            for (t, threshold) in parameters.iouThresholds.enumerated() {
                for g in 0..<G { taken[g] = false }
                for d in 0..<D {
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
                    ignored[t * D + d] = m >= regular
                    matched[t * D + d] = !zeroID[m]
                    matchedIndex[t * D + d] = Int32(m)
                    taken[m] = true
                }
            }
        }
        // Unmatched detections outside the area range are ignored.
        for d in 0..<D {
            let area = data.detections.areas[detections[d]]
            if area < range.lower || area > range.upper {
                for t in 0..<T where !matched[t * D + d] { ignored[t * D + d] = true }
            }
        }
        return PerImage(
            scores: detections.map { data.detections.scores[$0] }, matched: matched, ignored: ignored,
            matchedIndex: matchedIndex, groundTruthCount: regular, groundTruthOrder: order)
    }

    // MARK: Accumulation (pycocotools accumulate)

    static func accumulate(
        category k: Int, evaluations: [[PerImage?]], parameters: COCOParameters, data: EvaluationData,
        storage: PrecisionTable.Storage
    ) {
        let T = parameters.iouThresholds.count
        let R = parameters.recallThresholds.count
        let epsilon = 2.220446049250313e-16  // np.spacing(1)
        let largest = parameters.maxDetections.max() ?? 0
        var recall: [Double] = []
        var precision: [Double] = []
        for (a, perImage) in evaluations.enumerated() {
            var groundTruthCount = 0
            var any = false
            // Every kept detection of every image (image-id order), with its flags per threshold.
            var scores: [Double] = []
            var ranks: [Int32] = []
            var matchedFlags: [[Bool]] = Array(repeating: [], count: T)
            var ignoredFlags: [[Bool]] = Array(repeating: [], count: T)
            for evaluation in perImage {
                guard let evaluation else { continue }
                any = true
                groundTruthCount += evaluation.groundTruthCount
                let D = evaluation.detectionCount
                let kept = min(largest, D)
                scores.append(contentsOf: evaluation.scores[0..<kept])
                for rank in 0..<kept { ranks.append(Int32(rank)) }
                for t in 0..<T {
                    matchedFlags[t].append(contentsOf: evaluation.matched[(t * D)..<(t * D + kept)])
                    ignoredFlags[t].append(contentsOf: evaluation.ignored[(t * D)..<(t * D + kept)])
                }
            }
            if !any || groundTruthCount == 0 { continue }
            // One stable sort by score; each maxDets keeps the entries of rank below it, in that order.
            let order = stableOrderByScoreDescending(scores)
            for (m, maxDet) in parameters.maxDetections.enumerated() {
                let kept = maxDet >= largest ? order : order.filter { Int(ranks[$0]) < maxDet }
                for t in 0..<T {
                    var tp = 0.0
                    var fp = 0.0
                    recall.removeAll(keepingCapacity: true)
                    precision.removeAll(keepingCapacity: true)
                    matchedFlags[t].withUnsafeBufferPointer { matched in
                        ignoredFlags[t].withUnsafeBufferPointer { ignored in
                            for index in kept {
                                if !ignored[index] { if matched[index] { tp += 1 } else { fp += 1 } }
                                recall.append(tp / Double(groundTruthCount))
                                precision.append(tp / (fp + tp + epsilon))
                            }
                        }
                    }
                    storage.setRecall(recall.last ?? 0, t: t, k: k, a: a, m: m)
                    // Precision made monotone from the right.
                    if precision.count > 1 {
                        for i in stride(from: precision.count - 1, to: 0, by: -1) where precision[i] > precision[i - 1]
                        {
                            precision[i - 1] = precision[i]
                        }
                    }
                    // At each recall threshold, the first point reaching it (np.searchsorted, side left).
                    var position = 0
                    for (r, threshold) in parameters.recallThresholds.enumerated() {
                        while position < recall.count && recall[position] < threshold { position += 1 }
                        if position >= recall.count {
                            for rest in r..<R { storage.setPrecision(0, score: 0, t: t, r: rest, k: k, a: a, m: m) }
                            break
                        }
                        storage.setPrecision(
                            precision[position], score: scores[kept[position]], t: t, r: r, k: k, a: a, m: m)
                    }
                }
            }
        }
    }

    /// Indices sorted by score, descending, ties in their original order (numpy mergesort on −score).
    static func stableOrderByScoreDescending(_ scores: [Double]) -> [Int] {
        var indices = Array(scores.indices)
        indices.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return indices
    }
}

/// Ground truth and detections grouped by category and image, in file order within a group.
struct Groups: Sendable {
    let images: Int
    let groundTruthStart: [Int], groundTruthItems: [Int]
    let detectionStart: [Int], detectionItems: [Int]

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
    }

    func groundTruth(category k: Int, image: Int) -> [Int] {
        let cell = k * images + image
        return Array(groundTruthItems[groundTruthStart[cell]..<groundTruthStart[cell + 1]])
    }

    func detections(category k: Int, image: Int) -> [Int] {
        let cell = k * images + image
        return Array(detectionItems[detectionStart[cell]..<detectionStart[cell + 1]])
    }
}

/// Masks of every object, rasterised once (in parallel) with their bounding boxes; build one and
/// pass it to each evaluation of the same data.
public final class MaskCache: @unchecked Sendable {
    struct Entry {
        var mask: RunLengthMask
        var box: (Double, Double, Double, Double)
    }
    private var groundTruthMasks: [Entry]
    private var detectionMasks: [Entry]

    /// The masks of every ground truth and detection of `data`, rasterised once.
    public init(_ data: EvaluationData) {
        func build(_ objects: EvaluationData.Objects) -> [Entry] {
            var entries = [Entry](
                repeating: Entry(mask: RunLengthMask(height: 0, width: 0, counts: []), box: (0, 0, 0, 0)),
                count: objects.count)
            entries.withUnsafeMutableBufferPointer { buffer in
                let box = UnsafeMutableBufferPointerBox(buffer)
                DispatchQueue.concurrentPerform(iterations: max(1, (objects.count + 1023) / 1024)) { block in
                    for i in (block * 1024)..<min(objects.count, (block + 1) * 1024) {
                        let image = data.images[Int(objects.image[i])]
                        let mask =
                            objects.segmentations[i]?.mask(height: image.height, width: image.width)
                            ?? RunLengthMask(
                                height: image.height, width: image.width, counts: [UInt32(image.height * image.width)])
                        box.buffer[i] = Entry(mask: mask, box: MaskOperations.boundingBox(mask))
                    }
                }
            }
            return entries
        }
        groundTruthMasks = build(data.groundTruth)
        detectionMasks = build(data.detections)
    }

    func groundTruth(_ i: Int) -> Entry { groundTruthMasks[i] }
    func detection(_ i: Int) -> Entry { detectionMasks[i] }
}
