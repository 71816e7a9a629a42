/// The slider's scripts: the recomputation (a pure function of the embedded data) and the wiring
/// that connects it to the page.
extension ThresholdExplorer {
    /// The recomputation, a pure function of the embedded data (`argusAtThreshold(data, t)`); means
    /// over classes are numpy's pairwise sums, as metrics.json's.
    static let model = #"""
        function argusSum(v, lo, hi) {
          if (lo === undefined) { lo = 0; hi = v.length; }
          const n = hi - lo;
          if (n < 8) { let s = -0.0; for (let i = lo; i < hi; i++) s += v[i]; return s; }
          if (n <= 128) {
            const r = v.slice(lo, lo + 8);
            let i = 8;
            for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += v[lo + i + j];
            let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) s += v[lo + i];
            return s;
          }
          let half = Math.floor(n / 2); half -= half % 8;
          return argusSum(v, lo, lo + half) + argusSum(v, lo + half, hi);
        }
        function argusMean(v) { return v.length ? argusSum(v) / v.length : null; }
        function argusMultilabel(data, t) {
          const L = data.labels.length, n = L ? data.scores.length / L : 0;
          const tp = new Array(L).fill(0), pred = new Array(L).fill(0), sup = new Array(L).fill(0);
          const sp = [], sr = [], sf = [];
          let differences = 0, exact = 0;
          for (let i = 0; i < n; i++) {
            let itp = 0, ipred = 0, iact = 0, same = true;
            for (let c = 0; c < L; c++) {
              const y = data.truth[i * L + c] === 1, p = data.scores[i * L + c] > t;
              if (y) { sup[c]++; iact++; }
              if (p) { pred[c]++; ipred++; }
              if (y && p) { tp[c]++; itp++; }
              if (y !== p) { differences++; same = false; }
            }
            if (same) exact++;
            sp.push(ipred ? itp / ipred : 0); sr.push(iact ? itp / iact : 0);
            sf.push(iact + ipred ? 2 * itp / (iact + ipred) : 0);
          }
          const rows = data.labels.map((label, c) => ({
            label, precision: pred[c] ? tp[c] / pred[c] : 0, recall: sup[c] ? tp[c] / sup[c] : 0,
            f1: sup[c] + pred[c] ? 2 * tp[c] / (sup[c] + pred[c]) : 0, support: sup[c], predicted: pred[c] }));
          const total = argusSum(sup);
          const weighted = k => total ? argusSum(rows.map((r, c) => sup[c] ? r[k] * sup[c] : 0)) / total : 0;
          const T = argusSum(tp), P = argusSum(pred), A = total;
          return {
            rows, hamming: n ? differences / (n * L) : null, subset: n ? exact / n : null,
            macro: { precision: argusMean(rows.map(r => r.precision)), recall: argusMean(rows.map(r => r.recall)),
                     f1: argusMean(rows.map(r => r.f1)) },
            micro: { precision: P ? T / P : 0, recall: A ? T / A : 0, f1: A + P ? 2 * T / (A + P) : 0 },
            weighted: { precision: weighted("precision"), recall: weighted("recall"), f1: weighted("f1") },
            samples: { precision: argusMean(sp), recall: argusMean(sr), f1: argusMean(sf) } };
        }
        function argusAtThreshold(data, t) {
          if (data.kind === "classification") {
            const L = data.labels.length, n = data.truth.length;
            const tp = new Array(L).fill(0), pred = new Array(L).fill(0), sup = new Array(L).fill(0);
            const confusion = data.labels.map(() => new Array(L + 1).fill(0));
            let correct = 0, kept = 0;
            for (let i = 0; i < n; i++) {
              const y = data.truth[i], p = data.predicted[i], on = data.score[i] >= t;
              if (y >= 0) sup[y]++;
              if (on) { kept++; if (p >= 0) pred[p]++; if (p === y && y >= 0) { tp[y]++; correct++; } }
              if (y >= 0) confusion[y][on && p >= 0 ? p : L]++;
            }
            const rows = data.labels.map((label, c) => {
              const precision = pred[c] ? tp[c] / pred[c] : 0, recall = sup[c] ? tp[c] / sup[c] : 0;
              const f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0;
              return { label, precision, recall, f1, support: sup[c], predicted: pred[c] };
            });
            return {
              rows, confusion, accuracy: n ? correct / n : null, coverage: n ? kept / n : null,
              macro: { precision: argusMean(rows.map(r => r.precision)), recall: argusMean(rows.map(r => r.recall)),
                       f1: argusMean(rows.map(r => r.f1)) } };
          }
          if (data.kind === "multilabel") return argusMultilabel(data, t);
          const rows = data.classes.map(c => {
            let i = -1;
            while (i + 1 < c.thresholds.length && c.thresholds[i + 1] >= t) i++;
            const precision = i >= 0 ? c.precision[i] : null;
            const recall = c.truth > 0 ? (i >= 0 ? c.recall[i] : 0) : null;
            const f1 = precision !== null && recall !== null && precision + recall > 0
              ? 2 * precision * recall / (precision + recall) : (precision !== null && recall !== null ? 0 : null);
            return { label: c.label, precision, recall, f1, detections: i + 1 };
          });
          const defined = k => rows.map(r => r[k]).filter(v => v !== null);
          let p = 0; for (const v of defined("precision")) p += v;
          let r = 0; for (const v of defined("recall")) r += v;
          let confusion = null, images = null;
          if (data.confusion) {
            let k = -1;
            for (let i = 0; i < data.confusion.thresholds.length; i++) if (data.confusion.thresholds[i] <= t) k = i;
            if (k >= 0) confusion = { threshold: data.confusion.thresholds[k], counts: data.confusion.counts[k] };
          }
          if (data.images) {
            const im = data.images;
            let tp = 0, fn = 0, fp = 0;
            for (let i = 0; i < im.truth.length; i++) {
              if (im.truth[i] === 1) { if (im.found[i] !== null && im.found[i] >= t) tp++; else fn++; }
              else if (im.predicted[i] !== null && im.predicted[i] >= t) fp++;
            }
            images = { truePositives: tp, falseNegatives: fn, falsePositives: fp,
                       trueNegatives: im.total - tp - fn - fp };
          }
          return { rows, confusion, images,
                   macro: { precision: defined("precision").length ? p / defined("precision").length : null,
                            recall: defined("recall").length ? r / defined("recall").length : null } };
        }
        """#

    /// Connects the slider to the page (text put in with textContent: labels come from data).
    static let wiring = #"""
        (function () {
          const source = document.getElementById("argus-threshold-data");
          const input = document.getElementById("threshold-input");
          if (!source || !input) return;
          const data = JSON.parse(source.textContent);
          // A link may carry its threshold: report.html#threshold=0.6
          const asked = /threshold=([0-9.]+)/.exec(window.location.hash || "");
          if (asked) input.value = asked[1];
          else if (data.start !== undefined) input.value = data.start;
          const f = v => (v === null || v === undefined || Number.isNaN(v)) ? "—" : v.toFixed(4);
          function fill(table, header, rows) {
            const head = table.tHead, body = table.tBodies[0];
            head.textContent = ""; body.textContent = "";
            const hr = head.insertRow();
            for (const h of header) { const th = document.createElement("th"); th.textContent = h; hr.appendChild(th); }
            for (const cells of rows) { const tr = body.insertRow(); for (const c of cells) tr.insertCell().textContent = c; }
          }
          function render() {
            const t = parseFloat(input.value);
            document.getElementById("threshold-value").textContent = t.toFixed(2);
            const r = argusAtThreshold(data, t);
            let line = "macro precision " + f(r.macro.precision) + " · recall " + f(r.macro.recall);
            if (r.macro.f1 !== undefined) line += " · F1 " + f(r.macro.f1);
            if (r.accuracy !== undefined) line += " · accuracy " + f(r.accuracy) + " · coverage " + f(r.coverage);
            if (r.micro !== undefined) line += " · micro F1 " + f(r.micro.f1) + " · samples F1 " + f(r.samples.f1)
              + " · Hamming loss " + f(r.hamming) + " · subset accuracy " + f(r.subset);
            document.getElementById("threshold-summary").textContent = line;
            const table = document.getElementById("threshold-table");
            if (data.kind !== "detection") {
              fill(table, ["class", "precision", "recall", "F1", "predicted", "support"],
                   r.rows.map(x => [x.label, f(x.precision), f(x.recall), f(x.f1), x.predicted, x.support]));
              if (r.confusion) fill(document.getElementById("threshold-confusion"),
                   ["true \\ predicted"].concat(data.labels, ["below threshold"]),
                   r.confusion.map((row, k) => [data.labels[k]].concat(row)));
            } else {
              fill(table, ["class", "precision", "recall", "F1", "detections"],
                   r.rows.map(x => [x.label, f(x.precision), f(x.recall), f(x.f1), x.detections]));
              const level = document.getElementById("threshold-images");
              if (level && r.images) {
                const m = r.images, hit = m.truePositives + m.falseNegatives;
                level.textContent = "images: " + m.truePositives + " of " + hit + " with objects hit (recall "
                  + f(hit ? m.truePositives / hit : null) + ") · " + m.falsePositives + " false alarms, "
                  + m.trueNegatives + " true negatives among the images without objects";
              }
              if (r.confusion) fill(document.getElementById("threshold-confusion"),
                   ["true \\ predicted (score ≥ " + r.confusion.threshold.toFixed(2) + ")"]
                     .concat(data.confusion.labels),
                   r.confusion.counts.map((row, k) => [data.confusion.labels[k]].concat(row)));
            }
          }
          input.addEventListener("input", render);
          render();
        })();
        """#
}
