import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO
import ArgusMetrics
import ArgusPipeline
import ArgusResults

/// Options shared by every command that reads data.
struct InputOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The task (\(VisionTask.allCases.map(\.rawValue).joined(separator: ", "))); inferred from the data when omitted."
    )
    var task: VisionTask?

    @Option(
        name: .customLong("from"),
        help:
            "The input format (\(DataFormat.allCases.map(\.rawValue).joined(separator: ", "))); detected when omitted.")
    var from: DataFormat?

    @OptionGroup var location: ReadingOptions

    var dataRoot: String? { location.dataRoot }
    var names: String? { location.names }
    var images: String? { location.images }

    @Option(
        name: .customLong("ground-truth"), help: "COCO ground truth, to name the images and categories of COCO results."
    )
    var groundTruth: String?

    @Option(
        name: .customLong("text-coordinates"),
        help: "Text layout: absolute (pixels) or relative (fractions of the image).")
    var textCoordinates: TextCoordinates = .absolute

    @Option(
        name: .customLong("text-box"),
        help: "Text layout: xywh (left top width height), xyxy (left top right bottom) or cxcywh (centre and size).")
    var textBox: TextLayout.BoxForm?

    func readOptions() throws -> ReadOptions {
        var options = try location.readOptions(task: task)
        options.textLayout = layout
        if let groundTruth {
            let reference = try DatasetReader.read(groundTruth, format: .coco, options: ReadOptions(dataRoot: dataRoot))
            try Console.failIfErrors(reference.diagnostics)
            options.reference = reference.dataset
        }
        return options
    }

    var layout: TextLayout {
        let absolute = textCoordinates == .absolute
        return TextLayout(boxForm: textBox ?? (absolute ? .xywh : .cxcywh), absolute: absolute)
    }

    /// Reads the input and says where the task was inferred.
    func load(_ path: String) throws -> LoadedDataset {
        var format = from
        if format == nil {
            let decision = try DatasetReader.explainFormat(path)
            Console.note("read \(path) as \(decision.format): \(decision.reason)")
            format = decision.format
        }
        let loaded = try DatasetReader.read(path, format: format, options: readOptions())
        if task == nil, let inferred = loaded.dataset.task {
            Console.note("--task not given: the data reads as \(inferred)")
        }
        return loaded
    }
}

/// Where images and class names are found, and how strictly data is read: shared by every
/// command that reads data.
struct ReadingOptions: ParsableArguments {
    @Option(
        name: .customLong("data-root"),
        help: "A local folder onto which azureml:// and AmlDatastore:// image URLs are mapped."
    )
    var dataRoot: String?

    @Option(name: .long, help: "A names file (one class per line): the classes of YOLO and text class ids.")
    var names: String?

    @Option(name: .long, help: "The folder holding the images, for formats that only name them (VOC, YOLO, text).")
    var images: String?

    @Option(
        name: .customLong("unknown-categories"),
        help: """
            COCO ground-truth annotations whose category_id names no category: warn (leave them out, as \
            pycocotools does) or error.
            """
    )
    var unknownCategories: ReadOptions.UnknownCategories = .warn

    /// Read options with these locations (and the names file read).
    func readOptions(task: VisionTask?) throws -> ReadOptions {
        var options = ReadOptions(task: task, dataRoot: dataRoot)
        options.unknownCategories = unknownCategories
        if let names {
            options.labelNames = try TextReader.readNames(names)
        }
        options.imagesFolder = images
        return options
    }
}

/// `--overwrite`, shared by every command that writes.
struct OverwriteOption: ParsableArguments {
    @Flag(name: .long, help: "Replace outputs that exist (an empty output folder needs no --overwrite).")
    var overwrite = false
}

/// The files of a report, shared by `report` and `compare`.
struct ReportOutputOptions: ParsableArguments {
    @Option(name: .long, help: "The HTML file to write.")
    var html: String?

    @Option(name: .long, help: "The PDF file to write.")
    var pdf: String?

    @Option(name: .long, help: "The Markdown summary to write (default: beside the HTML, with .md).")
    var markdown: String?

    @OptionGroup var overwriting: OverwriteOption
}

enum TextCoordinates: String, ExpressibleByArgument, CaseIterable {
    case absolute
    case relative
}

extension VisionTask: ExpressibleByArgument {}
extension DataFormat: ExpressibleByArgument {}
extension TextLayout.BoxForm: ExpressibleByArgument {}
extension DetectionMetricType: ExpressibleByArgument {}
extension MissingPredictions: ExpressibleByArgument {}
extension ReadOptions.UnknownCategories: ExpressibleByArgument {}

extension VOCEvaluator.Interpolation: ExpressibleByArgument {
    /// The command line spells the interpolations with hyphens (all-point, eleven-point).
    public init?(argument: String) {
        self.init(rawValue: argument.replacingOccurrences(of: "-", with: "_"))
    }

    /// How `--help` shows the default (with hyphens).
    public var defaultValueDescription: String { rawValue.replacingOccurrences(of: "_", with: "-") }

    /// The values `--help` lists.
    public static var allValueStrings: [String] { ["all-point", "eleven-point"] }
}

/// `I/N`: shard I of N (0-based).
struct ShardArgument: ExpressibleByArgument {
    var index: Int
    var count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, index >= 0,
            index < count
        else { return nil }
        self.index = index
        self.count = count
    }
}
