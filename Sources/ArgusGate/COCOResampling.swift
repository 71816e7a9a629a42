import ArgusCore
import ArgusMetrics
import ArgusResults
import Dispatch

/// COCO evaluation from its per-image matching (`coco_matches.json`): pycocotools' 12 statistics
/// (`coco.AP` … `coco.ARl`) and per-category AP and AP50 (`coco.AP`, `coco.AP50` per label),
/// re-accumulated under per-image weights without matching again.
///
/// An image drawn w times contributes each of its detections w times, at the detection's place
/// in the score order, and its ground truth w times. Detections ignored at a threshold are left
/// out of that threshold's curve: in pycocotools they add a point equal to the one before, which
/// changes neither the interpolated precision nor the recall. With every weight 1 the statistics
/// are those of `COCOEvaluation.stats`.
public struct COCOResampling: ResampledEvaluation {
    /// Every evaluated image, in `coco_matches.json`'s order.
    public let imageNames: [String]
    /// The categories' names, in evaluation order.
    public let labels: [String]
    let parameters: COCOParameters
    let categories: [Category]

    /// One category's detections over all images, in pycocotools' accumulation order.
    struct Category: Sendable {
        /// Each detection's image (a position in `imageNames`).
        var image: [Int32] = []
        /// Its rank among its image's detections of this category (for maxDets).
        var rank: [Int32] = []
        /// Whether the next detection has the same score and image (a tie inside one image).
        var tiedWithNext: [Bool] = []
        /// Per area range: bit t set where the detection counts (is not ignored) at threshold t.
        var counted: [[UInt16]]
        /// Per area range: bit t set where it is a true positive at threshold t.
        var truePositive: [[UInt16]]
        /// Per area range: the ground truth not ignored, as (image, count).
        var truth: [[(image: Int32, count: Int32)]]
    }

    /// The statistics the records recompute, named as the gate names them.
    public var scalarNames: [String] { COCOStatistic.allCases.map { Self.scalarName($0) } }
    /// The per-category metrics the records recompute.
    public var labelMetricNames: [String] { [Self.scalarName(.ap), Self.scalarName(.ap50)] }

    /// The gate's name of a statistic (`coco.AP50`).
    public static func scalarName(_ statistic: COCOStatistic) -> String { "coco.\(statistic.name)" }

    /// - Parameter file: an evaluation's `coco_matches.json`.
    public init(file: COCOMatchesFile) {
        let parameters = file.parameters
        precondition(parameters.iouThresholds.count <= 16, "at most 16 IoU thresholds")
        self.parameters = parameters
        imageNames = file.imageNames
        labels = file.categoryNames
        var position: [Int: Int32] = [:]
        for (index, id) in file.imageIDs.enumerated() { position[id] = Int32(index) }
        let table = file.table
        // Entries of each category in image-id order (pycocotools' p.imgIds).
        var entries = [[Int]](repeating: [], count: file.categoryIDs.count)
        for e in 0..<table.count where position[table.imageIDs[e]] != nil {
            entries[Int(table.categories[e])].append(e)
        }
        categories = entries.map { list in
            Self.category(table: table, entries: list.sorted { table.imageIDs[$0] < table.imageIDs[$1] }) {
                position[table.imageIDs[$0]]!
            }
        }
    }

    static func category(table: COCOMatchTable, entries: [Int], position: (Int) -> Int32) -> Category {
        let A = table.areaRanges
        let T = table.iouThresholds
        var scores: [Double] = []
        var images: [Int32] = []
        var ranks: [Int32] = []
        var counted = [[UInt16]](repeating: [], count: A)
        var positives = [[UInt16]](repeating: [], count: A)
        var truth = [[(image: Int32, count: Int32)]](repeating: [], count: A)
        for e in entries {
            let image = position(e)
            let D = table.detectionCount(e)
            for a in 0..<A {
                let entry = table.entry(e, areaRange: a)
                if a == 0 { scores += entry.scores }
                if entry.groundTruthCount > 0 { truth[a].append((image, Int32(entry.groundTruthCount))) }
                let flags = Array(entry.flags)
                for d in 0..<D {
                    var count: UInt16 = 0
                    var positive: UInt16 = 0
                    for t in 0..<T {
                        let flag = flags[t * D + d]
                        guard flag & 2 == 0 else { continue }
                        count |= 1 << t
                        if flag & 1 != 0 { positive |= 1 << t }
                    }
                    counted[a].append(count)
                    positives[a].append(positive)
                }
            }
            images += [Int32](repeating: image, count: D)
            ranks += (0..<D).map { Int32($0) }
        }
        // One stable sort by score, best first (numpy's mergesort on −score).
        var order = Array(scores.indices)
        order.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let sortedImages = order.map { images[$0] }
        let tied = order.indices.map { i in
            i + 1 < order.count && scores[order[i]] == scores[order[i + 1]] && sortedImages[i] == sortedImages[i + 1]
        }
        return Category(
            image: sortedImages, rank: order.map { ranks[$0] }, tiedWithNext: tied,
            counted: counted.map { list in order.map { list[$0] } },
            truePositive: positives.map { list in order.map { list[$0] } }, truth: truth)
    }

