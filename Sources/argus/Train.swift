import ArgumentParser
import ArgusCompute
import Foundation
import Yams

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model with the AutoML parameters (through the PyTorch runner).",
        discussion: """
            Writes a run folder: model/ (the best model folder: model.pt, settings.json, labels.json), \
            checkpoints/ and validation/epoch_NNNN/ (each evaluation's predictions and Argus's metrics). \
            Validation metrics come from `argus evaluate`, so training, nightly evaluation and the gate agree. \
            Parameters come from --parameters (a JSON or YAML mapping of AutoML names), then the options, then \
            --set. Without --weights the model starts from scratch (nothing is downloaded). \
            --checkpoint resumes a run where its checkpoint stopped.

            Examples:
              argus train --task image_classification --training-data train.jsonl --validation-data valid.jsonl \\
                --model-name resnet18 --epochs 10 --output run/
              argus train --training-data mltable/ --output run/ --parameters hyper.yml --set optimizer=adamw
            """
    )

    @Option(name: .customLong("training-data"), help: "The training images with their labels (any format Argus reads).")
    var trainingData: String

    @Option(name: .customLong("validation-data"), help: "The validation images with their labels.")
    var validationData: String?

    @Option(name: .shortAndLong, help: "The run folder to write.")
    var output: String

    @Option(
        name: .customLong("model-name"), help: "The model by its AutoML name (resnet18, fasterrcnn_resnet50_fpn, …).")
    var modelName: String?

    @Option(name: .long, help: "The number of epochs.")
    var epochs: Int?

    @Option(name: .customLong("learning-rate"), help: "The initial learning rate.")
    var learningRate: Double?

    @Option(name: .long, help: "A local weights file or folder to start from.")
    var weights: String?

    @Option(name: .long, help: "A checkpoint, or the run folder of an earlier run (its latest checkpoint), to resume.")
    var checkpoint: String?

    @Option(name: .long, help: "A JSON or YAML file mapping AutoML parameter names to values.")
    var parameters: String?

    @OptionGroup var input: InputOptions
    @OptionGroup var runner: RunnerOptions

    func run() throws {
        try Console.guarding {
            try RunnerSupport.withScratch { scratch in
                var configuration = try Self.parameters(from: parameters)
                let base = try runner.configuration(batchKey: "training_batch_size")
                configuration.values.merge(base.values) { _, new in new }
                let training = try RunnerSupport.prepare(trainingData, input: input, in: scratch, name: "train.jsonl")
                configuration["training_data"] = .string(training.path)
                if let validationData {
                    configuration["validation_data"] = .string(
                        try RunnerSupport.prepare(validationData, input: input, in: scratch, name: "valid.jsonl").path)
                    configuration["argus"] = .string(RunnerLocation.argusExecutable())
                }
                if configuration["task"] == nil, let task = training.task { configuration["task"] = .string(task) }
                configuration["output"] = .string(output)
                if let modelName { configuration["model_name"] = .string(modelName) }
                if let epochs { configuration["number_of_epochs"] = .int(epochs) }
                if let learningRate { configuration["learning_rate"] = .double(learningRate) }
                if let weights { configuration["weights"] = .string(weights) }
                if let checkpoint { configuration["checkpoint_path"] = .string(checkpoint) }
                try configuration.add(assignments: runner.assignments)
                let done = try RunnerSupport.run(.train, configuration: configuration)
                print(
                    "wrote \((output as NSString).appendingPathComponent("model")) (best epoch \(done.bestEpoch ?? 0))")
            }
        }
    }

    /// The parameters file as a configuration: a flat mapping of names to scalars.
    static func parameters(from path: String?) throws -> RunnerConfiguration {
        var configuration = RunnerConfiguration()
        guard let path else { return configuration }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read --parameters \(path)")
        }
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("\(path): not JSON or YAML (\(error))")
        }
        guard let mapping = node as? [String: Any] else {
            throw ValidationError("\(path): expected a mapping of parameter names to values")
        }
        for (key, value) in mapping {
            switch value {
            case let flag as Bool: configuration[key] = .bool(flag)
            case let integer as Int: configuration[key] = .int(integer)
            case let number as Double: configuration[key] = .double(number)
            case let text as String: configuration[key] = RunnerValue(parsing: text)
            default: throw ValidationError("\(path): '\(key)' must be a single value")
            }
        }
        return configuration
    }
}
