import Dispatch

/// One image and category's matching in one area range: what COCO accumulation needs of it, so
/// that evaluations of disjoint image sets (shards) merge into the result of one evaluation.
public struct COCOImageMatch: Sendable, Hashable {
    public var imageID: Int
    /// Category index (into the evaluation's sorted category ids; 0 when categories are not used).
    public var category: Int
    /// Area range index.
    public var areaRange: Int
    /// Scores of the kept detections, best first.
    public var scores: [Double]
    /// [t × D + d]: bit 0 matched (to a ground truth of nonzero id), bit 1 ignored.
    public var flags: [UInt8]
    /// Ground truth not ignored in this area range.
    public var groundTruthCount: Int

    public init(imageID: Int, category: Int, areaRange: Int, scores: [Double], flags: [UInt8], groundTruthCount: Int) {
        self.imageID = imageID; self.category = category; self.areaRange = areaRange
        self.scores = scores; self.flags = flags; self.groundTruthCount = groundTruthCount
    }
}

extension COCOEvaluator {
    /// Every image, category and area range's matching (evaluate without accumulate).
    public static func imageMatches(_ data: EvaluationData, parameters: COCOParameters, masks given: MaskCache? = nil) -> [COCOImageMatch] {
        let K = parameters.useCategories ? data.categoryIDs.count : 1
        let masks = parameters.iouType == .segm ? (given ?? MaskCache(data)) : nil
        let groups = Groups(data, categories: K, useCategories: parameters.useCategories)
        let maxDetection = parameters.maxDetections.max() ?? 100
        var perCategory = [[COCOImageMatch]](repeating: [], count: K)
        perCategory.withUnsafeMutableBufferPointer { buffer in
            let box = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: K) { k in
                var list: [COCOImageMatch] = []
                for image in 0..<data.images.count {
                    guard let (dts, gts, ious) = candidates(data, groups: groups, masks: masks, category: k, image: image,
                                                            maxDetection: maxDetection, type: parameters.iouType) else { continue }
                    for (a, range) in parameters.areaRanges.enumerated() {
                        let e = match(data, parameters: parameters, range: range, detections: dts, groundTruth: gts, ious: ious)
                        let flags = zip(e.matched, e.ignored).map { UInt8($0 ? 1 : 0) | UInt8($1 ? 2 : 0) }
                        list.append(COCOImageMatch(imageID: data.images[image].id, category: k, areaRange: a, scores: e.scores,
                                                   flags: flags, groundTruthCount: e.groundTruthCount))
                    }
                }
                box.buffer[k] = list
            }
        }
        return perCategory.flatMap { $0 }
    }

    /// Accumulates and summarises image matchings (of one evaluation, or of several shards with
    /// disjoint images): the same result as evaluating all images at once.
    public static func evaluate(imageMatches: [COCOImageMatch], categoryIDs: [Int], categoryNames: [String],
                                parameters: COCOParameters) -> COCOEvaluation {
        let K = parameters.useCategories ? categoryIDs.count : 1
        let T = parameters.iouThresholds.count, A = parameters.areaRanges.count
        // The image axis: every image id, ascending (pycocotools' p.imgIds order).
        let imageIDs = Array(Set(imageMatches.map(\.imageID))).sorted()
        var positions: [Int: Int] = [:]
        for (index, id) in imageIDs.enumerated() { positions[id] = index }
        var grouped = [[COCOImageMatch]](repeating: [], count: K)
        for match in imageMatches { grouped[match.category].append(match) }
        let position = positions, byCategory = grouped
        var table = PrecisionTable(iouThresholds: T, recallThresholds: parameters.recallThresholds.count, categories: K,
                                   areaRanges: A, maxDetections: parameters.maxDetections.count)
        let data = EvaluationData(images: [], categoryIDs: categoryIDs, categoryNames: categoryNames,
                                  groundTruth: .init(), detections: .init())
        table.withStorage { storage in
            DispatchQueue.concurrentPerform(iterations: K) { k in
                var evaluations = [[PerImage?]](repeating: [PerImage?](repeating: nil, count: imageIDs.count), count: A)
                for match in byCategory[k] {
                    let D = match.scores.count
                    precondition(match.flags.count == T * D, "image match of the wrong shape")
                    evaluations[match.areaRange][position[match.imageID]!] = PerImage(
                        scores: match.scores, matched: match.flags.map { $0 & 1 != 0 }, ignored: match.flags.map { $0 & 2 != 0 },
                        matchedIndex: [], groundTruthCount: match.groundTruthCount, groundTruthOrder: [])
                }
                accumulate(category: k, evaluations: evaluations, parameters: parameters, data: data, storage: storage)
            }
        }
        return COCOEvaluation(parameters: parameters, table: table, data: data, matches: [])
    }
}