    /// Every statistic and per-category metric under `weights`.
    public func snapshot(weights: [Int32]) -> MetricSnapshot {
        snapshot(weights: weights, scalars: Set(scalarNames), perLabel: Set(labelMetricNames))
    }

    /// The named statistics and per-category metrics under `weights`, computing only the area
    /// ranges and maxDets they need.
    public func snapshot(weights: [Int32], scalars: Set<String>, perLabel: Set<String>) -> MetricSnapshot {
        let wanted = COCOStatistic.allCases.filter { scalars.contains(Self.scalarName($0)) }
        let labelWanted = perLabel.contains(Self.scalarName(.ap)) || perLabel.contains(Self.scalarName(.ap50))
        let all = areaIndex("all")
        let largest = parameters.maxDetections.count - 1
        var cells = Set(wanted.map { cell($0) })
        if labelWanted { cells.insert(Cell(area: all, maxDetections: largest)) }
        var tables: [Cell: CellTable] = [:]
        for cell in cells { tables[cell] = table(cell, weights: weights) }
        var result = MetricSnapshot(scalars: [:], perLabel: [:])
        for statistic in wanted {
            result.scalars[Self.scalarName(statistic)] = summarize(statistic, tables[cell(statistic)]!)
        }
        if labelWanted {
            let table = tables[Cell(area: all, maxDetections: largest)]!
            let t50 = parameters.iouThresholds.firstIndex(of: 0.5)
            result.perLabel[Self.scalarName(.ap)] = labels.indices.map {
                table.meanPrecision(category: $0, thresholds: Array(parameters.iouThresholds.indices))
            }
            result.perLabel[Self.scalarName(.ap50)] = labels.indices.map { k in
                t50.flatMap { table.meanPrecision(category: k, thresholds: [$0]) }
            }
        }
        return result
    }

    // MARK: Accumulation

    /// An area range and maxDets setting (indices into the parameters).
    struct Cell: Hashable {
        var area: Int
        var maxDetections: Int
    }

    /// One cell's precision (T × R × K, −1 where undefined) and recall (T × K).
    struct CellTable {
        let T: Int, R: Int, K: Int
        var precision: [Double]
        var recall: [Double]

        func meanPrecision(category k: Int, thresholds: [Int]) -> Double? {
            var values: [Double] = []
            for t in thresholds {
                for r in 0..<R where precision[(t * R + r) * K + k] > -1 {
                    values.append(precision[(t * R + r) * K + k])
                }
            }
            return values.isEmpty ? nil : NumpyMath.mean(values)
        }
    }

    func areaIndex(_ label: String) -> Int { parameters.areaRanges.firstIndex { $0.label == label } ?? 0 }

    func cell(_ statistic: COCOStatistic) -> Cell {
        let area: String
        switch statistic {
        case .apSmall, .arSmall: area = "small"
        case .apMedium, .arMedium: area = "medium"
        case .apLarge, .arLarge: area = "large"
        default: area = "all"
        }
        let m: Int
        switch statistic {
        case .ar1: m = 0
        case .ar10: m = min(1, parameters.maxDetections.count - 1)
        default: m = parameters.maxDetections.count - 1
        }
        return Cell(area: areaIndex(area), maxDetections: m)
    }

    /// pycocotools' `_summarize` of one statistic over its cell: the mean of the defined entries.
    func summarize(_ statistic: COCOStatistic, _ table: CellTable) -> Double? {
        let thresholds: [Int]
        switch statistic {
        case .ap50: thresholds = parameters.iouThresholds.indices.filter { parameters.iouThresholds[$0] == 0.5 }
        case .ap75: thresholds = parameters.iouThresholds.indices.filter { parameters.iouThresholds[$0] == 0.75 }
        default: thresholds = Array(parameters.iouThresholds.indices)
        }
        var values: [Double] = []
        let isAP = statistic.index < COCOStatistic.ar1.index
        for t in thresholds {
            if isAP {
                for r in 0..<table.R {
                    for k in 0..<table.K where table.precision[(t * table.R + r) * table.K + k] > -1 {
                        values.append(table.precision[(t * table.R + r) * table.K + k])
                    }
                }
            } else {
                for k in 0..<table.K where table.recall[t * table.K + k] > -1 {
                    values.append(table.recall[t * table.K + k])
                }
            }
        }
        return values.isEmpty ? nil : NumpyMath.mean(values)
    }

