import ArgusCharts
import ArgusIO
import Foundation

/// Hovering a curve shows its values: each curve chart carries its points (where drawn, and their
/// values) in a `data-hover` attribute, and a small script shows the nearest one under the pointer.
enum CurveHover {
    /// The figure's `data-hover` attribute (with its leading space), or "" for other drawings.
    static func attribute(_ drawing: Drawable) -> String {
        guard let chart = drawing as? CurveChart else { return "" }
        let points = chart.hoverPoints()
        guard !points.isEmpty else { return "" }
        func rounded(_ v: Double, _ scale: Double) -> PlainJSON { .number((v * scale).rounded() / scale) }
        let data: PlainJSON = .object([
            ("names", .strings(chart.series.map(\.name))), ("x", .string(chart.xTitle)), ("y", .string(chart.yTitle)),
            (
                "points",
                .array(
                    points.map {
                        .array([
                            .integer($0.series), rounded($0.x, 100), rounded($0.y, 100), rounded($0.valueX, 1e4),
                            rounded($0.valueY, 1e4),
                        ])
                    })
            ),
        ])
        return " data-hover=\"\(HTMLReport.escape(data.text))\""
    }

    static let style = """
        #curve-hover{position:fixed;pointer-events:none;background:#1f2328;color:#fff;font-size:12px;padding:3px 7px;border-radius:4px;z-index:5}
        """

    /// Shows the nearest point (within 14 SVG units) of the chart under the pointer.
    static let script = #"""
        (function () {
          const tip = document.createElement("div");
          tip.id = "curve-hover";
          tip.hidden = true;
          document.body.appendChild(tip);
          for (const figure of document.querySelectorAll("figure[data-hover]")) {
            const svg = figure.querySelector("svg");
            if (!svg || !svg.createSVGPoint) continue;
            const data = JSON.parse(figure.getAttribute("data-hover"));
            svg.addEventListener("mousemove", e => {
              const p = svg.createSVGPoint();
              p.x = e.clientX; p.y = e.clientY;
              const local = p.matrixTransform(svg.getScreenCTM().inverse());
              let best = null, distance = 14 * 14;
              for (const q of data.points) {
                const d = (q[1] - local.x) ** 2 + (q[2] - local.y) ** 2;
                if (d < distance) { distance = d; best = q; }
              }
              if (!best) { tip.hidden = true; return; }
              tip.textContent = data.names[best[0]] + ": " + data.x + " " + best[3].toFixed(3) + ", " + data.y + " " + best[4].toFixed(3);
              tip.style.left = (e.clientX + 12) + "px";
              tip.style.top = (e.clientY + 12) + "px";
              tip.hidden = false;
            });
            svg.addEventListener("mouseleave", () => { tip.hidden = true; });
          }
        })();
        """#
}
