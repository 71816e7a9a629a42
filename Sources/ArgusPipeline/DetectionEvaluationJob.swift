import ArgusCore
import ArgusData
import ArgusIO
import ArgusMasks
import ArgusMetrics
import ArgusResults
import Foundation

/// `argus evaluate` for detection and instance segmentation: reads ground truth and predictions in
/// any supported format, evaluates them (VOC, COCO or both) and writes the output folder.
public struct DetectionEvaluationJob: Sendable {
    public typealias MetricType = DetectionMetricType

    public var task: VisionTask
    public var groundTruthPath: String
    public var predictionsPath: String
    public var groundTruthFormat: DataFormat?
    public var predictionsFormat: DataFormat?
    public var metricType: MetricType = .voc
    public var iouThreshold = EvaluationDefaults.iouThreshold
    public var interpolation: VOCEvaluator.Interpolation = .allPoint
    public var pixelInclusive = false
    /// The score threshold of the confusion matrix and the image-level metrics (`box_score_thresh`).
    public var scoreThreshold = EvaluationDefaults.scoreThreshold
    public var readOptions = ReadOptions()

    public init(task: VisionTask, groundTruth: String, predictions: String) {
        self.task = task
        groundTruthPath = groundTruth
        predictionsPath = predictions
    }

    /// What an evaluation produced, before it is written.
    public struct Outcome: Sendable {
        public var data: EvaluationData
        public var voc: VOCEvaluator.Result?
        public var coco: COCOEvaluation?
        public var confusion: DetectionConfusionMatrix
        public var imageLevel: ImageLevelMetrics?
        public var tide: TIDEBreakdown?
        public var skippedDetections: Int
        public var diagnostics: Diagnostics
        public var counts: Counts
        /// The lines of matches.jsonl when they come ready-made (a merge of shards).
        public var matchLines: [String]?
        /// Temporary files of match records written by streaming passes; `write` moves their lines
        /// into matches.jsonl and deletes them.
        public var matchFiles: [String] = []
        /// The folder the ground truth's image URLs are relative to (for images.jsonl's paths).
        public var imageFolder: String?
        /// curves.json written ahead (by a streamed evaluation, class by class); `write` moves it into place.
        public var curvesFile: String?

        public struct Counts: Sendable { public var images: Int, groundTruth: Int, detections: Int }

        public init(
            data: EvaluationData, voc: VOCEvaluator.Result?, coco: COCOEvaluation?, confusion: DetectionConfusionMatrix,
            imageLevel: ImageLevelMetrics?, tide: TIDEBreakdown?, skippedDetections: Int, diagnostics: Diagnostics,
            counts: Counts? = nil, matchLines: [String]? = nil
        ) {
            self.data = data
            self.voc = voc
            self.coco = coco
            self.confusion = confusion
            self.imageLevel = imageLevel
            self.tide = tide
            self.skippedDetections = skippedDetections
            self.diagnostics = diagnostics
            self.counts =
                counts
                ?? Counts(
                    images: data.images.count, groundTruth: data.groundTruth.count, detections: data.detections.count)
            self.matchLines = matchLines
        }
    }

    /// Evaluate only the images whose position (in image-id order) is `index` modulo `count`.
    public var shard: (index: Int, count: Int)?
    /// Read COCO results in this many passes, each keeping the detections of 1/passes of the
    /// images, and merge the passes' states (the same metrics). The merged per-detection state
    /// still grows with the number of detections.
    public var passes = 1

    /// Reads the inputs and evaluates them.
    public func run() throws -> Outcome {
        if passes > 1 {
            var merged: EvaluationState?
            var seen = Set<Int>()
            var diagnostics = Diagnostics()
            var files: [String] = []
            let folder = NSTemporaryDirectory() + "argus-passes-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var spill: CategorySpill?
            for pass in 0..<passes {
                var job = self
                job.passes = 1
                job.shard = (pass, passes)
                // Match records go to disk as each pass ends, so that memory holds one pass.
                let file = folder + "/pass-\(pass).jsonl"
                var (state, problems) = try job.runState(matchesFile: file)
                files.append(file)
                if pass == 0 { diagnostics = problems }
                // The per-detection state goes to disk by category; the counts are merged in place.
                if spill == nil {
                    spill = try CategorySpill(folder: folder + "/state", categories: state.categoryNames.count)
                }
                try spill!.add(&state)
                if merged == nil {
                    merged = state
                    seen = Set(state.imageIDs)
                } else {
                    try merged!.absorb(state, seen: &seen)
                }
            }
            var outcome = try finish(merged!, spill: spill!, curvesPath: folder + "/curves.json")
            outcome.diagnostics = diagnostics
            outcome.matchLines = nil
            outcome.matchFiles = files
            outcome.imageFolder = imageFolderGuess
            return outcome
        }
        let (data, skipped, diagnostics, imageFolder) = try prepare()
        var outcome = evaluate(data, skipped: skipped, diagnostics: diagnostics)
        outcome.imageFolder = imageFolder
        return outcome
    }

