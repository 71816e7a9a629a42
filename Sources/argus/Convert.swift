import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a dataset or prediction file between formats.",
        discussion: """
            Formats: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")). Boxes become fractions \
            of the image (COCO bbox → topX = x/W …); missing image sizes are read from the image files. The output \
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

    @Option(
        name: .customLong("output-text-coordinates"),
        help: "Text output: absolute or relative (defaults to the input's --text-coordinates).")
    var outputCoordinates: TextCoordinates?

    @Option(name: .customLong("output-text-box"), help: "Text output: xywh, xyxy or cxcywh.")
    var outputBox: TextLayout.BoxForm?

    @Option(
        name: .customLong("max-polygon-points"), parsing: .unconditional,
        help: "Most points of a polygon traced from a mask.")
    var maxPolygonPoints = 100

    @Option(
        name: .customLong("min-score"), parsing: .unconditional,
        help: "Keep only the predicted boxes scoring at least this (a detector's operating point), in [0, 1].")
    var minScore: Double?

    @OptionGroup var overwriting: OverwriteOption

    func validate() throws {
        guard maxPolygonPoints >= 3 else { throw ValidationError("--max-polygon-points must be at least 3") }
        if let minScore, !(0...1).contains(minScore) {
            throw ValidationError("--min-score must be in [0, 1], got \(minScore)")
        }
    }

    func run() throws {
        try Console.guarding {
            var loaded = try input.load(inputPath)
            try Console.failIfErrors(loaded.diagnostics)
            Console.show(loaded.diagnostics)
            if let minScore {
                guard let (kept, dropped) = ScoreFilter.keeping(loaded.dataset, scoringAtLeast: minScore) else {
                    Console.printError(
                        "error: \(inputPath): --min-score applies to predictions; these objects have no scores")
                    throw ExitCode(1)
                }
                loaded.dataset = kept
                print("kept the boxes scoring at least \(minScore) (\(dropped) dropped)")
            }
            var options = WriteOptions(overwrite: overwriting.overwrite)
            options.dataRoot = input.dataRoot
            options.maxPolygonPoints = maxPolygonPoints
            let absolute = (outputCoordinates ?? input.textCoordinates) == .absolute
            options.textLayout = TextLayout(
                boxForm: outputBox ?? input.textBox ?? (absolute ? .xywh : .cxcywh), absolute: absolute)
            let warnings = try DatasetWriter.write(loaded, as: to, to: output, options: options)
            Console.show(warnings)
            print("wrote \(output) (\(to), \(loaded.dataset.images.count) images)")
        }
    }
}
