/// Several record sets of one evaluation (VOC match records and COCO matching) as one: the images
/// of all, matched by name, drawn together; the labels of the first, the others' per-label values
/// matched to them by name.
public struct CombinedResampling: ResampledEvaluation {
    /// Every part's images, the first part's first.
    public let imageNames: [String]
    /// The first part's labels.
    public let labels: [String]
    let parts: [any ResampledEvaluation]
    /// Per part, each of its images' position in `imageNames`.
    let imagePositions: [[Int]]
    /// Per part, each of `labels`' position in the part's labels (nil where it has none).
    let labelPositions: [[Int?]]

    /// The union of the parts' scalars.
    public var scalarNames: [String] { parts.flatMap(\.scalarNames) }
    /// The union of the parts' per-label metrics.
    public var labelMetricNames: [String] { parts.flatMap(\.labelMetricNames) }

    /// - Parameter parts: record sets of one evaluation, at least one.
    public init(_ parts: [any ResampledEvaluation]) {
        precondition(!parts.isEmpty, "nothing to combine")
        var names: [String] = []
        var index: [String: Int] = [:]
        imagePositions = parts.map { part in
            part.imageNames.map { name in
                if let known = index[name] { return known }
                index[name] = names.count
                names.append(name)
                return names.count - 1
            }
        }
        imageNames = names
        labels = parts[0].labels
        labelPositions = parts.map { part in
            var own: [String: Int] = [:]
            for (position, label) in part.labels.enumerated() { own[label] = position }
            return parts[0].labels.map { own[$0] }
        }
        self.parts = parts
    }

    /// Every metric of every part under `weights`.
    public func snapshot(weights: [Int32]) -> MetricSnapshot {
        snapshot(weights: weights, scalars: Set(scalarNames), perLabel: Set(labelMetricNames))
    }

    /// The named metrics, each from the part that has it.
    public func snapshot(weights: [Int32], scalars: Set<String>, perLabel: Set<String>) -> MetricSnapshot {
        var result = MetricSnapshot(scalars: [:], perLabel: [:])
        for (p, part) in parts.enumerated() {
            let ownScalars = scalars.intersection(part.scalarNames)
            let ownLabels = perLabel.intersection(part.labelMetricNames)
            guard !ownScalars.isEmpty || !ownLabels.isEmpty else { continue }
            let partWeights = imagePositions[p].map { weights[$0] }
            let values = part.snapshot(weights: partWeights, scalars: ownScalars, perLabel: ownLabels)
            for name in ownScalars where result.scalars[name] == nil { result.scalars[name] = values.scalars[name] }
            for name in ownLabels where result.perLabel[name] == nil {
                guard let list = values.perLabel[name] else { continue }
                result.perLabel[name] = labelPositions[p].map { $0.flatMap { list[$0] } }
            }
        }
        return result
    }
}
