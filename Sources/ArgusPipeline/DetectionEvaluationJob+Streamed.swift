import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

extension DetectionEvaluationJob {
    /// A streamed evaluation written into `partial` (the output folder being written): each pass
    /// reads 1/`passes` of the images, appends its match records to matches.jsonl and spills its
    /// per-detection state by category into a scratch folder inside `partial`, removed when the
    /// evaluation ends; `finish` then writes curves.json class by class.
    func writeStreamed(into partial: String, outputFolder: String) throws -> Outcome {
        let stream = try StreamingFile(path: ResultsSchema.File.matches.path(in: partial))
        do {
            var matches = try RecordLinesWriter(stream, file: .matches)
            var merged: EvaluationState?
            var seen = Set<Int>()
            var diagnostics = Diagnostics()
            var spill: CategorySpill?
            var images: [(id: Int, entry: ImageEntry)] = []
            var notes: [String] = []
            let truthCache = TruthCache()
            for pass in 0..<passes {
                var job = self
                job.passes = 1
                job.shard = (pass, passes)
                job.resultsChecked = pass > 0
                job.truthCache = truthCache
                // Match records go to the output as each pass ends, so that memory holds one pass.
                var (state, problems) = try job.runState { voc, errors, data in
                    try appendMatchRecords(voc, errors: errors, data: data, to: &matches)
                    let entries = imageEntries(data, imageFolder: imageFolderGuess, outputFolder: outputFolder)
                    images += zip(data.images, entries).map { ($0.id, $1) }
                }
                if pass == 0 {
                    diagnostics = problems
                    notes = state.notes
                }
                // The per-detection state goes to disk by category; the counts are merged in place.
                let categorySpill =
                    try spill ?? CategorySpill(folder: partial + "/.state", categories: state.categoryNames.count)
                spill = categorySpill
                try categorySpill.add(&state)
                if var total = merged {
                    merged = nil
                    try total.absorb(state, seen: &seen)
                    merged = total
                } else {
                    merged = state
                    seen = Set(state.imageIDs)
                }
            }
            try matches.flush()
            guard let merged, let spill else {
                throw DataError(.usage, SourceLocation(file: predictionsPath), "--passes must be at least 2 to stream")
            }
            var outcome = try finish(merged, spill: spill, curvesPath: ResultsSchema.File.curves.path(in: partial))
            outcome.diagnostics = diagnostics
            outcome.notes = notes
            outcome.matchLines = nil
            outcome.imageFolder = imageFolderGuess
            try OutputFile.write(metricsFile(outcome).encoded(), to: ResultsSchema.File.metrics.path(in: partial))
            // images.jsonl in image-id order, as one read writes it.
            images.sort { $0.id < $1.id }
            let bytes = RecordLinesWriter.bytes(.images, images) { image, json in image.entry.write(to: &json) }
            try OutputFile.write(bytes, to: ResultsSchema.File.images.path(in: partial))
            try stream.commit()
            return outcome
        } catch {
            stream.abort()
            throw error
        }
    }

