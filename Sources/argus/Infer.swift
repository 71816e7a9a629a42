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

    @OptionGroup var prediction: PredictionOptions

    func run() throws {
        try Console.guarding {
            let done = try prediction.run(.infer)
            var summary = "wrote \(prediction.output)"
            if let rate = done.imagesPerSecond { summary += String(format: " (%.1f images/s", rate) }
            if let peak = done.peakGpuMemoryBytes {
                summary += String(format: ", peak GPU memory %.2f GiB", Double(peak) / 1_073_741_824)
            }
            print(done.imagesPerSecond == nil ? summary : summary + ")")
        }
    }
}
