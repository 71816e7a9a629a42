/// An image with its ground-truth and predicted boxes (and masks, as filled outlines), labels
/// and scores. Without the image file the boxes are drawn on a blank canvas of the image's
/// size and the tile says so.
public struct ImageTile: Drawable {
    /// What a mark shows.
    public enum Kind: String, Sendable { case groundTruth, truePositive, falsePositive, missed }

    /// A box (or mask) drawn on the image.
    public struct Mark {
        /// x, y, width, height in the image's pixels.
        public var box: (Double, Double, Double, Double)
        /// What it is.
        public var kind: Kind
        /// Its label and score.
        public var caption: String
        /// Mask outlines in image pixels, drawn filled and translucent.
        public var polygons: [[(Double, Double)]]
        /// A mark.
        public init(
            box: (Double, Double, Double, Double), kind: Kind, caption: String, polygons: [[(Double, Double)]] = []
        ) {
            self.box = box
            self.kind = kind
            self.caption = caption
            self.polygons = polygons
        }
    }

    /// The tile's title (the image's name).
    public var title: String
    /// The lines under it (newlines separate them).
    public var note: String
    /// The picture (a blank canvas when nil).
    public var image: RasterImage?
    /// The image's size in its own pixels.
    public var imageSize: (width: Double, height: Double)
    /// The marks.
    public var marks: [Mark]
    /// The tile's side.
    public var side: Double

    /// A tile.
    public init(
        title: String, note: String, image: RasterImage?, imageSize: (width: Double, height: Double), marks: [Mark],
        side: Double = 300
    ) {
        self.title = title
        self.note = note
        self.image = image
        self.imageSize = imageSize
        self.marks = marks
        self.side = side
    }

    /// The note's lines (a note may hold several, separated by newlines).
    var noteLines: [String] { note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    var picture: Rect {
        let factor = side / max(imageSize.width, imageSize.height, 1)
        let top = 36 + 11 * Double(max(0, noteLines.count - 1))
        return Rect(x: 6, y: top, width: max(1, imageSize.width * factor), height: max(1, imageSize.height * factor))
    }

    /// The tile's size.
    public var size: (width: Double, height: Double) { (side + 12, picture.maxY + 8) }

    /// The colour of a kind of mark.
    public static func color(_ kind: Kind) -> Color {
        switch kind {
        case .groundTruth: Palette.groundTruth
        case .truePositive: Palette.truePositive
        case .falsePositive: Palette.falsePositive
        case .missed: Palette.missed
        }
    }

    /// Draws the tile.
    public func draw(on canvas: Canvas) {
        canvas.setFont(size: 10, bold: true)
        canvas.text(canvas.fitted(title, width: side), x: 6, y: 14)
        canvas.setFont(size: 8.5)
        for (index, line) in noteLines.enumerated() {
            canvas.text(canvas.fitted(line, width: side), x: 6, y: 27 + 11 * Double(index), color: Palette.mutedText)
        }
        let area = picture
        let factor = area.width / max(imageSize.width, 1)
        if let image {
            canvas.draw(image, in: area)
        } else {
            canvas.fill(area, Palette.panel)
            canvas.setFont(size: 10)
            canvas.text(
                canvas.fitted("no image file: boxes on a blank canvas", width: area.width - 8),
                x: area.x + area.width / 2,
                y: area.y + area.height / 2, align: .center, color: Palette.mutedText)
        }
        canvas.isolated {
            canvas.clip(to: area)
            // Ground truth first, then predictions over it.
            var placed: [Rect] = []
            for mark in marks.sorted(by: { order($0.kind) < order($1.kind) }) {
                let color = Self.color(mark.kind)
                for polygon in mark.polygons where polygon.count > 2 {
                    canvas.setColor(color.with(alpha: 0.35))
                    canvas.move(to: area.x + polygon[0].0 * factor, area.y + polygon[0].1 * factor)
                    for p in polygon.dropFirst() { canvas.line(to: area.x + p.0 * factor, area.y + p.1 * factor) }
                    canvas.closePath()
                    canvas.fill()
                }
                let r = Rect(
                    x: area.x + mark.box.0 * factor, y: area.y + mark.box.1 * factor, width: mark.box.2 * factor,
                    height: mark.box.3 * factor)
                canvas.isolated {
                    canvas.setDash(mark.kind == .falsePositive ? [4, 2] : [])
                    canvas.stroke(r, color, width: mark.kind == .missed ? 2.4 : 1.6)
                }
                guard !mark.caption.isEmpty else { continue }
                canvas.setFont(size: 8)
                let label = Self.placeLabel(
                    width: canvas.textWidth(mark.caption) + 4, over: r, in: area, avoiding: placed)
                placed.append(label)
                canvas.fill(label, color)
                canvas.text(mark.caption, x: label.x + 2, y: label.y + 8.5, color: Palette.textColor(on: color))
            }
        }
        canvas.stroke(area, Palette.frame, width: 0.5)
    }

    /// Where a box's label goes: above the box (inside it at the picture's top edge), moved left to
    /// stay inside the picture, and down past the labels already placed that it would cover.
    static func placeLabel(width: Double, over box: Rect, in area: Rect, avoiding placed: [Rect]) -> Rect {
        let height = 11.0
        let x = max(area.x, min(box.x, area.maxX - width))
        var label = Rect(x: x, y: box.y >= area.y + height ? box.y - height : box.y, width: width, height: height)
        func overlaps(_ a: Rect, _ b: Rect) -> Bool {
            a.x < b.maxX && b.x < a.maxX && a.y < b.maxY && b.y < a.maxY
        }
        var tries = 0
        while tries < 8, let other = placed.first(where: { overlaps($0, label) }) {
            label.y = other.maxY
            tries += 1
        }
        label.y = min(label.y, area.maxY - height)
        return label
    }

    func order(_ kind: Kind) -> Int {
        switch kind {
        case .groundTruth: 0
        case .missed: 1
        case .truePositive: 2
        case .falsePositive: 3
        }
    }
}

/// The 2×2 attribution grid of docs/formats.md: input | heatmap (blue-green-yellow-white, white = most
/// positive) / heatmap blended over the input | input masked to the top 30% of pixels.
public struct AttributionGrid: Drawable {
    /// The grid's title.
    public var title: String
    /// The line under it.
    public var note: String
    /// The input image.
    public var input: RasterImage?
    /// Attribution per pixel (row-major, `columns` wide), already summed over channels.
    public var attribution: [Double]
    /// The attribution's columns.
    public var columns: Int
    /// A cell's side.
    public var cell: Double = 150

