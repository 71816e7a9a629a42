/// A table drawn with Cairo (for the PDF; the HTML uses a real `<table>` with the same cells).
public struct TableDrawing: Drawable {
    /// The table's title.
    public var title: String
    /// The line under the title.
    public var settings: String
    /// The column headings.
    public var header: [String]
    /// The rows' texts.
    public var rows: [[String]]
    /// Right-aligned columns (numbers).
    public var numericColumns: Set<Int>
    /// Cells drawn bold in a colour of their own (a delta's better or worse), by row and column;
    /// nil, or a missing row, for the text colour.
    public var colors: [[Color?]] = []
    /// The table's width.
    public var width: Double
    /// A row's height.
    public static let rowHeight = 15.0

    /// A table.
    public init(
        title: String, settings: String, header: [String], rows: [[String]], numericColumns: Set<Int>,
        width: Double = 520
    ) {
        self.title = title
        self.settings = settings
        self.header = header
        self.rows = rows
        self.numericColumns = numericColumns
        self.width = width
    }

    /// The table's size.
    public var size: (width: Double, height: Double) { (width, 50 + Double(rows.count + 1) * Self.rowHeight + 8) }

    /// The table with only the rows in `range` (and their colours).
    public func slice(_ range: Range<Int>) -> TableDrawing {
        var piece = self
        let range = range.clamped(to: 0..<rows.count)
        piece.rows = Array(rows[range])
        piece.colors = colors.isEmpty ? [] : Array(colors[range.clamped(to: 0..<colors.count)])
        return piece
    }

    /// The table split into pieces of at most `rowsPerPiece` rows, each with the header.
    public func split(rowsPerPiece: Int) -> [TableDrawing] {
        guard rows.count > rowsPerPiece else { return [self] }
        return stride(from: 0, to: rows.count, by: rowsPerPiece).map { start in
            var piece = slice(start..<start + rowsPerPiece)
            if start > 0 { piece.title = title + " (continued)" }
            return piece
        }
    }

    /// The font size and column widths that fit the table in its width: columns as wide as their
    /// widest cell at 9.5 points; when that is too wide, a smaller font (down to 6.5 points), then a
    /// narrower first (name) column, whose cells are shortened with an ellipsis.
    func columnWidths(on canvas: Canvas) -> (fontSize: Double, widths: [Double]) {
        let columns = header.count
        let room = width - 20 - Double(columns) * 14
        func measure(_ size: Double) -> [Double] {
            (0..<columns).map { c in
                canvas.setFont(size: size, bold: true)
                var widest = canvas.textWidth(header[c])
                for (r, row) in rows.enumerated() where c < row.count {
                    let colored = r < colors.count && c < colors[r].count && colors[r][c] != nil
                    canvas.setFont(size: size, bold: colored)
                    widest = max(widest, canvas.textWidth(row[c]))
                }
                return widest
            }
        }
        var fontSize = 9.5
        var widths = measure(fontSize)
        let natural = widths.reduce(0, +)
        if natural > room {
            fontSize = max(6.5, (fontSize * room / natural * 10).rounded(.down) / 10)
            widths = measure(fontSize)
        }
        let total = widths.reduce(0, +)
        if total > room, columns > 0 {
            widths[0] = max(40, widths[0] - (total - room))
        }
        return (fontSize, widths)
    }

    /// Draws the table.
    public func draw(on canvas: Canvas) {
        drawHeading(title: title, settings: settings, on: canvas, width: size.width)
        let columns = header.count
        let (fontSize, widths) = columnWidths(on: canvas)
        var y = 50.0
        func drawRow(_ cells: [String], colors: [Color?], bold: Bool, shaded: Bool) {
            if shaded { canvas.fill(Rect(x: 10, y: y, width: width - 20, height: Self.rowHeight), Palette.panel) }
            var x = 10.0 + 7
            for c in 0..<columns {
                let color = c < colors.count ? colors[c] : nil
                canvas.setFont(size: fontSize, bold: bold || color != nil)
                let cell = canvas.fitted(c < cells.count ? cells[c] : "", width: widths[c])
                let right = numericColumns.contains(c)
                canvas.text(
                    cell, x: right ? x + widths[c] : x, y: y + 11, align: right ? .right : .left,
                    color: color ?? Palette.text)
                x += widths[c] + 14
            }
            y += Self.rowHeight
        }
        drawRow(header, colors: [], bold: true, shaded: false)
        canvas.strokeLine(from: (10, y), to: (width - 10, y), Palette.frame, width: 0.8)
        for (i, row) in rows.enumerated() {
            drawRow(row, colors: i < colors.count ? colors[i] : [], bold: false, shaded: i % 2 == 1)
        }
    }
}
