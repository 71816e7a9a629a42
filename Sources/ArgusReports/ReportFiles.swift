import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// Builds the report of an evaluation folder and writes its files (each written whole or not at all).
public enum ReportFiles {
    /// What a report shows.
    public struct Options {
        /// Images in the gallery.
        public var galleryImages = 50
        /// Classes drawn one by one in the curve charts (the most frequent).
        public var topClasses = 8
        /// The run details (and trend) shown first; by default what the folder says of itself.
        public var context: RunContext?
        /// The defaults.
        public init() {}
    }

    /// The report document of one evaluation, by task, with its run details first.
    public static func document(_ run: EvaluationRun, options: Options = Options()) -> ReportDocument {
        var document: ReportDocument
        if run.isDetection {
            var detection = DetectionReport.Options()
            detection.galleryImages = options.galleryImages
            detection.topClasses = options.topClasses
            document = DetectionReport.build(run, options: detection)
        } else {
            var classification = ClassificationReport.Options()
            classification.galleryImages = options.galleryImages
            classification.topClasses = options.topClasses
            document = ClassificationReport.build(run, options: classification)
        }
        let context = options.context ?? RunContext.of(run)
        document.sections.insert(context.section(), at: 0)
        if let line = context.summaryLine { document.summaryLines.insert(line, at: 0) }
        return document
    }

    /// Writes whichever of the HTML, PDF and Markdown files are asked for.
    public static func write(_ document: ReportDocument, html: String?, pdf: String?, markdown: String?) throws {
        // Render everything first, so that a failure leaves no file half-written or stale-looking.
        let htmlText = html.map { _ in HTMLReport.render(document) }
        let pdfBytes = pdf.map { _ in PDFReport.render(document) }
        let markdownText = markdown.map { _ in
            MarkdownSummary.render(document, htmlName: html.map { ($0 as NSString).lastPathComponent })
        }
        if let html, let htmlText { try OutputFile.write(htmlText, to: html) }
        if let pdf, let pdfBytes { try OutputFile.write(pdfBytes, to: pdf) }
        if let markdown, let markdownText { try OutputFile.write(markdownText, to: markdown) }
    }
}
