import ArgusCore
import Dispatch

/// The mask IoUs an evaluation reads, each pair compared once and each detection's runs decoded
/// once for all of them: the COCO matching (a detection against the ground truth of its category)
/// and the confusion matrix (against every class) both read them here instead of comparing masks
/// on their own.
///
/// A pair is compared where its detection and ground truth share an image, and either share a
/// category or the detection scores at least `crossScore` (the confusion matrix counts no
/// detection below it). IoUs that cannot reach `minimum` are not worked out (`MaskCache.appendIoUs`)
/// and read as 0, as are pairs not compared: every reader ignores IoUs below `minimum`.
public struct MaskOverlaps: Sendable {
    /// The lowest IoU worked out.
    public let minimum: Double
    /// The lowest score at which detections were compared with other categories' ground truth.
    public let crossScore: Double
    /// Detection `d`'s pairs are `start[d]..<start[d + 1]` of `truths` and `values`, in ground-truth order.
    private let start: [Int]
    private let truths: [Int32]
    private let values: [Double]

    /// Compares the masks of `data` (rasterised in `masks`) on every core, a block of images at a time.
    /// - Parameters:
    ///   - minimum: the lowest IoU any reader counts.
    ///   - crossScore: the lowest score at which a detection is compared with ground truth of
    ///     other categories.
    public init(_ data: EvaluationData, masks: MaskCache, minimum: Double, crossScore: Double) {
        self.minimum = minimum
        self.crossScore = crossScore
        let images = data.images.count
        let truthByImage = ImageLists(
            Array(0..<data.groundTruth.count), imageOf: data.groundTruth.image, images: images)
        let detectionsByImage = ImageLists(
            Array(0..<data.detections.count), imageOf: data.detections.image, images: images)
        let blockSize = 64
        let blocks = (images + blockSize - 1) / blockSize
        var found = [[Pair]](repeating: [], count: blocks)
        // The columns as plain arrays: a closure over `data` would retain its arrays at each read.
        let detectionCategory = data.detections.category
        let scores = data.detections.scores
        let truthCategory = data.groundTruth.category
        let isCrowd = data.groundTruth.isCrowd
        found.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                var pairs: [Pair] = []
                for image in (block * blockSize)..<min(images, (block + 1) * blockSize) {
                    masks.compare(
                        detections: detectionsByImage[image], truths: truthByImage[image],
                        comparing: { d, g in scores[d] >= crossScore || truthCategory[g] == detectionCategory[d] },
                        crowd: { isCrowd[$0] }, minimum: minimum
                    ) { d, g, value in
                        pairs.append(Pair(detection: Int32(d), truth: Int32(g), value: value))
                    }
                }
                out.buffer[block] = pairs
            }
        }
        // Detections in order: each block's pairs go where their detections' counts place them. A
        // detection's pairs all come from its image's block, so blocks count and place on every
        // core without meeting.
        let n = data.detections.count
        let blockPairs = found
        var start = [Int](repeating: 0, count: n + 1)
        start.withUnsafeMutableBufferPointer { buffer in
            let counts = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                for pair in blockPairs[block] { counts.buffer[Int(pair.detection) + 1] += 1 }
            }
        }
        for d in 0..<n { start[d + 1] += start[d] }
        let total = start[n]
        let starts = start
        var values: [Double] = []
        let truths = [Int32](unsafeUninitializedCapacity: total) { truthBuffer, truthCount in
            values = [Double](unsafeUninitializedCapacity: total) { valueBuffer, valueCount in
                let (truthsOut, valuesOut) = (
                    UnsafeMutableBufferPointerBox(truthBuffer), UnsafeMutableBufferPointerBox(valueBuffer)
                )
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    // A detection's pairs come one after the other (`MaskCache.compare`).
                    var at = 0
                    var previous: Int32 = -1
                    for pair in blockPairs[block] {
                        at = pair.detection == previous ? at + 1 : starts[Int(pair.detection)]
                        previous = pair.detection
                        (truthsOut.buffer.baseAddress! + at).initialize(to: pair.truth)
                        (valuesOut.buffer.baseAddress! + at).initialize(to: pair.value)
                    }
                }
                valueCount = total
            }
            truthCount = total
        }
        self.start = start
        self.truths = truths
        self.values = values
    }

    /// What a reader needs of the pairs: IoUs down to `minimum`, across categories for detections
    /// scoring at least `crossScore`.
    public struct Need: Sendable {
        /// The lowest IoU the reader counts.
        public var minimum: Double
        /// The lowest score at which the reader counts a detection against other categories.
        public var crossScore: Double

        /// A need of IoUs down to `minimum`, across categories from `crossScore`.
        public init(minimum: Double, crossScore: Double) {
            self.minimum = minimum
            self.crossScore = crossScore
        }

        /// What two readers need together.
        public func union(_ other: Need) -> Need {
            Need(minimum: min(minimum, other.minimum), crossScore: min(crossScore, other.crossScore))
        }
    }

    /// Pairs that serve `need`: `given` (which must), else compared here (in `masks`, or masks
    /// rasterised here).
    static func serving(_ need: Need, given: MaskOverlaps?, data: EvaluationData, masks: MaskCache?) -> MaskOverlaps {
        if let given {
            precondition(
                given.minimum <= need.minimum && given.crossScore <= need.crossScore,
                "mask IoUs that leave out pairs their reader counts")
            return given
        }
        return MaskOverlaps(data, masks: masks ?? MaskCache(data), minimum: need.minimum, crossScore: need.crossScore)
    }

    private struct Pair {
        var detection: Int32
        var truth: Int32
        var value: Double
    }

    /// Detection `d`'s IoU with ground truth `g` (of its image), 0 where it was not worked out.
    /// Complexity: O(the pairs of `d`), a few at most.
    @inline(__always)
    public func iou(detection d: Int, truth g: Int) -> Double {
        for p in start[d]..<start[d + 1] where truths[p] == Int32(truncatingIfNeeded: g) { return values[p] }
        return 0
    }

    /// Writes detection `d`'s IoUs into `row`, whose column `j` is ground truth `truths[j]` (zeros
    /// elsewhere): `row` must hold zeros.
    @inline(__always)
    func fill(detection d: Int, truths columns: ArraySlice<Int>, into row: UnsafeMutableBufferPointer<Double>) {
        for p in start[d]..<start[d + 1] {
            let g = Int(truths[p])
            // The cell's ground truth are few: found by a look along them.
            if let j = columns.firstIndex(of: g) { row[j - columns.startIndex] = values[p] }
        }
    }
}
