import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import Foundation

extension DetectionEvaluationJob {
    /// The inputs read for one evaluation.
    struct Prepared {
        var data: EvaluationData
        /// Detections of labels the ground truth does not have, left out.
        var skipped: Int
        var diagnostics: Diagnostics
        /// The folder the ground truth's image URLs are relative to.
        var imageFolder: String
        /// What the report should say about how the ground truth was read.
        var notes: [String]
        /// The ground truth's masks (segmentation, a whole evaluation), rasterised while the
        /// results were being read.
        var truthMasks: MaskCache.TruthMasks?
    }

    /// The ground truth as read and placed in pixels, with the reader's diagnostics.
    struct Truth {
        var loaded: LoadedDataset
        var data: EvaluationData
        var diagnostics: Diagnostics
    }

    /// Reads the ground truth (or takes it from `truthCache`, where an earlier pass read it).
    func readTruth(segm: Bool, options: ReadOptions) throws -> Truth {
        if let cached = truthCache?.truth { return cached }
        var diagnostics = Diagnostics()
        var truth: LoadedDataset
        if let groundTruthFormat {
            truth = try DatasetReader.read(groundTruthPath, format: groundTruthFormat, options: options)
        } else {
            // Detected and read in one parse where the file is one JSON object.
            let decision = try DatasetReader.readExplained(groundTruthPath, options: options)
            truth = decision.loaded
            diagnostics.note(SourceLocation(file: groundTruthPath), "read as \(decision.format): \(decision.reason)")
        }
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
        let data: EvaluationData
        do { (data, _) = try EvaluationData.groundTruth(truth.dataset, segm: segm) } catch { throw failure(error) }
        let read = Truth(loaded: truth, data: data, diagnostics: diagnostics)
        truthCache?.truth = read
        return read
    }

    /// Reads the inputs into one evaluation's data (restricted to the shard, if any).
    func prepare() throws -> Prepared {
        let segm = task == .imageInstanceSegmentation
        // COCO results are read on another core while the ground truth is told and read (`EarlyResults`).
        let early = EarlyResults.start(self)
        var options = readOptions
        options.task = task
        let read = try readTruth(segm: segm, options: options)
        let truth = read.loaded
        var data = read.data
        var diagnostics = read.diagnostics
        // On this core (and any the results' reader leaves idle) while the results are read.
        let truthMasks = segm && shard == nil ? MaskCache.truthMasks(data) : nil

        var predictionsFormat: DataFormat
        if let given = self.predictionsFormat {
            predictionsFormat = given
        } else {
            let decision = try DatasetReader.explainFormat(predictionsPath)
            predictionsFormat = decision.format
            diagnostics.note(
                SourceLocation(file: predictionsPath), "read as \(decision.format): \(decision.reason)")
        }
        var skipped = 0
        var readsShardOnly = false
        if predictionsFormat == .cocoResults, try FileSize.firstNonSpaceByte(predictionsPath) == UInt8(ascii: "[") {
            readsShardOnly = true
            // The fast path: COCO results straight into columns, joined by id; in a shard, only its images' detections are kept.
            var keep: (@Sendable (Int) -> Bool)?
            if let shard {
                var positions: [Int: Int] = [:]
                for (position, image) in data.images.enumerated() { positions[image.id] = position }
                let table = positions
                keep = { id in table[id].map { $0 % shard.count == shard.index } ?? true }
            }
            let read = try early?.results(usable: truth.dataset.stringImageIDs.isEmpty)
            let (results, problems) =
                try read
                ?? COCOReader.readResults(
                    predictionsPath, keep: keep, imageIDs: truth.dataset.stringImageIDs, checked: resultsChecked)
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
        return Prepared(
            data: data, skipped: skipped, diagnostics: diagnostics, imageFolder: truth.imageBase, notes: truth.notes,
            truthMasks: truthMasks)
    }

    func failure(_ error: EvaluationError) -> DataError {
        DataError(.invalidData, SourceLocation(file: predictionsPath), error.message)
    }

    /// Where image URLs are relative to when the reader's own answer is not at hand (merged
    /// shards): the ground-truth folder, or the folder of the ground-truth file.
    var imageFolderGuess: String {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: groundTruthPath, isDirectory: &isFolder)
        return exists && isFolder.boolValue ? groundTruthPath : PathTools.folder(of: groundTruthPath)
    }
}

/// COCO results read on a core of their own while the ground truth is read on this one: only for
/// a whole evaluation (a shard keeps its images' results, which needs the ground truth first) of a
/// COCO results list. Results whose image ids are strings need the ground truth's table: when it
/// has one, the early read is not used and the results are read again with it.
final class EarlyResults: @unchecked Sendable {
    private let done = DispatchGroup()
    private var outcome: Result<(DetectionResults, Diagnostics), DataError>?

    private init(path: String) {
        done.enter()
        // A thread of its own, not one of Dispatch's workers: the reader hands its slices to them.
        let thread = Thread {
            do throws(DataError) {
                self.outcome = .success(try COCOReader.readResults(path))
            } catch {
                self.outcome = .failure(error)
            }
            self.done.leave()
        }
        thread.start()
    }

    /// The read begun for `job`, or nil where it does not apply (a shard, another format, a file
    /// that is not a list: those are read as before, after the ground truth).
    static func start(_ job: DetectionEvaluationJob) -> EarlyResults? {
        // Told from the first byte: the file is not read twice to tell its format.
        guard job.shard == nil, job.predictionsFormat == nil || job.predictionsFormat == .cocoResults,
            DatasetReader.isResultsList(job.predictionsPath)
        else { return nil }
        return EarlyResults(path: job.predictionsPath)
    }

    /// The results and the reader's diagnostics; nil when they cannot be used (`usable` false: the
    /// ground truth's image ids are strings).
    /// - Throws: what the read threw (a file that cannot be read).
    func results(usable: Bool) throws(DataError) -> (DetectionResults, Diagnostics)? {
        done.wait()
        guard usable, let outcome else { return nil }
        return try outcome.get()
    }
}

/// The ground truth of a streamed evaluation, read by its first pass for every pass (the passes
/// run one after another on one thread).
final class TruthCache: @unchecked Sendable {
    var truth: DetectionEvaluationJob.Truth?
}
