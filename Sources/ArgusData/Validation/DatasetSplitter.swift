import ArgusCore
import ArgusIO

/// Deterministic hold-out of a validation set (docs/formats.md, `validation_data_size`).
public enum DatasetSplitter {
    /// Splits `dataset` into training and validation parts.
    ///
    /// The images are shuffled with a seeded generator (SplitMix64), so the same seed always gives
    /// the same split. For multi-class classification the split is stratified: each class gives
    /// `round(n × fraction)` of its images (at least one where it has two or more), so every class
    /// appears on both sides where it can. Other tasks are split as a whole.
    /// - Parameter fraction: the validation share, in the open interval (0, 1).
    public static func split(_ dataset: Dataset, fraction: Double, seed: UInt64) -> (
        train: Dataset, validation: Dataset
    ) {
        precondition(fraction > 0 && fraction < 1, "validation fraction must be in (0, 1)")
        var generator = SplitMix64(seed: seed)
        var validationIndices: [Int] = []
        if dataset.task == .imageClassification || (dataset.task == nil && dataset.inferredTask == .imageClassification)
        {
            var groups: [String: [Int]] = [:]
            var order: [String] = []
            for (index, image) in dataset.images.enumerated() {
                let key: String
                if case .category(let label) = image.annotation { key = label } else { key = "" }
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(index)
            }
            for key in order {
                var members = groups[key]!
                members.shuffle(using: &generator)
                var take = Int((Double(members.count) * fraction).rounded())
                if members.count >= 2 { take = min(max(take, 1), members.count - 1) }
                validationIndices += members.prefix(take)
            }
        } else {
            var all = Array(dataset.images.indices)
            all.shuffle(using: &generator)
            var take = Int((Double(all.count) * fraction).rounded())
            if all.count >= 2 { take = min(max(take, 1), all.count - 1) }
            validationIndices = Array(all.prefix(take))
        }
        let chosen = Set(validationIndices)
        var train = dataset
        var validation = dataset
        // Both parts keep the source's order.
        train.images = dataset.images.indices.filter { !chosen.contains($0) }.map { dataset.images[$0] }
        validation.images = dataset.images.indices.filter { chosen.contains($0) }.map { dataset.images[$0] }
        return (train, validation)
    }
}
