import ArgusCore

/// Predictions kept at an operating point: the boxes a detector would report at a score threshold.
public enum ScoreFilter {
    /// `dataset` with only the predicted objects scoring at least `minimum`; images keep their place
    /// (an image whose every box falls below stays, with no boxes).
    /// - Returns: the filtered dataset and how many objects were dropped, or nil when an object has
    ///   no score (ground truth, not predictions).
    public static func keeping(_ dataset: Dataset, scoringAtLeast minimum: Double) -> (Dataset, dropped: Int)? {
        var filtered = dataset
        var dropped = 0
        for index in filtered.images.indices {
            guard case .objects(let objects) = filtered.images[index].annotation else { continue }
            guard objects.allSatisfy({ $0.score != nil }) else { return nil }
            let kept = objects.filter { $0.score! >= minimum }
            dropped += objects.count - kept.count
            filtered.images[index].annotation = .objects(kept)
        }
        return (filtered, dropped)
    }
}
