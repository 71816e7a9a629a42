import ArgumentParser
import ArgusCore
import ArgusIO
import ArgusRegistry
import Foundation

/// `--registry`, shared by every command that touches the registry.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            The registry: a SQLite file (default argus.sqlite in the working directory), or a team's \
            PostgreSQL server as postgresql://user:password@host:port/database.
            """)
    var registry = Registry.defaultPath

    /// Opens the registry.
    func open() throws -> Registry {
        if registry.contains("://") && !registry.hasPrefix("postgresql://") && !registry.hasPrefix("postgres://") {
            Console.printError("error: \(Secrets.redacted(registry)): expected a file or a postgresql:// URL")
            throw ExitCode(64)
        }
        return try Registry(path: registry)
    }
}

/// `--model` and `--dataset`, naming what an evaluation is of.
struct RecordingOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The model, as NAME@VERSION; for `evaluate --data`, the model folder to infer with (model.pt, …).")
    var model: String?

    @Option(name: .customLong("model-path"), help: "Where the model's files are (recorded, not read).")
    var modelPath: String?

    @Option(name: .long, help: "The dataset's name (default: the ground truth's file or folder name).")
    var dataset: String?

    func validate() throws {
        if let model, Registry.ModelReference(model) == nil, modelFolder == nil {
            throw ValidationError("--model must be NAME@VERSION or a model folder (holding model.pt)")
        }
    }

    var reference: Registry.ModelReference? { model.flatMap(Registry.ModelReference.init) }

    /// `--model` when it names a model folder (a folder holding `model.pt`), else nil.
    var modelFolder: String? {
        guard let model, FileManager.default.fileExists(atPath: (model as NSString).appendingPathComponent("model.pt"))
        else { return nil }
        return model
    }
}
