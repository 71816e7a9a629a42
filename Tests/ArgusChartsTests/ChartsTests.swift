import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusCharts

/// The drawing layer: image codecs, scales, deterministic SVG, PDF pages.
@Suite struct ChartsTests {
    /// A tiny image enlarged many times keeps sharp pixels; one shrunk is smoothed.
    @Test func enlargedTinyImagesStaySharp() throws {
        struct Picture: Drawable {
            var image: RasterImage
            var side: Double
            var size: (width: Double, height: Double) { (side, side) }
            var caption: String { "" }
            func draw(on canvas: Canvas) { canvas.draw(image, in: Rect(x: 0, y: 0, width: side, height: side)) }
        }
        // 2×2: black, white / white, black, drawn 40 points wide at 1 pixel per point.
        let checker = RasterImage(width: 2, height: 2) { [0xFF00_0000, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFF00_0000][$0] }
        let big = try RasterImage(encoded: Render.png(Picture(image: checker, side: 40), scale: 1))
        // Just left of the middle is still black and just right of it white: no blended grey.
        #expect(big.pixel(x: 19, y: 5) == 0xFF00_0000 && big.pixel(x: 20, y: 5) == 0xFFFF_FFFF)
        let stripes = RasterImage(width: 40, height: 40) { $0 % 2 == 0 ? 0xFF00_0000 : 0xFFFF_FFFF }
        let small = try RasterImage(encoded: Render.png(Picture(image: stripes, side: 10), scale: 1))
        let grey = small.pixel(x: 5, y: 5) & 0xFF
        #expect(grey > 0x40 && grey < 0xC0, "shrinking averages the stripes: \(String(grey, radix: 16))")
    }

    @Test func pngRoundTripAndJPEGDecoding() throws {
        // A 3×2 image: red, green, blue / white, black, half-transparent grey.
        let pixels: [UInt32] = [0xFFFF_0000, 0xFF00_FF00, 0xFF00_00FF, 0xFFFF_FFFF, 0xFF00_0000, 0x8040_4040]
        let image = RasterImage(width: 3, height: 2) { pixels[$0] }
        let decoded = try RasterImage(encoded: image.pngBytes())
        #expect(decoded.width == 3 && decoded.height == 2)
        for i in 0..<6 { #expect(decoded.pixel(x: i % 3, y: i / 3) == pixels[i], "pixel \(i)") }
        // A real JPEG photograph of the peers' data, decoded in full and scaled in the decoder.
        let root = Repository.root
        let photo = root + "/golden/peers/review_object_detection_metrics/toyexample/images/2007_000549.jpg"
        let full = try RasterImage(path: photo)
        #expect(full.width == 375 && full.height == 500)
        let small = try RasterImage(path: photo, maxSide: 120)
        #expect(small.width == 94 && small.height == 125)  // 1/4: the smallest scale that keeps 120 pixels
    }

    @Test func corruptImagesGiveErrorsNotCrashes() {
        #expect(throws: RasterImage.DecodingError.self) {
            try RasterImage(encoded: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3])
        }
        #expect(throws: RasterImage.DecodingError.self) {
            try RasterImage(encoded: Array("\u{89}PNG\r\n\u{1A}\nnot really".utf8))
        }
        #expect(throws: RasterImage.DecodingError.self) { try RasterImage(encoded: Array("GIF89a".utf8)) }
        #expect(throws: RasterImage.DecodingError.self) { try RasterImage(path: "/nonexistent.png") }
    }

    @Test func ticksAreRound() {
        #expect(Scale(domain: 0...1, range: (0, 100)).ticks() == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Scale(domain: 0...118, range: (0, 100)).ticks() == [0, 20, 40, 60, 80, 100])
        #expect(Scale(domain: -0.23...0.05, range: (0, 100)).ticks().contains(0))
        #expect(formatNumber(0.5) == "0.5" && formatNumber(12) == "12" && formatNumber(4.8e-05) == "4.8e-05")
    }

    struct Square: Drawable {
        var size: (width: Double, height: Double) { (40, 30) }
        func draw(on canvas: Canvas) {
            canvas.clip(to: Rect(x: 0, y: 0, width: 40, height: 30))
            canvas.fill(Rect(x: 5, y: 5, width: 10, height: 10), Palette.category(0))
            canvas.text("AP", x: 20, y: 20)
        }
    }

    @Test func svgIsDeterministicAndPrefixed() {
        let first = Render.svg(Square(), idPrefix: "a-")
        let second = Render.svg(Square(), idPrefix: "a-")
        #expect(first == second)
        #expect(first.contains("id=\"a-") && !first.contains("id=\"surface") && !first.contains("id=\"glyph"))
        #expect(first.contains("viewBox=\"0 0 40 30\""))
        let png = Render.png(Square(), scale: 2)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test func pdfPagesAndMetadata() throws {
        let pdf = PDFDocument(title: "Test")
        pdf.addPage(width: 200, height: 100) { Square().draw(on: $0) }
        pdf.addPage(width: 300, height: 300) { Square().draw(on: $0) }
        let bytes = pdf.finish()
        #expect(String(decoding: bytes.prefix(5), as: UTF8.self) == "%PDF-")
        let path = NSTemporaryDirectory() + "argus-charts-\(UUID().uuidString).pdf"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let info = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(info.split(separator: "\n").contains { $0.hasPrefix("Pages:") && $0.hasSuffix(" 2") })
        #expect(info.split(separator: "\n").contains { $0.hasPrefix("Title:") && $0.hasSuffix(" Test") })
        #expect(info.contains("2000"))  // the fixed creation date
    }

    @Test func attributionScaleAndTopThirty() {
        #expect(Palette.attribution(1) == Color(1, 1, 1))
        #expect(Palette.attribution(0).blue > Palette.attribution(0).red)
        let grid = AttributionGrid(title: "", note: "", input: nil, attribution: (0..<10).map(Double.init), columns: 5)
        // The top 30% of 10 values: 9, 8, 7.
        #expect(grid.topThreshold == 7)
        #expect(grid.normalized.last == 1 && grid.normalized.first == 0)
    }

    @Test func curvesAreThinnedButKeepTheirEnds() {
        let n = 100_000
        let series = CurveChart.Series(
            name: "s", x: (0..<n).map { Double($0) / Double(n - 1) }, y: (0..<n).map { 1 - Double($0) / Double(n - 1) },
            color: Palette.text)
        let frame = ChartFrame(
            title: "", settings: "", xTitle: "", yTitle: "", xDomain: 0...1, yDomain: 0...1, size: (400, 300))
        let points = CurveChart.thinned(series, frame)
        #expect(points.count < 2_000)
        #expect(points.first! == (frame.x(0), frame.y(1)) && points.last! == (frame.x(1), frame.y(0)))
    }
}

