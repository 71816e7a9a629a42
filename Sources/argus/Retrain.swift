import ArgumentParser
import ArgusCompute
import Foundation

struct Retrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Incremental training: train on new data starting from an earlier model's weights.",
        discussion: """
            --from names a model folder, a run folder, a finished job folder (its best trial), or a recorded \
            run: registry:ID, registry:NAME@VERSION or registry:NAME@latest-passing (its recorded model path). \
            The new run takes that model's name, task and inference settings (its settings.json) and its \
            weights; the training parameters are yours (--parameters, --set).

            Example:
              argus retrain --from registry:digits@latest-passing --data new-mltable/ --validation-data val.jsonl \\
                --output runs/digits-2026-12 --parameters hyper.yml
            """)

    @Option(name: .long, help: "The model to start from (see above).")
    var from: String

    @Option(name: .long, help: "The new training data (any format Argus reads).")
    var data: String

    @Option(name: .customLong("validation-data"), help: "The validation data.")
    var validationData: String?

    @Option(name: .shortAndLong, help: "The run folder to write.")
    var output: String

    @Option(name: .long, help: "A JSON or YAML file of training parameters (AutoML names).")
    var parameters: String?

    @Option(name: .customLong("set"), help: "A training parameter, KEY=VALUE (repeatable).")
    var assignments: [String] = []

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let folder = try ModelSource.folder(from, registry: registry)
        guard let data = FileManager.default.contents(atPath: folder + "/settings.json"),
            let settings = try? JSONDecoder().decode([String: RunnerValue].self, from: data),
            case .string(let task)? = settings["task"], case .string(let model)? = settings["model_name"]
        else {
            throw ValidationError("\(folder)/settings.json: cannot read the model's task and model_name")
        }
        Console.note("retraining \(model) (\(task)) from \(folder)")
        var arguments = [
            "--training-data", self.data, "--output", output, "--task", task, "--model-name", model, "--weights",
            folder + "/model.pt",
        ]
        if let validationData { arguments += ["--validation-data", validationData] }
        if let parameters { arguments += ["--parameters", parameters] }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) where key != "task" && key != "model_name" {
            // Empty strings (no tiling) stay unset.
            if value != .string("") { arguments += ["--set", "\(key)=\(value)"] }
        }
        for assignment in assignments { arguments += ["--set", assignment] }
        var train = try Train.parse(arguments)
        try train.run()
    }
}
