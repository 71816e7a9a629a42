import ArgusCore
import ArgusData
import ArgusMasks
import Foundation

/// An evaluation folder written by `argus evaluate` (metrics.json, curves.json, matches.jsonl,
/// images.jsonl), read back for reports. Only metrics.json is required; every other file
/// adds charts when it is there.
public struct EvaluationRun {
    public var folder: String
    public var name: String
    public var task: String
    public var metrics: PlainJSON
    public var curves: Curves
    public var detections: DetectionRecords?
    public var classifications: [ClassificationRecord]?
    /// Image name → file path (relative to the current folder) and size.
    public var images: [String: ImageInfo] = [:]

    public struct ImageInfo: Sendable { public var path: String?; public var width: Int; public var height: Int }

    /// A PR or ROC curve.
    public struct Curve {
        public var x: [Double]
        public var y: [Double]
        public var thresholds: [Double] = []
        /// Precision, recall and F1 per threshold (detection PR curves).
        public var f1: [Double] = []
    }

    public struct Curves {
        /// Per label: PR (x recall, y precision) and ROC (x FPR, y TPR).
        public var precisionRecall: [String: Curve] = [:]
        public var roc: [String: Curve] = [:]
        public var microPR: Curve?
        public var microROC: Curve?
        public var macroPR: Curve?
        public var macroROC: Curve?
        public var bestF1: [String: (threshold: Double, f1: Double, precision: Double, recall: Double)] = [:]
    }

    public struct ClassificationRecord {
        public var image: String
        public var path: String?
        public var label: String
        public var predicted: String
        public var score: Double
        public var correct: Bool
    }

    /// Detection match records, columnar (labels and images interned).
    public struct DetectionRecords {
        public enum Outcome: UInt8 { case truePositive, falsePositive, ignored, missed }
        public var imageNames: [String] = []
        public var labelNames: [String] = []
        public var image: [Int32] = []
        public var label: [Int32] = []
        public var outcome: [Outcome] = []
        public var score: [Double] = []
        public var box: [(Double, Double, Double, Double)] = []
        public var truthBox: [(Double, Double, Double, Double)?] = []
        /// Masks of instance segmentation (the record's own, and its matched ground truth's).
        public var shape: [Shape?] = []
        public var truthShape: [Shape?] = []
        public var count: Int { outcome.count }

        public enum Shape {
            case polygons([[Double]])
            case rle(counts: String, height: Int, width: Int)

            static func read(_ value: JSONValue?) -> Shape? {
                guard let value else { return nil }
                if value.kind == .array { return .polygons(value.elements.compactMap(\.doubles)) }
                guard let size = value["size"]?.doubles, size.count == 2, let counts = value["counts"]?.string else { return nil }
                return .rle(counts: counts, height: Int(size[0]), width: Int(size[1]))
            }

            /// Outlines in image pixels, for drawing.
            public var outlines: [[(Double, Double)]] {
                let rings: [[Double]]
                switch self {
                case .polygons(let list): rings = list
                case .rle(let counts, let height, let width):
                    guard let runs = RLECodec.decode(counts) else { return [] }
                    rings = MaskContours.polygons(of: RunLengthMask(height: height, width: width, counts: runs), maxPoints: 80)
                }
                return rings.map { ring in stride(from: 0, to: ring.count - 1, by: 2).map { (ring[$0], ring[$0 + 1]) } }
            }
        }
    }

    public var isDetection: Bool { task == "image_object_detection" || task == "image_instance_segmentation" }
    public var isMultilabel: Bool { task == "image_classification_multilabel" }

    /// Reads an evaluation folder.
    /// - Throws: `DataError` naming the file when metrics.json is missing or a file is malformed.
    public init(folder: String, name: String? = nil) throws {
        self.folder = folder
        self.name = name ?? (PathTools.absolute(folder) as NSString).lastPathComponent
        let metricsPath = folder + "/metrics.json"
        guard FileManager.default.fileExists(atPath: metricsPath) else {
            throw DataError(.unreadable, SourceLocation(file: metricsPath), "no metrics.json: not an evaluation folder written by `argus evaluate`")
        }
        metrics = try PlainJSON.load(metricsPath)
        guard let task = metrics["task"]?.string else {
            throw DataError(.invalidData, SourceLocation(file: metricsPath), field: "task", "missing: not a metrics.json written by `argus evaluate`")
        }
        self.task = task
        curves = try Self.readCurves(folder + "/curves.json")
        let matchesPath = folder + "/matches.jsonl"
        if FileManager.default.fileExists(atPath: matchesPath) {
            if isDetection { detections = try Self.readDetections(matchesPath) } else { classifications = try Self.readClassifications(matchesPath) }
        }
        images = try Self.readImages(folder + "/images.jsonl", folder: folder)
        if let classifications {
            for record in classifications where images[record.image] == nil {
                images[record.image] = ImageInfo(path: record.path.map { Self.join(folder, $0) }, width: 0, height: 0)
            }
        }
    }

