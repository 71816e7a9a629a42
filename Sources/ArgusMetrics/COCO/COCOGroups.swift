import ArgusCore
import Dispatch

/// Ground truth and detections grouped by category and image, in file order within a group, with
/// what the matching reads of each copied in that order: one group's objects sit side by side, and
/// a group is a range of positions.
struct Groups: Sendable {
    let images: Int
    /// Cell `k × images + image` holds the positions `start[cell]..<start[cell + 1]`; `items` maps a
    /// position back to the object's index in the data.
    let groundTruthStart: [Int], groundTruthItems: [Int]
    let detectionStart: [Int], detectionItems: [Int]
    /// The detections' scores, areas and boxes (four values each), at their positions.
    let scores: [Double], areas: [Double], boxes: [Double]
    /// The ground truth's areas, boxes (four values each), crowd flags and whether its id is 0
    /// (pycocotools reads a match to it as no match), at their positions.
    let truthAreas: [Double], truthBoxes: [Double], truthCrowd: [Bool], truthZeroID: [Bool]

    init(_ data: EvaluationData, categories K: Int, useCategories: Bool) {
        let images = data.images.count
        self.images = images
        // The ground truth and the detections, one beside the other.
        var grouped: [(start: [Int], items: [Int])] = [([], []), ([], [])]
        grouped.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                out.buffer[side] = Self.group(
                    side == 0 ? data.groundTruth : data.detections, cells: K * images, images: images,
                    useCategories: useCategories)
            }
        }
        (groundTruthStart, groundTruthItems) = grouped[0]
        (detectionStart, detectionItems) = grouped[1]
        (scores, areas, boxes) = Self.gather(data.detections, items: detectionItems)
        let truth = data.groundTruth
        let items = groundTruthItems
        (_, truthAreas, truthBoxes) = Self.gather(truth, items: items)
        truthCrowd = items.map { truth.isCrowd[$0] }
        truthZeroID = items.map { truth.ids[$0] == 0 }
    }

    /// The detection cell's positions.
    @inline(__always) func detectionPositions(cell: Int) -> Range<Int> {
        detectionStart[cell]..<detectionStart[cell + 1]
    }

    /// The ground truth cell's positions.
    @inline(__always) func truthPositions(cell: Int) -> Range<Int> {
        groundTruthStart[cell]..<groundTruthStart[cell + 1]
    }

    /// Counting sort by (category, image); within a cell, categories in id order then file order
    /// (pycocotools concatenates the categories when useCats is off).
    private static func group(_ objects: EvaluationData.Objects, cells: Int, images: Int, useCategories: Bool)
        -> (start: [Int], items: [Int])
    {
        let n = objects.count
        var counts = [Int](repeating: 0, count: cells + 1)
        var keys = [Int](repeating: 0, count: n)
        counts.withUnsafeMutableBufferPointer { counts in
            keys.withUnsafeMutableBufferPointer { keys in
                objects.category.withUnsafeBufferPointer { category in
                    objects.image.withUnsafeBufferPointer { image in
                        for i in 0..<n {
                            let k = useCategories ? Int(category[i]) : 0
                            keys[i] = k * images + Int(image[i])
                            counts[keys[i] + 1] += 1
                        }
                    }
                }
            }
            for c in 0..<cells { counts[c + 1] += counts[c] }
        }
        var fill = counts
        let items = [Int](unsafeUninitializedCapacity: n) { items, filled in
            fill.withUnsafeMutableBufferPointer { fill in
                keys.withUnsafeBufferPointer { keys in
                    func place(_ i: Int) {
                        items[fill[keys[i]]] = i
                        fill[keys[i]] += 1
                    }
                    if useCategories {
                        for i in 0..<n { place(i) }
                    } else {
                        // With useCats off, order by category first inside each cell.
                        let category = objects.category
                        for i in (0..<n).sorted(by: { (category[$0], $0) < (category[$1], $1) }) { place(i) }
                    }
                }
            }
            filled = n
        }
        return (counts, items)
    }

    /// The objects' scores (none for ground truth), areas and boxes in `items`' order, gathered in
    /// blocks on every core.
    private static func gather(_ all: EvaluationData.Objects, items: [Int])
        -> (scores: [Double], areas: [Double], boxes: [Double])
    {
        let n = items.count
        let scored = !all.scores.isEmpty
        var scores = [Double](repeating: 0, count: scored ? n : 0)
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
                            if scored { scoresOut.buffer[p] = all.scores[i] }
                            areasOut.buffer[p] = all.areas[i]
                            for c in 0..<4 { boxesOut.buffer[4 * p + c] = all.boxes[4 * i + c] }
                        }
                    }
                }
            }
        }
        return (scores, areas, boxes)
    }
}
