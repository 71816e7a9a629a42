import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a dataset or prediction file and report every problem in one pass.",
        discussion: """
            Each problem is printed as `file:line: field: reason`, then a one-line summary. \
            Exits with 1 when there is any error (warnings alone exit with 0).

            Example:
              argus validate data/train.jsonl --task image_object_detection --labels labels.txt
              argus validate data/train-mltable --data-root /mnt/datastore
            """
    )

    @Argument(help: "The file or folder to check.")
    var path: String

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "A file with the allowed labels, one per line.")
    var labels: String?

    @Flag(name: .customLong("skip-image-check"), help: "Do not check that image files exist.")
    var skipImageCheck = false

    func run() throws {
        try Console.guarding {
            let loaded = try input.load(path)
            var options = DatasetValidator.Options()
            if let labels { options.labels = try TextReader.readNames(labels) }
            options.checkImages = !skipImageCheck
            options.isGroundTruth = !loaded.format.holdsPredictions
            var diagnostics = loaded.diagnostics
            diagnostics.append(
                contentsOf: DatasetValidator.validate(loaded, dataRoot: input.dataRoot, options: options))
            Console.show(diagnostics)
            let errors = diagnostics.errors.count
            let warnings = diagnostics.warnings.count
            let labelCount = loaded.dataset.allLabels.count
            print(
                "\(path): \(loaded.dataset.images.count) images, \(labelCount) labels, \(loaded.dataset.task?.rawValue ?? "unknown task"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            )
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
