import ArgusCore
import Dispatch

/// Every image and category's COCO matching in every area range, held compactly: what COCO
/// accumulation needs of each, so that evaluations of disjoint image sets (shards, or the passes
/// of a streamed evaluation) merge into the result of one evaluation.
///
/// One entry per (image, category) with candidates; its detections' scores once (best first, the
/// same in every area range), and per area range, IoU threshold and detection a flag byte
/// (bit 0: matched to a ground truth of nonzero id; bit 1: ignored). About 8 + A × T bytes per
/// kept detection and 40 bytes per entry, instead of two arrays per area range and entry.
public struct COCOMatchTable: Sendable {
    /// The number of area ranges.
    public let areaRanges: Int
    /// The number of IoU thresholds.
    public let iouThresholds: Int
    /// Each entry's image id.
    public private(set) var imageIDs: [Int] = []
    /// Each entry's category index.
    public private(set) var categories: [Int32] = []
    /// [entry × A + a]: ground truth not ignored in area range a.
    public private(set) var groundTruthCounts: [Int32] = []
    /// Entry e's detections are `scores[starts[e]..<starts[e + 1]]`.
    public private(set) var starts: [Int] = [0]
    /// The kept detections' scores, entry after entry.
    public private(set) var scores: [Double] = []
    /// Per entry, [a × T × D + t × D + d], entries one after another (offset A × T × starts[e]).
    public private(set) var flags: [UInt8] = []

    /// An empty table for this many area ranges and IoU thresholds.
    public init(areaRanges: Int, iouThresholds: Int) {
        self.areaRanges = areaRanges
        self.iouThresholds = iouThresholds
    }

    /// The number of (image, category) entries.
    public var count: Int { imageIDs.count }

    /// Adds an entry; `flags` holds A × T × D bytes, `groundTruthCounts` A values.
    public mutating func append(
        imageID: Int, category: Int, scores entryScores: [Double], flags entryFlags: [UInt8],
        groundTruthCounts counts: [Int]
    ) {
        precondition(
            counts.count == areaRanges && entryFlags.count == areaRanges * iouThresholds * entryScores.count,
            "COCO match of the wrong shape")
        imageIDs.append(imageID)
        categories.append(Int32(category))
        for count in counts { groundTruthCounts.append(Int32(count)) }
        scores.append(contentsOf: entryScores)
        starts.append(scores.count)
        flags.append(contentsOf: entryFlags)
    }

    /// Appends another table's entries (of disjoint images).
    public mutating func append(contentsOf other: COCOMatchTable) {
        precondition(
            other.areaRanges == areaRanges && other.iouThresholds == iouThresholds,
            "COCO matches of different parameters")
        let base = scores.count
        imageIDs += other.imageIDs
        categories += other.categories
        groundTruthCounts += other.groundTruthCounts
        starts += other.starts.dropFirst().map { $0 + base }
        scores += other.scores
        flags += other.flags
    }

    /// Entry e's scores, and its flags in area range a (T × D, [t × D + d]).
    public func entry(_ e: Int, areaRange a: Int) -> (
        scores: ArraySlice<Double>, flags: ArraySlice<UInt8>, groundTruthCount: Int
    ) {
        let start = starts[e]
        let D = starts[e + 1] - start
        let flagStart = areaRanges * iouThresholds * start + a * iouThresholds * D
        return (
            scores[start..<(start + D)], flags[flagStart..<(flagStart + iouThresholds * D)],
            Int(groundTruthCounts[e * areaRanges + a])
        )
    }

    /// The number of kept detections of entry `e`.
    public func detectionCount(_ e: Int) -> Int { starts[e + 1] - starts[e] }
}

