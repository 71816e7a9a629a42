import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hold out a validation set, deterministically (seeded), stratified by class for classification.",
        discussion: """
            Writes OUTPUT/train_annotations.jsonl and OUTPUT/validation_annotations.jsonl, and the \
            MLTable folders OUTPUT/train-mltable and OUTPUT/validation-mltable over them.

            Example:
              argus split data/all.jsonl --validation-data-size 0.2 --seed 7 --output data/split
            """
    )

    @Argument(help: "The dataset to split.")
    var path: String

    @OptionGroup var input: InputOptions

    @Option(
        name: .customLong("validation-data-size"), parsing: .unconditional,
        help: "The share held out for validation, in (0, 1).")
    var validationDataSize = 0.2

    @Option(name: .long, help: "The seed of the shuffle.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @OptionGroup var overwriting: OverwriteOption

    func validate() throws {
        guard validationDataSize > 0 && validationDataSize < 1 else {
            throw ValidationError(
                "--validation-data-size must be in the open interval (0, 1), got \(validationDataSize)")
        }
    }

    func run() throws {
        try Console.guarding {
            let loaded = try input.load(path)
            try Console.failIfErrors(loaded.diagnostics)
            try OutputFile.checkDestination(output, overwrite: overwriting.overwrite, inputs: [path])
            let (train, validation) = DatasetSplitter.split(loaded.dataset, fraction: validationDataSize, seed: seed)
            try OutputFile.writeFolder(at: output) { folder in
                for (name, part) in [("train", train), ("validation", validation)] {
                    var piece = loaded
                    piece.dataset = part
                    let file = "\(folder)/\(name)_annotations.jsonl"
                    try DatasetWriter.write(piece, as: .jsonl, to: file, options: WriteOptions(overwrite: true))
                    try OutputFile.write(
                        MLTableFile.text(for: "../\(name)_annotations.jsonl"), to: "\(folder)/\(name)-mltable/MLTable")
                }
            }
            print(
                "wrote \(output): \(train.images.count) training and \(validation.images.count) validation images (seed \(seed))"
            )
        }
    }
}
