import ArgusCore
import CCairo
import Foundation

/// Text an SVG canvas keeps aside instead of drawing as glyph outlines: each run becomes a real
/// `<text>` element (searchable, selectable, read by screen readers, a few bytes instead of a glyph
/// set per chart), drawn above the chart's shapes.
final class SVGTextRuns {
    private(set) var elements: [String] = []

    /// Records `text` as Cairo would draw it now: the current transformation, font and colour.
    func record(_ text: String, x: Double, y: Double, align: TextAlignment, color: Color, context: OpaquePointer) {
        var matrix = cairo_matrix_t()
        cairo_get_matrix(context, &matrix)
        var fontMatrix = cairo_matrix_t()
        cairo_get_font_matrix(context, &fontMatrix)
        let face = cairo_get_font_face(context)
        let bold = cairo_toy_font_face_get_weight(face) == CAIRO_FONT_WEIGHT_BOLD
        let family = String(cString: cairo_toy_font_face_get_family(face))
        var attributes: [String] = []
        var (px, py) = (x, y)
        let translationOnly = matrix.xx == 1 && matrix.yx == 0 && matrix.xy == 0 && matrix.yy == 1
        if translationOnly {
            px += matrix.x0
            py += matrix.y0
        } else {
            let parts = [matrix.xx, matrix.yx, matrix.xy, matrix.yy, matrix.x0, matrix.y0].map(Self.number)
            attributes.append("transform=\"matrix(\(parts.joined(separator: " ")))\"")
        }
        attributes.insert("x=\"\(Self.number(px))\" y=\"\(Self.number(py))\"", at: 0)
        let generic = family.hasSuffix("Mono") ? "monospace" : "sans-serif"
        attributes.append("font-family=\"\(family), \(generic)\" font-size=\"\(Self.number(fontMatrix.xx))\"")
        if bold { attributes.append("font-weight=\"bold\"") }
        attributes.append("fill=\"\(color.hexString)\"")
        if color.alpha < 1 { attributes.append("fill-opacity=\"\(Self.number(color.alpha))\"") }
        switch align {
        case .left: break
        case .center: attributes.append("text-anchor=\"middle\"")
        case .right: attributes.append("text-anchor=\"end\"")
        }
        elements.append("<text \(attributes.joined(separator: " "))>\(Markup.escaped(text))</text>")
    }

    /// The runs as one group, to close the SVG with.
    var group: String {
        elements.isEmpty ? "" : "<g xml:space=\"preserve\">" + elements.joined() + "</g>"
    }

    /// A coordinate with at most two decimals, without a trailing zero ("12.5", "3").
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

}