    func evaluate(_ data: EvaluationData, skipped: Int, diagnostics: Diagnostics) -> Outcome {
        let segm = task == .imageInstanceSegmentation
        // Masks are rasterised once for every part of the evaluation.
        let masks = segm ? MaskCache(data) : nil
        var voc: VOCEvaluator.Result?
        var coco: COCOEvaluation?
        if metricType != .coco {
            voc = VOCEvaluator.evaluate(
                data, iouThreshold: iouThreshold, interpolation: interpolation, segm: segm,
                pixelInclusive: pixelInclusive, masks: masks)
        }
        if metricType != .voc {
            coco = COCOEvaluator.evaluate(data, parameters: COCOParameters(iouType: segm ? .segm : .bbox), masks: masks)
        }
        let confusion = DetectionConfusionMatrix(
            data, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold, segm: segm, masks: masks)
        let imageLevel = voc.map { ImageLevelMetrics(data, matches: $0.matches, scoreThreshold: scoreThreshold) }
        let tide = voc.map { result -> TIDEBreakdown in
            let (errors, missed) = TIDEBreakdown.classify(data, voc: result, segm: segm, masks: masks)
            return TIDEBreakdown(
                records: result.records, errors: errors, missedByClass: missed, truthCounts: result.truthCounts,
                names: data.categoryNames, interpolation: interpolation, foregroundThreshold: iouThreshold)
        }
        return Outcome(
            data: data, voc: voc, coco: coco, confusion: confusion, imageLevel: imageLevel, tide: tide,
            skippedDetections: skipped, diagnostics: diagnostics)
    }

    /// Evaluates this job's shard into a state for `argus merge`.
    /// - Parameter matchesFile: where to write the shard's match records instead of keeping them in the state.
    public func runState(matchesFile: String? = nil) throws -> (EvaluationState, Diagnostics) {
        let (data, skipped, diagnostics, _) = try prepare()
        let segm = task == .imageInstanceSegmentation
        let masks = segm ? MaskCache(data) : nil
        var voc: VOCEvaluator.Result?
        if metricType != .coco {
            voc = VOCEvaluator.evaluate(
                data, iouThreshold: iouThreshold, interpolation: interpolation, segm: segm,
                pixelInclusive: pixelInclusive, masks: masks)
        }
        let cocoMatches =
            metricType == .voc
            ? nil
            : COCOEvaluator.imageMatches(data, parameters: COCOParameters(iouType: segm ? .segm : .bbox), masks: masks)
        let confusion = DetectionConfusionMatrix(
            data, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold, segm: segm, masks: masks)
        let level = voc.map { ImageLevelMetrics(data, matches: $0.matches, scoreThreshold: scoreThreshold) }
        let tide = voc.map { TIDEBreakdown.classify(data, voc: $0, segm: segm, masks: masks) }
        let state = EvaluationState(
            settings: .init(
                task: task, metricType: metricType, iouThreshold: iouThreshold, interpolation: interpolation,
                pixelInclusive: pixelInclusive, scoreThreshold: scoreThreshold, groundTruth: groundTruthPath,
                predictions: predictionsPath),
            categoryIDs: data.categoryIDs, categoryNames: data.categoryNames, imageIDs: data.images.map(\.id),
            groundTruthCount: data.groundTruth.count, detectionCount: data.detections.count,
            skippedDetections: skipped,
            vocTruthCounts: voc?.truthCounts, vocRecords: voc?.records, tideErrors: tide?.errors,
            tideMissed: tide?.missedByClass,
            cocoMatches: cocoMatches,
            confusion: confusion.counts,
            imageLevel: level.map { [$0.truePositives, $0.falseNegatives, $0.falsePositives, $0.trueNegatives] },
            matchLines: matchesFile == nil ? voc.map { matchLineList($0, data: data) } ?? [] : [])
        if let matchesFile {
            let stream = try StreamingFile(path: matchesFile)
            if let voc { try writeMatchLines(voc, data: data, to: stream) }
            try stream.commit()
        }
        return (state, diagnostics)
    }

