import ArgusCharts

/// The detection page's linked views. Each of these shows only the gallery images it is about:
/// a click on a class row of the per-class table (or a link ending `#class=NAME`), on a cell of
/// either confusion matrix or a row of the largest confusions (`#confusion=TRUE|PREDICTED`: the
/// images holding both classes, background left out), or on a row of the TIDE error types
/// (`#error=TYPE`). A click on a gallery image opens it large: the ground truth and the
/// predictions side by side, each box numbered, and a table of every box's outcome, label, score,
/// IoU and TIDE error (Escape or a click outside closes it).
/// The page's data (`#argus-chart-data`: each gallery figure's `labels`, `errors`, `size` and
/// `boxes`, each confusion matrix's `grid`) drives all of them; text from data is put in with
/// `textContent`.
enum LinkedViews {
    static let style = """
        #gallery figure{cursor:zoom-in}#gallery-filter button{font:inherit}
        #gallery-large{position:fixed;inset:0;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;z-index:10}
        #gallery-large[hidden]{display:none}
        #gallery-large .panel{background:#fff;padding:12px 16px;max-height:94vh;max-width:96vw;overflow:auto}
        #gallery-large .panel{border-radius:6px}
        #gallery-large .sides{display:flex;gap:12px;flex-wrap:wrap}#gallery-large figure{margin:0}
        #gallery-large .sides svg{width:min(45vw,560px);height:auto;border:1px solid #ccc}
        """

    /// The gallery tiles' colour of each kind of box, by the name the box table gives it.
    static var colours: String {
        let entries = GalleryDetails.kindNames.map { "\"\($0.name)\":\"\(ImageTile.color($0.kind).hexString)\"" }
        return "{" + entries.joined(separator: ",") + "}"
    }

    /// The page's script, with the tiles' colours.
    static var script: String { "const argusMarkColours = \(colours);\n" + behaviour }

