import ArgumentParser
import ArgusCompute
import Foundation

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a trained model folder (batch inference through the PyTorch runner).",
        discussion: """
            Reads any data Argus reads and writes AutoML scoring JSONL, in data order. The model folder holds \
            model.pt, settings.json and labels.json (as `argus train` writes it); settings.json's inference \
            settings apply unless --set changes them. Predictions are written to OUTPUT.partial and renamed \
            when every image is done; a killed run started again continues where it stopped.

            Examples:
              argus infer --model run/model --data validation.jsonl --output predictions.jsonl
              argus infer --model detector --data mltable/ --output p.jsonl --device cuda --batch-size 16 \\
                --set box_score_thresh=0.5 --set tile_grid_size=3x2
            """
    )

    @Option(name: .long, help: "The model folder (model.pt, settings.json, labels.json).")
    var model: String

    @Option(name: .long, help: "The images: AutoML JSONL, an MLTable folder, or any format Argus reads.")
    var data: String

    @Option(name: .shortAndLong, help: "The predictions file to write (AutoML scoring JSONL).")
    var output: String

    @OptionGroup var input: InputOptions
    @OptionGroup var runner: RunnerOptions

    func run() throws {
        try Console.guarding {
            let done = try Self.infer(model: model, data: data, output: output, input: input, runner: runner)
            var summary = "wrote \(output)"
            if let rate = done.imagesPerSecond { summary += String(format: " (%.1f images/s", rate) }
            if let peak = done.peakGpuMemoryBytes {
                summary += String(format: ", peak GPU memory %.2f GiB", Double(peak) / 1_073_741_824)
            }
            print(done.imagesPerSecond == nil ? summary : summary + ")")
        }
    }

    /// Runs inference; used by `infer` and by `evaluate --model`.
    static func infer(
        model: String, data: String, output: String, input: InputOptions, runner: RunnerOptions
    ) throws -> RunnerEvent {
        try RunnerSupport.withScratch { scratch in
            var configuration = try runner.configuration()
            configuration["model"] = .string(model)
            configuration["data"] = .string(
                try RunnerSupport.prepare(data, input: input, in: scratch, name: "data.jsonl").path)
            configuration["predictions"] = .string(output)
            return try RunnerSupport.run(.infer, configuration: configuration)
        }
    }
}
