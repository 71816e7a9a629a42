import ArgumentParser
import ArgusData
import ArgusIO
import ArgusReports
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Render an evaluation folder as one self-contained HTML file, a multi-page PDF and a Markdown summary.",
        discussion: """
            EVAL_DIR is a folder written by `argus evaluate` (or `argus merge`). Every chart is drawn \
            once by Cairo, into the HTML as inline SVG and into the PDF as vectors. The HTML needs no \
            network; the Markdown summary (beside the HTML unless --markdown says otherwise) is short \
            enough for a pull-request comment. Without --html and --pdf, writes EVAL_DIR/report.html, \
            report.pdf and report.md. The report opens with the run's details; where the evaluation was \
            recorded in the registry, also the model, date, commit and command, the trend of the primary \
            metric over the model's recorded runs on the dataset, and the classes that moved most.

            Example:
              argus report eval/ --html report.html --pdf report.pdf
            """
    )

    @Argument(help: "The evaluation folder.")
    var evaluation: String

    @OptionGroup var files: ReportOutputOptions
    @OptionGroup var registry: RegistryOptions

    @Option(name: .long, help: "The report's name (default: the folder's name).")
    var name: String?

    @Option(name: .long, parsing: .unconditional, help: "Images in the gallery (0: none).")
    var gallery = 50

    @Option(
        name: .customLong("top-classes"), parsing: .unconditional,
        help: "Classes drawn one by one in the curve charts (the most frequent).")
    var topClasses = 8

    func validate() throws {
        guard gallery >= 0 else { throw ValidationError("--gallery must be 0 or more") }
        guard topClasses >= 1 else { throw ValidationError("--top-classes must be at least 1") }
    }

    func run() throws {
        try Console.guarding {
            let run = try EvaluationRun(folder: evaluation, name: name)
            var options = ReportFiles.Options()
            options.galleryImages = gallery
            options.topClasses = topClasses
            options.context = try RunContextLookup.context(for: evaluation, registry: registry.registry)
            let document = ReportFiles.document(run, options: options)
            var html = files.html
            var pdf = files.pdf
            if html == nil && pdf == nil {
                html = evaluation + "/report.html"
                pdf = evaluation + "/report.pdf"
            }
            let markdown = files.markdown ?? html.map { (($0 as NSString).deletingPathExtension) + ".md" }
            for file in [html, pdf, markdown].compactMap({ $0 }) {
                try OutputFile.checkDestination(
                    file, overwrite: files.overwriting.overwrite, inputs: [evaluation], insideInputsAllowed: true)
            }
            try ReportFiles.write(document, html: html, pdf: pdf, markdown: markdown)
            for file in [html, pdf, markdown].compactMap({ $0 }) { print("wrote \(file)") }
        }
    }
}
