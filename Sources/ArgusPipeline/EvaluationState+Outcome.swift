import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults

extension EvaluationState {
    /// The outcome the merged state stands for, ready to be written as one evaluation.
    /// - Parameter keepCOCOMatching: keep the images' COCO matching for `coco_matches.json` (states
    ///   that name their images).
    public func outcome(keepCOCOMatching: Bool = false) -> (
        job: DetectionEvaluationJob, outcome: DetectionEvaluationJob.Outcome
    ) {
        var job = DetectionEvaluationJob(
            task: settings.task, groundTruth: settings.groundTruth, predictions: settings.predictions)
        job.metricType = settings.metricType
        job.iouThreshold = settings.iouThreshold
        job.interpolation = settings.interpolation
        job.pixelInclusive = settings.pixelInclusive
        job.scoreThreshold = settings.scoreThreshold
        var voc: VOCEvaluator.Result?
        if let counts = vocTruthCounts, let records = vocRecords {
            let classes = VOCEvaluator.classResults(
                names: categoryNames, truthCounts: counts, records: records, interpolation: settings.interpolation)
            voc = VOCEvaluator.Result(
                iouThreshold: settings.iouThreshold, interpolation: settings.interpolation, classes: classes,
                matches: [], missed: [], records: records, truthCounts: counts)
        }
        var tide: TIDEBreakdown?
        if let counts = vocTruthCounts, let records = vocRecords, let errors = tideErrors, let missed = tideMissed {
            tide = TIDEBreakdown(
                records: records, errors: errors, missedByClass: missed, truthCounts: counts, names: categoryNames,
                interpolation: settings.interpolation, foregroundThreshold: settings.iouThreshold)
        }
        var coco: COCOEvaluation?
        var matchesFile: COCOMatchesFile?
        if let matches = cocoMatches {
            let parameters = COCOParameters(iouType: settings.task == .imageInstanceSegmentation ? .segm : .bbox)
            coco = COCOEvaluator.evaluate(
                imageMatches: matches, categoryIDs: categoryIDs, categoryNames: categoryNames, parameters: parameters)
            if keepCOCOMatching && imageNames.count == imageIDs.count {
                matchesFile = COCOMatchesFile(
                    parameters: parameters, categoryIDs: categoryIDs, categoryNames: categoryNames, imageIDs: imageIDs,
                    imageNames: imageNames, table: matches)
            }
        }
        var confusion = DetectionConfusionMatrix(
            labels: categoryNames, iouThreshold: settings.iouThreshold, scoreThreshold: settings.scoreThreshold)
        confusion.counts = self.confusion
        confusion.sweepThresholds = confusionSweepThresholds
        confusion.sweep = confusionSweep
        var level: ImageLevelMetrics?
        if let counts = imageLevel {
            level = ImageLevelMetrics(
                truePositives: counts[0], falseNegatives: counts[1], falsePositives: counts[2],
                trueNegatives: counts[3], scoreThreshold: settings.scoreThreshold)
        }
        let data = EvaluationData(
            images: [], categoryIDs: categoryIDs, categoryNames: categoryNames, groundTruth: .init(),
            detections: .init())
        var outcome = DetectionEvaluationJob.Outcome(
            data: data, voc: voc, coco: coco, confusion: confusion, imageLevel: level, tide: tide,
            skippedDetections: skippedDetections,
            diagnostics: Diagnostics(),
            counts: .init(images: imageIDs.count, groundTruth: groundTruthCount, detections: detectionCount),
            matchLines: matchLines)
        outcome.notes = notes
        outcome.cocoMatches = matchesFile
        return (job, outcome)
    }

}
