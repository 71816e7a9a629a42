import Foundation

/// A linear mapping from data values to canvas positions.
public struct Scale: Sendable {
    /// The data's interval.
    public var domain: ClosedRange<Double>
    /// The drawing's interval it maps onto (reversed for a y axis).
    public var range: (Double, Double)
    /// A scale.
    public init(domain: ClosedRange<Double>, range: (Double, Double)) {
        self.domain = domain.lowerBound == domain.upperBound ? domain.lowerBound...(domain.lowerBound + 1) : domain
        self.range = range
    }
    /// Where `v` is drawn.
    public func callAsFunction(_ v: Double) -> Double {
        range.0 + (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound) * (range.1 - range.0)
    }

    /// About `count` round tick values inside the domain (1, 2 or 5 times a power of ten apart).
    public func ticks(count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.7 } ?? raw
        var values: [Double] = []
        var v = ceil(domain.lowerBound / step - 1e-9) * step
        while v <= domain.upperBound + step * 1e-9 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return values
    }
}

/// Formats a tick or metric value compactly.
public func formatNumber(_ v: Double, digits: Int = 3) -> String {
    if v.isNaN { return "–" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    if abs(v) < pow(10, Double(-digits)) { return String(format: "%.1e", v) }
    var s = String(format: "%.\(digits)f", v)
    while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
    return s
}

/// The frame of a chart: title, settings line, plot area with grid and ticks, axis titles.
public struct ChartFrame {
    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The x axis's title.
    public var xTitle: String
    /// The y axis's title.
    public var yTitle: String
    /// The x scale.
    public var x: Scale
    /// The y scale.
    public var y: Scale
    /// The plot area inside the axes.
    public let plot: Rect
    /// The chart's width.
    public let width: Double

    /// Lays out a chart of `size` with room for titles and tick labels.
    public init(
        title: String, settings: String, xTitle: String, yTitle: String,
        xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>, size: (width: Double, height: Double),
        rightMargin: Double = 16
    ) {
        self.title = title
        self.settings = settings
        self.xTitle = xTitle
        self.yTitle = yTitle
        width = size.width
        plot = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(
            top: 46, left: 58, bottom: 44, right: rightMargin)
        x = Scale(domain: xDomain, range: (plot.x, plot.maxX))
        y = Scale(domain: yDomain, range: (plot.maxY, plot.y))
    }

    /// Draws the title, the axes, their ticks, grid lines and titles.
    public func draw(on canvas: Canvas) {
        drawHeading(title: title, settings: settings, on: canvas, width: width)
        canvas.setFont(size: 9.5)
        for t in x.ticks() {
            let px = x(t)
            canvas.strokeLine(from: (px, plot.y), to: (px, plot.maxY), Palette.grid, width: 0.6)
            canvas.text(formatNumber(t), x: px, y: plot.maxY + 13, align: .center, color: Palette.mutedText)
        }
        for t in y.ticks() {
            let py = y(t)
            canvas.strokeLine(from: (plot.x, py), to: (plot.maxX, py), Palette.grid, width: 0.6)
            canvas.text(formatNumber(t), x: plot.x - 5, y: py + 3.5, align: .right, color: Palette.mutedText)
        }
        canvas.stroke(plot, Palette.frame, width: 0.8)
        canvas.setFont(size: 10.5)
        canvas.text(xTitle, x: plot.x + plot.width / 2, y: plot.maxY + 32, align: .center)
        canvas.verticalText(yTitle, x: plot.x - 40, y: plot.y + plot.height / 2)
    }
}

/// A chart's title in bold with its settings (thresholds, counts) underneath in grey.
public func drawHeading(title: String, settings: String, on canvas: Canvas, x: Double = 10, width: Double) {
    let available = width - 20
    canvas.setFont(size: 13, bold: true)
    canvas.text(canvas.fitted(title, width: available), x: x, y: 18)
    canvas.setFont(size: 9.5)
    canvas.text(canvas.fitted(settings, width: available), x: x, y: 33, color: Palette.mutedText)
}

/// A legend box listing coloured entries, placed inside `area` in a corner: a given one, or the one
/// covering the fewest drawn points (`place(on:in:avoiding:)`).
public struct Legend {
    /// One line of the legend.
    public struct Entry {
        /// Its text.
        public var label: String
        /// Its colour.
        public var color: Color
        /// Its line's dash pattern.
        public var dash: [Double] = []
        /// Whether it shows a filled square (bars) instead of a line.
        public var filled = false
        /// An entry.
        public init(label: String, color: Color, dash: [Double] = [], filled: Bool = false) {
            self.label = label
            self.color = color
            self.dash = dash
            self.filled = filled
        }
    }
    /// The entries, top to bottom.
    public var entries: [Entry]
    /// A legend.
    public init(entries: [Entry]) { self.entries = entries }

    static let lineHeight = 14.0

    /// The legend's box in a corner of `area`.
    public func box(on canvas: Canvas, in area: Rect, corner: Corner) -> Rect {
        canvas.setFont(size: 9.5)
        let textWidth = entries.map { canvas.textWidth($0.label) }.max() ?? 0
        let width = min(area.width - 8, textWidth + 34)
        let height = Double(entries.count) * Self.lineHeight + 8
        let left = corner == .bottomLeft || corner == .topLeft
        let top = corner == .topLeft || corner == .topRight
        return Rect(
            x: left ? area.x + 6 : area.maxX - width - 6, y: top ? area.y + 6 : area.maxY - height - 6,
            width: width, height: height)
    }

    /// The corner whose box covers the fewest of `points` (canvas coordinates of what is drawn);
    /// ties go to the earlier corner of `Corner.preference`.
    public func place(on canvas: Canvas, in area: Rect, avoiding points: [(Double, Double)]) -> Corner {
        var best = Corner.preference[0]
        var fewest = Int.max
        for corner in Corner.preference {
            let box = box(on: canvas, in: area, corner: corner).inset(top: -3, left: -3, bottom: -3, right: -3)
            let covered = points.reduce(0) { $0 + (box.contains(x: $1.0, y: $1.1) ? 1 : 0) }
            if covered < fewest {
                fewest = covered
                best = corner
            }
        }
        return best
    }

    /// Draws the legend in a corner of `area`.
    public func draw(on canvas: Canvas, in area: Rect, corner: Corner = .bottomRight) {
        guard !entries.isEmpty else { return }
        let frame = box(on: canvas, in: area, corner: corner)
        let lineHeight = Self.lineHeight
        let (x, y, width, height) = (frame.x, frame.y, frame.width, frame.height)
        canvas.fill(Rect(x: x, y: y, width: width, height: height), Palette.background.with(alpha: 0.88))
        canvas.stroke(Rect(x: x, y: y, width: width, height: height), Palette.grid, width: 0.6)
        for (i, entry) in entries.enumerated() {
            let baseline = y + 4 + Double(i) * lineHeight + 10
            if entry.filled {
                canvas.fill(Rect(x: x + 6, y: baseline - 8, width: 16, height: 8), entry.color)
            } else {
                canvas.strokeLine(
                    from: (x + 6, baseline - 3.5), to: (x + 22, baseline - 3.5), entry.color, width: 2, dash: entry.dash
                )
            }
            canvas.text(canvas.fitted(entry.label, width: width - 32), x: x + 27, y: baseline)
        }
    }

    /// Where the legend goes.
    public enum Corner: Sendable, CaseIterable {
        case bottomRight, topRight, topLeft, bottomLeft

        /// The order corners are tried in.
        public static let preference: [Corner] = [.bottomRight, .topRight, .topLeft, .bottomLeft]
    }
}

/// Axis ranges that show how the data spread, instead of always 0 to 1.
public enum AxisRange {
    /// For values in [0, 1] bunched near the top (the smallest at least 0.5): from a round 0.05
    /// below the smallest up to 1, so that 0.95 and 0.98 look different; 0...1 otherwise.
    public static func unitValues(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let smallest = finite.min(), smallest >= 0.5, (finite.max() ?? 1) <= 1 else { return 0...1 }
        let twentieths = max(0, (smallest * 20).rounded(.down) - 1)
        return (twentieths / 20)...1
    }

    /// For scores in [0, 1]: from the largest tenth at or below the smallest score up to 1 (0...1
    /// when a score is under 0.1 or there is none).
    public static func scores(_ values: [Double]) -> ClosedRange<Double> {
        guard let smallest = values.filter(\.isFinite).min(), smallest >= 0.1, smallest < 1 else { return 0...1 }
        return ((smallest * 10).rounded(.down) / 10)...1
    }

    /// Whether one category swamps the others' counts (the largest more than ten times the median
    /// of the positive counts): a case for a logarithmic axis.
    public static func dominated(_ counts: [Double]) -> Bool {
        let positive = counts.filter { $0 > 0 }.sorted()
        guard positive.count >= 3, let largest = positive.last else { return false }
        return largest > 10 * positive[positive.count / 2]
    }
}