    static func join(_ folder: String, _ path: String) -> String {
        path.hasPrefix("/") ? path : (folder.hasSuffix("/") ? folder + path : folder + "/" + path)
    }

    // MARK: Convenient views of metrics.json

    public var primaryMetric: (name: String, value: Double?) {
        (metrics["primary_metric"]?["name"]?.string ?? "", metrics["primary_metric"]?["value"]?.double)
    }

    /// `metrics.*` in file order.
    public var scalars: [(String, Double?)] { (metrics["metrics"]?.members ?? []).map { ($0.0, $0.1.double) } }

    public func scalar(_ name: String) -> Double? { metrics["metrics"]?[name]?.double }

    /// Per-label fields in file order.
    /// Per-label numbers in file order (null values left out).
    public var perLabel: [(label: String, values: [String: Double])] {
        (metrics["per_label"]?.members ?? []).map { label, value in
            (label, Dictionary(uniqueKeysWithValues: value.members.compactMap { k, v in v.double.map { (k, $0) } }))
        }
    }

    public var confusionMatrix: (labels: [String], counts: [[Double]])? {
        guard let matrix = metrics["confusion_matrix"], let labels = matrix["labels"]?.array?.compactMap(\.string),
              let rows = matrix["counts"]?.array?.map({ $0.doubles ?? [] }) else { return nil }
        return (labels, rows)
    }

    public var imageCount: Int? { metrics["counts"]?["images"]?.int }

    // MARK: Readers

    static func readCurves(_ path: String) throws -> Curves {
        var curves = Curves()
        guard FileManager.default.fileExists(atPath: path) else { return curves }
        let bytes = try PaddedBytes(contentsOfFile: path)
        let result: Result<Void, JSONSyntaxError> = JSONDocument().parse(bytes) { root in
            func membersOf(_ v: JSONValue?) -> [(key: String, value: JSONValue)] { v.map { Array($0.members) } ?? [] }
            func curve(_ v: JSONValue?, x: String, y: String, thresholds: String) -> Curve? {
                guard let v, let xs = v[x]?.doubles, let ys = v[y]?.doubles else { return nil }
                return Curve(x: xs, y: ys, thresholds: v[thresholds]?.elements.map { $0.double ?? .nan } ?? [])
            }
            // Detection: pr_curves (VOC matching, one point per detection) and best_f1.
            for (label, value) in membersOf(root["pr_curves"]) {
                if var c = curve(value, x: "recall", y: "precision", thresholds: "score") {
                    c.f1 = value["f1"]?.doubles ?? []
                    curves.precisionRecall[label] = c
                }
            }
            for (label, value) in membersOf(root["best_f1"]) {
                guard let t = value["threshold"]?.double, let f = value["f1"]?.double,
                      let p = value["precision"]?.double, let r = value["recall"]?.double else { continue }
                curves.bestF1[label] = (t, f, p, r)
            }
            // Classification: per_label roc/pr, micro, macro_roc, macro_pr.
            for (label, value) in membersOf(root["per_label"]) {
                curves.precisionRecall[label] = curve(value["pr"], x: "recall", y: "precision", thresholds: "thresholds")
                curves.roc[label] = curve(value["roc"], x: "fpr", y: "tpr", thresholds: "thresholds")
            }
            curves.microPR = curve(root["micro"]?["pr"], x: "recall", y: "precision", thresholds: "thresholds")
            curves.microROC = curve(root["micro"]?["roc"], x: "fpr", y: "tpr", thresholds: "thresholds")
            curves.macroROC = curve(root["macro_roc"], x: "fpr", y: "tpr", thresholds: "thresholds")
            curves.macroPR = curve(root["macro_pr"], x: "recall", y: "precision", thresholds: "thresholds")
        }
        if case .failure(let error) = result { throw DataError(.invalidJSON, SourceLocation(file: path), error.message) }
        return curves
    }

