import ArgusCore
import ArgusData
import ArgusIO
import ArgusMasks
import ArgusMetrics
import ArgusResults

/// What one evaluation computes from its data, whole or a shard: the one path both take.
struct EvaluationParts {
    var voc: VOCEvaluator.Result?
    /// COCO accumulated (a whole evaluation) …
    var coco: COCOEvaluation?
    /// … or the per-image matching a merge accumulates later (a shard).
    var cocoMatches: COCOMatchTable?
    var confusion: DetectionConfusionMatrix
    var imageLevel: ImageLevelMetrics?
    /// TIDE's error of each VOC record and the missed objects per class.
    var tideErrors: (errors: [TIDEBreakdown.DetectionError?], missedByClass: [Int])?

    /// Evaluates `data` with `job`'s settings.
    /// - Parameters:
    ///   - cocoAccumulated: accumulate COCO here (true) or keep its per-image matching (false).
    ///   - truthMasks: the masks of `data`'s ground truth, where they were rasterised ahead.
    init(
        _ job: DetectionEvaluationJob, _ data: EvaluationData, cocoAccumulated: Bool,
        truthMasks: MaskCache.TruthMasks? = nil
    ) {
        let segm = job.task == .imageInstanceSegmentation
        // Masks are rasterised once for every part of the evaluation.
        let masks = segm ? MaskCache(data, truth: truthMasks) : nil
        if job.metricType.includesVOC {
            voc = VOCEvaluator.evaluate(
                data, iouThreshold: job.iouThreshold, interpolation: job.interpolation, segm: segm,
                pixelInclusive: job.pixelInclusive, masks: masks)
        }
        let parameters = COCOParameters(iouType: segm ? .segm : .bbox)
        // The sweep serves the report's score-threshold slider, which VOC pages have.
        let sweep = job.metricType.includesVOC
        // Mask IoUs compared once for the COCO matching and the confusion matrix.
        let overlaps = masks.map { masks in
            var need = DetectionConfusionMatrix.overlapsNeeded(
                iouThreshold: job.iouThreshold, scoreThreshold: job.scoreThreshold, sweep: sweep)
            if job.metricType.includesCOCO { need = need.union(COCOEvaluator.overlapsNeeded(parameters)) }
            return MaskOverlaps(data, masks: masks, minimum: need.minimum, crossScore: need.crossScore)
        }
        // The COCO matching and the confusion matrix read the same overlaps: side by side, one
        // takes up the cores the other leaves idle.
        let (cocoParts, confusion) = concurrently(
            { () -> (COCOEvaluation?, COCOMatchTable?) in
                guard job.metricType.includesCOCO else { return (nil, nil) }
                if cocoAccumulated {
                    let accumulated = COCOEvaluator.evaluate(
                        data, parameters: parameters, overlaps: overlaps, keepTable: job.keepCOCOMatching)
                    return (accumulated, nil)
                }
                return (nil, COCOEvaluator.imageMatches(data, parameters: parameters, overlaps: overlaps))
            },
            {
                DetectionConfusionMatrix(
                    data, iouThreshold: job.iouThreshold, scoreThreshold: job.scoreThreshold, segm: segm,
                    overlaps: overlaps, sweep: sweep)
            })
        (coco, cocoMatches) = cocoParts
        self.confusion = confusion
        imageLevel = voc.map { ImageLevelMetrics(data, matches: $0.matches, scoreThreshold: job.scoreThreshold) }
        tideErrors = voc.map { TIDEBreakdown.classify(data, voc: $0, segm: segm, masks: masks) }
    }
}

extension DetectionEvaluationJob {
    /// The settings a shard's state records (and a merge checks).
    var stateSettings: EvaluationState.Settings {
        EvaluationState.Settings(
            task: task, metricType: metricType, iouThreshold: iouThreshold, interpolation: interpolation,
            pixelInclusive: pixelInclusive, scoreThreshold: scoreThreshold, groundTruth: groundTruthPath,
            predictions: predictionsPath)
    }

    /// Evaluates this job's shard into a state for `argus merge`.
    /// - Parameter matches: receives the shard's VOC matching to write its match records, which the
    ///   state then does not keep; without it, the state keeps them as lines.
    /// - Returns: the state and the reader's diagnostics.
    /// - Throws: `DataError` naming the file, line and field of bad input, or what `matches` throws.
    public func runState(
        matches: ((VOCEvaluator.Result, [TIDEBreakdown.DetectionError?]?, EvaluationData) throws -> Void)? = nil
    ) throws -> (EvaluationState, Diagnostics) {
        let prepared = try prepare()
        let data = prepared.data
        let skipped = prepared.skipped
        let diagnostics = prepared.diagnostics
        let parts = EvaluationParts(self, data, cocoAccumulated: false)
        let level = parts.imageLevel
        var state = EvaluationState(
            settings: stateSettings,
            categoryIDs: data.categoryIDs, categoryNames: data.categoryNames, imageIDs: data.images.map(\.id),
            groundTruthCount: data.groundTruth.count, detectionCount: data.detections.count,
            skippedDetections: skipped,
            vocTruthCounts: parts.voc?.truthCounts, vocRecords: parts.voc?.records,
            tideErrors: parts.tideErrors?.errors, tideMissed: parts.tideErrors?.missedByClass,
            cocoMatches: parts.cocoMatches,
            confusion: parts.confusion.counts,
            imageLevel: level.map { [$0.truePositives, $0.falseNegatives, $0.falsePositives, $0.trueNegatives] },
            matchLines: matches == nil
                ? parts.voc.map { matchLineList($0, errors: parts.tideErrors?.errors, data: data) } ?? [] : [])
        state.confusionSweepThresholds = parts.confusion.sweepThresholds
        state.confusionSweep = parts.confusion.sweep
        state.notes = prepared.notes
        state.imageNames = data.images.map(\.name)
        state.shard = shard
        if let matches, let voc = parts.voc {
            try matches(voc, parts.tideErrors?.errors, data)
        }
        return (state, diagnostics)
    }

    /// Evaluates this job's shard and writes its state file for `argus merge`.
    /// - Parameters:
    ///   - path: the state file.
    ///   - overwrite: whether an existing file may be replaced.
    /// - Returns: the state and the reader's diagnostics.
    /// - Throws: `DataError` for bad input or a file that cannot be written.
    public func writeState(to path: String, overwrite: Bool) throws -> (EvaluationState, Diagnostics) {
        try OutputFile.checkDestination(path, overwrite: overwrite, inputs: [groundTruthPath, predictionsPath])
        let (state, diagnostics) = try runState()
        try OutputFile.write(state.bytes(), to: path)
        return (state, diagnostics)
    }
}
