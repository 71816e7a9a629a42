import CCairo
import Foundation

/// Something that draws itself at a natural size (in points).
public protocol Drawable {
    var size: (width: Double, height: Double) { get }
    func draw(on canvas: Canvas)
    /// What the drawing shows, in words (for screen readers and alternative text).
    var caption: String { get }
}

extension Drawable {
    /// The drawing in words, for its accessible label and the PDF's text (empty by default).
    public var caption: String { "" }
}

extension CurveChart {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + settings }
}

extension MatrixChart {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + settings }
}

extension BarChart {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + settings }
}

extension HistogramChart {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + settings }
}

extension ReliabilityChart {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + settings }
}

extension TableDrawing {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title }
}

extension ImageTile {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { title + " — " + note }
}

extension AttributionGrid {
    /// The chart's title and settings, as its accessible label.
    public var caption: String { "attribution grid: " + title + " — " + note }
}

/// Renders drawings to SVG, PNG and multi-page PDF, all through `Canvas`.
public enum Render {
    /// An SVG document (units px) with its text as `<text>` elements (the font named, not drawn as
    /// glyph outlines). `idPrefix` makes every id unique when several SVGs are inlined into one
    /// HTML page (Cairo numbers clip ids from 1 in each document).
    public static func svg(_ drawing: Drawable, idPrefix: String = "") -> String {
        let (width, height) = drawing.size
        let sink = ByteSink()
        let surface = cairo_svg_surface_create_for_stream(
            ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), width, height)!
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
        let context = cairo_create(surface)!
        let canvas = Canvas(context: context, width: width, height: height)
        let text = SVGTextRuns()
        canvas.textRuns = text
        drawing.draw(on: canvas)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        let shapes = rewrite(sink.bytes, idPrefix: idPrefix)
        // The text, as real <text> elements, goes last: above the shapes.
        guard let close = shapes.range(of: "</svg>", options: .backwards) else { return shapes }
        return shapes.replacingCharacters(in: close, with: text.group + "</svg>")
    }

    /// Cairo's SVG made ready to inline, in one pass over its bytes: the XML declaration dropped;
    /// surface, image, pattern, source, mask and gradient ids (numbered by Cairo from process-wide
    /// counters) renumbered in order of appearance, so the same drawing gives the same bytes;
    /// `idPrefix` put before every id and every reference to one (`href="#…"`, `url(#…)`), so that
    /// several SVGs share one HTML page. `data:` URIs are copied untouched.
    static func rewrite(_ bytes: [UInt8], idPrefix: String) -> String {
        let prefix = Array(idPrefix.utf8)
        let kinds: [[UInt8]] = ["surface", "image", "pattern", "source", "mask", "linear", "radial"].map {
            Array($0.utf8)
        }
        var numbers: [[UInt8]: Int] = [:]
        var counters = [Int](repeating: 0, count: kinds.count)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        @inline(__always) func isWordByte(_ b: UInt8) -> Bool {
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
        }
        func matches(_ literal: [UInt8], at i: Int) -> Bool {
            i + literal.count <= bytes.count && bytes[i..<(i + literal.count)].elementsEqual(literal)
        }
        let idOpen = Array("id=\"".utf8)
        let hrefOpen = Array("href=\"#".utf8)
        let urlOpen = Array("url(#".utf8)
        let dataOpen = Array("\"data:".utf8)
        var i = 0
        // Drop the XML declaration and the whitespace after it.
        if matches(Array("<?xml".utf8), at: 0),
            let end = (0..<(bytes.count - 1)).first(where: {
                bytes[$0] == UInt8(ascii: "?") && bytes[$0 + 1] == UInt8(ascii: ">")
            })
        {
            i = end + 2
            while i < bytes.count && (bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 32) { i += 1 }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") && matches(dataOpen, at: i) {
                // A data: URI: copy through its closing quote.
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += 1 }
                out += bytes[i..<min(bytes.count, j + 1)]
                i = j + 1
                continue
            }
            if !prefix.isEmpty {
                if b == UInt8(ascii: "i") && matches(idOpen, at: i) && (i == 0 || !isWordByte(bytes[i - 1])) {
                    out += idOpen
                    out += prefix
                    i += idOpen.count
                    continue
                }
                if b == UInt8(ascii: "h") && matches(hrefOpen, at: i) {
                    out += hrefOpen
                    out += prefix
                    i += hrefOpen.count
                    continue
                }
                if b == UInt8(ascii: "u") && matches(urlOpen, at: i) {
                    out += urlOpen
                    out += prefix
                    i += urlOpen.count
                    continue
                }
            }
            if (i == 0 || !isWordByte(bytes[i - 1])) && b >= 97 && b <= 122 {
                var renumbered = false
                for (kind, literal) in kinds.enumerated() where b == literal[0] && matches(literal, at: i) {
                    var j = i + literal.count
                    while j < bytes.count && bytes[j] >= 48 && bytes[j] <= 57 { j += 1 }
                    guard j > i + literal.count, j == bytes.count || !isWordByte(bytes[j]) else { break }
                    let token = Array(bytes[i..<j])
                    let number =
                        numbers[token]
                        ?? {
                            counters[kind] += 1
                            numbers[token] = counters[kind]
                            return counters[kind]
                        }()
                    out += literal
                    out += Array(String(number).utf8)
                    i = j
                    renumbered = true
                    break
                }
                if renumbered { continue }
            }
            out.append(b)
            i += 1
        }
        while let last = out.last, last == 10 || last == 13 || last == 32 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// A PNG at `scale` pixels per point, on a white background.
    public static func png(_ drawing: Drawable, scale: Double = 2) -> [UInt8] {
        let (width, height) = drawing.size
        let surface = cairo_image_surface_create(
            CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded(.up)), Int32((height * scale).rounded(.up)))!
        let context = cairo_create(surface)!
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, scale, scale)
        drawing.draw(on: Canvas(context: context, width: width, height: height))
        cairo_destroy(context)
        let sink = ByteSink()
        cairo_surface_write_to_png_stream(surface, ByteSink.write, Unmanaged.passUnretained(sink).toOpaque())
        cairo_surface_destroy(surface)
        return sink.bytes
    }
}