/// A reliability bin of a couple of samples is drawn paler than one of hundreds.
@Suite struct ReliabilityWeightTests {
    @Test func sparseBinsArePaler() {
        #expect(ReliabilityChart.weight(count: 282, largest: 282) == 1)
        #expect(ReliabilityChart.weight(count: 2, largest: 282) < 0.35)
        #expect(ReliabilityChart.weight(count: 0, largest: 0) == 1)
        let weights = [1, 10, 100, 282].map { ReliabilityChart.weight(count: $0, largest: 282) }
        #expect(weights == weights.sorted())
    }
}

/// Box labels in a gallery tile stay inside the picture and off each other.
@Suite struct BoxLabelTests {
    let area = Rect(x: 6, y: 36, width: 200, height: 150)

    @Test func labelsStayInsideThePicture() {
        // A box at the right edge: its label is moved left to end at the edge.
        let right = ImageTile.placeLabel(
            width: 60, over: Rect(x: 190, y: 100, width: 16, height: 20), in: area, avoiding: [])
        #expect(right.maxX <= area.maxX && right.x >= area.x && right.y == 89)
        // A box at the top edge: its label goes inside the box.
        let top = ImageTile.placeLabel(
            width: 30, over: Rect(x: 20, y: 36, width: 50, height: 50), in: area, avoiding: [])
        #expect(top.y == 36)
    }

    @Test func labelsDoNotCoverEachOther() {
        var placed: [Rect] = []
        for _ in 0..<3 {
            placed.append(
                ImageTile.placeLabel(
                    width: 40, over: Rect(x: 50, y: 80, width: 30, height: 30), in: area, avoiding: placed)
            )
        }
        for i in placed.indices {
            for j in placed.indices where i < j {
                let (a, b) = (placed[i], placed[j])
                #expect(!(a.x < b.maxX && b.x < a.maxX && a.y < b.maxY && b.y < a.maxY), "\(a) overlaps \(b)")
            }
        }
        #expect(placed.allSatisfy { $0.maxY <= area.maxY })
    }
}

/// PDF tables fit the page: a smaller font first, then a narrower name column.
@Suite struct TableFitTests {
    func fits(_ table: TableDrawing) -> (fontSize: Double, fits: Bool) {
        let (fontSize, widths) = table.columnWidths(on: Canvas.measuring())
        return (fontSize, widths.reduce(0, +) + Double(widths.count) * 14 <= table.width - 20 + 1e-9)
    }