    /// Reads the inputs into one evaluation's data (restricted to the shard, if any).
    func prepare() throws -> (EvaluationData, Int, Diagnostics, String) {
        let segm = task == .imageInstanceSegmentation
        var diagnostics = Diagnostics()
        var options = readOptions
        options.task = task
        var truth = try DatasetReader.read(groundTruthPath, format: groundTruthFormat, options: options)
        diagnostics.append(contentsOf: truth.diagnostics)
        guard !truth.diagnostics.hasErrors else {
            throw DataError(
                .invalidData, SourceLocation(file: groundTruthPath), "the ground truth is invalid",
                diagnostics: diagnostics.items)
        }
        // Evaluation works in pixels, as pycocotools.
        var conversion = Diagnostics()
        truth.dataset = DatasetGeometry.converted(
            truth.dataset, to: .pixels, locator: ImageLocator(baseFolder: truth.imageBase, dataRoot: options.dataRoot),
            diagnostics: &conversion)
        if conversion.hasErrors {
            throw DataError(
                .invalidData, SourceLocation(file: groundTruthPath), "image sizes are needed",
                diagnostics: conversion.items)
        }
        var data: EvaluationData
        do { (data, _) = try EvaluationData.groundTruth(truth.dataset, segm: segm) } catch { throw failure(error) }

        let predictionsFormat = try self.predictionsFormat ?? DatasetReader.detectFormat(predictionsPath)
        var skipped = 0
        var readsShardOnly = false
        if predictionsFormat == .cocoResults, try FileSize.firstNonSpaceByte(predictionsPath) == UInt8(ascii: "[") {
            readsShardOnly = true
            // The fast path: COCO results straight into columns, joined by id; in a shard, only its images' detections are kept.
            var keep: ((Int) -> Bool)?
            if let shard {
                var positions: [Int: Int] = [:]
                for (position, image) in data.images.enumerated() { positions[image.id] = position }
                let table = positions
                keep = { id in table[id].map { $0 % shard.count == shard.index } ?? true }
            }
            let (results, problems) = try COCOReader.readResults(predictionsPath, keep: keep)
            diagnostics.append(contentsOf: problems)
            guard !problems.hasErrors else {
                throw DataError(
                    .invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid",
                    diagnostics: diagnostics.items)
            }
            do { skipped = try data.addResults(results, segm: segm) } catch { throw failure(error) }
        } else {
            var predictionOptions = options
            predictionOptions.reference = truth.dataset.categoryIDs.isEmpty ? nil : truth.dataset
            var predictions = try DatasetReader.read(
                predictionsPath, format: predictionsFormat, options: predictionOptions)
            diagnostics.append(contentsOf: predictions.diagnostics)
            guard !predictions.diagnostics.hasErrors else {
                throw DataError(
                    .invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid",
                    diagnostics: diagnostics.items)
            }
            // Predictions take the ground truth's image sizes.
            var sizes: [String: (Int, Int)] = [:]
            for image in truth.dataset.images {
                if let w = image.width, let h = image.height { sizes[image.fileName] = (w, h) }
            }
            for index in predictions.dataset.images.indices where predictions.dataset.images[index].width == nil {
                if let size = sizes[predictions.dataset.images[index].fileName] {
                    predictions.dataset.images[index].width = size.0
                    predictions.dataset.images[index].height = size.1
                }
            }
            var problems = Diagnostics()
            predictions.dataset = DatasetGeometry.converted(
                predictions.dataset, to: .pixels,
                locator: ImageLocator(baseFolder: truth.imageBase, dataRoot: options.dataRoot), diagnostics: &problems)
            guard !problems.hasErrors else {
                throw DataError(
                    .invalidData, SourceLocation(file: predictionsPath), "cannot place the predictions",
                    diagnostics: problems.items)
            }
            let added: (skipped: Int, unknownImages: [String])
            do { added = try data.addPredictions(predictions.dataset, segm: segm) } catch { throw failure(error) }
            if !added.unknownImages.isEmpty {
                throw DataError(
                    .invalidData, SourceLocation(file: predictionsPath), field: "filename",
                    "\(added.unknownImages.count) prediction(s) name images the ground truth does not have, e.g. \(added.unknownImages.prefix(3).joined(separator: ", "))"
                )
            }
            skipped = added.skipped
        }
        if skipped > 0 {
            diagnostics.warning(
                SourceLocation(file: predictionsPath),
                "\(skipped) detection(s) of labels the ground truth does not have were left out")
        }
        if let shard {
            data = data.shard(shard.index, of: shard.count)
            // Detections of unknown labels: the COCO fast path counts each shard's own; elsewhere every
            // shard saw them all, and the first counts them.
            if !readsShardOnly && shard.index != 0 { skipped = 0 }
        }
        return (data, skipped, diagnostics, truth.imageBase)
    }

    private func failure(_ error: EvaluationError) -> DataError {
        DataError(.invalidData, SourceLocation(file: predictionsPath), error.message)
    }

}
