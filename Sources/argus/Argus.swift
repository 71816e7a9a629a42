import ArgumentParser
import ArgusCore
import ArgusData

@main
struct Argus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "argus",
        abstract: "Evaluate computer-vision models and act on the results.",
        discussion: """
        Reads AutoML JSONL/MLTable, COCO, Pascal VOC, YOLO, classification folders and the \
        multi-label CSV; validates, converts, splits and summarises them.

        Exit codes: 0 success, 1 the data is invalid, 64 a usage error.
        """,
        version: "0.1.0",
        subcommands: [Validate.self, Convert.self, Split.self, Stats.self, Evaluate.self, Merge.self, ReportCommand.self, Compare.self]
    )
}

/// Options shared by every command that reads data.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "The task (\(VisionTask.allCases.map(\.rawValue).joined(separator: ", "))); inferred from the data when omitted.")
    var task: VisionTask?

    @Option(name: .customLong("from"), help: "The input format (\(DataFormat.allCases.map(\.rawValue).joined(separator: ", "))); detected when omitted.")
    var from: DataFormat?

    @Option(name: .customLong("data-root"), help: "A local folder onto which azureml:// and AmlDatastore:// image URLs are mapped.")
    var dataRoot: String?

    @Option(name: .long, help: "A names file (one class per line): the classes of YOLO and text class ids.")
    var names: String?

    @Option(name: .long, help: "The folder holding the images, for formats that only name them (VOC, YOLO, text).")
    var images: String?

    @Option(name: .customLong("ground-truth"), help: "COCO ground truth, to name the images and categories of COCO results.")
    var groundTruth: String?

    @Option(name: .customLong("text-coordinates"), help: "Text layout: absolute (pixels) or relative (fractions of the image).")
    var textCoordinates: TextCoordinates = .absolute

    @Option(name: .customLong("text-box"), help: "Text layout: xywh (left top width height), xyxy (left top right bottom) or cxcywh (centre and size).")
    var textBox: TextLayout.BoxForm?

    func readOptions() throws -> ReadOptions {
        var options = ReadOptions(task: task, dataRoot: dataRoot)
        if let names { options.labelNames = try TextReader.readNames(names) }
        options.imagesFolder = images
        options.textLayout = layout
        if let groundTruth {
            let reference = try DatasetReader.read(groundTruth, format: .coco, options: ReadOptions(dataRoot: dataRoot))
            try Report.failIfErrors(reference.diagnostics)
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
        let loaded = try DatasetReader.read(path, format: from, options: readOptions())
        if from == nil { Report.note("read \(path) as \(loaded.format)") }
        if task == nil, let inferred = loaded.dataset.task {
            Report.note("--task not given: the data reads as \(inferred)")
        }
        return loaded
    }
}

enum TextCoordinates: String, ExpressibleByArgument, CaseIterable { case absolute, relative }
extension VisionTask: ExpressibleByArgument {}
extension DataFormat: ExpressibleByArgument {}
extension TextLayout.BoxForm: ExpressibleByArgument {}
