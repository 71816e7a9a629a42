import ArgumentParser
import ArgusRegistry
import Foundation

/// Finds the model folder a retraining starts from: a model folder (holding model.pt), a run folder
/// (its `model/`), a job folder (its best trial's model), or a recorded run — `registry:ID`,
/// `registry:NAME@VERSION` or `registry:NAME@latest-passing` — whose model path was recorded.
enum ModelSource {
    static func folder(_ text: String, registry: RegistryOptions) throws -> String {
        if text.hasPrefix("registry:") { return try recorded(String(text.dropFirst("registry:".count)), registry) }
        let manager = FileManager.default
        if manager.fileExists(atPath: text + "/model.pt") { return text }
        if manager.fileExists(atPath: text + "/model/model.pt") { return text + "/model" }
        if manager.fileExists(atPath: text + "/job.json"), let best = try? bestTrial(of: text) { return best }
        throw ValidationError(
            "\(text) is not a model folder (model.pt), a run folder (model/model.pt), a finished job folder, "
                + "or registry:ID|NAME@VERSION|NAME@latest-passing")
    }

    private static func recorded(_ reference: String, _ options: RegistryOptions) throws -> String {
        let registry = try options.open()
        let id: Int64?
        if let number = Int64(reference) {
            id = number
        } else if reference.hasSuffix("@latest-passing") {
            id = try registry.latestPassing(model: String(reference.dropLast("@latest-passing".count)))?.id
        } else if let model = Registry.ModelReference(reference) {
            id = try registry.evaluation(of: model)?.id
        } else {
            throw ValidationError(
                "registry:\(reference): expected an evaluation id, NAME@VERSION or NAME@latest-passing")
        }
        guard let id else { throw ValidationError("registry:\(reference): no such recorded run") }
        guard let path = try registry.modelPath(evaluation: id) else {
            throw ValidationError(
                "registry:\(reference): run \(id) has no model path recorded (record with --model-path, or evaluate "
                    + "with --model DIR --data …)")
        }
        return try folder(path, registry: options)
    }

    private static func bestTrial(of job: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: job + "/job.json"))
        let state = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let trials = (state?["trials"] as? [[String: Any]]) ?? []
        let scored = trials.compactMap { trial -> (Int, Double)? in
            guard let id = trial["id"] as? Int, let best = (trial["metrics"] as? [Double])?.max() else { return nil }
            return (id, best)
        }
        guard let best = scored.max(by: { $0.1 < $1.1 }) else { return nil }
        let folder = job + "/trials/" + String(format: "%04d", best.0) + "/run/model"
        return FileManager.default.fileExists(atPath: folder + "/model.pt") ? folder : nil
    }
}
