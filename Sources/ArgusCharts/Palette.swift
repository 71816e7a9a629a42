/// Colours: Okabe–Ito for categories (safe for the common colour-vision deficiencies), a
/// perceptually ordered sequential scale for matrices, and the attribution scale of docs/formats.md.
public enum Palette {
    /// Body text.
    public static let text = Color(hex: 0x1F2328)
    /// Secondary text.
    public static let mutedText = Color(hex: 0x57606A)
    /// Grid lines.
    public static let grid = Color(hex: 0xD8DEE4)
    /// Axes and frames.
    public static let frame = Color(hex: 0x8C959F)
    /// The page.
    public static let background = Color(hex: 0xFFFFFF)
    /// Panels behind tables and legends.
    public static let panel = Color(hex: 0xF6F8FA)

    /// Paul Tol's "muted" scheme (distinct for the common colour-vision deficiencies and
    /// legible on white; black stays free for overall curves such as micro and macro).
    public static let categorical: [Color] = [
        Color(hex: 0x332288), Color(hex: 0xCC6677), Color(hex: 0x117733), Color(hex: 0xDDCC77),
        Color(hex: 0x88CCEE), Color(hex: 0x882255), Color(hex: 0x44AA99), Color(hex: 0x999933), Color(hex: 0xAA4499),
    ]
    /// The colour of the `index`-th series (Okabe–Ito, colour-blind safe; repeating).
    public static func category(_ index: Int) -> Color { categorical[index % categorical.count] }

    /// Meanings used across charts.
    public static let truePositive = Color(hex: 0x0072B2)
    /// False positives.
    public static let falsePositive = Color(hex: 0xD55E00)
    /// Missed objects.
    public static let missed = Color(hex: 0xCC79A7)
    /// Ground truth.
    public static let groundTruth = Color(hex: 0x009E73)
    /// A change for the better.
    public static let better = Color(hex: 0x0072B2)
    /// A change for the worse.
    public static let worse = Color(hex: 0xD55E00)

    /// Sequential scale (viridis-like stops) for t in 0…1.
    public static func sequential(_ t: Double) -> Color {
        interpolate(stops: [0xFFFFFF, 0xD2EDE4, 0x7FCDBB, 0x2C9FB8, 0x225EA8, 0x0C2C84], t)
    }

    /// The attribution scale of docs/formats.md: blue → green → yellow → white (white = most positive).
    public static func attribution(_ t: Double) -> Color {
        interpolate(stops: [0x08306B, 0x1F9E89, 0xFDE725, 0xFFFFFF], t)
    }

    static func interpolate(stops: [UInt32], _ t: Double) -> Color {
        let x = min(max(t.isNaN ? 0 : t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let a = Color(hex: stops[i])
        let b = Color(hex: stops[i + 1])
        return Color(a.red + (b.red - a.red) * f, a.green + (b.green - a.green) * f, a.blue + (b.blue - a.blue) * f)
    }

    /// Black or white, whichever reads better on `background`.
    public static func textColor(on background: Color) -> Color {
        let luminance = 0.2126 * background.red + 0.7152 * background.green + 0.0722 * background.blue
        return luminance > 0.55 ? text : Color(1, 1, 1)
    }
}
