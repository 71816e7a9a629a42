import Foundation

/// Horizontal bars, one row per category, one bar per series in each row (per-class AP,
/// precision, recall; support; the TIDE breakdown; per-class deltas between models).
/// Negative values extend to the left of zero.
public struct BarChart: Drawable {
    /// One series of bars.
    public struct Series {
        /// Its name in the legend.
        public var name: String
        /// One value per category (nil draws no bar).
        public var values: [Double?]
        /// Its colour.
        public var color: Color
        /// A series.
        public init(name: String, values: [Double?], color: Color) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The categories, one row each.
    public var categories: [String]
    /// The series, side by side in each row.
    public var series: [Series]
    /// The value axis's interval (from the data when nil).
    public var domain: ClosedRange<Double>?
    /// The value axis's title.
    public var valueTitle: String
    /// Colours each bar by its sign (better / worse) instead of by series.
    public var signColored = false
    /// The chart's width.
    public var width: Double = 560
    /// A logarithmic value axis (log10(1 + v): 0 stays 0), for counts one category dominates.
    public var logScale = false

    /// A chart.
    public init(
        title: String, settings: String, categories: [String], series: [Series], valueTitle: String,
        domain: ClosedRange<Double>? = nil
    ) {
        self.title = title
        self.settings = settings
        self.categories = categories
        self.series = series
        self.valueTitle = valueTitle
        self.domain = domain
    }

    var rowHeight: Double { Double(max(1, series.count)) * 7 + 6 }
    var legendHeight: Double { series.count > 1 ? 18 : 0 }
    /// The chart's size (its height grows with the categories).
    public var size: (width: Double, height: Double) {
        (width, 64 + legendHeight + rowHeight * Double(categories.count) + 34)
    }

    var resolvedDomain: ClosedRange<Double> {
        if let domain { return domain }
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let low = min(0, values.min() ?? 0)
        let high = max(0, values.max() ?? 1)
        return low == high ? low...(low + 1) : low...high
    }

    /// The value axis across `left...right`: where a value is drawn, where bars start (0, or the
    /// domain's end nearest to it when the domain leaves 0 out) and the ticks.
    func valueAxis(left: Double, right: Double) -> (position: (Double) -> Double, baseline: Double, ticks: [Double]) {
        if logScale {
            let top = max(1, series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
            let span = log10(1 + top)
            let position = { (v: Double) in left + (right - left) * log10(1 + max(0, v)) / span }
            var ticks: [Double] = [0]
            var power = 1.0
            while power <= top {
                ticks.append(power)
                power *= 10
            }
            return (position, left, ticks)
        }
        let domain = resolvedDomain
        let scale = Scale(domain: domain, range: (left, right))
        let clamped = { (v: Double) in scale(min(max(v, domain.lowerBound), domain.upperBound)) }
        return (clamped, clamped(0), scale.ticks())
    }

    /// Draws the chart.
    public func draw(on canvas: Canvas) {
        drawHeading(title: title, settings: settings, on: canvas, width: size.width)
        canvas.setFont(size: 9.5)
        let labelWidth = min(150, (categories.map { canvas.textWidth($0) }.max() ?? 20) + 10)
        let top = 46 + legendHeight
        let plot = Rect(
            x: labelWidth + 14, y: top, width: width - labelWidth - 80, height: rowHeight * Double(categories.count))
        let (scale, zero, ticks) = valueAxis(left: plot.x, right: plot.maxX)
        for t in ticks {
            canvas.strokeLine(from: (scale(t), plot.y), to: (scale(t), plot.maxY), Palette.grid, width: 0.6)
            canvas.text(formatNumber(t), x: scale(t), y: plot.maxY + 12, align: .center, color: Palette.mutedText)
        }
        for (row, category) in categories.enumerated() {
            let y = plot.y + Double(row) * rowHeight + 3
            canvas.setFont(size: 9.5)
            canvas.text(
                canvas.fitted(category, width: labelWidth - 6), x: plot.x - 6, y: y + rowHeight / 2 + 1.5, align: .right
            )
            for (k, s) in series.enumerated() {
                guard row < s.values.count, let v = s.values[row] else { continue }
                let bar = Rect(x: min(zero, scale(v)), y: y + Double(k) * 7, width: abs(scale(v) - zero), height: 6)
                canvas.fill(bar, signColored ? (v >= 0 ? Palette.better : Palette.worse) : s.color)
                if k == series.count - 1 || series.count == 1 {
                    canvas.setFont(size: 8)
                    canvas.text(
                        formatNumber(v), x: max(zero, scale(v)) + 3, y: y + Double(k) * 7 + 6, color: Palette.mutedText)
                }
            }
        }
        canvas.strokeLine(from: (zero, plot.y), to: (zero, plot.maxY), Palette.frame, width: 0.8)
        canvas.setFont(size: 10)
        canvas.text(valueTitle, x: plot.x + plot.width / 2, y: plot.maxY + 28, align: .center)
        if series.count > 1 {
            var x = plot.x
            canvas.setFont(size: 9.5)
            for s in series {
                canvas.fill(Rect(x: x, y: 46, width: 10, height: 8), s.color)
                canvas.text(s.name, x: x + 14, y: 54)
                x += canvas.textWidth(s.name) + 30
            }
        }
    }
}
