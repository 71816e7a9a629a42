/// Overlaid histograms over a shared set of bins (scores of true versus false positives;
/// confidence of correct versus wrong predictions).
public struct HistogramChart: Drawable {
    /// One series of counts.
    public struct Series {
        /// Its name in the legend.
        public var name: String
        /// One count per bin.
        public var counts: [Double]
        /// Its colour.
        public var color: Color
        /// A series.
        public init(name: String, counts: [Double], color: Color) {
            self.name = name
            self.counts = counts
            self.color = color
        }
    }
    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The bins' edges (one more than the counts).
    public var edges: [Double]
    /// The series, drawn overlaid.
    public var series: [Series]
    /// The x axis's title.
    public var xTitle: String
    /// The chart's size.
    public var size: (width: Double, height: Double) = (460, 320)

    /// A chart.
    public init(title: String, settings: String, edges: [Double], series: [Series], xTitle: String) {
        self.title = title
        self.settings = settings
        self.edges = edges
        self.series = series
        self.xTitle = xTitle
    }

    /// Draws the chart.
    public func draw(on canvas: Canvas) {
        let top = series.flatMap(\.counts).max() ?? 1
        let frame = ChartFrame(
            title: title, settings: settings, xTitle: xTitle, yTitle: "count",
            xDomain: (edges.first ?? 0)...(edges.last ?? 1), yDomain: 0...max(1, top * 1.05), size: size)
        frame.draw(on: canvas)
        // Each bin holds one bar per series, side by side.
        let k = Double(max(1, series.count))
        for (j, s) in series.enumerated() {
            for (i, c) in s.counts.enumerated() where c > 0 && i + 1 < edges.count {
                let binWidth = frame.x(edges[i + 1]) - frame.x(edges[i]) - 1
                let r = Rect(
                    x: frame.x(edges[i]) + 0.5 + binWidth * Double(j) / k, y: frame.y(c), width: binWidth / k,
                    height: frame.y(0) - frame.y(c))
                canvas.fill(r, s.color)
            }
        }
        // The legend goes where the bars are lowest: the corner covering the fewest bar points.
        var tops: [(Double, Double)] = []
        for s in series {
            for (i, c) in s.counts.enumerated() where c > 0 && i + 1 < edges.count {
                var y = frame.y(c)
                while y <= frame.y(0) {
                    tops.append(((frame.x(edges[i]) + frame.x(edges[i + 1])) / 2, y))
                    y += 4
                }
            }
        }
        let legend = Legend(entries: series.map { Legend.Entry(label: $0.name, color: $0.color, filled: true) })
        legend.draw(on: canvas, in: frame.plot, corner: legend.place(on: canvas, in: frame.plot, avoiding: tops))
    }
}

/// The reliability diagram: accuracy per confidence bin against the diagonal, bar width by bin,
/// the gap to the diagonal shaded, bin counts underneath.
public struct ReliabilityChart: Drawable {
    /// One bin of the reliability diagram.
    public struct Bin {
        public var lower, upper: Double
        /// The samples in it.
        public var count: Int
        /// Their mean confidence (nil when empty).
        public var confidence: Double?
        /// Their accuracy (nil when empty).
        public var accuracy: Double?
        /// A bin.
        public init(lower: Double, upper: Double, count: Int, confidence: Double?, accuracy: Double?) {
            self.lower = lower
            self.upper = upper
            self.count = count
            self.confidence = confidence
            self.accuracy = accuracy
        }
    }
    /// The chart's title.
    public var title: String
    /// The settings line under the title.
    public var settings: String
    /// The bins.
    public var bins: [Bin]
    /// The chart's size.
    public var size: (width: Double, height: Double) = (460, 380)

    /// A chart.
    public init(title: String, settings: String, bins: [Bin]) {
        self.title = title
        self.settings = settings
        self.bins = bins
    }

    /// Draws the chart.
    public func draw(on canvas: Canvas) {
        let frame = ChartFrame(
            title: title, settings: settings, xTitle: "confidence", yTitle: "accuracy",
            xDomain: 0...1, yDomain: 0...1, size: size)
        frame.draw(on: canvas)
        let largest = bins.map(\.count).max() ?? 0
        canvas.setFont(size: 7.5)
        for bin in bins {
            guard let accuracy = bin.accuracy, let confidence = bin.confidence else { continue }
            let x0 = frame.x(bin.lower) + 0.5
            let x1 = frame.x(bin.upper) - 0.5
            let weight = Self.weight(count: bin.count, largest: largest)
            canvas.fill(
                Rect(x: x0, y: frame.y(accuracy), width: x1 - x0, height: frame.y(0) - frame.y(accuracy)),
                Palette.truePositive.with(alpha: 0.75 * weight))
            let low = min(accuracy, confidence)
            let high = max(accuracy, confidence)
            canvas.fill(
                Rect(x: x0, y: frame.y(high), width: x1 - x0, height: frame.y(low) - frame.y(high)),
                Palette.falsePositive.with(alpha: 0.35 * weight))
            // The bin's sample count above it: a bar of 2 samples says little.
            canvas.text(
                canvas.fitted(String(bin.count), width: x1 - x0 + 2), x: (x0 + x1) / 2, y: frame.y(high) - 3,
                align: .center, color: Palette.mutedText)
        }
        canvas.strokeLine(
            from: (frame.x(0), frame.y(0)), to: (frame.x(1), frame.y(1)), Palette.frame, width: 0.9, dash: [4, 3])
        Legend(entries: [
            Legend.Entry(label: "accuracy in the bin", color: Palette.truePositive.with(alpha: 0.75), filled: true),
            Legend.Entry(label: "gap to confidence", color: Palette.falsePositive.with(alpha: 0.35), filled: true),
        ]).draw(on: canvas, in: frame.plot, corner: .topRight)
        // Left-aligned corner note keeps clear of the legend.
        canvas.setFont(size: 8.5)
        canvas.text(
            "bins with samples: \(bins.filter { $0.count > 0 }.count) of \(bins.count)", x: frame.plot.x + 6,
            y: frame.plot.y + 14, color: Palette.mutedText)
    }

    /// How strongly a bin is drawn: 1 for the fullest bin, down to 0.25 for a nearly empty one
    /// (by the square root of its share, so that mid-sized bins stay visible).
    static func weight(count: Int, largest: Int) -> Double {
        guard largest > 0 else { return 1 }
        return 0.25 + 0.75 * (Double(count) / Double(largest)).squareRoot()
    }
}
