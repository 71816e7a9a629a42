/// A confusion matrix: rows are the ground truth, columns the prediction. Cells are shaded by
/// the row-normalised value (so rare classes are as readable as common ones) and show either
/// the count or the fraction. Sizes itself from the number of classes; labels and numbers are
/// drawn only where they fit, so 100+ classes stay readable when zoomed.
public struct MatrixChart: Drawable {
    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The labels of rows and columns.
    public var labels: [String]
    /// The counts, rows the true label.
    public var counts: [[Double]]
    /// Whether cells show row fractions instead of counts.
    public var normalized: Bool
    /// A cell's side.
    public var cellSize: Double

    /// A chart (cells sized to fit unless given).
    public init(
        title: String, settings: String, labels: [String], counts: [[Double]], normalized: Bool, cellSize: Double? = nil
    ) {
        self.title = title
        self.settings = settings
        self.labels = labels
        self.counts = counts
        self.normalized = normalized
        let n = Double(max(labels.count, 1))
        self.cellSize = cellSize ?? min(34, max(5, 520 / n))
    }

    var labelMargin: Double { cellSize >= 7 ? min(130, 14 + 6.2 * Double(labels.map(\.count).max() ?? 4)) : 24 }
    var fontSize: Double { min(10, cellSize * 0.8) }

    /// The chart's size.
    public var size: (width: Double, height: Double) {
        let side = cellSize * Double(labels.count)
        return (max(420, labelMargin + side + 30), labelMargin + side + 92)
    }

    /// The cells' square in the chart's coordinates: row `i`, column `j` is the cell at
    /// (`x + j·cellSize`, `y + i·cellSize`). A page maps a click to a cell with it.
    public var grid: Rect {
        let side = cellSize * Double(labels.count)
        return Rect(x: labelMargin + 16, y: labelMargin + 46, width: side, height: side)
    }

    /// Each row divided by its sum (0 for an empty row).
    public var rowFractions: [[Double]] {
        counts.map { row in
            let total = row.reduce(0, +)
            return row.map { total > 0 ? $0 / total : 0 }
        }
    }

    /// A row fraction in a cell: two decimals, and "<.01" for what would print as 0 (a number in
    /// exponent form would be cut to "4…" by a small cell, and read as 4).
    static func fractionLabel(_ fraction: Double) -> String {
        fraction > 0 && fraction < 0.01 ? "<.01" : formatNumber(fraction, digits: 2)
    }

    /// Draws the chart.
    public func draw(on canvas: Canvas) {
        drawHeading(title: title, settings: settings, on: canvas, width: size.width)
        let n = labels.count
        let origin = (x: grid.x, y: grid.y)
        let fractions = rowFractions
        canvas.setFont(size: fontSize)
        for i in 0..<n {
            for j in 0..<n where counts[i][j] > 0 {  // empty cells stay the page's white
                let cell = Rect(
                    x: origin.x + Double(j) * cellSize, y: origin.y + Double(i) * cellSize, width: cellSize,
                    height: cellSize)
                let fill = Palette.sequential(fractions[i][j])
                canvas.fill(cell, fill)
                if cellSize >= 22 {
                    let value = normalized ? Self.fractionLabel(fractions[i][j]) : formatNumber(counts[i][j])
                    canvas.text(
                        canvas.fitted(value, width: cellSize - 2), x: cell.x + cellSize / 2,
                        y: cell.y + cellSize / 2 + fontSize * 0.35,
                        align: .center, color: Palette.textColor(on: fill))
                }
            }
        }
        let side = cellSize * Double(n)
        canvas.stroke(Rect(x: origin.x, y: origin.y, width: side, height: side), Palette.frame, width: 0.6)
        if cellSize >= 7 {
            for (i, label) in labels.enumerated() {
                let centre = Double(i) * cellSize + cellSize / 2
                canvas.text(
                    canvas.fitted(label, width: labelMargin - 8), x: origin.x - 4,
                    y: origin.y + centre + fontSize * 0.35, align: .right)
                canvas.isolated {
                    canvas.translate(origin.x + centre + fontSize * 0.35, origin.y - 4)
                    canvas.rotate(-Double.pi / 2)
                    canvas.text(canvas.fitted(label, width: labelMargin - 8), x: 0, y: 0)
                }
            }
        }
        canvas.setFont(size: 10.5, bold: true)
        canvas.text(
            "Predicted", x: origin.x + side / 2, y: origin.y + side + 16, align: .center, color: Palette.mutedText)
        canvas.verticalText("Ground truth", x: 14, y: origin.y + side / 2, color: Palette.mutedText)
        canvas.setFont(size: 9)
        canvas.text(
            normalized ? "shade and numbers: fraction of the row" : "numbers: counts · shade: fraction of the row",
            x: origin.x, y: origin.y + side + 32, color: Palette.mutedText)
    }
}
