import ArgusCore
import ArgusData
import ArgusIO
import ArgusMasks
import ArgusMetrics
import ArgusResults
import Foundation

extension DetectionEvaluationJob {
    /// Evaluates and writes the output folder, whole or not at all. With `passes` > 1 the
    /// predictions are read in passes and the large files are written as the passes go, so that
    /// memory stays bounded.
    /// - Parameters:
    ///   - folder: the output folder (`metrics.json`, `curves.json`, `matches.jsonl`, `images.jsonl`).
    ///   - overwrite: whether an existing, non-empty folder may be replaced.
    /// - Returns: the evaluation's results (a streamed evaluation's carry its metrics, not its records).
    /// - Throws: `DataError` for bad input or an output that cannot be written.
    public func evaluate(into folder: String, overwrite: Bool) throws -> Outcome {
        try OutputFile.checkDestination(folder, overwrite: overwrite, inputs: [groundTruthPath, predictionsPath])
        var result: Outcome?
        try OutputFile.writeFolder(at: folder) { partial in
            if passes > 1 {
                result = try writeStreamed(into: partial, outputFolder: folder)
            } else {
                let outcome = try run()
                try writeFiles(outcome, into: partial, outputFolder: folder)
                result = outcome
            }
        }
        guard let result else {
            throw DataError(.unwritable, SourceLocation(file: folder), "the evaluation produced no result")
        }
        return result
    }

    /// Writes an evaluation's `metrics.json`, `curves.json`, `matches.jsonl` and `images.jsonl`
    /// into `folder`, whole or not at all.
    /// - Throws: `DataError` when the folder exists and `overwrite` is false, or cannot be written.
    public func write(_ outcome: Outcome, to folder: String, overwrite: Bool) throws {
        try OutputFile.checkDestination(folder, overwrite: overwrite, inputs: [groundTruthPath, predictionsPath])
        try OutputFile.writeFolder(at: folder) { partial in
            try writeFiles(outcome, into: partial, outputFolder: folder)
        }
    }

    /// Every file of an evaluation held in memory.
    func writeFiles(_ outcome: Outcome, into partial: String, outputFolder: String) throws {
        try writeSummary(outcome, into: partial, outputFolder: outputFolder)
        // curves.json written a label at a time: its millions of points are not gathered first.
        let curves = try StreamingFile(path: ResultsSchema.File.curves.path(in: partial))
        do {
            try curvesFile(outcome).write { (chunk) throws(DataError) in try curves.write(chunk) }
            try curves.commit()
        } catch {
            curves.abort()
            throw error
        }
        try writeMatches(outcome, to: ResultsSchema.File.matches.path(in: partial))
        if let matches = outcome.cocoMatches {
            try OutputFile.write(matches.encoded(), to: ResultsSchema.File.cocoMatches.path(in: partial))
        }
    }

    /// `metrics.json` and `images.jsonl`.
    func writeSummary(_ outcome: Outcome, into partial: String, outputFolder: String) throws {
        try OutputFile.write(metricsFile(outcome).encoded(), to: ResultsSchema.File.metrics.path(in: partial))
        let entries = imageEntries(
            outcome.data, imageFolder: outcome.imageFolder ?? imageFolderGuess, outputFolder: outputFolder)
        let bytes = RecordLinesWriter.bytes(.images, entries) { entry, json in entry.write(to: &json) }
        try OutputFile.write(bytes, to: ResultsSchema.File.images.path(in: partial))
    }

    /// Each image's name (as in matches.jsonl), its file relative to the evaluation folder (nil when
    /// the URL is not a local file) and its size in pixels (0 where unknown).
    public func imageEntries(_ data: EvaluationData, imageFolder: String, outputFolder: String) -> [ImageEntry] {
        let locator = ImageLocator(baseFolder: imageFolder, dataRoot: readOptions.dataRoot)
        let paths = RelativePaths(from: outputFolder)
        // Resolving each path touches the file system: spread over the cores.
        var entries = [ImageEntry](
            repeating: ImageEntry(image: "", path: nil, width: 0, height: 0), count: data.images.count)
        entries.withUnsafeMutableBufferPointer { buffer in
            let box = UnsafeMutableBufferPointerBox(buffer)
            DispatchQueue.concurrentPerform(iterations: (data.images.count + 255) / 256) { block in
                for i in (block * 256)..<min(data.images.count, (block + 1) * 256) {
                    let image = data.images[i]
                    box.buffer[i] = ImageEntry(
                        image: image.name,
                        path: locator.localPath(image.name).map(paths.relative),
                        width: image.width, height: image.height)
                }
            }
        }
        return entries
    }

