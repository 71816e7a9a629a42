import CCairo

/// A colour with components in 0…1.
public struct Color: Equatable, Sendable {
    public var red, green, blue, alpha: Double
    /// A colour from components in [0, 1].
    public init(_ red: Double, _ green: Double, _ blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }
    /// From a 0xRRGGBB literal.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255, alpha: alpha)
    }
    /// The colour with another opacity.
    public func with(alpha: Double) -> Color { Color(red, green, blue, alpha: alpha) }
    /// `#rrggbb` for HTML and CSS.
    public var hexString: String {
        func byte(_ v: Double) -> String {
            let s = String(Int((min(max(v, 0), 1) * 255).rounded()), radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }
}

/// A rectangle in canvas units (points; y grows downwards).
public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Double
    /// A rectangle.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    /// The right edge.
    public var maxX: Double { x + width }
    /// The bottom edge.
    public var maxY: Double { y + height }
    /// The rectangle shrunk by the given margins.
    public func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(0, width - left - right), height: max(0, height - top - bottom))
    }
    /// Whether the point lies inside (edges included).
    public func contains(x px: Double, y py: Double) -> Bool { px >= x && px <= maxX && py >= y && py <= maxY }
}

/// How text sits on its anchor.
public enum TextAlignment: Sendable { case left, center, right }

/// One drawing path for every output: a thin layer over a Cairo context, whatever its surface
/// (SVG, PDF or PNG). Charts draw on a `Canvas` and never know where the drawing goes.
public final class Canvas {
    let context: OpaquePointer
    /// The surface's width in points.
    public let width: Double
    /// The surface's height in points.
    public let height: Double
    /// The font every text uses (Debian's DejaVu).
    public static let fontFamily = "DejaVu Sans"

    /// Set when the canvas owns its context (a measuring canvas).
    private var ownedSurface: OpaquePointer?
    /// Set on an SVG canvas: text goes there as `<text>` elements instead of glyph outlines.
    var textRuns: SVGTextRuns?

