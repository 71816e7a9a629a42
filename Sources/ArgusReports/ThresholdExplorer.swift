import ArgusCharts
import ArgusIO

/// The HTML report's score-threshold slider: the data the page needs to recompute precision,
/// recall and F1 (and, for classification, accuracy, coverage and the confusion matrix) at any
/// threshold, and the script that does it. At the slider's start (0) the figures are metrics.json's.
public struct ThresholdExplorer: Sendable {
    /// What the page embeds (`#argus-threshold-data`).
    public var data: PlainJSON
    /// What the slider recomputes, in words.
    public var note: String

    /// The most images a classification page embeds, and curve points a detection page embeds.
    static let imageLimit = 50_000
    static let pointLimit = 400_000

    /// Multi-class classification: each image's true label, predicted label and its score; below
    /// the threshold an image has no prediction (counted wrong). Nil for multi-label or too many images.
    static func classification(_ run: EvaluationRun) -> ThresholdExplorer? {
        guard !run.isMultilabel, let records = run.classifications, !records.isEmpty,
            records.count <= imageLimit
        else { return nil }
        let labels = run.perLabel.map(\.label)
        var index: [String: Int] = [:]
        for (k, label) in labels.enumerated() { index[label] = k }
        let data: PlainJSON = .object([
            ("kind", .string("classification")), ("labels", .strings(labels)),
            ("truth", .numbers(records.map { Double(index[$0.label] ?? -1) })),
            ("predicted", .numbers(records.map { Double(index[$0.predicted] ?? -1) })),
            ("score", .numbers(records.map(\.score))),
        ])
        return ThresholdExplorer(
            data: data,
            note: "An image whose top score is below the threshold gets no prediction (counted wrong): precision, "
                + "recall and F1 per class and their macro means, accuracy, coverage and the confusion matrix are "
                + "recomputed in the page. At 0 they are metrics.json's.")
    }

    /// Detection: each class's precision–recall points with their score thresholds (the curve of
    /// curves.json) and its ground truth. Nil when the curves hold too many points.
    static func detection(_ run: EvaluationRun) -> ThresholdExplorer? {
        let labels = run.perLabel.map(\.label)
        let curves = labels.map { run.curves.precisionRecall[$0] }
        let points = curves.reduce(0) { $0 + ($1?.thresholds.count ?? 0) }
        guard !labels.isEmpty, points > 0, points <= pointLimit else { return nil }
        let classes: [PlainJSON] = zip(labels, curves).enumerated().map { k, pair in
            let truth = run.perLabel[k].values["ground_truth"] ?? 0
            return .object([
                ("label", .string(pair.0)), ("truth", .number(truth)),
                ("thresholds", .numbers(pair.1?.thresholds ?? [])), ("precision", .numbers(pair.1?.y ?? [])),
                ("recall", .numbers(pair.1?.x ?? [])),
            ])
        }
        return ThresholdExplorer(
            data: .object([("kind", .string("detection")), ("classes", .array(classes))]),
            note: "Only detections scoring at least the threshold count: precision, recall and F1 per class and "
                + "their means (precision over the classes with a detection, recall over the classes with ground "
                + "truth) are recomputed in the page. At 0 they are metrics.json's. The confusion matrix and the "
                + "image-level figures stay at the evaluation's score threshold.")
    }

    /// The controls and the table the script fills.
    var html: String {
        """
        <div class="explorer"><p>\(HTMLReport.escape(note))</p>
        <label for="threshold-input">score threshold <output id="threshold-value">0.00</output></label>
        <input type="range" id="threshold-input" min="0" max="1" step="0.01" value="0">
        <p id="threshold-summary"></p>
        <table id="threshold-table"><thead></thead><tbody></tbody></table>
        <table id="threshold-confusion"><thead></thead><tbody></tbody></table></div>

        """
    }

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
          return { rows, macro: { precision: defined("precision").length ? p / defined("precision").length : null,
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
            document.getElementById("threshold-summary").textContent = line;
            const table = document.getElementById("threshold-table");
            if (data.kind === "classification") {
              fill(table, ["class", "precision", "recall", "F1", "predicted", "support"],
                   r.rows.map(x => [x.label, f(x.precision), f(x.recall), f(x.f1), x.predicted, x.support]));
              fill(document.getElementById("threshold-confusion"), ["true \\ predicted"].concat(data.labels, ["below threshold"]),
                   r.confusion.map((row, k) => [data.labels[k]].concat(row)));
            } else {
              fill(table, ["class", "precision", "recall", "F1", "detections"],
                   r.rows.map(x => [x.label, f(x.precision), f(x.recall), f(x.f1), x.detections]));
            }
          }
          input.addEventListener("input", render);
          render();
        })();
        """#
}