    /// The content of `metrics.json`.
    public func metricsFile(_ outcome: Outcome) -> DetectionMetricsFile {
        var mAP: Double?
        var precision: Double?
        var recall: Double?
        if let voc = outcome.voc {
            mAP = voc.meanAveragePrecision
            precision = voc.precision
            recall = voc.recall
        } else if let coco = outcome.coco {
            let ap50 = coco.stats[COCOStatistic.ap50.index]
            mAP = ap50 == -1 ? nil : ap50
        }
        let perLabel = outcome.voc.map { voc in
            voc.classes.map { result in
                DetectionMetricsFile.LabelMetrics(
                    label: result.name, precision: result.precision, recall: result.recall,
                    averagePrecision: result.averagePrecision, groundTruth: result.groundTruthCount,
                    detections: result.detectionCount
                )
            }
        }
        let coco = outcome.coco.map { coco in
            DetectionMetricsFile.COCOSection(
                iouType: coco.parameters.iouType, stats: coco.stats,
                perCategory: coco.perCategory().map { .init(name: $0.name, id: $0.id, ap: $0.ap, ap50: $0.ap50) }
            )
        }
        let confusion = DetectionMetricsFile.ConfusionSection(
            iouThreshold: outcome.confusion.iouThreshold, scoreThreshold: outcome.confusion.scoreThreshold,
            labels: outcome.confusion.labels + ["background"], counts: outcome.confusion.counts
        )
        let imageLevel = outcome.imageLevel.map { images in
            DetectionMetricsFile.ImageLevelSection(
                scoreThreshold: images.scoreThreshold, truePositives: images.truePositives,
                falseNegatives: images.falseNegatives, falsePositives: images.falsePositives,
                trueNegatives: images.trueNegatives, precision: images.precision, recall: images.recall,
                accuracy: images.accuracy
            )
        }
        let tide = outcome.tide.map { tide in
            DetectionMetricsFile.TIDESection(
                foregroundIoU: tide.foregroundThreshold, backgroundIoU: tide.backgroundThreshold,
                errors: tide.counts, deltaAP: tide.deltaAP
            )
        }
        return DetectionMetricsFile(
            task: task, metricType: metricType, iouThreshold: iouThreshold, meanAveragePrecision: mAP,
            precision: precision, recall: recall, interpolation: outcome.voc?.interpolation, perLabel: perLabel,
            coco: coco, confusionMatrix: confusion, imageLevel: imageLevel, tide: tide,
            counts: .init(
                images: outcome.counts.images, groundTruth: outcome.counts.groundTruth,
                detections: outcome.counts.detections, skippedDetections: outcome.skippedDetections
            ),
            inputs: EvaluationInputs(groundTruth: groundTruthPath, predictions: predictionsPath),
            notes: outcome.notes
        )
    }

    /// The content of `curves.json`: PR curve points per class (VOC), one per counted detection in
    /// score order, and the confusion matrix at a sweep of score thresholds.
    public func curvesFile(_ outcome: Outcome) -> CurvesFile {
        guard let voc = outcome.voc else { return CurvesFile() }
        return CurvesFile(
            detection: .init(
                labels: voc.classes.map(\.name), curves: voc.classes.map(Self.curve),
                bestF1: voc.classes.map { Self.bestF1($0.bestF1) }, confusionSweep: Self.sweep(outcome.confusion)
            )
        )
    }

    /// The confusion matrix's sweep as curves.json holds it (nil without one).
    static func sweep(_ confusion: DetectionConfusionMatrix) -> CurvesFile.ConfusionSweep? {
        confusion.sweep.isEmpty
            ? nil : CurvesFile.ConfusionSweep(thresholds: confusion.sweepThresholds, counts: confusion.sweep)
    }

    /// A class's PR curve.
    static func curve(_ result: VOCEvaluator.ClassResult) -> CurvesFile.DetectionCurve {
        CurvesFile.DetectionCurve(
            score: result.curve.map(\.score), precision: result.curve.map(\.precision),
            recall: result.curve.map(\.recall), f1: result.f1Curve
        )
    }

    static func bestF1(
        _ best: (threshold: Double, f1: Double, precision: Double, recall: Double)?
    ) -> CurvesFile.BestF1? {
        best.map { .init(threshold: $0.threshold, f1: $0.f1, precision: $0.precision, recall: $0.recall) }
    }

    /// Writes matches.jsonl line by line (records are never all in memory as text): one line per
    /// detection (true positive, false positive or ignored, with its best ground truth and IoU)
    /// and one per missed object, from the VOC matching.
    func writeMatches(_ outcome: Outcome, to path: String) throws {
        let stream = try StreamingFile(path: path)
        do {
            var writer = try RecordLinesWriter(stream, file: .matches)
            for line in outcome.matchLines ?? [] {
                try writer.appendLines(Array(line.utf8) + [UInt8(ascii: "\n")])
            }
            if outcome.matchLines == nil, let voc = outcome.voc {
                try appendMatchRecords(voc, errors: outcome.tideErrors, data: outcome.data, to: &writer)
            }
            try writer.flush()
            try stream.commit()
        } catch {
            stream.abort()
            throw error
        }
    }

