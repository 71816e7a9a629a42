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
    /// - Parameters:
    ///   - masks: the rasterised masks, when the caller has them already (`segm`).
    ///   - overlaps: the mask IoUs, when the caller has compared them already (`segm`; serving at
    ///     least `overlapsNeeded(_:)`).
    ///   - keepTable: also keep every image's matching compactly (`COCOEvaluation.matchTable`),
    ///     what a bootstrap over images re-accumulates.
    public static func evaluate(
        _ data: EvaluationData, parameters: COCOParameters, masks: MaskCache? = nil, overlaps: MaskOverlaps? = nil,
        keepTable: Bool = false
    ) -> COCOEvaluation {
        let K = parameters.useCategories ? data.categoryIDs.count : 1
        let A = parameters.areaRanges.count
        let T = parameters.iouThresholds.count
        let overlaps = Self.overlaps(data, parameters: parameters, masks: masks, given: overlaps)
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
                        data, parameters: parameters, groups: groups, overlaps: overlaps, category: k)
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
        _ data: EvaluationData, parameters: COCOParameters, groups: Groups, overlaps: MaskOverlaps?, category k: Int
    ) -> COCOMatchTable {
        var table = COCOMatchTable(
            areaRanges: parameters.areaRanges.count, iouThresholds: parameters.iouThresholds.count)
        var matcher = Matcher()
        let maxDetection = parameters.maxDetections.max() ?? 100
        for image in 0..<data.images.count {
            let cell = k * groups.images + image
            guard matcher.load(groups: groups, overlaps: overlaps, cell: cell, maxDetection: maxDetection) else {
                continue
            }
            matcher.match(groups, parameters: parameters)
            table.append(
                imageID: data.images[image].id, category: k, scores: matcher.scores, flags: matcher.flags,
                groundTruthCounts: matcher.counts)
        }
        return table
    }

    /// The mask pairs the matching reads: IoUs down to the lowest threshold (one below it matches
    /// nothing), across categories only where categories are not used.
    public static func overlapsNeeded(_ parameters: COCOParameters) -> MaskOverlaps.Need {
        MaskOverlaps.Need(
            minimum: parameters.iouThresholds.min() ?? 0,
            crossScore: parameters.useCategories ? Double.infinity : -Double.infinity)
    }

    /// The mask IoUs the matching reads (segm; nil for boxes): `given`, where the caller compared
    /// them already (serving at least `overlapsNeeded(_:)`), else compared here (in `masks`, or
    /// masks rasterised here).
    static func overlaps(
        _ data: EvaluationData, parameters: COCOParameters, masks: MaskCache?, given: MaskOverlaps?
    ) -> MaskOverlaps? {
        guard parameters.iouType == .segm else { return nil }
        return MaskOverlaps.serving(overlapsNeeded(parameters), given: given, data: data, masks: masks)
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
