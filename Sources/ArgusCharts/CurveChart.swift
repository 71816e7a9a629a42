/// Lines in a square-ish plot: PR curves (with iso-F1 lines), ROC curves (with the chance
/// diagonal), precision/recall/F1 against confidence (with the best-F1 point marked).
public struct CurveChart: Drawable {
    /// One line.
    public struct Series {
        /// Its name in the legend.
        public var name: String
        /// Its x values.
        public var x: [Double]
        /// Its y values.
        public var y: [Double]
        /// Its colour.
        public var color: Color
        /// Its width.
        public var width: Double
        /// Its dash pattern.
        public var dash: [Double]
        /// A point to mark with a dot (e.g. the best-F1 threshold).
        public var marker: (x: Double, y: Double)?
        /// Whether the series has its own legend entry (background series such as "other classes" do not).
        public var inLegend = true
        /// A series.
        public init(
            name: String, x: [Double], y: [Double], color: Color, width: Double = 1.6, dash: [Double] = [],
            marker: (x: Double, y: Double)? = nil
        ) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.width = width
            self.dash = dash
            self.marker = marker
        }
    }

    /// The guide lines drawn behind the series.
    public enum Guide { case none, isoF1, diagonal }

    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The x axis's title.
    public var xTitle: String
    /// The y axis's title.
    public var yTitle: String
    /// The x axis's interval.
    public var xDomain: ClosedRange<Double> = 0...1
    /// The y axis's interval.
    public var yDomain: ClosedRange<Double> = 0...1.02
    /// The lines.
    public var series: [Series]
    /// The guide lines.
    public var guide: Guide = .none
    /// Where the legend goes; nil: the corner covering the fewest points of the curves.
    public var legendCorner: Legend.Corner?
    /// Legend entries for what has no series of its own (e.g. "other classes").
    public var extraLegend: [Legend.Entry] = []
    /// The chart's size.
    public var size: (width: Double, height: Double) = (460, 380)

    /// A chart.
    public init(title: String, settings: String, xTitle: String, yTitle: String, series: [Series], guide: Guide = .none)
    {
        self.title = title
        self.settings = settings
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.guide = guide
    }

    /// The legend: the series shown in it, then the extra entries.
    var legend: Legend {
        Legend(
            entries: series.filter(\.inLegend).map { Legend.Entry(label: $0.name, color: $0.color, dash: $0.dash) }
                + extraLegend)
    }

    /// Legends of more entries than this go beside the plot, not over it.
    public static let legendInsideLimit = 6

    /// The chart's frame, narrowed on the right when the legend goes beside the plot.
    func layout(_ legend: Legend, on canvas: Canvas) -> (frame: ChartFrame, beside: Rect?) {
        let inside = legendCorner != nil || legend.entries.count <= Self.legendInsideLimit
        var margin = 16.0
        if !inside {
            canvas.setFont(size: 9.5)
            let width = (legend.entries.map { canvas.textWidth($0.label) }.max() ?? 0) + 34
            margin = min(size.width * 0.45, width + 16)
        }
        let frame = ChartFrame(
            title: title, settings: settings, xTitle: xTitle, yTitle: yTitle, xDomain: xDomain, yDomain: yDomain,
            size: size, rightMargin: margin)
        let beside =
            inside ? nil : Rect(x: frame.plot.maxX + 4, y: frame.plot.y, width: margin - 4, height: frame.plot.height)
        return (frame, beside)
    }

    /// Draws the chart.
    public func draw(on canvas: Canvas) {
        let (frame, beside) = layout(legend, on: canvas)
        frame.draw(on: canvas)
        let corner =
            beside != nil
            ? .topRight : legendCorner ?? legend.place(on: canvas, in: frame.plot, avoiding: drawnPoints(frame))
        let legendArea = beside ?? frame.plot
        let legendBox =
            legend.entries.isEmpty || beside != nil ? nil : legend.box(on: canvas, in: legendArea, corner: corner)
        canvas.isolated {
            canvas.clip(to: frame.plot)
            drawGuide(frame, on: canvas, avoiding: legendBox)
            for s in series {
                canvas.strokePolyline(Self.thinned(s, frame), s.color, width: s.width, dash: s.dash)
            }
            for s in series {
                guard let m = s.marker else { continue }
                canvas.setColor(s.color)
                canvas.addCircle(x: frame.x(m.x), y: frame.y(m.y), radius: 4)
                canvas.fillPreservingPath()
                canvas.setColor(Palette.background)
                canvas.setLineWidth(1.2)
                canvas.stroke()
            }
        }
        legend.draw(on: canvas, in: legendArea, corner: corner)
    }

    /// Canvas points along every series (and its marker), densely enough that a legend box over a
    /// line covers some of them.
    func drawnPoints(_ frame: ChartFrame) -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for s in series {
            let line = Self.thinned(s, frame)
            for (a, b) in zip(line, line.dropFirst()) {
                let steps = max(1, Int((abs(b.0 - a.0) + abs(b.1 - a.1)) / 4))
                for k in 0..<steps {
                    let t = Double(k) / Double(steps)
                    points.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
                }
            }
            if let last = line.last { points.append(last) }
            if let m = s.marker { points.append((frame.x(m.x), frame.y(m.y))) }
        }
        return points
    }

    /// The diagonal or the iso-F1 lines with their labels (a label under the legend is left out: text
    /// may be drawn above the legend's box).
    func drawGuide(_ frame: ChartFrame, on canvas: Canvas, avoiding legendBox: Rect? = nil) {
        switch guide {
        case .none: break
        case .diagonal:
            canvas.strokeLine(
                from: (frame.x(0), frame.y(0)), to: (frame.x(1), frame.y(1)), Palette.frame, width: 0.8, dash: [4, 3])
        case .isoF1:
            canvas.setFont(size: 8.5)
            for f in [0.2, 0.4, 0.6, 0.8] {
                // precision = f·r / (2r − f), for r in (f/2, 1]
                var points: [(Double, Double)] = []
                var r = f / 2 + 0.002
                while r <= 1.0001 {
                    let p = f * r / (2 * r - f)
                    if p <= yDomain.upperBound { points.append((frame.x(r), frame.y(p))) }
                    r += 0.01
                }
                canvas.strokePolyline(points, Palette.grid.with(alpha: 1), width: 0.8, dash: [2, 2])
                let labelRecall = 0.9
                let labelPrecision = f * labelRecall / (2 * labelRecall - f)
                let anchor = (x: frame.x(labelRecall), y: frame.y(labelPrecision) - 3)
                if let legendBox,
                    legendBox.inset(top: -10, left: -20, bottom: -4, right: -20).contains(x: anchor.x, y: anchor.y)
                {
                    continue
                }
                canvas.text(
                    "F1=\(formatNumber(f))", x: frame.x(labelRecall), y: frame.y(labelPrecision) - 3,
                    align: .center, color: Palette.frame)
            }
        }
    }

    /// Canvas points of a series, dropping points closer than a third of a unit to the last kept
    /// one (curves over millions of detections stay small in SVG and PDF; the shape is kept).
    static func thinned(_ s: Series, _ frame: ChartFrame) -> [(Double, Double)] {
        let n = min(s.x.count, s.y.count)
        var points: [(Double, Double)] = []
        points.reserveCapacity(min(n, 4096))
        for i in 0..<n {
            let p = (frame.x(s.x[i]), frame.y(s.y[i]))
            if let last = points.last, i != n - 1, abs(p.0 - last.0) < 0.33 && abs(p.1 - last.1) < 0.33 { continue }
            points.append(p)
        }
        return points
    }
}

extension CurveChart {
    /// A point a page can show on hover: where it is drawn (SVG units) and its values.
    public struct HoverPoint: Sendable {
        /// The series' name.
        public var series: Int
        /// Where it is drawn.
        public var x, y: Double
        /// Its values.
        public var valueX, valueY: Double
    }

    /// Points along every drawn series for a hover read-out: at most `limit` per series, spread
    /// evenly over the series's points (the first and last kept), inside the axes' domains.
    public func hoverPoints(limit: Int = 120) -> [HoverPoint] {
        let frame = layout(legend, on: Canvas.measuring()).frame
        var points: [HoverPoint] = []
        for (k, s) in series.enumerated() where s.inLegend {
            let n = min(s.x.count, s.y.count)
            guard n > 0 else { continue }
            let step = max(1, (n + limit - 1) / limit)
            var indices = Array(stride(from: 0, to: n, by: step))
            if indices.last != n - 1 { indices.append(n - 1) }
            for i in indices where xDomain.contains(s.x[i]) && yDomain.contains(s.y[i]) {
                points.append(
                    HoverPoint(series: k, x: frame.x(s.x[i]), y: frame.y(s.y[i]), valueX: s.x[i], valueY: s.y[i]))
            }
        }
        return points
    }
}