    static let behaviour = #"""
        (function () {
          const gallery = document.getElementById("gallery");
          const source = document.getElementById("argus-chart-data");
          if (!gallery || !source) return;
          const charts = JSON.parse(source.textContent);
          const tiles = Array.from(gallery.querySelectorAll("figure[id^='fig-gallery_']"));
          const info = tile => charts[tile.id.replace(/^fig-/, "")] || {};
          const bar = document.createElement("p");
          bar.id = "gallery-filter";
          bar.hidden = true;
          gallery.insertBefore(bar, gallery.querySelector(".grid"));
          function filter(rule) {
            let shown = 0;
            for (const tile of tiles) {
              tile.hidden = rule !== null && !rule.keep(info(tile));
              if (!tile.hidden) shown++;
            }
            bar.hidden = rule === null;
            bar.textContent = "";
            if (rule === null) return;
            bar.append("Showing the " + shown + " of " + tiles.length + " images " + rule.what + " · ");
            const all = document.createElement("button");
            all.type = "button";
            all.textContent = "show all";
            all.addEventListener("click", () => filter(null));
            bar.appendChild(all);
          }
          function holding(wanted) {
            const labels = [].concat(wanted).filter(l => l !== "background");
            return { what: "holding " + labels.join(" and "),
                     keep: i => labels.every(l => (i.labels || []).indexOf(l) >= 0) };
          }
          function withError(type) {
            const what = type === "missed" ? "with an object TIDE counts as missed" : "with a TIDE " + type + " error";
            return { what, keep: i => (i.errors || []).indexOf(type) >= 0 };
          }
          const show = rule => { filter(rule); gallery.scrollIntoView(); };
          function link(id, title, ruleOf) {
            const table = document.getElementById(id);
            if (table) for (const row of table.tBodies[0].rows) {
              row.style.cursor = "pointer";
              row.title = title;
              row.addEventListener("click", () => show(ruleOf(row)));
            }
          }
          const first = row => row.cells[0].textContent;
          link("table-per_class_table", "show this class's images in the gallery", row => holding(first(row)));
          link("table-largest_confusions", "show the gallery's images holding both classes",
               row => holding([row.cells[0].textContent, row.cells[1].textContent]));
          link("table-tide_errors", "show the gallery's images with this error", row => withError(first(row)));
          for (const id of ["confusion_counts", "confusion_normalized"]) {
            const figure = document.getElementById("fig-" + id), data = charts[id];
            const svg = figure && figure.querySelector("svg");
            if (!svg || !data || !data.grid) continue;
            svg.style.cursor = "pointer";
            svg.addEventListener("click", e => {
              const ctm = svg.getScreenCTM();
              if (!ctm) return;
              const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
              const [x0, y0, cell] = data.grid, n = data.labels.length;
              const i = Math.floor((p.y - y0) / cell), j = Math.floor((p.x - x0) / cell);
              if (i >= 0 && j >= 0 && i < n && j < n) show(holding([data.labels[i], data.labels[j]]));
            });
          }
          const large = document.createElement("div");
          large.id = "gallery-large";
          large.hidden = true;
          document.body.appendChild(large);
          const close = () => { large.hidden = true; large.textContent = ""; };
          large.addEventListener("click", close);
          document.addEventListener("keydown", e => { if (e.key === "Escape") close(); });
          const colours = argusMarkColours;
          const NS = "http://www.w3.org/2000/svg";
          function element(name, attributes) {
            const e = document.createElementNS(NS, name);
            for (const k in attributes) e.setAttribute(k, attributes[k]);
            return e;
          }
          // One side of the enlarged view: the tile's picture at the image's own size, and boxes.
          function side(tile, title, marks) {
            const [w, h] = info(tile).size || [100, 100];
            const svg = element("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": title });
            const picture = tile.querySelector("svg defs image");
            const href = picture && (picture.getAttribute("xlink:href") || picture.getAttribute("href"));
            if (href) {
              svg.appendChild(element("image", { href, x: 0, y: 0, width: w, height: h, preserveAspectRatio: "none" }));
            }
            else svg.appendChild(element("rect", { x: 0, y: 0, width: w, height: h, fill: "#f2f2f2" }));
            const font = Math.max(w, h) / 45;
            for (const m of marks) {
              const [x, y, bw, bh] = m.box;
              svg.appendChild(element("rect", { x, y, width: bw, height: bh, fill: "none", stroke: colours[m.kind],
                "stroke-width": m.kind === "missed" ? 3 : 2, "vector-effect": "non-scaling-stroke",
                "stroke-dasharray": m.kind === "false positive" ? "6 3" : "none" }));
              const label = element("text", { x: x + 2, y: Math.max(font, y - 2), "font-size": font,
                fill: colours[m.kind], "font-weight": "bold", "paint-order": "stroke", stroke: "#fff",
                "stroke-width": font / 5 });
              label.textContent = m.text;
              svg.appendChild(label);
            }
            const figure = document.createElement("figure");
            const caption = document.createElement("figcaption");
            caption.textContent = title;
            figure.append(caption, svg);
            return figure;
          }
          function open(tile) {
            const boxes = info(tile).boxes || [];
            const truth = [], predicted = [];
            const seen = new Set();
            boxes.forEach((b, k) => {
              const number = String(k + 1);
              if (b.kind === "missed") truth.push({ box: b.bbox, kind: "missed", text: number + " " + b.label });
              else predicted.push({ box: b.bbox, kind: b.kind, text: number + " " + b.label });
              if (b.truth_bbox && !seen.has(b.truth_bbox.join())) {
                seen.add(b.truth_bbox.join());
                truth.push({ box: b.truth_bbox, kind: "ground truth", text: number + " " + b.label });
              }
            });
            const panel = document.createElement("div");
            panel.className = "panel";
            panel.addEventListener("click", e => e.stopPropagation());
            const heading = document.createElement("p");
            heading.textContent = info(tile).image || "";
            const sides = document.createElement("div");
            sides.className = "sides";
            sides.append(side(tile, "ground truth (green: found, purple: missed)", truth),
                         side(tile, "predictions (blue: true positive, orange: false positive)", predicted));
            const table = document.createElement("table");
            table.id = "gallery-boxes";
            const head = table.createTHead().insertRow();
            for (const h of ["#", "object", "label", "score", "IoU", "TIDE error"]) {
              const th = document.createElement("th"); th.textContent = h; head.appendChild(th);
            }
            const body = table.createTBody();
            const f = v => v === null || v === undefined ? "—" : v.toFixed(3);
            boxes.forEach((b, k) => {
              const row = body.insertRow();
              for (const v of [String(k + 1), b.kind, b.label, f(b.score), f(b.iou), b.error || "—"]) {
                row.insertCell().textContent = v;
              }
            });
            panel.append(heading, sides, table);
            large.textContent = "";
            large.appendChild(panel);
            large.hidden = false;
          }
          for (const tile of tiles) tile.addEventListener("click", () => open(tile));
          const hash = window.location.hash || "";
          const asked = /class=([^&]+)/.exec(hash);
          if (asked) filter(holding(decodeURIComponent(asked[1])));
          const confusion = /confusion=([^&]+)/.exec(hash);
          if (confusion) filter(holding(decodeURIComponent(confusion[1]).split("|")));
          const error = /error=([^&]+)/.exec(hash);
          if (error) filter(withError(decodeURIComponent(error[1])));
        })();
        """#
}
