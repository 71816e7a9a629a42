import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The per-detection state of a streamed evaluation (`--passes N`), kept on disk by category:
/// each pass appends its VOC records with their TIDE errors, its classification errors (also
/// under the category they point at) and its COCO matchings to one file per category and drops
/// them. The final computations then read one category at a time, so that memory holds one
/// pass, or one category, never every detection.
final class CategorySpill {
    let folder: String
    let categories: Int
    private var voc: [UnsafeMutablePointer<FILE>] = []
    private var incoming: [UnsafeMutablePointer<FILE>] = []
    private var coco: [UnsafeMutablePointer<FILE>] = []
    private(set) var cocoShape: (areaRanges: Int, iouThresholds: Int)?

    /// One VOC record and its TIDE error, as written.
    struct Row {
        var score: Double
        var order: Int64
        var target: Int64  // −1: none
        var targetCategory: Int32
        var category: Int32
        var outcome: UInt8  // 0 true positive, 1 false positive, 2 ignored
        var errorCode: UInt8  // 0: none, else 1 + index in TIDEBreakdown.ErrorType.allCases
        var targetTaken: UInt8
    }

    init(folder: String, categories: Int) throws {
        self.folder = folder
        self.categories = categories
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for k in 0..<categories {
            for (list, name) in [
                (\CategorySpill.voc, "voc"), (\CategorySpill.incoming, "incoming"), (\CategorySpill.coco, "coco"),
            ] {
                guard let file = fopen(folder + "/\(name)-\(k).bin", "w+b") else {
                    throw DataError(.unwritable, SourceLocation(file: folder), String(cString: strerror(errno)))
                }
                self[keyPath: list].append(file)
            }
        }
    }

    deinit {
        for file in voc + incoming + coco { fclose(file) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let errorTypes = TIDEBreakdown.ErrorType.allCases

    /// Moves a pass's per-detection state to disk.
    func add(_ state: inout EvaluationState) throws {
        if let records = state.vocRecords {
            let errors = state.tideErrors
            for (i, record) in records.enumerated() {
                let error = errors?[i] ?? nil
                var row = Row(
                    score: record.score, order: Int64(record.order), target: Int64(error?.target ?? -1),
                    targetCategory: error?.targetCategory ?? -1, category: record.category,
                    outcome: record.outcome == .truePositive ? 0 : record.outcome == .falsePositive ? 1 : 2,
                    errorCode: error.map { UInt8(Self.errorTypes.firstIndex(of: $0.type)! + 1) } ?? 0,
                    targetTaken: (error?.targetTaken ?? false) ? 1 : 0)
                try write(&row, to: voc[Int(record.category)])
                if let error, error.type == .classification, error.targetCategory >= 0 {
                    try write(&row, to: incoming[Int(error.targetCategory)])
                }
            }
        }
        if let matches = state.cocoMatches {
            cocoShape = (matches.areaRanges, matches.iouThresholds)
            let A = matches.areaRanges
            let T = matches.iouThresholds
            for e in 0..<matches.count {
                let file = coco[Int(matches.categories[e])]
                let start = matches.starts[e]
                let end = matches.starts[e + 1]
                var header: [Int64] = [Int64(matches.imageIDs[e]), Int64(end - start)]
                var truth = Array(matches.groundTruthCounts[(e * A)..<((e + 1) * A)])
                var scores = Array(matches.scores[start..<end])
                var flags = Array(matches.flags[(A * T * start)..<(A * T * end)])
                guard fwrite(&header, 8, 2, file) == 2, fwrite(&truth, 4, A, file) == A,
                    fwrite(&scores, 8, scores.count, file) == scores.count,
                    fwrite(&flags, 1, flags.count, file) == flags.count
                else {
                    throw DataError(
                        .unwritable, SourceLocation(file: folder),
                        "cannot write the COCO matchings: \(String(cString: strerror(errno)))")
                }
            }
        }
        state.vocRecords = nil
        state.tideErrors = nil
        state.cocoMatches = nil
    }

    private func write(_ row: inout Row, to file: UnsafeMutablePointer<FILE>) throws {
        guard fwrite(&row, MemoryLayout<Row>.stride, 1, file) == 1 else {
            throw DataError(
                .unwritable, SourceLocation(file: folder),
                "cannot write the evaluation state: \(String(cString: strerror(errno)))")
        }
    }

    private func readRows(_ file: UnsafeMutablePointer<FILE>) -> [Row] {
        fflush(file)
        let bytes = ftell(file)
        rewind(file)
        let n = bytes / MemoryLayout<Row>.stride
        var rows = [Row](
            repeating: Row(
                score: 0, order: 0, target: 0, targetCategory: 0, category: 0, outcome: 0, errorCode: 0, targetTaken: 0),
            count: n)
        _ = rows.withUnsafeMutableBytes { fread($0.baseAddress, MemoryLayout<Row>.stride, n, file) }
        return rows
    }

    /// Category k's records (with their errors) and the classification errors pointing at it.
    func rows(category k: Int) -> (own: [Row], incoming: [Row]) { (readRows(voc[k]), readRows(incoming[k])) }

    /// Category k's COCO matchings.
    func cocoMatches(category k: Int) -> COCOMatchTable? {
        guard let (A, T) = cocoShape else { return nil }
        let file = coco[k]
        fflush(file)
        let end = ftell(file)
        rewind(file)
        var table = COCOMatchTable(areaRanges: A, iouThresholds: T)
        while ftell(file) < end {
            var header = [Int64](repeating: 0, count: 2)
            guard fread(&header, 8, 2, file) == 2 else { break }
            let D = Int(header[1])
            var truth = [Int32](repeating: 0, count: A)
            var scores = [Double](repeating: 0, count: D)
            var flags = [UInt8](repeating: 0, count: A * T * D)
            _ = fread(&truth, 4, A, file)
            _ = fread(&scores, 8, D, file)
            _ = fread(&flags, 1, flags.count, file)
            table.append(
                imageID: Int(header[0]), category: k, scores: scores, flags: flags,
                groundTruthCounts: truth.map { Int($0) })
        }
        return table
    }
}

extension CategorySpill.Row {
    var record: VOCEvaluator.Record {
        VOCEvaluator.Record(
            category: category, score: score, order: Int(order),
            outcome: outcome == 0 ? .truePositive : outcome == 1 ? .falsePositive : .ignored)
    }
    var errorType: TIDEBreakdown.ErrorType? { errorCode == 0 ? nil : CategorySpill.errorTypes[Int(errorCode) - 1] }
}
