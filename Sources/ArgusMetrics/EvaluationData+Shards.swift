extension EvaluationData {
    /// The images whose position (in id order) is `index` modulo `count`, with their objects.
    /// Object ids (detections: their place in the predictions file) are kept, so that shards
    /// merge back in the order of one evaluation.
    public func shard(_ index: Int, of count: Int) -> EvaluationData {
        precondition(count > 0 && index >= 0 && index < count, "shard \(index) of \(count)")
        var newIndex = [Int32](repeating: -1, count: images.count)
        var kept: [Image] = []
        for (position, image) in images.enumerated() where position % count == index {
            newIndex[position] = Int32(kept.count)
            kept.append(image)
        }
        func filter(_ objects: Objects) -> Objects {
            var result = Objects()
            for i in 0..<objects.count {
                let image = newIndex[Int(objects.image[i])]
                if image < 0 { continue }
                result.image.append(image)
                result.category.append(objects.category[i])
                result.boxes += objects.boxes[(4 * i)..<(4 * i + 4)]
                result.areas.append(objects.areas[i])
                result.ids.append(objects.ids[i])
                result.isCrowd.append(objects.isCrowd[i])
                if !objects.scores.isEmpty { result.scores.append(objects.scores[i]) }
                if !objects.segmentations.isEmpty { result.segmentations.append(from: objects.segmentations, at: i) }
                if !objects.footprints.isEmpty { result.footprints.append(objects.footprints[i]) }
            }
            return result
        }
        return EvaluationData(
            images: kept, categoryIDs: categoryIDs, categoryNames: categoryNames,
            groundTruth: filter(groundTruth), detections: filter(detections))
    }
}
