/// The result of a COCO evaluation: the tables, the 12 statistics and per-category AP.
public struct COCOEvaluation: Sendable {
    /// The parameters it was evaluated with.
    public let parameters: COCOParameters
    /// pycocotools' `eval['precision']`, `['recall']` and `['scores']`.
    public let table: PrecisionTable
    /// The evaluated data.
    public let data: EvaluationData
    /// Every image and category's matching, kept compactly when asked for (nil otherwise).
    public var matchTable: COCOMatchTable?

    /// pycocotools' `stats`: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl
    /// (−1 where undefined, as pycocotools), computed exactly as `summarize()`, once.
    public private(set) var stats: [Double] = []

    /// The evaluation of `data` with `parameters`, whose accumulation is `table`.
    public init(parameters: COCOParameters, table: PrecisionTable, data: EvaluationData) {
        self.parameters = parameters
        self.table = table
        self.data = data
        stats = summaries()
    }

    /// The 12 statistics of `stats`.
    private func summaries() -> [Double] {
        let maxDets = parameters.maxDetections
        func detail(_ index: Int) -> Int { index < maxDets.count ? maxDets[index] : -1 }
        return [
            summarize(ap: true, maxDetections: 100),
            summarize(ap: true, iouThreshold: 0.5, maxDetections: detail(2)),
            summarize(ap: true, iouThreshold: 0.75, maxDetections: detail(2)),
            summarize(ap: true, area: "small", maxDetections: detail(2)),
            summarize(ap: true, area: "medium", maxDetections: detail(2)),
            summarize(ap: true, area: "large", maxDetections: detail(2)),
            summarize(ap: false, maxDetections: detail(0)),
            summarize(ap: false, maxDetections: detail(1)),
            summarize(ap: false, maxDetections: detail(2)),
            summarize(ap: false, area: "small", maxDetections: detail(2)),
            summarize(ap: false, area: "medium", maxDetections: detail(2)),
            summarize(ap: false, area: "large", maxDetections: detail(2)),
        ]
    }

    /// One summary value (pycocotools `_summarize`): the mean of the defined entries, −1 if none.
    public func summarize(ap: Bool, iouThreshold: Double? = nil, area: String = "all", maxDetections: Int = 100)
        -> Double
    {
        let areas = parameters.areaRanges.indices.filter { parameters.areaRanges[$0].label == area }
        let dets = parameters.maxDetections.indices.filter { parameters.maxDetections[$0] == maxDetections }
        let thresholds =
            iouThreshold.map { value in
                parameters.iouThresholds.indices.filter { parameters.iouThresholds[$0] == value }
            }
            ?? Array(parameters.iouThresholds.indices)
        var values: [Double] = []
        values.reserveCapacity(thresholds.count * (table.recallThresholds + 1) * table.categories)
        // numpy's C order over s[t, r, k, a, m] (or s[t, k, a, m]).
        for t in thresholds {
            if ap {
                for r in 0..<table.recallThresholds {
                    for k in 0..<table.categories {
                        for a in areas {
                            for m in dets {
                                let v = table.rawPrecision(t: t, r: r, k: k, a: a, m: m)
                                if v > -1 { values.append(v) }
                            }
                        }
                    }
                }
            } else {
                for k in 0..<table.categories {
                    for a in areas {
                        for m in dets {
                            let v = table.rawRecall(t: t, k: k, a: a, m: m)
                            if v > -1 { values.append(v) }
                        }
                    }
                }
            }
        }
        return values.isEmpty ? -1 : NumpyMath.mean(values)
    }

    /// Per-category AP (IoU .50:.95) and AP50 at area "all" and the largest maxDets; nil where the
    /// category has no ground truth.
    public func perCategory() -> [(name: String, id: Int, ap: Double?, ap50: Double?)] {
        guard parameters.useCategories else { return [] }
        let a = parameters.areaRanges.firstIndex { $0.label == "all" } ?? 0
        let m = parameters.maxDetections.count - 1
        let t50 = parameters.iouThresholds.firstIndex(of: 0.5)
        return data.categoryIDs.indices.map { k in
            func mean(_ thresholds: [Int]) -> Double? {
                var values: [Double] = []
                for t in thresholds {
                    for r in 0..<table.recallThresholds {
                        let v = table.rawPrecision(t: t, r: r, k: k, a: a, m: m)
                        if v > -1 { values.append(v) }
                    }
                }
                return values.isEmpty ? nil : NumpyMath.mean(values)
            }
            return (
                data.categoryNames[k], data.categoryIDs[k], mean(Array(0..<table.iouThresholds)),
                t50.flatMap { mean([$0]) }
            )
        }
    }
}
