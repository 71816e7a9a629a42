import ArgusCharts
import ArgusIO
import ArgusMetrics
import ArgusResults

/// The multi-page PDF: a contents page with the headline figures, then each section from a new
/// page, the same drawings as the HTML as vectors (scaled to fit), tables split across pages,
/// page numbers in the footer and an outline (bookmarks) of the sections.
public enum PDFReport {
    static let pageWidth = 595.0, pageHeight = 842.0, margin = 40.0
    static var contentWidth: Double { pageWidth - 2 * margin }
    static var bottom: Double { pageHeight - margin - 16 }

    enum Item {
        case drawing(Drawable, x: Double, y: Double, scale: Double)
        case text(String, x: Double, y: Double, size: Double, bold: Bool, color: Color)
    }

    struct Page { var items: [Item] = [] }

    /// Lays the sections out on pages (positions only; nothing drawn yet).
    struct Layout {
        var pages: [Page] = []
        var sectionStarts: [(title: String, page: Int)] = []
        var y = 0.0
        let measure = Canvas.measuring()

        mutating func newPage() {
            pages.append(Page())
            y = margin
        }

        mutating func add(_ item: Item) { pages[pages.count - 1].items.append(item) }

        mutating func startSection(_ title: String) {
            newPage()
            sectionStarts.append((title, pages.count))
            add(.text(title, x: margin, y: margin + 16, size: 17, bold: true, color: Palette.text))
            y = margin + 30
        }

        /// Places a drawing at the cursor, scaled to the content width (and page height).
        mutating func place(_ drawing: Drawable, maxWidth: Double = PDFReport.contentWidth) {
            let size = drawing.size
            let scale = min(1, maxWidth / size.width, (bottom - margin - 30) / size.height)
            if y + size.height * scale > bottom { newPage() }
            add(.drawing(drawing, x: margin, y: y, scale: scale))
            y += size.height * scale + 10
        }

        /// Places drawings side by side: three to a row when they are narrow, else two.
        mutating func placeGrid(_ drawings: [Drawable]) {
            var x = margin
            var rowHeight = 0.0
            for drawing in drawings {
                let size = drawing.size
                let columns = size.width <= 320 ? 3.0 : 2.0
                let scale = min(1, (contentWidth - 8 * (columns - 1)) / columns / size.width)
                let w = size.width * scale
                let h = size.height * scale
                if x + w > pageWidth - margin + 0.5 {
                    x = margin
                    y += rowHeight + 8
                    rowHeight = 0
                }
                if y + h > bottom {
                    newPage()
                    x = margin
                    rowHeight = 0
                }
                add(.drawing(drawing, x: x, y: y, scale: scale))
                x += w + 8
                rowHeight = max(rowHeight, h)
            }
            y += rowHeight + 10
        }

        mutating func placeParagraph(_ text: String) {
            measure.setFont(size: 9.5)
            for line in measure.wrap(text, width: contentWidth) {
                if y + 13 > bottom { newPage() }
                add(.text(line, x: margin, y: y + 10, size: 9.5, bold: false, color: Palette.text))
                y += 13
            }
            y += 6
        }

        mutating func placeTable(_ table: ReportDocument.Table) {
            let drawing = table.drawing
            let firstRows = max(5, Int((bottom - y - 50 - 8) / TableDrawing.rowHeight) - 1)
            let fullRows = Int((bottom - margin - 50 - 8) / TableDrawing.rowHeight) - 1
            if drawing.rows.count <= firstRows {
                place(drawing)
                return
            }
            if firstRows < 12 { newPage() }
            let first = Int((bottom - y - 50 - 8) / TableDrawing.rowHeight) - 1
            place(drawing.slice(0..<max(0, first)))
            // On a fresh page the whole table may fit: then there is nothing to continue.
            guard drawing.rows.count > first else { return }
            var rest = drawing.slice(first..<drawing.rows.count)
            rest.title = drawing.title + " (continued)"
            for piece in rest.split(rowsPerPiece: fullRows) {
                var continued = piece
                continued.title = rest.title
                place(continued)
            }
        }
    }

    /// The report as a PDF: a contents page, the sections with bookmarks and page numbers.
    /// - Parameter creationDate: the date written into the PDF (fixed, so that the same input gives the same bytes).
    public static func render(_ document: ReportDocument, creationDate: String = "2000-01-01T00:00:00Z") -> [UInt8] {
        var layout = Layout()
        for section in document.sections {
            layout.startSection(section.title)
            for block in section.blocks {
                switch block {
                case .chart(let figure): layout.place(figure.drawing)
                case .grid(let figures): layout.placeGrid(figures.map(\.drawing))
                case .table(let table): layout.placeTable(table)
                case .paragraph(let text): layout.placeParagraph(text)
                case .explorer(let explorer):
                    layout.placeParagraph("In the HTML report a slider recomputes these figures. " + explorer.note)
                }
            }
        }
        let total = layout.pages.count + 1
        let pdf = PDFDocument(title: document.title, creationDate: creationDate)
        pdf.addPage(width: pageWidth, height: pageHeight) { canvas in
            drawContents(document, sections: layout.sectionStarts.map { ($0.title, $0.page + 1) }, on: canvas)
            footer(document, page: 1, of: total, on: canvas)
        }
        pdf.addOutline("Contents", page: 1)
        for (number, page) in layout.pages.enumerated() {
            pdf.addPage(width: pageWidth, height: pageHeight) { canvas in
                canvas.destination(pageDestination(number + 2))
                for item in page.items {
                    switch item {
                    case .drawing(let drawing, let x, let y, let scale):
                        canvas.isolated {
                            canvas.translate(x, y)
                            canvas.scale(scale, scale)
                            canvas.clip(to: Rect(x: 0, y: 0, width: drawing.size.width, height: drawing.size.height))
                            drawing.draw(on: canvas)
                        }
                    case .text(let text, let x, let y, let size, let bold, let color):
                        canvas.setFont(size: size, bold: bold)
                        canvas.text(text, x: x, y: y, color: color)
                    }
                }
                footer(document, page: number + 2, of: total, on: canvas)
            }
        }
        for start in layout.sectionStarts { pdf.addOutline(start.title, page: start.page + 1) }
        return pdf.finish()
    }