    /// The outcome of a streamed evaluation from its merged counts and the per-detection state
    /// spilled by category: each category's VOC result (its curves written to curves.json at
    /// once), TIDE's fixed APs and COCO accumulation in turn, one category in memory at a time.
    /// The same metrics, curves and breakdown as one evaluation of every image.
    func finish(_ state: EvaluationState, spill: CategorySpill, curvesPath: String) throws -> Outcome {
        let names = state.categoryNames
        let K = names.count
        let types = TIDEBreakdown.ErrorType.allCases
        var classes: [VOCEvaluator.ClassResult] = []
        var tideCounts = [TIDEBreakdown.ErrorType: Int]()
        types.forEach { tideCounts[$0] = 0 }
        var fixedAPs = [TIDEBreakdown.ErrorType: [Double]]()
        var baseAPs: [Double] = []
        // COCO is accumulated category by category on a thread of its own, beside this loop.
        let coco =
            spill.cocoShape == nil
            ? nil
            : SpilledCOCO(
                COCOAccumulator(
                    categoryIDs: state.categoryIDs, categoryNames: names,
                    parameters: COCOParameters(iouType: task == .imageInstanceSegmentation ? .segm : .bbox)),
                spill: spill)
        // curves.json, written as `curvesJSON` would write it, a class at a time.
        let curves = try StreamingFile(path: curvesPath)
        var curvesWriter = DetectionCurvesWriter(hasCurves: state.vocTruthCounts != nil) { (bytes) throws(DataError) in
            try curves.write(bytes)
        }
        func ap(_ records: [VOCEvaluator.Record], _ name: String, _ truth: Int) -> Double? {
            VOCEvaluator.classResults(
                names: [name], truthCounts: [truth], records: records, interpolation: interpolation)[0].averagePrecision
        }
        func byScore(_ a: CategorySpill.Row, _ b: CategorySpill.Row) -> Bool {
            a.score > b.score || (a.score == b.score && a.order < b.order)
        }
        for k in 0..<K {
            if let truthCounts = state.vocTruthCounts {
                let (own, incoming) = spill.rows(category: k)
                let records = own.map { row -> VOCEvaluator.Record in
                    var r = row.record
                    r.category = 0
                    return r
                }
                var result = VOCEvaluator.classResults(
                    names: [names[k]], truthCounts: [truthCounts[k]], records: records, interpolation: interpolation)[0]
                try curvesWriter.add(label: result.name, curve: Self.curve(result), bestF1: Self.bestF1(result.bestF1))
                result.curve = []
                classes.append(result)
                if let missed = state.tideMissed {
                    for row in own { if let type = row.errorType { tideCounts[type]! += 1 } }
                    if let value = result.averagePrecision { baseAPs.append(value) }
                    let ordered = own.sorted(by: byScore)
                    for type in types {
                        var fixed: [VOCEvaluator.Record] = []
                        var truth = truthCounts[k]
                        if type == .missed {
                            fixed = records
                            truth -= missed[k]
                        } else {
                            // Claims only compete for one object, and an object's claimants all sit here.
                            var claimed = Set<Int64>()
                            for row in ordered {
                                var record = row.record
                                record.category = 0
                                guard row.errorType == type else {
                                    fixed.append(record)
                                    continue
                                }
                                if type == .localization, row.target >= 0, row.targetTaken == 0,
                                    claimed.insert(row.target).inserted
                                {
                                    record.outcome = .truePositive
                                    fixed.append(record)
                                }
                                // Classification errors leave for the class they point at; other errors are removed.
                            }
                            if type == .classification {
                                for row in incoming.sorted(by: byScore)
                                where row.target >= 0 && row.targetTaken == 0 && claimed.insert(row.target).inserted {
                                    fixed.append(
                                        VOCEvaluator.Record(
                                            category: 0, score: row.score, order: Int(row.order), outcome: .truePositive
                                        ))
                                }
                            }
                        }
                        if let value = ap(fixed, names[k], truth) { fixedAPs[type, default: []].append(value) }
                    }
                }
            }
        }
        try curvesWriter.finish(
            confusionSweep: state.confusionSweep.isEmpty
                ? nil
                : CurvesFile.ConfusionSweep(thresholds: state.confusionSweepThresholds, counts: state.confusionSweep))
        try curves.commit()

        var voc: VOCEvaluator.Result?
        if let counts = state.vocTruthCounts {
            voc = VOCEvaluator.Result(
                iouThreshold: iouThreshold, interpolation: interpolation, classes: classes,
                matches: [], missed: [], records: [], truthCounts: counts)
        }
        var tide: TIDEBreakdown?
        if state.vocTruthCounts != nil, let missed = state.tideMissed {
            tideCounts[.missed] = missed.reduce(0, +)
            func mean(_ values: [Double]) -> Double? {
                values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
            }
            let base = mean(baseAPs)
            var delta = [TIDEBreakdown.ErrorType: Double?]()
            for type in types {
                if let value = mean(fixedAPs[type] ?? []), let base {
                    delta[type] = value - base
                } else {
                    delta[type] = .some(nil)
                }
            }
            tide = TIDEBreakdown(
                counts: tideCounts, deltaAP: delta, meanAveragePrecision: base, foregroundThreshold: iouThreshold)
        }
        var confusion = DetectionConfusionMatrix(
            labels: names, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold)
        confusion.counts = state.confusion
        confusion.sweepThresholds = state.confusionSweepThresholds
        confusion.sweep = state.confusionSweep
        var level: ImageLevelMetrics?
        if let counts = state.imageLevel {
            level = ImageLevelMetrics(
                truePositives: counts[0], falseNegatives: counts[1], falsePositives: counts[2],
                trueNegatives: counts[3], scoreThreshold: scoreThreshold)
        }
        let data = EvaluationData(
            images: [], categoryIDs: state.categoryIDs, categoryNames: names, groundTruth: .init(), detections: .init())
        return Outcome(
            data: data, voc: voc, coco: coco?.evaluation(), confusion: confusion, imageLevel: level, tide: tide,
            skippedDetections: state.skippedDetections, diagnostics: Diagnostics(),
            counts: .init(
                images: state.imageIDs.count, groundTruth: state.groundTruthCount, detections: state.detectionCount))
    }
}

/// A streamed evaluation's COCO accumulation, a category at a time from the spill's COCO files,
/// on a thread of its own (the VOC and TIDE loop reads the other files): two categories in memory.
private final class SpilledCOCO: @unchecked Sendable {
    private var accumulator: COCOAccumulator
    private let spill: CategorySpill
    private let done = DispatchSemaphore(value: 0)

    /// Starts accumulating every category of `spill` into `accumulator`.
    init(_ accumulator: COCOAccumulator, spill: CategorySpill) {
        self.accumulator = accumulator
        self.spill = spill
        // The thread holds this object, and so the spill's files, until it ends.
        Thread { [self] in
            for k in 0..<self.spill.categories {
                if let matches = self.spill.cocoMatches(category: k) {
                    self.accumulator.add(category: k, matches: matches)
                }
            }
            self.done.signal()
        }.start()
    }

    /// The evaluation of every category, once all are accumulated.
    func evaluation() -> COCOEvaluation {
        done.wait()
        done.signal()
        return accumulator.evaluation()
    }
}
