import ArgusCore
import ArgusMasks
import Dispatch

/// The TIDE error breakdown (Bolya et al., ECCV 2020) on the VOC matching: every false positive
/// is given one error type, every undetected object not explained by a classification or
/// localisation error is missed, and each type's cost is the mAP gained by fixing its errors.
///
/// Types (foreground IoU `t_f` = the VOC threshold, background IoU `t_b` = 0.1):
/// - duplicate: right class, IoU ≥ t_f with an object a better detection already took;
/// - classification: IoU ≥ t_f with an object of another class;
/// - localisation: right class, t_b ≤ IoU < t_f;
/// - both: wrong class, t_b ≤ IoU < t_f;
/// - background: IoU < t_b with every object;
/// - missed: objects no detection found, other than those a classification or localisation error points at.
///
/// Fixes (TIDE's oracles): a classification (localisation) error becomes a true positive of the
/// object's class when that object is still free, else it is removed; duplicates, "both" and
/// background errors are removed; missed objects leave the ground-truth count.
public struct TIDEBreakdown: Sendable {
    /// TIDE's error types, in its order.
    public enum ErrorType: String, CaseIterable, Sendable {
        case classification, localization, both, duplicate, background, missed
    }

    /// The error of one false positive (aligned with `VOCEvaluator.Result.records`).
    public struct DetectionError: Sendable, Hashable {
        /// The error's type.
        public var type: ErrorType
        /// The object a classification or localisation error points at (its annotation id), or nil.
        public var target: Int?
        /// The category the error points at (its own, or the object's for a classification error).
        public var targetCategory: Int32
        /// Whether a true positive already took that object.
        public var targetTaken: Bool
        /// An error.
        public init(type: ErrorType, target: Int?, targetCategory: Int32, targetTaken: Bool) {
            self.type = type
            self.target = target
            self.targetCategory = targetCategory
            self.targetTaken = targetTaken
        }
    }

    /// The IoU at which a detection is a match (the VOC threshold).
    public var foregroundThreshold: Double
    /// The IoU below which a detection is background (0.1).
    public var backgroundThreshold: Double
    /// How many detections (or missed objects) fall in each error type.
    public var counts: [ErrorType: Int]
    /// mAP after fixing each type minus the mAP as evaluated (nil when mAP is undefined).
    public var deltaAP: [ErrorType: Double?]
    /// The mAP before any fix.
    public var meanAveragePrecision: Double?

    /// A breakdown from values computed elsewhere (category by category, in a streamed evaluation).
    public init(
        counts: [ErrorType: Int], deltaAP: [ErrorType: Double?], meanAveragePrecision: Double?,
        foregroundThreshold: Double, backgroundThreshold: Double = 0.1
    ) {
        self.counts = counts
        self.deltaAP = deltaAP
        self.meanAveragePrecision = meanAveragePrecision
        self.foregroundThreshold = foregroundThreshold
        self.backgroundThreshold = backgroundThreshold
    }

    /// Classifies the false positives of a VOC matching and counts the missed objects per class.
    public static func classify(
        _ data: EvaluationData, voc: VOCEvaluator.Result, backgroundThreshold tb: Double = 0.1,
        segm: Bool = false, masks given: MaskCache? = nil
    ) -> (errors: [DetectionError?], missedByClass: [Int]) {
        let tf = voc.iouThreshold
        let masks = segm ? (given ?? MaskCache(data)) : nil
        var truthByImage = [[Int]](repeating: [], count: data.images.count)
        for g in 0..<data.groundTruth.count where !data.groundTruth.isCrowd[g] {
            truthByImage[Int(data.groundTruth.image[g])].append(g)
        }
        var taken = Set<Int>()
        for match in voc.matches where match.outcome == .truePositive {
            if let g = match.groundTruth { taken.insert(g) }
        }
        // Each false positive on its own (blocks of them on every core), then the objects pointed at.
        var errors = [DetectionError?](repeating: nil, count: voc.matches.count)
        var targets = [Int32](repeating: -1, count: voc.matches.count)
        let block = 2048
        // Plain arrays for the workers: `data` is not copied on every core.
        let lists = truthByImage
        let takenObjects = taken
        let detectionImages = data.detections.image
        let detectionCategories = data.detections.category
        let detectionBoxes = data.detections.boxes
        let truth = (boxes: data.groundTruth.boxes, categories: data.groundTruth.category, ids: data.groundTruth.ids)
        errors.withUnsafeMutableBufferPointer { errorBuffer in
            targets.withUnsafeMutableBufferPointer { targetBuffer in
                let errorsOut = UnsafeMutableBufferPointerBox(errorBuffer)
                let targetsOut = UnsafeMutableBufferPointerBox(targetBuffer)
                DispatchQueue.concurrentPerform(iterations: (voc.matches.count + block - 1) / block) { b in
                    var values: [Double] = []
                    for position in (b * block)..<min(voc.matches.count, (b + 1) * block) {
                        let match = voc.matches[position]
                        guard match.outcome == .falsePositive else { continue }
                        let d = match.detection
                        let truths = lists[Int(detectionImages[d])]
                        values.removeAll(keepingCapacity: true)
                        if let masks {
                            // Below the background threshold every overlap counts alike: masks are not compared there.
                            masks.appendIoUs(
                                detection: d, groundTruths: truths, crowd: { _ in false }, minimum: tb, to: &values)
                        } else {
                            let box = (
                                detectionBoxes[4 * d], detectionBoxes[4 * d + 1], detectionBoxes[4 * d + 2],
                                detectionBoxes[4 * d + 3]
                            )
                            for g in truths {
                                let truthBox = (
                                    truth.boxes[4 * g], truth.boxes[4 * g + 1], truth.boxes[4 * g + 2],
                                    truth.boxes[4 * g + 3]
                                )
                                values.append(MaskOperations.iou(detection: box, groundTruth: truthBox, crowd: false))
                            }
                        }
                        let (error, target) = Self.error(
                            category: detectionCategories[d], truths: truths, ious: values,
                            truthCategories: truth.categories, truthIDs: truth.ids, foreground: tf, background: tb,
                            taken: takenObjects)
                        errorsOut.buffer[position] = error
                        targetsOut.buffer[position] = Int32(target ?? -1)
                    }
                }
            }
        }
        let pointedAt = Set(targets.lazy.filter { $0 >= 0 }.map { Int($0) })
        var missedByClass = [Int](repeating: 0, count: data.categoryIDs.count)
        for g in 0..<data.groundTruth.count
        where !data.groundTruth.isCrowd[g] && !taken.contains(g) && !pointedAt.contains(g) {
            missedByClass[Int(data.groundTruth.category[g])] += 1
        }
        return (errors, missedByClass)
    }