    @Test func wideTablesFitThePage() {
        let header = [
            "class", "AP@0.5 (VOC)", "COCO AP@[.50:.95]", "AP50", "AP75", "precision", "recall", "F1", "support",
        ]
        let rows = ["aeroplane", "diningtable", "pottedplant", "motorbike"].map { name in
            [name] + (1..<header.count).map { _ in "0.123456" }
        }
        let wide = TableDrawing(
            title: "Per class", settings: "", header: header, rows: rows, numericColumns: Set(1..<header.count))
        let fitted = fits(wide)
        #expect(fitted.fits && fitted.fontSize < 9.5 && fitted.fontSize >= 6.5)
        // A table that fits keeps the normal size.
        let narrow = TableDrawing(
            title: "t", settings: "", header: ["class", "AP"], rows: [["cat", "0.5"]], numericColumns: [1])
        #expect(fits(narrow) == (9.5, true))
        // An endless name: the smallest font, then the name column gives way.
        let long = TableDrawing(
            title: "t", settings: "", header: ["class", "AP", "AP50"],
            rows: [[String(repeating: "very long name ", count: 20), "0.5", "0.6"]], numericColumns: [1, 2])
        #expect(fits(long) == (6.5, true))
    }
}

/// Axis ranges that show the data: score axes from where the scores start, bars of values bunched
/// near 1 zoomed in, counts one class swamps on a logarithmic axis.
@Suite struct AxisRangeTests {
    @Test func scoreAxesStartWhereTheScoresStart() {
        #expect(AxisRange.scores([0.43, 0.9, 0.61]) == 0.4...1)
        #expect(AxisRange.scores([0.05, 0.9]) == 0...1)
        #expect(AxisRange.scores([]) == 0...1)
    }

    @Test func valuesBunchedNearOneAreZoomedIn() {
        #expect(AxisRange.unitValues([0.95, 0.98, 0.97]) == 0.9...1)
        #expect(AxisRange.unitValues([0.2, 0.98]) == 0...1)
        let bars = BarChart(
            title: "t", settings: "s", categories: ["a", "b"],
            series: [.init(name: "F1", values: [0.95, 0.98], color: Palette.category(0))], valueTitle: "v",
            domain: AxisRange.unitValues([0.95, 0.98]))
        let axis = bars.valueAxis(left: 100, right: 500)
        // Bars start at the axis's left end, not at a 0 far outside the plot, and 0.95 and 0.98 differ visibly.
        #expect(axis.baseline == 100)
        #expect(axis.position(0.98) - axis.position(0.95) > 100)
        #expect(axis.ticks.first! >= 0.9 && axis.ticks.last! <= 1)
    }

    @Test func countsOneClassSwampsGoOnALogarithmicAxis() {
        let counts: [Double] = [188, 12, 9, 7, 5, 3]
        #expect(AxisRange.dominated(counts))
        #expect(!AxisRange.dominated([30, 25, 20, 12]))
        var bars = BarChart(
            title: "t", settings: "s", categories: counts.map { "\($0)" },
            series: [.init(name: "n", values: counts.map { $0 }, color: Palette.groundTruth)], valueTitle: "count")
        bars.logScale = true
        let axis = bars.valueAxis(left: 0, right: 300)
        #expect(axis.ticks == [0, 1, 10, 100])
        #expect(axis.position(0) == 0 && abs(axis.position(188) - 300) < 1e-9)
        // On the logarithmic axis the small classes take a visible share of the width.
        #expect(axis.position(5) > 90)
    }
}

/// Legends go where the data is not.
@Suite struct LegendPlacementTests {
    func frame(_ chart: CurveChart) -> ChartFrame {
        ChartFrame(
            title: chart.title, settings: chart.settings, xTitle: chart.xTitle, yTitle: chart.yTitle,
            xDomain: chart.xDomain, yDomain: chart.yDomain, size: chart.size)
    }

    @Test func aCurveEndingBottomRightPushesTheLegendElsewhere() {
        // A precision–recall curve falling to recall 1 at precision 0.05, and a flat recall line along the top.
        let chart = CurveChart(
            title: "t", settings: "s", xTitle: "recall", yTitle: "precision",
            series: [
                .init(name: "precision", x: [0, 0.5, 0.9, 1], y: [1, 0.7, 0.3, 0.05], color: Palette.category(0)),
                .init(name: "recall", x: [0, 1], y: [0.95, 0.95], color: Palette.category(1)),
            ])
        let canvas = Canvas.measuring()
        let plot = frame(chart).plot
        let legend = Legend(entries: chart.series.map { Legend.Entry(label: $0.name, color: $0.color) })
        let points = chart.drawnPoints(frame(chart))
        let corner = legend.place(on: canvas, in: plot, avoiding: points)
        #expect(corner == .bottomLeft)
        let box = legend.box(on: canvas, in: plot, corner: corner)
        #expect(!points.contains { box.contains(x: $0.0, y: $0.1) })
        // The bottom-right box, the old fixed place, covered the curve.
        let old = legend.box(on: canvas, in: plot, corner: .bottomRight)
        #expect(points.contains { old.contains(x: $0.0, y: $0.1) })
    }

