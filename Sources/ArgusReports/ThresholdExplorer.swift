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
    /// The most probabilities (images × labels) a multi-label page embeds.
    static let valueLimit = 2_000_000

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

    /// Multi-label classification: each image's true labels and probabilities; a label is predicted
    /// when its probability is greater than the threshold (the evaluation's rule). The slider starts
    /// at the evaluation's threshold, where the figures are metrics.json's. Nil without the match
    /// records or when they hold more than `valueLimit` probabilities.
    static func multilabel(_ run: EvaluationRun) -> ThresholdExplorer? {
        guard run.isMultilabel, let records = run.multilabelRecords, !records.isEmpty,
            let threshold = run.classificationMetrics?.threshold
        else { return nil }
        let labels = run.perLabel.map(\.label)
        guard records.count * labels.count <= valueLimit, records.allSatisfy({ $0.probabilities.count == labels.count })
        else { return nil }
        var truth: [Double] = []
        var scores: [Double] = []
        truth.reserveCapacity(records.count * labels.count)
        scores.reserveCapacity(records.count * labels.count)
        for record in records {
            let held = Set(record.labels)
            truth += labels.map { held.contains($0) ? 1 : 0 }
            scores += record.probabilities
        }
        let data: PlainJSON = .object([
            ("kind", .string("multilabel")), ("labels", .strings(labels)), ("start", .number(threshold)),
            ("truth", .numbers(truth)), ("scores", .numbers(scores)),
        ])
        return ThresholdExplorer(
            data: data,
            note: "A label is predicted when its probability is greater than the threshold: precision, recall and F1 "
                + "per label, their macro, micro and per-image (samples) means, the Hamming loss and the subset "
                + "accuracy are recomputed in the page. At the evaluation's threshold "
                + "(\(formatNumber(threshold))) they are metrics.json's.")
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
        var parts: [(String, PlainJSON)] = [("kind", .string("detection")), ("classes", .array(classes))]
        if let sweep = run.curves.confusionSweep, let labels = run.confusionMatrix?.labels {
            parts.append(
                (
                    "confusion",
                    .object([
                        ("labels", .strings(labels)), ("thresholds", .numbers(sweep.thresholds)),
                        ("counts", .array(sweep.counts.map { .array($0.map { .numbers($0.map(Double.init)) }) })),
                    ])
                ))
        }
        if let images = imageScores(run) { parts.append(("images", images)) }
        return ThresholdExplorer(
            data: .object(parts),
            note: "Only detections scoring at least the threshold count: precision, recall and F1 per class and "
                + "their means (precision over the classes with a detection, recall over the classes with ground "
                + "truth), the image-level hits and the confusion matrix (counted at each 0.05 and at the "
                + "evaluation's score threshold; the nearest at or below is shown) are recomputed in the page. "
                + "At 0 precision, recall and F1 are metrics.json's; at the evaluation's score threshold, the "
                + "image-level hits and the confusion matrix are.")
    }

    /// Per image with match records: whether it has objects, the best score of its true positives
    /// and of its counted detections (null without); and the number of images. An image is a hit at
    /// t when a true positive scores ≥ t, a false alarm when it has no objects and a detection does.
    static func imageScores(_ run: EvaluationRun) -> PlainJSON? {
        guard let records = run.detections, let total = run.imageCount, records.imageNames.count <= imageLimit
        else { return nil }
        let count = records.imageNames.count
        var truth = [Bool](repeating: false, count: count)
        var found = [Double?](repeating: nil, count: count)
        var predicted = [Double?](repeating: nil, count: count)
        for i in 0..<records.count {
            let image = Int(records.image[i])
            switch records.outcome[i] {
            case .missed: truth[image] = true
            case .truePositive:
                truth[image] = true
                found[image] = max(found[image] ?? -.infinity, records.score[i])
                predicted[image] = max(predicted[image] ?? -.infinity, records.score[i])
            case .falsePositive: predicted[image] = max(predicted[image] ?? -.infinity, records.score[i])
            case .ignored: break
            }
        }
        let optional = { (values: [Double?]) in PlainJSON.array(values.map { $0.map(PlainJSON.number) ?? .null }) }
        return .object([
            ("total", .integer(total)), ("truth", .numbers(truth.map { $0 ? 1 : 0 })), ("found", optional(found)),
            ("predicted", optional(predicted)),
        ])
    }

    /// The controls and the table the script fills.
    var html: String {
        """
        <div class="explorer"><p>\(HTMLReport.escape(note))</p>
        <label for="threshold-input">score threshold <output id="threshold-value">0.00</output></label>
        <input type="range" id="threshold-input" min="0" max="1" step="0.01" value="0">
        <p id="threshold-summary"></p>
        <table id="threshold-table"><thead></thead><tbody></tbody></table>
        <p id="threshold-images"></p>
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
