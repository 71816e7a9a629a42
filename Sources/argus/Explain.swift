import ArgumentParser
import ArgusCompute
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a classifier's predictions (integrated gradients, guided backprop, guided Grad-CAM, XRAI).",
        discussion: """
            Writes the scoring JSONL of every image; the first --first images (all when 0) carry `attributions` \
            for their predicted class, computed with captum on the resized and cropped input, and \
            `xai_algorithm`. `argus evaluate` and `argus report` then draw them as 2×2 grids.

            Example:
              argus explain --model run/model --data validation.jsonl --output explained.jsonl --first 8 \\
                --method integrated_gradients --steps 50
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case integratedGradients = "integrated_gradients"
        case guidedBackprop = "guided_backprop"
        case guidedGradcam = "guided_gradcam"
        case xrai
    }

    enum Approximation: String, ExpressibleByArgument, CaseIterable {
        case riemannMiddle = "riemann_middle"
        case gausslegendre
    }

    @Option(name: .long, help: "The model folder (an image_classification model).")
    var model: String

    @Option(name: .long, help: "The images: AutoML JSONL, an MLTable folder, or any format Argus reads.")
    var data: String

    @Option(name: .shortAndLong, help: "The predictions file to write, with attributions.")
    var output: String

    @Option(name: .long, help: "integrated_gradients, guided_backprop, guided_gradcam or xrai.")
    var method: Method = .integratedGradients

    @Option(name: .long, help: "Explain the first N images (0: every image).")
    var first = 0

    @Option(name: .long, help: "Integrated gradients (and XRAI): the number of steps.")
    var steps = 50

    @Option(name: .long, help: "Integrated gradients: riemann_middle or gausslegendre.")
    var approximation: Approximation = .riemannMiddle

    @OptionGroup var input: InputOptions
    @OptionGroup var runner: RunnerOptions

    func validate() throws {
        guard first >= 0 else { throw ValidationError("--first must be 0 or more") }
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
    }

    func run() throws {
        try Console.guarding {
            try RunnerSupport.withScratch { scratch in
                var configuration = try runner.configuration()
                configuration["model"] = .string(model)
                configuration["data"] = .string(
                    try RunnerSupport.prepare(data, input: input, in: scratch, name: "data.jsonl").path)
                configuration["predictions"] = .string(output)
                configuration["xai_algorithm"] = .string(method.rawValue)
                configuration["explain_first"] = .int(first)
                configuration["n_steps"] = .int(steps)
                configuration["approximation_method"] = .string(approximation.rawValue)
                let done = try RunnerSupport.run(.explain, configuration: configuration)
                print("wrote \(output) (\(done.images ?? 0) images, \(done.explained ?? 0) explained)")
            }
        }
    }
}
