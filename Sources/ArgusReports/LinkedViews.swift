/// The detection page's linked views: a click on a class row of the per-class table (or a link
/// ending `#class=NAME`) shows only the gallery images holding that class, a click on a row of the
/// largest confusions (or `#confusion=TRUE|PREDICTED`) the images holding both classes (background
/// left out); a click on a gallery
/// image opens it large with every box's outcome, label, score and IoU (Escape or a click closes it).
/// The page's data (`#argus-chart-data`, each gallery figure's `labels` and `boxes`) drives both;
/// text from data is put in with `textContent`.
enum LinkedViews {
    static let style = """
        #gallery figure{cursor:zoom-in}#gallery-filter button{font:inherit}
        #gallery-large{position:fixed;inset:0;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;z-index:10}
        #gallery-large[hidden]{display:none}#gallery-large .panel{background:#fff;padding:12px 16px;max-height:94vh;overflow:auto;border-radius:6px;display:flex;gap:16px;flex-wrap:wrap}
        #gallery-large svg{width:min(70vw,640px);height:auto}
        """

    static let script = #"""
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
          function filter(wanted) {
            const labels = wanted === null ? null : [].concat(wanted).filter(l => l !== "background");
            let shown = 0;
            for (const tile of tiles) {
              const held = info(tile).labels || [];
              tile.hidden = labels !== null && !labels.every(l => held.indexOf(l) >= 0);
              if (!tile.hidden) shown++;
            }
            bar.hidden = labels === null;
            bar.textContent = "";
            if (labels === null) return;
            bar.append("Showing the " + shown + " of " + tiles.length + " images holding " + labels.join(" and ") + " · ");
            const all = document.createElement("button");
            all.type = "button";
            all.textContent = "show all";
            all.addEventListener("click", () => filter(null));
            bar.appendChild(all);
          }
          function link(id, title, labelsOf) {
            const table = document.getElementById(id);
            if (table) for (const row of table.tBodies[0].rows) {
              row.style.cursor = "pointer";
              row.title = title;
              row.addEventListener("click", () => { filter(labelsOf(row)); gallery.scrollIntoView(); });
            }
          }
          link("table-per_class_table", "show this class's images in the gallery", row => row.cells[0].textContent);
          link("table-largest_confusions", "show the gallery's images holding both classes",
               row => [row.cells[0].textContent, row.cells[1].textContent]);
          const large = document.createElement("div");
          large.id = "gallery-large";
          large.hidden = true;
          document.body.appendChild(large);
          const close = () => { large.hidden = true; large.textContent = ""; };
          large.addEventListener("click", close);
          document.addEventListener("keydown", e => { if (e.key === "Escape") close(); });
          function open(tile) {
            const panel = document.createElement("div");
            panel.className = "panel";
            panel.addEventListener("click", e => e.stopPropagation());
            const picture = tile.querySelector("svg");
            if (picture) panel.appendChild(picture.cloneNode(true));
            const boxes = document.createElement("table");
            const head = boxes.createTHead().insertRow();
            for (const h of ["object", "label", "score", "IoU"]) {
              const th = document.createElement("th"); th.textContent = h; head.appendChild(th);
            }
            const body = boxes.createTBody();
            const f = v => v === null || v === undefined ? "—" : v.toFixed(3);
            for (const b of info(tile).boxes || []) {
              const row = body.insertRow();
              for (const v of [b.kind, b.label, f(b.score), f(b.iou)]) row.insertCell().textContent = v;
            }
            panel.appendChild(boxes);
            large.textContent = "";
            large.appendChild(panel);
            large.hidden = false;
          }
          for (const tile of tiles) tile.addEventListener("click", () => open(tile));
          const asked = /class=([^&]+)/.exec(window.location.hash || "");
          if (asked) filter(decodeURIComponent(asked[1]));
          const confusion = /confusion=([^&]+)/.exec(window.location.hash || "");
          if (confusion) filter(decodeURIComponent(confusion[1]).split("|"));
        })();
        """#
}
