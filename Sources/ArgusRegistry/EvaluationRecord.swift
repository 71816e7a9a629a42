import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults
import Crypto
import Foundation

/// What the registry keeps of one evaluation: read from its folder through the results model.
public struct EvaluationRecord: Sendable {
    /// The model, where given.
    public var model: Registry.ModelReference?
    /// Where the model's files are, where given (recorded, not read).
    public var modelPath: String?
    /// The dataset's name.
    public var datasetName: String
    /// The SHA-256 of the ground truth's bytes (of a folder's files, names included).
    public var datasetHash: String
    /// The number of images evaluated.
    public var imageCount: Int
    /// The task.
    public var task: String
    /// The settings, as a JSON object.
    public var settings: String
    /// The primary metric's name.
    public var primaryMetric: String
    /// The primary metric's value (nil where undefined).
    public var primaryValue: Double?
    /// Every scalar: the headline metrics, and `coco.AP` … for COCO's statistics.
    public var metrics: [(String, Double?)]
    /// Every per-label figure.
    public var labelMetrics: [(String, String, Double?)]
    /// The evaluation's files and reports with their checksums.
    public var artifacts: [Artifact]
    /// The machine it was recorded on.
    public var host: String
    /// The git commit of the working directory, where known.
    public var gitCommit: String?
    /// The command line, secrets removed.
    public var commandLine: String
    /// When it was recorded (ISO 8601, UTC).
    public var recordedAt: String
    /// How long the evaluation took, where known.
    public var seconds: Double?
    /// The evaluation folder (absolute).
    public var folder: String

    /// A file of the evaluation or its report, with its checksum.
    public struct Artifact: Sendable, Equatable {
        /// `metrics.json`, `matches.jsonl`, … or `report`.
        public var kind: String
        /// The file (absolute).
        public var path: String
        /// Its SHA-256, in hexadecimal.
        public var sha256: String
        /// Its size in bytes.
        public var bytes: Int
    }

    /// Reads an evaluation folder for recording.
    /// - Parameters:
    ///   - folder: the folder `argus evaluate` wrote.
    ///   - model: the model, as `NAME@VERSION`.
    ///   - dataset: the dataset's name (default: the ground truth's file or folder name).
    ///   - seconds: how long the evaluation took, when the caller measured it.
    ///   - extraArtifacts: report files to record beside the evaluation's own.
    /// - Throws: `DataError` naming the file and key when the folder's files are not valid.
    public init(
        folder: String, model: Registry.ModelReference?, modelPath: String? = nil, dataset: String? = nil,
        seconds: Double? = nil, extraArtifacts: [String] = []
    ) throws(DataError) {
        let metrics = try EvaluationMetrics.read(ResultsSchema.File.metrics.path(in: folder))
        self.model = model
        self.modelPath = modelPath
        let truth = metrics.inputs.groundTruth
        datasetName = dataset ?? (truth as NSString).lastPathComponent
        datasetHash = (try? Self.contentHash(truth)) ?? "unreadable:\(truth)"
        imageCount = metrics.imageCount
        task = metrics.task.rawValue
        primaryMetric = metrics.primaryMetric.name
        primaryValue = metrics.primaryMetric.value
        (settings, self.metrics, labelMetrics) = Self.figures(metrics)
        artifacts = []
        for file in ResultsSchema.File.allCases where FileManager.default.fileExists(atPath: file.path(in: folder)) {
            artifacts.append(try Self.artifact(file.path(in: folder), kind: file.rawValue))
        }
        for path in extraArtifacts where FileManager.default.fileExists(atPath: path) {
            artifacts.append(try Self.artifact(path, kind: "report"))
        }
        host = ProcessInfo.processInfo.hostName
        gitCommit = Self.gitCommit()
        commandLine = Secrets.redacted(CommandLine.arguments.joined(separator: " "))
        recordedAt = Registry.now()
        self.seconds = seconds
        self.folder = PathTools.absolute(folder)
    }

    static func figures(_ metrics: EvaluationMetrics) -> (String, [(String, Double?)], [(String, String, Double?)]) {
        var json = JSONWriter()
        json.beginObject()
        var scalars = metrics.scalars.map { ($0.name, $0.value) }
        var labels: [(String, String, Double?)] = []
        switch metrics {
        case .detection(let file):
            json.field("metric_type", file.metricType.rawValue)
            json.field("iou_threshold", file.iouThreshold)
            json.field("score_threshold", file.confusionMatrix.scoreThreshold)
            if let interpolation = file.interpolation { json.field("interpolation", interpolation.rawValue) }
            for entry in file.perLabel ?? [] {
                labels += [
                    (entry.label, "precision", entry.precision), (entry.label, "recall", entry.recall),
                    (entry.label, "average_precision", entry.averagePrecision),
                    (entry.label, "ground_truth", Double(entry.groundTruth)),
                    (entry.label, "detections", Double(entry.detections)),
                ]
            }
            if let coco = file.coco {
                for statistic in COCOStatistic.allCases {
                    scalars.append(("coco.\(statistic.name)", coco.value(statistic)))
                }
                for category in coco.perCategory {
                    labels += [(category.name, "coco.AP", category.ap), (category.name, "coco.AP50", category.ap50)]
                }
            }
        case .classification(let file):
            if let threshold = file.threshold { json.field("threshold", threshold) }
            for entry in file.perLabel {
                labels += [
                    (entry.label, "precision", entry.precision), (entry.label, "recall", entry.recall),
                    (entry.label, "f1", entry.f1), (entry.label, "support", Double(entry.support)),
                    (entry.label, "AUC", entry.auc), (entry.label, "average_precision", entry.averagePrecision),
                ]
                if let iou = entry.iou { labels.append((entry.label, "iou", iou)) }
            }
        }
        json.endObject()
        return (json.text, scalars, labels)
    }

    static func artifact(_ path: String, kind: String) throws(DataError) -> Artifact {
        let (digest, bytes) = try sha256(of: path)
        return Artifact(kind: kind, path: PathTools.absolute(path), sha256: digest, bytes: bytes)
    }

    /// The SHA-256 of a file, read in blocks, and its size.
    static func sha256(of path: String) throws(DataError) -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError(.unreadable, SourceLocation(file: path), "cannot read the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += chunk.count
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), total)
    }

    /// The hash of a file, or of a folder's files (names and contents, in name order).
    static func contentHash(_ path: String) throws(DataError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DataError(.unreadable, SourceLocation(file: path), "no such file or folder")
        }
        guard isFolder.boolValue else { return try sha256(of: path).0 }
        var hasher = SHA256()
        let names = ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).sorted()
        for name in names {
            let full = path + "/" + name
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &folder), !folder.boolValue else {
                continue
            }
            hasher.update(data: Data(name.utf8))
            hasher.update(data: Data(try sha256(of: full).0.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The commit of the working directory's git repository, where there is one.
    static func gitCommit() -> String? {
        if let given = ProcessInfo.processInfo.environment["ARGUS_GIT_COMMIT"], !given.isEmpty { return given }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count == 40 ? text : nil
    }
}
