import ArgumentParser
import ArgusData
import ArgusIO
import ArgusReports
import Foundation

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

    @OptionGroup var files: ReportOutputOptions

    @Option(name: .long, parsing: .unconditional, help: "Images in the disagreement gallery (0: none).")
    var gallery = 24

    @Option(
        name: .long, help: "The models' names, comma-separated, in the folders' order (default: the folders' names).")
    var names: String?

    func validate() throws {
        guard files.html != nil else { throw ValidationError("Missing expected argument '--html <html>'") }
        guard evaluations.count >= 2 else { throw ValidationError("compare needs at least two evaluation folders") }
        if let names, names.split(separator: ",", omittingEmptySubsequences: false).count != evaluations.count {
            throw ValidationError("--names needs one name per evaluation folder (\(evaluations.count))")
        }
        guard gallery >= 0 else { throw ValidationError("--gallery must be 0 or more") }
    }

    func run() throws {
        try Console.guarding {
            let given = names.map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            }
            let runs = try evaluations.enumerated().map { k, folder in
                try EvaluationRun(folder: folder, name: given?[k])
            }
            let document = try ComparisonReport.build(runs, galleryImages: gallery)
            let html = files.html!
            let pdf = files.pdf
            let markdown = files.markdown ?? ((html as NSString).deletingPathExtension + ".md")
            for file in [html, pdf, markdown].compactMap({ $0 }) {
                try OutputFile.checkDestination(
                    file, overwrite: files.overwriting.overwrite, inputs: evaluations, insideInputsAllowed: true)
            }
            try ReportFiles.write(document, html: html, pdf: pdf, markdown: markdown)
            for file in [html, pdf, markdown].compactMap({ $0 }) { print("wrote \(file)") }
        }
    }
}