/// A PDF built page by page; pages may differ in size. Vector output, fonts embedded as subsets.
public final class PDFDocument {
    private let sink = ByteSink()
    private let surface: OpaquePointer
    private var pageCount = 0
    private var finished = false

    /// - Parameters:
    ///   - title, creationDate: document metadata; a fixed `creationDate` (ISO 8601) keeps the
    ///     bytes reproducible (Cairo would otherwise write the current time).
    public init(title: String, creationDate: String = "2000-01-01T00:00:00Z") {
        surface = cairo_pdf_surface_create_for_stream(
            ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), 595, 842)!
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Argus")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, creationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, creationDate)
    }

    /// Adds a page of the given size drawn by `body`; returns its number (from 1).
    @discardableResult
    public func addPage(width: Double, height: Double, _ body: (Canvas) -> Void) -> Int {
        cairo_pdf_surface_set_size(surface, width, height)
        let context = cairo_create(surface)!
        body(Canvas(context: context, width: width, height: height))
        cairo_show_page(context)
        cairo_destroy(context)
        pageCount += 1
        return pageCount
    }

    /// Adds an outline (bookmark) entry pointing at `page`.
    public func addOutline(_ title: String, page: Int) {
        cairo_pdf_surface_add_outline(
            surface, CAIRO_PDF_OUTLINE_ROOT, title, "page=\(page)", cairo_pdf_outline_flags_t(0))
    }

    /// The finished document's bytes.
    public func finish() -> [UInt8] {
        if !finished {
            cairo_surface_finish(surface)
            cairo_surface_destroy(surface)
            finished = true
        }
        return sink.bytes
    }

    deinit {
        if !finished {
            cairo_surface_finish(surface)
            cairo_surface_destroy(surface)
        }
    }
}