    /// Accumulates one cell under `weights`, categories spread over the cores.
    func table(_ cell: Cell, weights: [Int32]) -> CellTable {
        let T = parameters.iouThresholds.count
        let R = parameters.recallThresholds.count
        let K = categories.count
        var precision = [Double](repeating: -1, count: T * R * K)
        var recall = [Double](repeating: -1, count: T * K)
        let maxDetections = Int32(parameters.maxDetections[cell.maxDetections])
        let thresholds = parameters.recallThresholds
        precision.withUnsafeMutableBufferPointer { precisionBuffer in
            recall.withUnsafeMutableBufferPointer { recallBuffer in
                let precisionBox = UnsafeMutableBufferPointerBox(precisionBuffer)
                let recallBox = UnsafeMutableBufferPointerBox(recallBuffer)
                DispatchQueue.concurrentPerform(iterations: K) { k in
                    let category = categories[k]
                    var truth = 0
                    for (image, count) in category.truth[cell.area] { truth += Int(weights[Int(image)]) * Int(count) }
                    guard truth > 0 else { return }
                    var curves = WeightedCurves(thresholds: T, truth: truth)
                    curves.accumulate(category, area: cell.area, weights: weights, maxDetections: maxDetections)
                    for t in 0..<T {
                        recallBox.buffer[t * K + k] = curves.recall(t)
                        curves.interpolate(t, at: thresholds) { r, value in
                            precisionBox.buffer[(t * R + r) * K + k] = value
                        }
                    }
                }
            }
        }
        return CellTable(T: T, R: R, K: K, precision: precision, recall: recall)
    }
}

/// One category's precision at each true positive, per IoU threshold, over resampled images.
///
/// pycocotools' interpolated precision at recall threshold r is the largest precision of the
/// points whose recall reaches r. Recall grows only at true positives, and a false positive only
/// lowers the precision of the true positive before it, so that largest precision is always at a
/// true positive: only those points are kept (the m-th true positive's precision is
/// m / (m + false positives so far + ε), pycocotools' arithmetic).
struct WeightedCurves {
    let T: Int
    let truth: Int
    /// Per threshold, the precision at each true positive, in order.
    var atPositives: [[Double]]
    /// Per threshold, false positives beyond `sharedFalse`.
    var falsePositives: [Int]
    /// False positives counted at every threshold.
    var sharedFalse = 0

    init(thresholds T: Int, truth: Int) {
        self.T = T
        self.truth = truth
        atPositives = [[Double]](repeating: [], count: T)
        falsePositives = [Int](repeating: 0, count: T)
    }

    /// The detections in score order: an image drawn w times is w adjacent images, so each
    /// detection comes w times at its place, and detections of one image with equal scores come
    /// copy after copy.
    mutating func accumulate(
        _ category: COCOResampling.Category, area a: Int, weights: [Int32], maxDetections: Int32
    ) {
        let everyThreshold = UInt16(truncatingIfNeeded: (1 << T) - 1)
        let counted = category.counted[a]
        let positives = category.truePositive[a]
        let n = category.image.count
        var i = 0
        while i < n {
            let w = Int(weights[Int(category.image[i])])
            if !category.tiedWithNext[i] {
                if w > 0 && category.rank[i] < maxDetections {
                    if positives[i] == 0 && counted[i] == everyThreshold {
                        sharedFalse += w
                    } else {
                        add(counted: counted[i], positive: positives[i], copies: w)
                    }
                }
                i += 1
                continue
            }
            var end = i + 1
            while category.tiedWithNext[end - 1] { end += 1 }
            for _ in 0..<w {
                for j in i..<end where category.rank[j] < maxDetections {
                    add(counted: counted[j], positive: positives[j], copies: 1)
                }
            }
            i = end
        }
    }

    mutating func add(counted: UInt16, positive: UInt16, copies: Int) {
        let epsilon = 2.220446049250313e-16  // np.spacing(1)
        for t in 0..<T where counted & (1 << t) != 0 {
            if positive & (1 << t) == 0 {
                falsePositives[t] += copies
                continue
            }
            let fp = Double(sharedFalse + falsePositives[t])
            for _ in 0..<copies {
                let tp = Double(atPositives[t].count + 1)
                atPositives[t].append(tp / (fp + tp + epsilon))
            }
        }
    }

    /// pycocotools' final recall at threshold t.
    func recall(_ t: Int) -> Double { Double(atPositives[t].count) / Double(truth) }

    /// The interpolated precision at each recall threshold (0 where recall never reaches it).
    mutating func interpolate(_ t: Int, at thresholds: [Double], _ set: (Int, Double) -> Void) {
        var precision = atPositives[t]
        PositiveInterpolation.envelope(&precision)
        PositiveInterpolation.forEachThreshold(thresholds, positives: precision.count, truth: truth) { r, m in
            set(r, m.map { precision[$0] } ?? 0)
        }
    }
}