    /// A grid.
    public init(title: String, note: String, input: RasterImage?, attribution: [Double], columns: Int) {
        self.title = title
        self.note = note
        self.input = input
        self.attribution = attribution
        self.columns = max(1, columns)
    }

    /// The grid's size.
    public var size: (width: Double, height: Double) { (2 * cell + 18, 2 * cell + 62) }

    var rows: Int { attribution.count / columns }

    /// Attribution scaled to 0…1: positive values over the largest one; negative ones are 0.
    public var normalized: [Double] {
        let top = attribution.max() ?? 0
        return attribution.map { top > 0 ? max(0, $0) / top : 0 }
    }

    /// The value at the 70th percentile: pixels at or above it are the top 30%.
    public var topThreshold: Double {
        guard !attribution.isEmpty else { return 0 }
        let sorted = attribution.sorted(by: >)
        return sorted[max(0, Int((Double(sorted.count) * 0.3).rounded(.up)) - 1)]
    }

    /// Draws the four cells.
    public func draw(on canvas: Canvas) {
        canvas.setFont(size: 10, bold: true)
        canvas.text(canvas.fitted(title, width: size.width - 12), x: 6, y: 14)
        canvas.setFont(size: 8.5)
        canvas.text(canvas.fitted(note, width: size.width - 12), x: 6, y: 27, color: Palette.mutedText)
        let values = normalized
        let heat = RasterImage(width: columns, height: rows) { i in Self.argb(Palette.attribution(values[i])) }
        let base = input.map {
            $0.width == columns && $0.height == rows ? $0 : $0.resized(width: columns, height: rows)
        }
        let threshold = topThreshold
        let blended = RasterImage(width: columns, height: rows) { i in
            let h = Palette.attribution(values[i])
            guard let base else { return Self.argb(h) }
            let p = base.pixel(x: i % columns, y: i / columns)
            return Self.argb(Self.mix(Self.color(p), h, 0.5))
        }
        let masked = RasterImage(width: columns, height: rows) { i in
            guard attribution[i] >= threshold else { return 0xFF00_0000 }
            return base.map { $0.pixel(x: i % columns, y: i / columns) } ?? 0xFFFF_FFFF
        }
        let panels: [(RasterImage?, String)] = [
            (base, "input"), (heat, "attribution"), (blended, "blended"), (masked, "top 30%"),
        ]
        for (k, panel) in panels.enumerated() {
            let r = Rect(
                x: 6 + Double(k % 2) * (cell + 6), y: 36 + Double(k / 2) * (cell + 12), width: cell, height: cell)
            if let image = panel.0 { canvas.draw(image, in: r) } else { canvas.fill(r, Palette.panel) }
            canvas.setFont(size: 8.5)
            canvas.text(panel.1, x: r.x, y: r.maxY + 9, color: Palette.mutedText)
            if k == 1 { drawScale(on: canvas, from: r.x + canvas.textWidth(panel.1) + 8, to: r.maxX, y: r.maxY + 3) }
        }
    }

    /// The heatmap's colour bar, from 0 (and anything negative) to the largest attribution.
    func drawScale(on canvas: Canvas, from start: Double, to end: Double, y: Double) {
        canvas.setFont(size: 7.5)
        let left = start + canvas.textWidth("0") + 3
        let right = end - canvas.textWidth("max") - 3
        guard right - left > 20 else { return }
        canvas.text("0", x: start, y: y + 6, color: Palette.mutedText)
        let steps = 24
        let width = (right - left) / Double(steps)
        for step in 0..<steps {
            let value = (Double(step) + 0.5) / Double(steps)
            canvas.fill(
                Rect(x: left + Double(step) * width, y: y, width: width + 0.3, height: 7), Palette.attribution(value))
        }
        canvas.stroke(Rect(x: left, y: y, width: right - left, height: 7), Palette.frame, width: 0.4)
        canvas.text("max", x: end, y: y + 6, align: .right, color: Palette.mutedText)
    }

    static func argb(_ c: Color) -> UInt32 {
        0xFF00_0000 | UInt32(c.red * 255) << 16 | UInt32(c.green * 255) << 8 | UInt32(c.blue * 255)
    }
    static func color(_ p: UInt32) -> Color {
        Color(Double((p >> 16) & 0xFF) / 255, Double((p >> 8) & 0xFF) / 255, Double(p & 0xFF) / 255)
    }
    static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        Color(a.red * (1 - t) + b.red * t, a.green * (1 - t) + b.green * t, a.blue * (1 - t) + b.blue * t)
    }
}
