import ArgusCharts
import ArgusIO
import ArgusMetrics
import ArgusResults

/// What a report says, independent of HTML, PDF or Markdown: sections of charts, tables and
/// notes. Every chart carries the data it was drawn from (embedded in the HTML, tested).
public struct ReportDocument {
    /// The report's title.
    public var title: String
    /// The line under the title: task and settings.
    public var subtitle: String
    /// Headline figures (name, value) shown first.
    public var headline: [(String, String)]
    /// The sections, in order.
    public var sections: [Section]
    /// The Markdown summary's body (after the title and headline).
    public var summaryLines: [String] = []
    /// Raw curve data embedded in the HTML for re-plotting.
    public var curveData: PlainJSON = .object([])

    /// A titled part of the report (a PDF bookmark, an HTML anchor).
    public struct Section {
        /// Its anchor.
        public var id: String
        /// Its title.
        public var title: String
        /// Its charts, tables and paragraphs.
        public var blocks: [Block]
        /// A section.
        public init(id: String, title: String, blocks: [Block]) {
            self.id = id
            self.title = title
            self.blocks = blocks
        }
    }

    /// One piece of a section.
    public enum Block {
        case chart(Figure)
        /// Charts laid out side by side in the HTML (a gallery); one after another in the PDF.
        case grid([Figure])
        case table(Table)
        case paragraph(String)
        /// The HTML's score-threshold slider (a note in the PDF).
        case explorer(ThresholdExplorer)
    }

    /// A chart with the data it was drawn from.
    public struct Figure {
        /// Its anchor and the key of its data in the HTML.
        public var id: String
        /// What draws it.
        public var drawing: Drawable
        /// The numbers behind it.
        public var data: PlainJSON
        /// Shown large and scrollable with zoom buttons in the HTML (big confusion matrices).
        public var zoomable = false
        /// A figure.
        public init(id: String, drawing: Drawable, data: PlainJSON, zoomable: Bool = false) {
            self.id = id
            self.drawing = drawing
            self.data = data
            self.zoomable = zoomable
        }
    }

    /// A table (sortable in the HTML).
    public struct Table {
        /// Its anchor.
        public var id: String
        /// Its title.
        public var title: String
        /// The line under its title.
        public var settings: String
        /// The column headings.
        public var header: [String]
        /// The rows.
        public var rows: [[Cell]]
        /// Whether the HTML lets a click on a heading sort it.
        public var sortable = true

        /// A cell.
        public struct Cell {
            /// What it shows.
            public var text: String
            /// The value to sort by (numbers sort numerically; nil sorts last).
            public var value: Double?
            /// Its colour: better, worse or plain.
            public var tone: Tone = .plain
            /// How a delta reads.
            public enum Tone {
                case plain, better, worse

                /// The colour a PDF table draws it in (nil: the text's).
                var color: Color? {
                    switch self {
                    case .plain: nil
                    case .better: Palette.better
                    case .worse: Palette.worse
                    }
                }
            }
            /// A text cell.
            public static func text(_ s: String) -> Cell { Cell(text: s, value: nil) }
            /// A number to `digits` places ("—" where undefined).
            public static func number(_ v: Double?, digits: Int = 4) -> Cell {
                Cell(text: v.map { formatMetric($0, digits: digits) } ?? "—", value: v)
            }
            /// A count ("—" where unknown).
            public static func count(_ v: Int?) -> Cell {
                Cell(text: v.map(String.init) ?? "—", value: v.map(Double.init))
            }
            /// A signed difference, coloured by its sign.
            public static func delta(_ v: Double?, digits: Int = 4) -> Cell {
                guard let v else { return Cell(text: "—", value: nil) }
                return Cell(
                    text: (v > 0 ? "+" : "") + formatMetric(v, digits: digits), value: v,
                    tone: v > 0 ? .better : (v < 0 ? .worse : .plain))
            }
        }

        /// The columns whose cells all hold numbers (right-aligned).
        public var numericColumns: Set<Int> {
            Set((0..<header.count).filter { c in rows.contains { c < $0.count && $0[c].value != nil } })
        }

        /// The table as JSON (headings and rows).
        public var data: PlainJSON {
            .object([
                ("header", .strings(header)),
                (
                    "rows",
                    .array(rows.map { row in .array(row.map { $0.value.map(PlainJSON.number) ?? .string($0.text) }) })
                ),
            ])
        }

