// Times one Argus operation on one file and prints a JSON line: {"task", "seconds", "peak_rss_bytes", …}.
// Run by Benchmarks/run_benchmarks.py side by side with the Python reference tools.
import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusPipeline
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
if arguments.count == 5 && arguments[1] == "coco-phases" {
    // coco-phases GT RESULTS bbox|segm: the parse floor (simdjson over the results file, nothing
    // built), then each phase of a COCO evaluation, writing its files last, as one JSON line of seconds.
    let segm = arguments[4] == "segm"
    var phases: [(String, Double)] = []
    var t0 = now()
    func lap(_ name: String) {
        let t1 = now()
        phases.append((name, t1 - t0))
        t0 = t1
    }
    let bytes = try PaddedBytes(contentsOfFile: arguments[3])
    _ = JSONDocument().parse(bytes) { root in root.count }
    lap("parse_floor")
    let gt = try DatasetReader.read(arguments[2], format: .coco)
    lap("read_ground_truth")
    let (results, _) = try COCOReader.readResults(arguments[3])
    lap("read_results")
    var (data, _) = try EvaluationData.groundTruth(gt.dataset, segm: segm)
    lap("index_ground_truth")
    _ = try data.addResults(results, segm: segm)
    lap("index_results")
    let parameters = COCOParameters(iouType: segm ? .segm : .bbox)
    let matches = COCOEvaluator.imageMatches(data, parameters: parameters)
    lap("match")
    let evaluation = COCOEvaluator.evaluate(
        imageMatches: matches, categoryIDs: data.categoryIDs, categoryNames: data.categoryNames,
        parameters: parameters)
    lap("accumulate")
    let stats = evaluation.stats
    lap("summarize")
    // Writing the evaluation's files (metrics.json, curves.json, matches.jsonl, images.jsonl) as
    // `argus evaluate --metric-type coco` writes them: the outcome worked out again, untimed.
    var job = DetectionEvaluationJob(
        task: segm ? .imageInstanceSegmentation : .imageObjectDetection, groundTruth: arguments[2],
        predictions: arguments[3])
    job.metricType = .coco
    let outcome = try job.run()
    let folder = NSTemporaryDirectory() + "argus-bench-write-\(getpid())"
    t0 = now()
    try job.write(outcome, to: folder, overwrite: true)
    lap("write")
    try? FileManager.default.removeItem(atPath: folder)
    let fields = phases.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
    print("{\(fields), \"AP\": \(stats[0])}")
    exit(0)
}
if arguments.count == 3 && arguments[1] == "multiclass-phases" {
    // multiclass-phases FILE: the time of each part of `multiclass`.
    var t0 = now()
    func lap(_ name: String) {
        let t1 = now()
        print("\(name): \(t1 - t0)")
        t0 = t1
    }
    let data = try PaddedBytes(contentsOfFile: arguments[2])
    let header = data.base.assumingMemoryBound(to: Int64.self)
    let n = Int(header[0])
    let c = Int(header[1])
    let truth = (0..<n).map { Int(header[2 + $0]) }
    let scores = Array(
        UnsafeBufferPointer(start: (data.base + 16 + 8 * n).assumingMemoryBound(to: Double.self), count: n * c))
    let metrics = MulticlassMetrics(labels: (0..<c).map(String.init), truth: truth, scores: scores)
    lap("read")
    let predicted = metrics.predicted
    lap("predicted")
    let counts = metrics.confusionMatrix(predicted)
    _ = metrics.perClass(counts)
    lap("confusion and per class")
    _ = metrics.logLoss
    lap("log loss")
    for k in [2, 3, 5] { _ = metrics.topKAccuracy(k) }
    lap("top-k")
    _ = metrics.calibration()
    lap("calibration")
    _ = metrics.ranking
    lap("ranking (per class and micro)")
    exit(0)
}
if arguments.count == 3 && arguments[1] == "multiclass" {
    // multiclass FILE: a binary file of N (Int64), C (Int64), N truth (Int64), N×C scores (Float64).
    let t0 = now()
    let data = try PaddedBytes(contentsOfFile: arguments[2])
    let header = data.base.assumingMemoryBound(to: Int64.self)
    let n = Int(header[0])
    let c = Int(header[1])
    let truth = (0..<n).map { Int(header[2 + $0]) }
    let scores = Array(
        UnsafeBufferPointer(start: (data.base + 16 + 8 * n).assumingMemoryBound(to: Double.self), count: n * c))
    let metrics = MulticlassMetrics(labels: (0..<c).map(String.init), truth: truth, scores: scores)
    let values = metrics.scalars()
    let seconds = now() - t0
    let fields = values.map { "\"\($0.0)\": \($0.1.isNaN ? "null" : String($0.1))" }.joined(separator: ", ")
    print("{\"seconds\": \(seconds), \"peak_rss_bytes\": \(peakRSS()), \"metrics\": {\(fields)}}")
    exit(0)
}
guard arguments.count == 3 else {
    FileHandle.standardError.write(
        "usage: argus-bench load-coco-results|load-jsonl|load-coco FILE\n".data(using: .utf8)!)
    exit(64)
}
let (task, path) = (arguments[1], arguments[2])
let start = now()
var extra: [String: Int] = [:]
switch task {
case "load-coco-results":
    let (results, diagnostics) = try COCOReader.readResults(path)
    extra["detections"] = results.count
    extra["errors"] = diagnostics.errors.count
case "load-coco":
    let loaded = try COCOReader.readInstances(path, options: ReadOptions())
    extra["images"] = loaded.dataset.images.count
    extra["errors"] = loaded.diagnostics.errors.count
case "load-jsonl":
    let loaded = try JSONLReader.read(path, options: ReadOptions())
    extra["images"] = loaded.dataset.images.count
    extra["errors"] = loaded.diagnostics.errors.count
default:
    FileHandle.standardError.write("unknown task \(task)\n".data(using: .utf8)!)
    exit(64)
}
let seconds = now() - start
let fields = extra.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
print("{\"task\": \"\(task)\", \"seconds\": \(seconds), \"peak_rss_bytes\": \(peakRSS()), \(fields)}")