    /// The name of a page's link destination (the contents page links to each section's).
    static func pageDestination(_ page: Int) -> String { "page-\(page)" }

    static func drawContents(_ document: ReportDocument, sections: [(String, Int)], on canvas: Canvas) {
        var y = margin + 24
        canvas.setFont(size: 20, bold: true)
        for line in canvas.wrap(document.title, width: contentWidth) {
            canvas.text(line, x: margin, y: y)
            y += 26
        }
        canvas.setFont(size: 10)
        for line in canvas.wrap(document.subtitle, width: contentWidth) {
            canvas.text(line, x: margin, y: y, color: Palette.mutedText)
            y += 14
        }
        y += 12
        // Headline figures as cards.
        var x = margin
        for (name, value) in document.headline {
            canvas.setFont(size: 8.5)
            let nameWidth = canvas.textWidth(name)
            canvas.setFont(size: 15, bold: true)
            let w = max(canvas.textWidth(value), nameWidth, 80) + 20
            if x + w > pageWidth - margin {
                x = margin
                y += 56
            }
            canvas.fill(Rect(x: x, y: y, width: w, height: 46), Palette.panel)
            canvas.stroke(Rect(x: x, y: y, width: w, height: 46), Palette.grid, width: 0.6)
            canvas.text(value, x: x + 10, y: y + 22)
            canvas.setFont(size: 8.5)
            canvas.text(canvas.fitted(name, width: w - 16), x: x + 10, y: y + 37, color: Palette.mutedText)
            x += w + 10
        }
        y += 74
        canvas.setFont(size: 15, bold: true)
        canvas.text("Contents", x: margin, y: y)
        y += 22
        canvas.setFont(size: 11)
        for (title, page) in sections {
            canvas.link(toDestination: pageDestination(page)) {
                canvas.text(title, x: margin + 8, y: y)
                canvas.text(String(page), x: pageWidth - margin, y: y, align: .right)
            }
            canvas.strokeLine(
                from: (margin + 12 + canvas.textWidth(title), y - 3),
                to: (pageWidth - margin - 8 - canvas.textWidth(String(page)), y - 3),
                Palette.grid, width: 0.6, dash: [1, 2])
            y += 18
        }
        if !document.summaryLines.isEmpty {
            y += 16
            canvas.setFont(size: 15, bold: true)
            canvas.text("At a glance", x: margin, y: y)
            y += 20
            canvas.setFont(size: 10)
            for line in document.summaryLines {
                for (k, part) in canvas.wrap(line, width: contentWidth - 16).enumerated() {
                    canvas.text((k == 0 ? "• " : "  ") + part, x: margin + 4, y: y)
                    y += 14
                }
            }
        }
    }

    static func footer(_ document: ReportDocument, page: Int, of total: Int, on canvas: Canvas) {
        canvas.setFont(size: 8)
        canvas.strokeLine(
            from: (margin, pageHeight - margin + 2), to: (pageWidth - margin, pageHeight - margin + 2), Palette.grid,
            width: 0.5)
        canvas.text(
            canvas.fitted(document.title, width: contentWidth - 80), x: margin, y: pageHeight - margin + 14,
            color: Palette.mutedText)
        canvas.text(
            "page \(page) of \(total)", x: pageWidth - margin, y: pageHeight - margin + 14, align: .right,
            color: Palette.mutedText)
    }
}

/// The short Markdown summary for a pull-request comment or a chat message.
public enum MarkdownSummary {
    /// The Markdown summary: title, headline, the summary's lines and a pointer to the full report.
    public static func render(_ document: ReportDocument, htmlName: String?) -> String {
        var lines = ["### \(document.title)", "", document.subtitle, ""]
        lines.append("| " + document.headline.map(\.0).joined(separator: " | ") + " |")
        lines.append("|" + document.headline.map { _ in "---:" }.joined(separator: "|") + "|")
        lines.append("| " + document.headline.map(\.1).joined(separator: " | ") + " |")
        if !document.summaryLines.isEmpty {
            lines.append("")
            lines += document.summaryLines.map { "- " + $0 }
        }
        if let htmlName {
            lines.append("")
            lines.append("Full report: `\(htmlName)`")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