extension COCOEvaluator {
    /// Every image and category's matching in every area range (evaluate without accumulate);
    /// `masks` and `overlaps` as in `evaluate`.
    public static func imageMatches(
        _ data: EvaluationData, parameters: COCOParameters, masks: MaskCache? = nil, overlaps: MaskOverlaps? = nil
    ) -> COCOMatchTable {
        let K = parameters.useCategories ? data.categoryIDs.count : 1
        let overlaps = Self.overlaps(data, parameters: parameters, masks: masks, given: overlaps)
        let groups = Groups(data, categories: K, useCategories: parameters.useCategories)
        var perCategory = [COCOMatchTable?](repeating: nil, count: K)
        perCategory.withUnsafeMutableBufferPointer { buffer in
            let box = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: K) { k in
                box.buffer[k] = categoryMatches(
                    data, parameters: parameters, groups: groups, overlaps: overlaps, category: k)
            }
        }
        var all = COCOMatchTable(areaRanges: parameters.areaRanges.count, iouThresholds: parameters.iouThresholds.count)
        for case let table? in perCategory { all.append(contentsOf: table) }
        return all
    }

    /// Accumulates and summarises image matchings (of one evaluation, or of several shards with
    /// disjoint images): the same result as evaluating all images at once.
    public static func evaluate(
        imageMatches: COCOMatchTable, categoryIDs: [Int], categoryNames: [String],
        parameters: COCOParameters
    ) -> COCOEvaluation {
        let K = parameters.useCategories ? categoryIDs.count : 1
        let T = parameters.iouThresholds.count
        let A = parameters.areaRanges.count
        precondition(
            imageMatches.count == 0 || (imageMatches.areaRanges == A && imageMatches.iouThresholds == T),
            "COCO matches of other parameters")
        // Each category's entries in image-id order (pycocotools' p.imgIds).
        var grouped = [[Int]](repeating: [], count: K)
        for e in 0..<imageMatches.count { grouped[Int(imageMatches.categories[e])].append(e) }
        let byCategory = grouped.map { list in list.sorted { imageMatches.imageIDs[$0] < imageMatches.imageIDs[$1] } }
        var table = PrecisionTable(
            iouThresholds: T, recallThresholds: parameters.recallThresholds.count, categories: K,
            areaRanges: A, maxDetections: parameters.maxDetections.count)
        table.withStorage { storage in
            DispatchQueue.concurrentPerform(iterations: K) { k in
                accumulate(
                    category: k, matches: imageMatches, entries: byCategory[k], parameters: parameters,
                    storage: storage)
            }
        }
        let data = EvaluationData(
            images: [], categoryIDs: categoryIDs, categoryNames: categoryNames,
            groundTruth: .init(), detections: .init())
        return COCOEvaluation(parameters: parameters, table: table, data: data)
    }
}

/// Accumulates a COCO evaluation one category at a time (from matchings read back category by
/// category), so that only one category's matchings are in memory: the same table, statistics
/// and per-category AP as `evaluate(imageMatches:)`.
public struct COCOAccumulator {
    let parameters: COCOParameters
    let data: EvaluationData
    var table: PrecisionTable

    /// An accumulator of the categories' matchings (each ordered by its own image ids).
    public init(categoryIDs: [Int], categoryNames: [String], parameters: COCOParameters) {
        self.parameters = parameters
        data = EvaluationData(
            images: [], categoryIDs: categoryIDs, categoryNames: categoryNames, groundTruth: .init(),
            detections: .init())
        let K = parameters.useCategories ? categoryIDs.count : 1
        table = PrecisionTable(
            iouThresholds: parameters.iouThresholds.count, recallThresholds: parameters.recallThresholds.count,
            categories: K, areaRanges: parameters.areaRanges.count, maxDetections: parameters.maxDetections.count)
    }

    /// Accumulates category `k` from its matchings (every entry must be of category k).
    public mutating func add(category k: Int, matches: COCOMatchTable) {
        for e in 0..<matches.count {
            precondition(Int(matches.categories[e]) == k, "a matching of another category")
        }
        let entries = (0..<matches.count).sorted { matches.imageIDs[$0] < matches.imageIDs[$1] }
        let parameters = self.parameters
        table.withStorage { storage in
            COCOEvaluator.accumulate(
                category: k, matches: matches, entries: entries, parameters: parameters, storage: storage)
        }
    }

    /// The evaluation of every category added.
    public func evaluation() -> COCOEvaluation {
        COCOEvaluation(parameters: parameters, table: table, data: data)
    }
}
