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

    @OptionGroup var prediction: PredictionOptions

    @Option(name: .long, help: "integrated_gradients, guided_backprop, guided_gradcam or xrai.")
    var method: Method = .integratedGradients

    @Option(name: .long, help: "Explain the first N images (0: every image).")
    var first = 0

    @Option(name: .long, help: "Integrated gradients (and XRAI): the number of steps.")
    var steps = 50

    @Option(name: .long, help: "Integrated gradients: riemann_middle or gausslegendre.")
    var approximation: Approximation = .riemannMiddle

    func validate() throws {
        guard first >= 0 else { throw ValidationError("--first must be 0 or more") }
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
    }

    func run() throws {
        try Console.guarding {
            var extra = RunnerConfiguration()
            extra["xai_algorithm"] = .string(method.rawValue)
            extra["explain_first"] = .int(first)
            extra["n_steps"] = .int(steps)
            extra["approximation_method"] = .string(approximation.rawValue)
            let done = try prediction.run(.explain, extra: extra)
            print("wrote \(prediction.output) (\(done.images ?? 0) images, \(done.explained ?? 0) explained)")
        }
    }
}