        var drawing: TableDrawing {
            var drawing = TableDrawing(
                title: title, settings: settings, header: header, rows: rows.map { $0.map(\.text) },
                numericColumns: numericColumns)
            if rows.contains(where: { $0.contains { $0.tone != .plain } }) {
                drawing.colors = rows.map { row in row.map(\.tone.color) }
            }
            return drawing
        }
    }

    /// Whether a figure is shown with zoom buttons (a big confusion matrix).
    var hasZoomableFigure: Bool {
        sections.contains { section in
            section.blocks.contains { block in
                switch block {
                case .chart(let figure): figure.zoomable
                case .grid(let figures): figures.contains(where: \.zoomable)
                case .table, .paragraph, .explorer: false
                }
            }
        }
    }

    /// All chart and table data by id (what the tests compare with golden JSON).
    public var chartData: PlainJSON {
        var members: [(String, PlainJSON)] = []
        for section in sections {
            for block in section.blocks {
                switch block {
                case .chart(let figure): members.append((figure.id, figure.data))
                case .grid(let figures): members += figures.map { ($0.id, $0.data) }
                case .table(let table): members.append((table.id, table.data))
                case .paragraph, .explorer: break
                }
            }
        }
        return .object(members)
    }
}

/// A metric value with `digits` decimals (trailing zeros kept, so columns line up).
public func formatMetric(_ v: Double, digits: Int = 4) -> String {
    if v.isNaN { return "—" }
    if v == v.rounded() && abs(v) > 1 && abs(v) < 1e15 { return String(Int(v)) }
    return String(format: "%.\(digits)f", v)
}

/// Equal-width histogram bins over [0, 1] as numpy's `histogram(values, bins, range=(0, 1))`
/// assigns them: edges `i / bins` (numpy's linspace), each bin [lower, upper), the last one
/// closed; values outside [0, 1] or NaN are left out.
struct UnitHistogram {
    let edges: [Double]
    var counts: [Double]

    init(bins: Int) {
        let step = 1.0 / Double(bins)
        var edges = (0...bins).map { Double($0) * step }
        edges[bins] = 1
        self.edges = edges
        counts = [Double](repeating: 0, count: bins)
    }

    mutating func add(_ value: Double) {
        guard value >= 0 && value <= 1 else { return }
        let bins = counts.count
        var index = min(bins - 1, Int(value * Double(bins)))
        if value < edges[index] { index -= 1 } else if index != bins - 1 && value >= edges[index + 1] { index += 1 }
        counts[index] += 1
    }
}

/// Curve points for embedding: a curve of more than `limit` points keeps only the points that
/// move at least `1 / limit` of the unit range on either axis from the last kept one (the
/// first and last always kept), so that a curve over millions of detections stays small in the
/// HTML. The full curves stay in the evaluation's curves.json.
func thinnedIndices(x: [Double], y: [Double], limit: Int = 2000) -> [Int] {
    let n = min(x.count, y.count)
    guard n > limit else { return Array(0..<n) }
    let tolerance = 1.0 / Double(limit)
    var kept = [0]
    for i in 1..<n {
        let last = kept[kept.count - 1]
        if i == n - 1 || abs(x[i] - x[last]) >= tolerance || abs(y[i] - y[last]) >= tolerance
            || x[i].isNaN != x[last].isNaN
        {
            kept.append(i)
        }
    }
    return kept
}

extension Array where Element == Double {
    func picking(_ indices: [Int]) -> [Double] {
        indices.count == count ? self : indices.map { $0 < count ? self[$0] : .nan }
    }
}

/// A value axis for per-class bars of values in [0, 1]: zoomed in when they bunch near the top, with
/// a note on the chart's settings line saying where the axis starts.
func unitBarAxis(_ series: [BarChart.Series], settings: String) -> (domain: ClosedRange<Double>, settings: String) {
    let domain = AxisRange.unitValues(series.flatMap { $0.values.compactMap { $0 } })
    guard domain.lowerBound > 0 else { return (domain, settings) }
    return (domain, settings + " · value axis from \(formatNumber(domain.lowerBound)), not 0")
}

/// A count chart one category swamps is drawn on a logarithmic axis, said in its settings line.
func countBars(_ chart: BarChart) -> BarChart {
    var chart = chart
    chart.logScale = AxisRange.dominated(chart.series.flatMap { $0.values.compactMap { $0 } })
    if chart.logScale { chart.settings += " · logarithmic axis (one class has far more than the others)" }
    return chart
}

extension ReportDocument {
    /// The page's threshold slider, where a section holds one.
    public var explorer: ThresholdExplorer? {
        for section in sections {
            for block in section.blocks { if case .explorer(let explorer) = block { return explorer } }
        }
        return nil
    }
}
