import ArgusCore
import Dispatch

extension EvaluationData {
    /// How each COCO result becomes a detection: its box and area as pycocotools' `loadRes` gives
    /// them, or the problem that stops the evaluation (the first in file order).
    struct Placing: Sendable {
        let results: DetectionResults
        /// Each result's image (all known).
        let slots: [Int32]
        let sizes: [(height: Int, width: Int)]
        /// Whether results take their areas from their boxes (the first result has one).
        let boxBranch: Bool
        /// Whether masks were measured (the first problem among them found then).
        let decoding: Bool
        let firstProblem: (index: Int, message: String)?
        /// The footprints measured in the evaluation (where the reader measured none), or empty.
        let measured: [MaskFootprint?]

        /// Result `i`'s mask's area and box: measured by its reader, or in the evaluation.
        func footprint(_ i: Int) -> MaskFootprint? {
            (measured.isEmpty ? nil : measured[i]) ?? results.footprint(at: i)
        }

        /// Result `i`'s box and area, or what is wrong with it.
        func place(_ i: Int) -> Result<(box: Box, area: Double), EvaluationError> {
            let size = sizes[Int(slots[i])]
            // The mask's problem, found with it on every core where masks are measured.
            let problem =
                decoding
                ? (i == firstProblem?.index ? firstProblem?.message : nil)
                : EvaluationData.problem(
                    of: results.segmentation(at: i), height: size.height, width: size.width, decoding: false)
            let number = results.position(at: i) + 1
            if let problem { return .failure(EvaluationError("result \(number): \(problem)")) }
            let box = results.box(at: i)
            if boxBranch {
                guard let box else {
                    return .failure(
                        EvaluationError(
                            "result \(number) has no bbox while the first one has: pycocotools requires a bbox on every result then"
                        ))
                }
                return .success((box, box.width * box.height))
            }
            guard let footprint = footprint(i) else {
                return .failure(EvaluationError("result \(number) has neither a bbox nor a segmentation"))
            }
            return .success((box ?? footprint.box, Double(footprint.area)))
        }

        /// Every result placed in blocks on every core: the detections of the categories in
        /// `categoryIndex`, in file order, without shapes, and how many were left out.
        /// - Throws: the first result's problem, in file order, as one pass in order would.
        func placedConcurrently(categoryIndex: IDIndex) throws(EvaluationError) -> (Objects, skipped: Int) {
            let n = results.count
            let blocks = Self.blocks(n)
            // Each result's category (-1 where it is left out), and each block's first problem and
            // kept count.
            var outcomes = [(failure: EvaluationError?, kept: Int)](repeating: (nil, 0), count: blocks)
            let categoryIDs = results.categoryIDs
            let placed = [Int32](unsafeUninitializedCapacity: n) { buffer, initialized in
                outcomes.withUnsafeMutableBufferPointer { outcomeBuffer in
                    let categoryOut = UnsafeMutableBufferPointerBox(buffer)
                    let outcomeOut = UnsafeMutableBufferPointerBox(outcomeBuffer)
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        var outcome: (failure: EvaluationError?, kept: Int) = (nil, 0)
                        for i in Self.range(block, of: n) {
                            var category: Int32 = -1
                            if outcome.failure == nil {
                                switch place(i) {
                                case .failure(let failure): outcome.failure = failure
                                // Results of categories the ground truth does not have take no part
                                // (pycocotools filters them).
                                case .success: category = categoryIndex[categoryIDs[i]] ?? -1
                                }
                            }
                            (categoryOut.buffer.baseAddress! + i).initialize(to: category)
                            if category >= 0 { outcome.kept += 1 }
                        }
                        outcomeOut.buffer[block] = outcome
                    }
                }
                initialized = n
            }
            if let failure = outcomes.lazy.compactMap(\.failure).first { throw failure }
            // The kept results in order, each block's from where the blocks before it end.
            var ends = [0]
            for outcome in outcomes { ends.append(ends[ends.count - 1] + outcome.kept) }
            let starts = ends
            let total = starts[blocks]
            let kept = [Int](unsafeUninitializedCapacity: total) { buffer, initialized in
                let out = UnsafeMutableBufferPointerBox(buffer)
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    var j = starts[block]
                    for i in Self.range(block, of: n) where placed[i] >= 0 {
                        (out.buffer.baseAddress! + j).initialize(to: i)
                        j += 1
                    }
                }
                initialized = total
            }
            var objects = Objects()
            (objects.boxes, objects.areas) = placedBoxes(kept)
            objects.image = Array(concurrentlyFilled: total) { slots[kept[$0]] }
            objects.category = Array(concurrentlyFilled: total) { placed[kept[$0]] }
            let positions = results.positions
            objects.ids = Array(concurrentlyFilled: total) {
                positions.isEmpty ? kept[$0] + 1 : Int(positions[kept[$0]]) + 1
            }
            objects.isCrowd = [Bool](repeating: false, count: total)
            let scores = results.scores
            objects.scores = Array(concurrentlyFilled: total) { scores[kept[$0]] }
            return (objects, n - total)
        }

        /// The boxes (four values each) and areas of the results `kept`, which all place.
        private func placedBoxes(_ kept: [Int]) -> (boxes: [Double], areas: [Double]) {
            let total = kept.count
            var areas: [Double] = []
            let boxes = [Double](unsafeUninitializedCapacity: 4 * total) { boxBuffer, boxCount in
                areas = [Double](unsafeUninitializedCapacity: total) { areaBuffer, areaCount in
                    let boxOut = UnsafeMutableBufferPointerBox(boxBuffer)
                    let areaOut = UnsafeMutableBufferPointerBox(areaBuffer)
                    DispatchQueue.concurrentPerform(iterations: Self.blocks(total)) { block in
                        for j in Self.range(block, of: total) {
                            guard case .success(let (box, area)) = place(kept[j]) else { continue }
                            let values = boxOut.buffer.baseAddress! + 4 * j
                            values.initialize(to: box.minX)
                            (values + 1).initialize(to: box.minY)
                            (values + 2).initialize(to: box.width)
                            (values + 3).initialize(to: box.height)
                            (areaOut.buffer.baseAddress! + j).initialize(to: area)
                        }
                    }
                    areaCount = total
                }
                boxCount = 4 * total
            }
            return (boxes, areas)
        }

        private static let blockSize = 16384

        private static func blocks(_ count: Int) -> Int { (count + blockSize - 1) / blockSize }

        private static func range(_ block: Int, of count: Int) -> Range<Int> {
            (block * blockSize)..<min(count, (block + 1) * blockSize)
        }
    }
}

extension EvaluationData.Objects {
    /// Appends one detection (not a crowd), without a shape.
    mutating func append(image: Int32, category: Int32, box: Box, area: Double, id: Int, score: Double) {
        self.image.append(image)
        self.category.append(category)
        boxes.append(box.minX)
        boxes.append(box.minY)
        boxes.append(box.width)
        boxes.append(box.height)
        areas.append(area)
        ids.append(id)
        isCrowd.append(false)
        scores.append(score)
    }
}
