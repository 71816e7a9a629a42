import ArgumentParser
import ArgusCompute
import ArgusData
import ArgusIO
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `train`, `infer` and `explain` share: the runner's input data, the run itself, and progress.
enum RunnerSupport {
    /// Runs a runner command, showing its progress, and returns its `done` event.
    /// Runner failures print their message and exit 1; an interrupted run exits 130.
    static func run(_ command: RunnerCommand, configuration: RunnerConfiguration) throws -> RunnerEvent {
        let display = RunnerProgressDisplay(terminal: isatty(2) == 1)
        do {
            let python = try RunnerLocation.python()
            let done = try RunnerProcess.run(command, configuration: configuration, python: python) { event in
                display.show(event)
            }
            display.finish()
            return done
        } catch {
            display.finish()
            Console.printError("error: \(error.message)")
            throw ExitCode(error.status == 130 ? 130 : 1)
        }
    }

    /// Reads `path` (any format Argus reads) and writes it as the runner's JSONL input into `folder`:
    /// each image's `image_url` as written, with its absolute local `path`. Returns the file and the task.
    static func prepare(
        _ path: String, input: InputOptions, in folder: String, name: String
    ) throws -> (path: String, task: String?) {
        let loaded = try input.load(path)
        try Console.failIfErrors(loaded.diagnostics)
        let file = try prepare(loaded, dataRoot: input.dataRoot, in: folder, name: name)
        return (file, (input.task ?? loaded.dataset.task)?.rawValue)
    }

    /// Writes data already read as the runner's JSONL input into `folder`.
    static func prepare(_ loaded: LoadedDataset, dataRoot: String?, in folder: String, name: String) throws -> String {
        var options = WriteOptions(overwrite: true)
        options.dataRoot = dataRoot
        options.resolvedPaths = true
        let output = (folder as NSString).appendingPathComponent(name)
        try DatasetWriter.write(loaded, as: .jsonl, to: output, options: options)
        return output
    }

    /// A scratch folder for the runner's inputs, removed when `body` returns.
    static func withScratch<T>(_ body: (String) throws -> T) throws -> T {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? NSTemporaryDirectory()
        let folder = (base as NSString).appendingPathComponent("argus-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }
}

/// A model folder, the images to predict on, and the predictions file: what `infer` and `explain` take.
struct PredictionOptions: ParsableArguments {
    @Option(name: .long, help: "The model folder (model.pt, settings.json, labels.json).")
    var model: String

    @Option(name: .long, help: "The images: AutoML JSONL, an MLTable folder, or any format Argus reads.")
    var data: String

    @Option(name: .shortAndLong, help: "The predictions file to write (AutoML scoring JSONL).")
    var output: String

    @OptionGroup var input: InputOptions
    @OptionGroup var runner: RunnerOptions

    /// Runs `command` with these options and `extra` settings; the runner reads the data from a scratch copy.
    func run(_ command: RunnerCommand, extra: RunnerConfiguration = RunnerConfiguration()) throws -> RunnerEvent {
        try RunnerSupport.withScratch { scratch in
            var configuration = try runner.configuration()
            configuration.values.merge(extra.values) { _, new in new }
            configuration["model"] = .string(model)
            configuration["data"] = .string(
                try RunnerSupport.prepare(data, input: input, in: scratch, name: "data.jsonl").path)
            configuration["predictions"] = .string(output)
            return try RunnerSupport.run(command, configuration: configuration)
        }
    }
}

/// Device, batch size, workers, precision and `--set KEY=VALUE`: the options every runner command takes.
struct RunnerOptions: ParsableArguments {
    @Option(name: .long, help: "cuda, cpu or auto (CUDA when PyTorch sees one).")
    var device = "auto"

    @Option(name: .customLong("batch-size"), help: "Images per batch.")
    var batchSize: Int?

    @Option(name: .long, help: "Image-decoding worker processes.")
    var workers: Int?

    @Option(name: .long, help: "Mixed precision on a GPU: auto (fp16), fp16, bf16 or off.")
    var autocast = "auto"

    @Option(
        name: .customLong("set"),
        help: "A runner setting by its AutoML name, KEY=VALUE (repeatable; e.g. --set box_score_thresh=0.5).")
    var assignments: [String] = []

    func validate() throws {
        guard batchSize.map({ $0 >= 1 }) ?? true else { throw ValidationError("--batch-size must be at least 1") }
        guard workers.map({ $0 >= 0 }) ?? true else { throw ValidationError("--workers must be 0 or more") }
    }

    /// The configuration with these options applied (`--set` last, so it wins).
    func configuration(batchKey: String = "batch_size") throws -> RunnerConfiguration {
        var configuration = RunnerConfiguration()
        configuration["device"] = .string(device)
        configuration["autocast"] = .string(autocast)
        if let batchSize { configuration[batchKey] = .int(batchSize) }
        if let workers { configuration["number_of_workers"] = .int(workers) }
        do {
            try configuration.add(assignments: assignments)
        } catch {
            throw ValidationError(error.message)
        }
        return configuration
    }
}
