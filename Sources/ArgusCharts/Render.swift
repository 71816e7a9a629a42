import Foundation
import CCairo

/// Something that draws itself at a natural size (in points).
public protocol Drawable {
    var size: (width: Double, height: Double) { get }
    func draw(on canvas: Canvas)
}

/// Renders drawings to SVG, PNG and multi-page PDF, all through `Canvas`.
public enum Render {
    /// An SVG document (units px). `idPrefix` makes every id unique when several SVGs are
    /// inlined into one HTML page (Cairo numbers glyph and clip ids from 1 in each document).
    public static func svg(_ drawing: Drawable, idPrefix: String = "") -> String {
        let (width, height) = drawing.size
        let sink = ByteSink()
        let surface = cairo_svg_surface_create_for_stream(ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), width, height)!
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
        let context = cairo_create(surface)!
        drawing.draw(on: Canvas(context: context, width: width, height: height))
        cairo_destroy(context)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        var text = renumberIdentifiers(String(decoding: sink.bytes, as: UTF8.self))
        if !idPrefix.isEmpty {
            text = text.replacingOccurrences(of: "id=\"", with: "id=\"\(idPrefix)")
                .replacingOccurrences(of: "href=\"#", with: "href=\"#\(idPrefix)")
                .replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)")
        }
        return text
    }

    /// Cairo names surfaces, images and patterns after process-wide counters; renumbering them
    /// in order of appearance makes the same drawing give the same bytes every time.
    static func renumberIdentifiers(_ svg: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "\\b(surface|image|pattern|source|mask|linear|radial)([0-9]+)\\b")
        let ns = svg as NSString
        var numbers: [String: Int] = [:]
        var counters: [String: Int] = [:]
        var output = ""
        var last = 0
        for match in pattern.matches(in: svg, range: NSRange(location: 0, length: ns.length)) {
            let kind = ns.substring(with: match.range(at: 1)), token = ns.substring(with: match.range)
            let number = numbers[token] ?? {
                counters[kind, default: 0] += 1
                numbers[token] = counters[kind]!
                return counters[kind]!
            }()
            output += ns.substring(with: NSRange(location: last, length: match.range.location - last)) + kind + String(number)
            last = match.range.location + match.range.length
        }
        return output + ns.substring(from: last)
    }

    /// A PNG at `scale` pixels per point, on a white background.
    public static func png(_ drawing: Drawable, scale: Double = 2) -> [UInt8] {
        let (width, height) = drawing.size
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded(.up)), Int32((height * scale).rounded(.up)))!
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
        surface = cairo_pdf_surface_create_for_stream(ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), 595, 842)!
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
        cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, title, "page=\(page)", cairo_pdf_outline_flags_t(0))
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

    deinit { if !finished { cairo_surface_finish(surface); cairo_surface_destroy(surface) } }
}