    static func readDetections(_ path: String) throws -> DetectionRecords {
        var records = DetectionRecords()
        var imageIndex: [String: Int32] = [:], labelIndex: [String: Int32] = [:]
        func intern(_ name: String, _ table: inout [String: Int32], _ list: inout [String]) -> Int32 {
            if let i = table[name] { return i }
            let i = Int32(list.count); table[name] = i; list.append(name); return i
        }
        let document = JSONDocument()
        try LineStream(path: path).forEachLine { line, number throws(DataError) in
            guard line.contains(where: { $0 > 32 }) else { return }
            let location = SourceLocation(file: path, line: number)
            let parsed: Result<DataError?, JSONSyntaxError> = document.parse(line.baseAddress!, length: line.count) { row in
                guard let image = row["image"]?.string, let label = row["label"]?.string, let box = row["bbox"]?.fourNumbers else {
                    return DataError(.invalidData, location, field: "image", "a match record needs image, label and bbox")
                }
                let kind = row["kind"]?.string
                let outcome: DetectionRecords.Outcome
                switch kind == "missed" ? "missed" : (row["outcome"]?.string ?? "") {
                case "tp": outcome = .truePositive
                case "fp": outcome = .falsePositive
                case "ignored": outcome = .ignored
                case "missed": outcome = .missed
                default: return DataError(.invalidData, location, field: "outcome", "expected tp, fp or ignored")
                }
                records.image.append(intern(image, &imageIndex, &records.imageNames))
                records.label.append(intern(label, &labelIndex, &records.labelNames))
                records.outcome.append(outcome)
                records.score.append(row["score"]?.double ?? .nan)
                records.box.append(box)
                records.truthBox.append(row["ground_truth_bbox"]?.fourNumbers)
                records.shape.append(DetectionRecords.Shape.read(row["segmentation"]))
                records.truthShape.append(DetectionRecords.Shape.read(row["ground_truth_segmentation"]))
                return nil
            }
            switch parsed {
            case .success(let problem): if let problem { throw problem }
            case .failure(let error): throw DataError(.invalidJSON, location, error.message)
            }
        }
        return records
    }

    static func readClassifications(_ path: String) throws -> [ClassificationRecord] {
        var records: [ClassificationRecord] = []
        let document = JSONDocument()
        try PaddedBytes(contentsOfFile: path).forEachLine { line, number in
            guard line.contains(where: { $0 > 32 }) else { return }
            let location = SourceLocation(file: path, line: number)
            let parsed: Result<ClassificationRecord?, JSONSyntaxError> = document.parse(line.baseAddress!, length: line.count) { row in
                guard let image = row["image"]?.string, let label = row["label"]?.string, let predicted = row["predicted"]?.string,
                      let score = row["score"]?.double, let correct = row["correct"]?.bool else { return nil }
                return ClassificationRecord(image: image, path: row["path"]?.string, label: label, predicted: predicted, score: score, correct: correct)
            }
            switch parsed {
            case .success(let record?): records.append(record)
            case .success(nil): throw DataError(.invalidData, location, field: "image", "a record needs image, label, predicted, score and correct")
            case .failure(let error): throw DataError(.invalidJSON, location, error.message)
            }
        }
        return records
    }

    static func readImages(_ path: String, folder: String) throws -> [String: ImageInfo] {
        var images: [String: ImageInfo] = [:]
        guard FileManager.default.fileExists(atPath: path) else { return images }
        let document = JSONDocument()
        try PaddedBytes(contentsOfFile: path).forEachLine { line, number in
            guard line.contains(where: { $0 > 32 }) else { return }
            let parsed: Result<(String, ImageInfo)?, JSONSyntaxError> = document.parse(line.baseAddress!, length: line.count) { row in
                guard let name = row["image"]?.string else { return nil }
                return (name, ImageInfo(path: row["path"]?.string.map { join(folder, $0) }, width: row["width"]?.int ?? 0, height: row["height"]?.int ?? 0))
            }
            switch parsed {
            case .success(let entry?): images[entry.0] = entry.1
            case .success(nil): throw DataError(.invalidData, SourceLocation(file: path, line: number), field: "image", "missing")
            case .failure(let error): throw DataError(.invalidJSON, SourceLocation(file: path, line: number), error.message)
            }
        }
        return images
    }
}