    @Test func isoF1LabelsUnderTheLegendAreLeftOut() {
        var chart = CurveChart(
            title: "t", settings: "s", xTitle: "recall", yTitle: "precision",
            series: [.init(name: "a long series name", x: [0, 1], y: [0.9, 0.9], color: Palette.category(0))],
            guide: .isoF1)
        chart.legendCorner = .bottomRight
        let svg = Render.svg(chart)
        // F1 = 0.2 is labelled at recall 0.9, precision 0.11: under the bottom-right legend.
        #expect(!svg.contains(">F1=0.2</text>") && svg.contains(">F1=0.8</text>"))
    }
}

/// SVG charts carry their text as real `<text>` elements, escaped, instead of glyph outlines.
@Suite struct SVGTextTests {
    @Test func chartTextIsRealEscapedText() {
        let chart = BarChart(
            title: "Per-class <F1> & \"more\"", settings: "s", categories: ["cat", "<script>alert(1)</script>"],
            series: [.init(name: "F1", values: [0.5, 0.7], color: Palette.category(0))], valueTitle: "value")
        let svg = Render.svg(chart, idPrefix: "t-")
        #expect(svg.contains(">Per-class &lt;F1&gt; &amp; &quot;more&quot;</text>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;</text>") && !svg.contains("<script>"))
        #expect(!svg.contains("<symbol") && !svg.contains("glyph"))
        #expect(svg.contains("font-family=\"DejaVu Sans, sans-serif\"") && svg.hasSuffix("</g></svg>"))
        // A rotated axis title keeps its rotation as a transform.
        let curve = CurveChart(
            title: "t", settings: "s", xTitle: "recall", yTitle: "precision",
            series: [.init(name: "a", x: [0, 1], y: [1, 0], color: Palette.category(0))])
        let curveSVG = Render.svg(curve)
        #expect(curveSVG.contains("transform=\"matrix(0 -1 1 0 ") && curveSVG.contains(">precision</text>"))
    }
}

/// A curve chart's hover read-out: points where they are drawn, with their values.
@Suite struct CurveHoverTests {
    @Test func hoverPointsSitOnTheCurves() {
        var hidden = CurveChart.Series(name: "hidden", x: [0, 1], y: [0, 1], color: Palette.grid)
        hidden.inLegend = false
        let chart = CurveChart(
            title: "t", settings: "s", xTitle: "recall", yTitle: "precision",
            series: [
                .init(
                    name: "a", x: Array(stride(from: 0.0, through: 1, by: 0.001)),
                    y: Array(repeating: 0.5, count: 1001),
                    color: Palette.category(0)),
                hidden,
            ])
        let points = chart.hoverPoints(limit: 100)
        let frame = ChartFrame(
            title: "t", settings: "s", xTitle: "recall", yTitle: "precision", xDomain: chart.xDomain,
            yDomain: chart.yDomain, size: chart.size)
        #expect(points.count >= 90 && points.count <= 101 && points.allSatisfy { $0.series == 0 })
        #expect(points.first?.valueX == 0 && points.last?.valueX == 1)
        for p in points {
            #expect(abs(p.x - frame.x(p.valueX)) < 1e-9 && abs(p.y - frame.y(0.5)) < 1e-9 && p.valueY == 0.5)
        }
    }
}

extension LegendPlacementTests {
    @Test func longLegendsGoBesideThePlot() {
        let many = (0..<10).map { k in
            CurveChart.Series(
                name: "class \(k) (AP 0.5)", x: [0, 1], y: [1, Double(k) / 10], color: Palette.category(k))
        }
        let chart = CurveChart(title: "t", settings: "s", xTitle: "recall", yTitle: "precision", series: many)
        let (frame, beside) = chart.layout(chart.legend, on: Canvas.measuring())
        let area = try? #require(beside)
        #expect(area.map { $0.x >= frame.plot.maxX && $0.maxX <= chart.size.width + 1e-9 } == true)
        // A short legend stays inside, in its corner.
        var few = chart
        few.series = Array(many.prefix(3))
        #expect(few.layout(few.legend, on: Canvas.measuring()).beside == nil)
    }
}
