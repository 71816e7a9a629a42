import ArgusCore
import ArgusData
import ArgusMasks
import ArgusMetrics
import Foundation

/// `argus evaluate` for detection and instance segmentation: reads ground truth and predictions in
/// any supported format, evaluates them (VOC, COCO or both) and writes the output folder.
public struct DetectionEvaluationJob: Sendable {
    public enum MetricType: String, CaseIterable, Sendable { case voc, coco, cocoVOC = "coco_voc" }

    public var task: VisionTask
    public var groundTruthPath: String
    public var predictionsPath: String
    public var groundTruthFormat: DataFormat?
    public var predictionsFormat: DataFormat?
    public var metricType: MetricType = .voc
    public var iouThreshold = 0.5
    public var interpolation: VOCEvaluator.Interpolation = .allPoint
    public var pixelInclusive = false
    /// The score threshold of the confusion matrix and the image-level metrics (`box_score_thresh`).
    public var scoreThreshold = 0.3
    public var readOptions = ReadOptions()

    public init(task: VisionTask, groundTruth: String, predictions: String) {
        self.task = task; groundTruthPath = groundTruth; predictionsPath = predictions
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

        public init(data: EvaluationData, voc: VOCEvaluator.Result?, coco: COCOEvaluation?, confusion: DetectionConfusionMatrix,
                    imageLevel: ImageLevelMetrics?, tide: TIDEBreakdown?, skippedDetections: Int, diagnostics: Diagnostics,
                    counts: Counts? = nil, matchLines: [String]? = nil) {
            self.data = data; self.voc = voc; self.coco = coco; self.confusion = confusion; self.imageLevel = imageLevel; self.tide = tide
            self.skippedDetections = skippedDetections; self.diagnostics = diagnostics
            self.counts = counts ?? Counts(images: data.images.count, groundTruth: data.groundTruth.count, detections: data.detections.count)
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
                if spill == nil { spill = try CategorySpill(folder: folder + "/state", categories: state.categoryNames.count) }
                try spill!.add(&state)
                if merged == nil { merged = state; seen = Set(state.imageIDs) } else { try merged!.absorb(state, seen: &seen) }
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
            voc = VOCEvaluator.evaluate(data, iouThreshold: iouThreshold, interpolation: interpolation, segm: segm,
                                        pixelInclusive: pixelInclusive, masks: masks)
        }
        if metricType != .voc {
            coco = COCOEvaluator.evaluate(data, parameters: COCOParameters(iouType: segm ? .segm : .bbox), masks: masks)
        }
        let confusion = DetectionConfusionMatrix(data, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold, segm: segm, masks: masks)
        let imageLevel = voc.map { ImageLevelMetrics(data, matches: $0.matches, scoreThreshold: scoreThreshold) }
        let tide = voc.map { result -> TIDEBreakdown in
            let (errors, missed) = TIDEBreakdown.classify(data, voc: result, segm: segm, masks: masks)
            return TIDEBreakdown(records: result.records, errors: errors, missedByClass: missed, truthCounts: result.truthCounts,
                                 names: data.categoryNames, interpolation: interpolation, foregroundThreshold: iouThreshold)
        }
        return Outcome(data: data, voc: voc, coco: coco, confusion: confusion, imageLevel: imageLevel, tide: tide,
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
            voc = VOCEvaluator.evaluate(data, iouThreshold: iouThreshold, interpolation: interpolation, segm: segm,
                                        pixelInclusive: pixelInclusive, masks: masks)
        }
        let cocoMatches = metricType == .voc ? nil : COCOEvaluator.imageMatches(data, parameters: COCOParameters(iouType: segm ? .segm : .bbox), masks: masks)
        let confusion = DetectionConfusionMatrix(data, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold, segm: segm, masks: masks)
        let level = voc.map { ImageLevelMetrics(data, matches: $0.matches, scoreThreshold: scoreThreshold) }
        let tide = voc.map { TIDEBreakdown.classify(data, voc: $0, segm: segm, masks: masks) }
        let state = EvaluationState(
            settings: .init(task: task, metricType: metricType, iouThreshold: iouThreshold, interpolation: interpolation,
                            pixelInclusive: pixelInclusive, scoreThreshold: scoreThreshold, groundTruth: groundTruthPath, predictions: predictionsPath),
            categoryIDs: data.categoryIDs, categoryNames: data.categoryNames, imageIDs: data.images.map(\.id),
            groundTruthCount: data.groundTruth.count, detectionCount: data.detections.count,
            skippedDetections: skipped,
            vocTruthCounts: voc?.truthCounts, vocRecords: voc?.records, tideErrors: tide?.errors, tideMissed: tide?.missedByClass,
            cocoMatches: cocoMatches,
            confusion: confusion.counts,
            imageLevel: level.map { [$0.truePositives, $0.falseNegatives, $0.falsePositives, $0.trueNegatives] },
            matchLines: matchesFile == nil ? voc.map { Array(matchLineList($0, data: data)) } ?? [] : [])
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
        guard !truth.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "the ground truth is invalid", diagnostics: diagnostics.items) }
        // Evaluation works in pixels, as pycocotools.
        var conversion = Diagnostics()
        truth.dataset = DatasetGeometry.converted(truth.dataset, to: .pixels, locator: ImageLocator(baseFolder: truth.imageBase, dataRoot: options.dataRoot), diagnostics: &conversion)
        if conversion.hasErrors {
            throw DataError(.invalidData, SourceLocation(file: groundTruthPath), "image sizes are needed", diagnostics: conversion.items)
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
            guard !problems.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid", diagnostics: diagnostics.items) }
            do { skipped = try data.addResults(results, segm: segm) } catch { throw failure(error) }
        } else {
            var predictionOptions = options
            predictionOptions.reference = truth.dataset.categoryIDs.isEmpty ? nil : truth.dataset
            var predictions = try DatasetReader.read(predictionsPath, format: predictionsFormat, options: predictionOptions)
            diagnostics.append(contentsOf: predictions.diagnostics)
            guard !predictions.diagnostics.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "the predictions are invalid", diagnostics: diagnostics.items) }
            // Predictions take the ground truth's image sizes.
            var sizes: [String: (Int, Int)] = [:]
            for image in truth.dataset.images { if let w = image.width, let h = image.height { sizes[image.fileName] = (w, h) } }
            for index in predictions.dataset.images.indices where predictions.dataset.images[index].width == nil {
                if let size = sizes[predictions.dataset.images[index].fileName] {
                    predictions.dataset.images[index].width = size.0; predictions.dataset.images[index].height = size.1
                }
            }
            var problems = Diagnostics()
            predictions.dataset = DatasetGeometry.converted(predictions.dataset, to: .pixels, locator: ImageLocator(baseFolder: truth.imageBase, dataRoot: options.dataRoot), diagnostics: &problems)
            guard !problems.hasErrors else { throw DataError(.invalidData, SourceLocation(file: predictionsPath), "cannot place the predictions", diagnostics: problems.items) }
            let added: (skipped: Int, unknownImages: [String])
            do { added = try data.addPredictions(predictions.dataset, segm: segm) } catch { throw failure(error) }
            if !added.unknownImages.isEmpty {
                throw DataError(.invalidData, SourceLocation(file: predictionsPath), field: "filename",
                                "\(added.unknownImages.count) prediction(s) name images the ground truth does not have, e.g. \(added.unknownImages.prefix(3).joined(separator: ", "))")
            }
            skipped = added.skipped
        }
        if skipped > 0 {
            diagnostics.warning(SourceLocation(file: predictionsPath), "\(skipped) detection(s) of labels the ground truth does not have were left out")
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

    // MARK: Output

    /// Writes `metrics.json`, `curves.json` and `matches.jsonl` into `folder` (whole or not at all).
    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try OutputFile.checkDestination(folder, overwrite: overwrite)
        try OutputFile.writeFolder(at: folder) { partial in
            try OutputFile.write(metricsJSON(outcome), to: partial + "/metrics.json")
            if let file = outcome.curvesFile {
                try FileManager.default.moveItem(atPath: file, toPath: partial + "/curves.json")
            } else {
                try OutputFile.write(curvesJSON(outcome), to: partial + "/curves.json")
            }
            try writeMatches(outcome, to: partial + "/matches.jsonl")
            // A streamed evaluation's scratch folder is empty now.
            if let file = outcome.curvesFile {
                let scratch = (file as NSString).deletingLastPathComponent
                if (scratch as NSString).lastPathComponent.hasPrefix("argus-passes-") { try? FileManager.default.removeItem(atPath: scratch) }
            }
            try OutputFile.write(imagesJSONL(outcome.data, imageFolder: outcome.imageFolder ?? imageFolderGuess, outputFolder: folder),
                                 to: partial + "/images.jsonl")
        }
    }

    /// Where image URLs are relative to when the reader's own answer is not at hand (merged
    /// shards): the ground-truth folder, or the folder of the ground-truth file.
    var imageFolderGuess: String {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: groundTruthPath, isDirectory: &isFolder) && isFolder.boolValue
            ? groundTruthPath : PathTools.folder(of: groundTruthPath)
    }

    /// One line per image: its name (as in matches.jsonl), its file relative to the evaluation
    /// folder (`path`, null when the URL is not a local file) and its size in pixels (0 where unknown).
    public func imagesJSONL(_ data: EvaluationData, imageFolder: String, outputFolder: String) -> [UInt8] {
        let locator = ImageLocator(baseFolder: imageFolder, dataRoot: readOptions.dataRoot)
        var json = JSONWriter()
        var bytes: [UInt8] = []
        for image in data.images {
            json.removeAllBytes()
            json.beginObject()
            json.field("image", image.name)
            json.key("path")
            if let local = locator.localPath(image.name) { json.string(PathTools.relative(local, from: outputFolder)) } else { json.null() }
            json.field("width", image.width); json.field("height", image.height)
            json.endObject()
            bytes += json.bytes; bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    static let statNames = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]

    public func metricsJSON(_ outcome: Outcome) -> [UInt8] {
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.field("task", task.rawValue)
        json.field("metric_type", metricType.rawValue)
        json.field("iou_threshold", iouThreshold)
        // Primary metric and the service's scalars.
        var mAP: Double?, precision: Double?, recall: Double?
        if let voc = outcome.voc {
            mAP = voc.meanAveragePrecision; precision = voc.precision; recall = voc.recall
        } else if let coco = outcome.coco {
            let ap50 = coco.stats[1]
            mAP = ap50 == -1 ? nil : ap50
        }
        json.key("primary_metric")
        json.beginObject(); json.field("name", "mean_average_precision"); json.key("value"); json.number(mAP); json.endObject()
        json.key("metrics")
        json.beginObject()
        json.key("mean_average_precision"); json.number(mAP)
        json.key("precision"); json.number(precision)
        json.key("recall"); json.number(recall)
        json.endObject()
        if let voc = outcome.voc {
            json.field("interpolation", voc.interpolation.rawValue)
            json.key("per_label")
            json.beginObject()
            for result in voc.classes {
                json.key(result.name)
                json.beginObject()
                json.key("precision"); json.number(result.precision)
                json.key("recall"); json.number(result.recall)
                json.key("average_precision"); json.number(result.averagePrecision)
                json.field("ground_truth", result.groundTruthCount)
                json.field("detections", result.detectionCount)
                json.endObject()
            }
            json.endObject()
        }
        if let coco = outcome.coco {
            json.key("coco")
            json.beginObject()
            json.field("iou_type", coco.parameters.iouType.rawValue)
            json.key("stat_names"); json.strings(Self.statNames)
            json.key("stats"); json.numbers(coco.stats)
            json.key("per_category")
            json.beginObject()
            for category in coco.perCategory() {
                json.key(category.name)
                json.beginObject()
                json.field("id", category.id)
                json.key("AP"); json.number(category.ap)
                json.key("AP50"); json.number(category.ap50)
                json.endObject()
            }
            json.endObject()
            json.endObject()
        }
        json.key("confusion_matrix")
        json.beginObject()
        json.field("iou_threshold", outcome.confusion.iouThreshold)
        json.field("score_threshold", outcome.confusion.scoreThreshold)
        json.key("labels"); json.strings((outcome.confusion.labels + ["background"]))
        json.key("counts"); json.beginArray()
        for row in outcome.confusion.counts { json.integers(row) }
        json.endArray()
        json.endObject()
        if let images = outcome.imageLevel {
            json.key("image_level")
            json.beginObject()
            json.field("score_threshold", images.scoreThreshold)
            json.field("true_positives", images.truePositives); json.field("false_negatives", images.falseNegatives)
            json.field("false_positives", images.falsePositives); json.field("true_negatives", images.trueNegatives)
            json.key("precision"); json.number(images.precision)
            json.key("recall"); json.number(images.recall)
            json.key("accuracy"); json.number(images.accuracy)
            json.endObject()
        }
        if let tide = outcome.tide {
            json.key("tide")
            json.beginObject()
            json.field("foreground_iou", tide.foregroundThreshold)
            json.field("background_iou", tide.backgroundThreshold)
            json.key("errors")
            json.beginObject()
            for type in TIDEBreakdown.ErrorType.allCases { json.field(type.rawValue, tide.counts[type] ?? 0) }
            json.endObject()
            json.key("delta_ap")
            json.beginObject()
            for type in TIDEBreakdown.ErrorType.allCases { json.key(type.rawValue); json.number(tide.deltaAP[type] ?? nil) }
            json.endObject()
            json.endObject()
        }
        json.key("counts")
        json.beginObject()
        json.field("images", outcome.counts.images)
        json.field("ground_truth", outcome.counts.groundTruth)
        json.field("detections", outcome.counts.detections)
        json.field("skipped_detections", outcome.skippedDetections)
        json.endObject()
        json.key("inputs")
        json.beginObject(); json.field("ground_truth", groundTruthPath); json.field("predictions", predictionsPath); json.endObject()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// PR curve points per class (VOC), one per counted detection in score order.
    public func curvesJSON(_ outcome: Outcome) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        if let voc = outcome.voc {
            json.key("pr_curves")
            json.beginObject()
            for result in voc.classes { Self.writeCurve(result, to: &json) }
            json.endObject()
            json.key("best_f1")
            json.beginObject()
            for result in voc.classes { Self.writeBestF1(result.name, result.bestF1, to: &json) }
            json.endObject()
        }
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }

    /// A class's entry of `pr_curves`.
    static func writeCurve(_ result: VOCEvaluator.ClassResult, to json: inout JSONWriter) {
        json.key(result.name)
        json.beginObject()
        json.key("score"); json.numbers(result.curve.map(\.score))
        json.key("precision"); json.numbers(result.curve.map(\.precision))
        json.key("recall"); json.numbers(result.curve.map(\.recall))
        json.key("f1"); json.numbers(result.f1Curve)
        json.endObject()
    }

    /// A class's entry of `best_f1` (null without one).
    static func writeBestF1(_ name: String, _ best: (threshold: Double, f1: Double, precision: Double, recall: Double)?, to json: inout JSONWriter) {
        json.key(name)
        guard let best else { json.null(); return }
        json.beginObject()
        json.field("threshold", best.threshold); json.field("f1", best.f1)
        json.field("precision", best.precision); json.field("recall", best.recall)
        json.endObject()
    }

    /// One line per detection (true positive, false positive or ignored, with its best ground truth
    /// and IoU) and one per missed object, from the VOC matching.
    /// Writes matches.jsonl line by line (records are never all in memory as text).
    func writeMatches(_ outcome: Outcome, to path: String) throws {
        let stream = try StreamingFile(path: path)
        do {
            for line in outcome.matchLines ?? [] { try stream.write(Array(line.utf8) + [UInt8(ascii: "\n")]) }
            for file in outcome.matchFiles {
                try LineStream(path: file).forEachLine { line, _ throws(DataError) in
                    try stream.write(Array(line) + [UInt8(ascii: "\n")])
                }
                try? FileManager.default.removeItem(atPath: file)
            }
            if outcome.matchLines == nil && outcome.matchFiles.isEmpty, let voc = outcome.voc {
                try writeMatchLines(voc, data: outcome.data, to: stream)
            }
            try stream.commit()
        } catch {
            stream.abort()
            throw error
        }
    }

    func writeMatchLines(_ voc: VOCEvaluator.Result, data: EvaluationData, to stream: StreamingFile) throws(DataError) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        for line in matchLineList(voc, data: data) {
            chunk += Array(line.utf8); chunk.append(UInt8(ascii: "\n"))
            if chunk.count >= 1 << 20 { try stream.write(chunk); chunk.removeAll(keepingCapacity: true) }
        }
        try stream.write(chunk)
    }

    func matchLineList(_ voc: VOCEvaluator.Result, data: EvaluationData) -> LazyMapSequence<Range<Int>, String> {
        let detections = voc.matches.count
        return (0..<(detections + voc.missed.count)).lazy.map { index in
            index < detections ? self.detectionLine(voc.matches[index], data: data) : self.missedLine(voc.missed[index - detections], data: data)
        }
    }

    func detectionLine(_ match: VOCEvaluator.Match, data: EvaluationData) -> String {
        do {
            var json = JSONWriter()
            let d = match.detection
            json.beginObject()
            json.field("kind", "detection")
            json.field("image", data.images[Int(data.detections.image[d])].name)
            json.field("label", data.categoryNames[Int(data.detections.category[d])])
            json.field("score", data.detections.scores[d])
            let box = data.detections.box(d)
            json.key("bbox"); json.numbers([box.0, box.1, box.2, box.3])
            json.field("outcome", match.outcome.rawValue)
            json.key("ground_truth_id")
            if let g = match.groundTruth { json.integer(data.groundTruth.ids[g]) } else { json.null() }
            json.field("iou", match.iou)
            if let g = match.groundTruth {
                let truth = data.groundTruth.box(g)
                json.key("ground_truth_bbox"); json.numbers([truth.0, truth.1, truth.2, truth.3])
            }
            if d < data.detections.segmentations.count, let shape = data.detections.segmentations[d] {
                json.key("segmentation"); Self.writeShape(shape, data.images[Int(data.detections.image[d])], to: &json)
            }
            if let g = match.groundTruth, g < data.groundTruth.segmentations.count, let shape = data.groundTruth.segmentations[g] {
                json.key("ground_truth_segmentation"); Self.writeShape(shape, data.images[Int(data.groundTruth.image[g])], to: &json)
            }
            json.endObject()
            return json.text
        }
    }

    /// A shape as COCO writes it: polygons in pixels, or compressed RLE `{size: [h, w], counts}`.
    static func writeShape(_ shape: Segmentation, _ image: EvaluationData.Image, to json: inout JSONWriter) {
        switch shape {
        case .polygons(let rings):
            json.beginArray()
            for ring in rings { json.numbers(ring) }
            json.endArray()
        case .rle(let mask):
            json.beginObject()
            json.key("size"); json.integers([mask.height, mask.width])
            json.field("counts", RLECodec.encode(mask.counts))
            json.endObject()
        case .compressedRLE(let counts, let height, let width):
            json.beginObject()
            json.key("size"); json.integers([height, width])
            json.field("counts", counts)
            json.endObject()
        }
    }

    func missedLine(_ g: Int, data: EvaluationData) -> String {
        do {
            var json = JSONWriter()
            json.beginObject()
            json.field("kind", "missed")
            json.field("image", data.images[Int(data.groundTruth.image[g])].name)
            json.field("label", data.categoryNames[Int(data.groundTruth.category[g])])
            json.field("ground_truth_id", data.groundTruth.ids[g])
            let box = data.groundTruth.box(g)
            json.key("bbox"); json.numbers([box.0, box.1, box.2, box.3])
            if g < data.groundTruth.segmentations.count, let shape = data.groundTruth.segmentations[g] {
                json.key("segmentation"); Self.writeShape(shape, data.images[Int(data.groundTruth.image[g])], to: &json)
            }
            json.endObject()
            return json.text
        }
    }
}