    /// A false positive of `category`: its error from its IoUs with the image's non-crowd objects
    /// `truths`, and the object it points at (an index into the ground truth), if any.
    static func error(
        category: Int32, truths: [Int], ious: [Double], truthCategories: [Int32], truthIDs: [Int],
        foreground tf: Double, background tb: Double, taken: Set<Int>
    ) -> (DetectionError, target: Int?) {
        var bestSame = (-1.0, -1)
        var bestOther = (-1.0, -1)
        for (g, value) in zip(truths, ious) {
            if truthCategories[g] == category {
                if value > bestSame.0 { bestSame = (value, g) }
            } else if value > bestOther.0 {
                bestOther = (value, g)
            }
        }
        let type: ErrorType
        let target: Int?
        if bestSame.0 >= tf {
            (type, target) = (.duplicate, nil)
        } else if bestOther.0 >= tf {
            (type, target) = (.classification, bestOther.1)
        } else if bestSame.0 >= tb {
            (type, target) = (.localization, bestSame.1)
        } else if bestOther.0 >= tb {
            (type, target) = (.both, nil)
        } else {
            (type, target) = (.background, nil)
        }
        let error = DetectionError(
            type: type, target: target.map { truthIDs[$0] }, targetCategory: target.map { truthCategories[$0] } ?? -1,
            targetTaken: target.map { taken.contains($0) } ?? false)
        return (error, target)
    }

    /// The records and ground-truth counts with the errors of `type` fixed, in score order (ties in
    /// file order): a classification or localisation error on an object not yet taken becomes its
    /// true positive (once an object), other errors of the type are removed; missed objects leave
    /// the counts.
    static func fix(
        _ type: ErrorType, records: [VOCEvaluator.Record], errors: [DetectionError?], order: [Int],
        truthCounts: [Int], missedByClass: [Int]
    ) -> ([VOCEvaluator.Record], [Int]) {
        if type == .missed { return (records, zip(truthCounts, missedByClass).map { $0 - $1 }) }
        var fixed = records
        var claimed = Set<Int>()
        var removed = Set<Int>()
        for position in order {
            guard let error = errors[position], error.type == type else { continue }
            if type == .classification || type == .localization, let target = error.target, !error.targetTaken,
                claimed.insert(target).inserted
            {
                fixed[position].outcome = .truePositive
                fixed[position].category = error.targetCategory
            } else {
                removed.insert(position)
            }
        }
        return (fixed.enumerated().filter { !removed.contains($0.offset) }.map(\.element), truthCounts)
    }

    /// The breakdown from classified errors (of one evaluation or of merged shards).
    public init(
        records: [VOCEvaluator.Record], errors: [DetectionError?], missedByClass: [Int], truthCounts: [Int],
        names: [String], interpolation: VOCEvaluator.Interpolation, foregroundThreshold: Double,
        backgroundThreshold: Double = 0.1
    ) {
        self.foregroundThreshold = foregroundThreshold
        self.backgroundThreshold = backgroundThreshold
        var counts = [ErrorType: Int]()
        ErrorType.allCases.forEach { counts[$0] = 0 }
        for error in errors { if let error { counts[error.type]! += 1 } }
        counts[.missed] = missedByClass.reduce(0, +)
        self.counts = counts
        @Sendable func mAP(_ records: [VOCEvaluator.Record], _ truthCounts: [Int]) -> Double? {
            let values = VOCEvaluator.classResults(
                names: names, truthCounts: truthCounts, records: records, interpolation: interpolation
            )
            .compactMap(\.averagePrecision)
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        let base = mAP(records, truthCounts)
        meanAveragePrecision = base
        // Fixes in score order (ties in file order), one type at a time.
        let order = records.indices.sorted {
            records[$0].score > records[$1].score
                || (records[$0].score == records[$1].score && records[$0].order < records[$1].order)
        }
        // Each type's fix on a core of its own.
        let types = ErrorType.allCases
        var fixedAPs = [Double?](repeating: nil, count: types.count)
        fixedAPs.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: types.count) { index in
                let type = types[types.index(types.startIndex, offsetBy: index)]
                let (fixed, fixedCounts) = Self.fix(
                    type, records: records, errors: errors, order: order, truthCounts: truthCounts,
                    missedByClass: missedByClass)
                out.buffer[index] = mAP(fixed, fixedCounts)
            }
        }
        var delta = [ErrorType: Double?]()
        for (index, type) in types.enumerated() {
            if let value = fixedAPs[index], let base {
                delta[type] = value - base
            } else {
                delta[type] = .some(nil)
            }
        }
        deltaAP = delta
    }
}
