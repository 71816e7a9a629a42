import ArgumentParser
import ArgusData
import ArgusReports
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render an evaluation folder as one self-contained HTML file, a multi-page PDF and a Markdown summary.",
        discussion: """
        EVAL_DIR is a folder written by `argus evaluate` (or `argus merge`). Every chart is drawn \
        once by Cairo, into the HTML as inline SVG and into the PDF as vectors. The HTML needs no \
        network; the Markdown summary (beside the HTML unless --markdown says otherwise) is short \
        enough for a pull-request comment. Without --html and --pdf, writes EVAL_DIR/report.html, \
        report.pdf and report.md.

        Example:
          argus report eval/ --html report.html --pdf report.pdf
        """
    )

    @Argument(help: "The evaluation folder.")
    var evaluation: String

    @Option(name: .long, help: "The HTML file to write.")
    var html: String?

    @Option(name: .long, help: "The PDF file to write.")
    var pdf: String?

    @Option(name: .long, help: "The Markdown summary to write (default: beside the HTML, with .md).")
    var markdown: String?

    @Option(name: .long, help: "The report's name (default: the folder's name).")
    var name: String?

    @Option(name: .long, help: "Images in the gallery (0: none).")
    var gallery = 50

    @Option(name: .customLong("top-classes"), help: "Classes drawn one by one in the curve charts (the most frequent).")
    var topClasses = 8

    @Flag(name: .long, help: "Replace report files that exist.")
    var overwrite = false

    func validate() throws {
        guard gallery >= 0 else { throw ValidationError("--gallery must be 0 or more") }
        guard topClasses >= 1 else { throw ValidationError("--top-classes must be at least 1") }
    }

    func run() throws {
        try Report.guarding {
            let run = try EvaluationRun(folder: evaluation, name: name)
            var options = ReportFiles.Options()
            options.galleryImages = gallery
            options.topClasses = topClasses
            let document = ReportFiles.document(run, options: options)
            var html = self.html, pdf = self.pdf
            if html == nil && pdf == nil { html = evaluation + "/report.html"; pdf = evaluation + "/report.pdf" }
            let markdown = self.markdown ?? html.map { (($0 as NSString).deletingPathExtension) + ".md" }
            for file in [html, pdf, markdown].compactMap({ $0 }) { try OutputFile.checkDestination(file, overwrite: overwrite) }
            try ReportFiles.write(document, html: html, pdf: pdf, markdown: markdown)
            for file in [html, pdf, markdown].compactMap({ $0 }) { print("wrote \(file)") }
        }
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare evaluations of several models on the same data: one HTML (and PDF) report.",
        discussion: """
        The first folder is the baseline: metrics side by side with deltas, overlaid PR curves, \
        per-class deltas sorted by impact, and the images on which the models disagree most.

        Example:
          argus compare eval-old/ eval-new/ --html compare.html --pdf compare.pdf
        """
    )

    @Argument(help: "Two or more evaluation folders of the same task; the first is the baseline.")
    var evaluations: [String]

    @Option(name: .long, help: "The HTML file to write.")
    var html: String

    @Option(name: .long, help: "The PDF file to write.")
    var pdf: String?

    @Option(name: .long, help: "The Markdown summary to write (default: beside the HTML, with .md).")
    var markdown: String?

    @Option(name: .long, help: "Images in the disagreement gallery (0: none).")
    var gallery = 24

    @Option(name: .long, help: "The models' names, comma-separated, in the folders' order (default: the folders' names).")
    var names: String?

    @Flag(name: .long, help: "Replace report files that exist.")
    var overwrite = false

    func validate() throws {
        guard evaluations.count >= 2 else { throw ValidationError("compare needs at least two evaluation folders") }
        if let names, names.split(separator: ",", omittingEmptySubsequences: false).count != evaluations.count {
            throw ValidationError("--names needs one name per evaluation folder (\(evaluations.count))")
        }
        guard gallery >= 0 else { throw ValidationError("--gallery must be 0 or more") }
    }

    func run() throws {
        try Report.guarding {
            let given = names.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
            let runs = try evaluations.enumerated().map { k, folder in try EvaluationRun(folder: folder, name: given?[k]) }
            let document = try ComparisonReport.build(runs, galleryImages: gallery)
            let markdown = self.markdown ?? ((html as NSString).deletingPathExtension + ".md")
            for file in [html, pdf, markdown].compactMap({ $0 }) { try OutputFile.checkDestination(file, overwrite: overwrite) }
            try ReportFiles.write(document, html: html, pdf: pdf, markdown: markdown)
            for file in [html, pdf, markdown].compactMap({ $0 }) { print("wrote \(file)") }
        }
    }
}