    /// Appends every detection's and missed object's record.
    /// - Parameter errors: TIDE's error of each VOC match (aligned with `voc.matches`), when classified.
    func appendMatchRecords(
        _ voc: VOCEvaluator.Result, errors: [TIDEBreakdown.DetectionError?]?, data: EvaluationData,
        to writer: inout RecordLinesWriter
    ) throws(DataError) {
        // Formatted on every core, in the order `matchRecords` gives.
        let pointedAt = Set((errors ?? []).compactMap { $0?.target })
        try writer.appendConcurrently(count: voc.matches.count) { k, json in
            detectionRecord(voc.matches[k], data: data, error: errors.flatMap { $0[k]?.type }).write(to: &json)
        }
        try writer.appendConcurrently(count: voc.missed.count) { m, json in
            let g = voc.missed[m]
            let counted = errors != nil && !pointedAt.contains(data.groundTruth.ids[g])
            missedRecord(g, data: data, countedMissed: counted).write(to: &json)
        }
    }

    /// The match lines of a shard's state (without the header line).
    func matchLineList(
        _ voc: VOCEvaluator.Result, errors: [TIDEBreakdown.DetectionError?]?, data: EvaluationData
    ) -> [String] {
        matchRecords(voc, errors: errors, data: data).map(\.line)
    }

    /// Every detection's record, then every missed object's, made one at a time as they are read.
    /// A missed object is TIDE's `missed` unless a classification or localisation error points at it.
    func matchRecords(
        _ voc: VOCEvaluator.Result, errors: [TIDEBreakdown.DetectionError?]?, data: EvaluationData
    ) -> some Sequence<DetectionMatchRecord> {
        let pointedAt = Set((errors ?? []).compactMap { $0?.target })
        let detections = voc.matches.indices.lazy.map { k in
            detectionRecord(voc.matches[k], data: data, error: errors.flatMap { $0[k]?.type })
        }
        let missed = voc.missed.lazy.map { g in
            missedRecord(
                g, data: data,
                countedMissed: errors != nil && !pointedAt.contains(data.groundTruth.ids[g]))
        }
        return [AnySequence(detections), AnySequence(missed)].joined()
    }

    func detectionRecord(
        _ match: VOCEvaluator.Match, data: EvaluationData, error: TIDEBreakdown.ErrorType?
    ) -> DetectionMatchRecord {
        let d = match.detection
        let image = data.images[Int(data.detections.image[d])]
        var shape: MatchShape?
        if d < data.detections.segmentations.count { shape = Self.shape(data.detections.segmentations[d]) }
        var truthBox: (Double, Double, Double, Double)?
        var truthShape: MatchShape?
        if let g = match.groundTruth {
            truthBox = data.groundTruth.box(g)
            if g < data.groundTruth.segmentations.count { truthShape = Self.shape(data.groundTruth.segmentations[g]) }
        }
        return DetectionMatchRecord(
            image: image.name, label: data.categoryNames[Int(data.detections.category[d])],
            box: data.detections.box(d), shape: shape,
            detection: .init(
                score: data.detections.scores[d], outcome: Self.outcome(match.outcome), iou: match.iou,
                groundTruthBox: truthBox, groundTruthShape: truthShape
            ),
            groundTruthID: match.groundTruth.map { data.groundTruth.ids[$0] }, tideError: error
        )
    }

    func missedRecord(_ g: Int, data: EvaluationData, countedMissed: Bool) -> DetectionMatchRecord {
        var shape: MatchShape?
        if g < data.groundTruth.segmentations.count { shape = Self.shape(data.groundTruth.segmentations[g]) }
        return DetectionMatchRecord(
            image: data.images[Int(data.groundTruth.image[g])].name,
            label: data.categoryNames[Int(data.groundTruth.category[g])],
            box: data.groundTruth.box(g), shape: shape, detection: nil, groundTruthID: data.groundTruth.ids[g],
            tideError: countedMissed ? .missed : nil
        )
    }

    static func outcome(_ outcome: VOCEvaluator.Outcome) -> DetectionMatchRecord.Outcome {
        switch outcome {
        case .truePositive: .truePositive
        case .falsePositive: .falsePositive
        case .ignored: .ignored
        }
    }

    /// A shape as COCO writes it: polygons in pixels, or compressed RLE.
    static func shape(_ shape: Segmentation) -> MatchShape {
        switch shape {
        case .polygons(let rings): .polygons(rings)
        case .rle(let mask): .rle(counts: RLECodec.encode(mask.counts), height: mask.height, width: mask.width)
        case .compressedRLE(let counts, let height, let width): .rle(counts: counts, height: height, width: width)
        }
    }
}