    /// A canvas that draws nowhere, for measuring text while laying out pages.
    public static func measuring() -> Canvas {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)!
        let canvas = Canvas(context: cairo_create(surface)!, width: 1, height: 1)
        canvas.ownedSurface = surface
        return canvas
    }

    deinit {
        if let ownedSurface {
            cairo_destroy(context)
            cairo_surface_destroy(ownedSurface)
        }
    }

    /// Splits `text` into lines no wider than `width` in the current font (at spaces).
    public func wrap(_ text: String, width: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if textWidth(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    init(context: OpaquePointer, width: Double, height: Double) {
        self.context = context
        self.width = width
        self.height = height
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
        setFont(size: 11)
    }

    /// The whole surface.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    // MARK: State

    /// Saves the drawing state.
    public func save() { cairo_save(context) }
    /// Restores the last saved state.
    public func restore() { cairo_restore(context) }
    /// Moves the origin.
    public func translate(_ x: Double, _ y: Double) { cairo_translate(context, x, y) }
    /// Scales what follows.
    public func scale(_ x: Double, _ y: Double) { cairo_scale(context, x, y) }
    /// Rotates what follows.
    public func rotate(_ radians: Double) { cairo_rotate(context, radians) }
    /// Clips what follows to `rect`.
    public func clip(to rect: Rect) {
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
    }
    /// Runs `body` with the state saved and restored around it.
    public func isolated(_ body: () -> Void) {
        save()
        body()
        restore()
    }

    /// Sets the colour of strokes, fills and text.
    public func setColor(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }
    /// Sets the line width.
    public func setLineWidth(_ width: Double) { cairo_set_line_width(context, width) }
    /// Sets the dash pattern (empty for solid).
    public func setDash(_ pattern: [Double]) { cairo_set_dash(context, pattern, Int32(pattern.count), 0) }

    // MARK: Paths

    /// Starts a path at a point.
    public func move(to x: Double, _ y: Double) { cairo_move_to(context, x, y) }
    /// Extends the path to a point.
    public func line(to x: Double, _ y: Double) { cairo_line_to(context, x, y) }
    /// Closes the path.
    public func closePath() { cairo_close_path(context) }
    /// Adds a rectangle to the path.
    public func addRect(_ r: Rect) { cairo_rectangle(context, r.x, r.y, r.width, r.height) }
    /// Adds a circle to the path.
    public func addCircle(x: Double, y: Double, radius: Double) {
        cairo_new_sub_path(context)
        cairo_arc(context, x, y, radius, 0, 2 * Double.pi)
    }
    /// Strokes the path and clears it.
    public func stroke() { cairo_stroke(context) }
    /// Fills the path and clears it.
    public func fill() { cairo_fill(context) }
    /// Fills the path and keeps it.
    public func fillPreservingPath() { cairo_fill_preserve(context) }

    /// Fills a rectangle.
    public func fill(_ r: Rect, _ color: Color) {
        setColor(color)
        addRect(r)
        fill()
    }
    /// Makes what `body` draws a link to the destination `name` (see `destination(_:)`): a PDF link
    /// annotation; other surfaces draw it plainly. Named destinations, unlike Cairo's page links,
    /// may point at pages not drawn yet.
    /// - Parameter name: letters, digits, `-` and `_` only.
    public func link(toDestination name: String, _ body: () -> Void) {
        cairo_tag_begin(context, "Link", "dest='\(name)'")
        body()
        cairo_tag_end(context, "Link")
    }

    /// Names the top of the current page as a link destination (PDF only).
    /// - Parameter name: letters, digits, `-` and `_` only.
    public func destination(_ name: String) {
        cairo_tag_begin(context, "cairo.dest", "name='\(name)'")
        cairo_tag_end(context, "cairo.dest")
    }

    /// Strokes a rectangle's outline.
    public func stroke(_ r: Rect, _ color: Color, width: Double = 1) {
        setColor(color)
        setLineWidth(width)
        addRect(r)
        stroke()
    }
    /// Draws a line.
    public func strokeLine(
        from a: (Double, Double), to b: (Double, Double), _ color: Color, width: Double = 1, dash: [Double] = []
    ) {
        isolated {
            setColor(color)
            setLineWidth(width)
            setDash(dash)
            move(to: a.0, a.1)
            line(to: b.0, b.1)
            stroke()
        }
    }
    /// Strokes a polyline through `points`.
    public func strokePolyline(_ points: [(Double, Double)], _ color: Color, width: Double = 1.5, dash: [Double] = []) {
        guard let first = points.first else { return }
        isolated {
            setColor(color)
            setLineWidth(width)
            setDash(dash)
            move(to: first.0, first.1)
            for p in points.dropFirst() { line(to: p.0, p.1) }
            stroke()
        }
    }

    // MARK: Text

    /// Sets the font's size and style.
    public func setFont(size: Double, bold: Bool = false, monospaced: Bool = false) {
        cairo_select_font_face(
            context, monospaced ? "DejaVu Sans Mono" : Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL,
            bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// The advance width of `text` in the current font.
    public func textWidth(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Draws `text` with its baseline at `y`, aligned on `x`.
    public func text(_ text: String, x: Double, y: Double, align: TextAlignment = .left, color: Color = Palette.text) {
        guard !text.isEmpty else { return }
        if let textRuns {
            textRuns.record(text, x: x, y: y, align: align, color: color, context: context)
            return
        }
        let w = align == .left ? 0 : textWidth(text)
        setColor(color)
        move(to: align == .left ? x : (align == .center ? x - w / 2 : x - w), y)
        cairo_show_text(context, text)
        cairo_new_path(context)
    }

    /// Draws `text` rotated a quarter turn anticlockwise, centred on (x, y) — for y-axis titles.
    public func verticalText(_ text: String, x: Double, y: Double, color: Color = Palette.text) {
        isolated {
            translate(x, y)
            rotate(-Double.pi / 2)
            self.text(text, x: 0, y: 0, align: .center, color: color)
        }
    }

    /// Shortens `text` with an ellipsis until it fits `width`.
    public func fitted(_ text: String, width: Double) -> String {
        if textWidth(text) <= width { return text }
        var characters = Array(text)
        while !characters.isEmpty && textWidth(String(characters) + "…") > width { characters.removeLast() }
        return characters.isEmpty ? "" : String(characters) + "…"
    }

    // MARK: Images

    /// Draws `image` scaled into `rect`: smoothed when shrunk or slightly enlarged, as sharp pixels
    /// when enlarged twice or more (a tiny image, an 8×8 digit, stays readable instead of blurred).
    public func draw(_ image: RasterImage, in rect: Rect) {
        guard image.width > 0, image.height > 0 else { return }
        let scaleX = rect.width / Double(image.width)
        let scaleY = rect.height / Double(image.height)
        isolated {
            translate(rect.x, rect.y)
            scale(scaleX, scaleY)
            cairo_set_source_surface(context, image.surface, 0, 0)
            let filter = min(scaleX, scaleY) >= 2 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD
            cairo_pattern_set_filter(cairo_get_source(context), filter)
            cairo_paint(context)
        }
    }
}
