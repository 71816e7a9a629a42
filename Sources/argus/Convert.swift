import ArgumentParser
import ArgusCore
import ArgusData

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a dataset or prediction file between formats.",
        discussion: """
        Formats: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")). Boxes follow SPEC §2.3 \
        (COCO bbox → topX = x/W …); missing image sizes are read from the image files. The output \
        is written under a temporary name and renamed into place, so it is whole or absent.

        Examples:
          argus convert --from coco --to jsonl instances.json --output train.jsonl
          argus convert --to voc data/train.jsonl --output voc/
          argus convert --from text --text-box xyxy --to coco-results dets/ --ground-truth gt.json --output results.json
        """
    )

    @Argument(help: "The input file or folder.")
    var inputPath: String

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("to"), help: "The output format.")
    var to: DataFormat

    @Option(name: .shortAndLong, help: "The output file or folder.")
    var output: String

    @Option(name: .customLong("output-text-coordinates"), help: "Text output: absolute or relative (defaults to the input's --text-coordinates).")
    var outputCoordinates: TextCoordinates?

    @Option(name: .customLong("output-text-box"), help: "Text output: xywh, xyxy or cxcywh.")
    var outputBox: TextLayout.BoxForm?

    @Option(name: .customLong("max-polygon-points"), help: "Most points of a polygon traced from a mask.")
    var maxPolygonPoints = 100

    @Flag(name: .long, help: "Replace the output if it exists.")
    var overwrite = false

    func validate() throws {
        guard maxPolygonPoints >= 3 else { throw ValidationError("--max-polygon-points must be at least 3") }
    }

    func run() throws {
        try Report.guarding {
            let loaded = try input.load(inputPath)
            try Report.failIfErrors(loaded.diagnostics)
            Report.show(loaded.diagnostics)
            var options = WriteOptions(overwrite: overwrite)
            options.dataRoot = input.dataRoot
            options.maxPolygonPoints = maxPolygonPoints
            let absolute = (outputCoordinates ?? input.textCoordinates) == .absolute
            options.textLayout = TextLayout(boxForm: outputBox ?? input.textBox ?? (absolute ? .xywh : .cxcywh), absolute: absolute)
            let warnings = try DatasetWriter.write(loaded, as: to, to: output, options: options)
            Report.show(warnings)
            print("wrote \(output) (\(to), \(loaded.dataset.images.count) images)")
        }
    }
}

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

    @Option(name: .customLong("validation-data-size"), help: "The share held out for validation, in (0, 1).")
    var validationDataSize = 0.2

    @Option(name: .long, help: "The seed of the shuffle.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(name: .long, help: "Replace the output folder if it exists.")
    var overwrite = false

    func validate() throws {
        guard validationDataSize > 0 && validationDataSize < 1 else {
            throw ValidationError("--validation-data-size must be in the open interval (0, 1), got \(validationDataSize)")
        }
    }

    func run() throws {
        try Report.guarding {
            let loaded = try input.load(path)
            try Report.failIfErrors(loaded.diagnostics)
            try OutputFile.checkDestination(output, overwrite: overwrite)
            let (train, validation) = DatasetSplitter.split(loaded.dataset, fraction: validationDataSize, seed: seed)
            try OutputFile.writeFolder(at: output) { folder in
                for (name, part) in [("train", train), ("validation", validation)] {
                    var piece = loaded
                    piece.dataset = part
                    let file = "\(folder)/\(name)_annotations.jsonl"
                    try DatasetWriter.write(piece, as: .jsonl, to: file, options: WriteOptions(overwrite: true))
                    try OutputFile.write(MLTableFile.text(for: "../\(name)_annotations.jsonl"), to: "\(folder)/\(name)-mltable/MLTable")
                }
            }
            print("wrote \(output): \(train.images.count) training and \(validation.images.count) validation images (seed \(seed))")
        }
    }
}
