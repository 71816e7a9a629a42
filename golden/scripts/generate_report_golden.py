#!/usr/bin/env python3
"""The data behind every chart of the digits report, computed with scikit-learn and numpy.

Reads samples/digits (validation.jsonl, predictions.jsonl) and writes
golden/reports/digits_charts.json: for each chart id of `argus report`, the numbers it must be
drawn from. Ordering rules (most frequent classes first, ties by name; classes by F1 descending,
ties by name; mistakes by confidence descending, ties by image) are the report's.
Run from the repository root: python3 golden/scripts/generate_report_golden.py
"""
import json
import platform
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn import metrics as m

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "samples/digits"


def thinned(x, y, limit=2000):
    """The report's embedding rule: a curve of more than `limit` points keeps the points that move at
    least 1/limit on either axis from the last kept one (first and last always kept)."""
    n = min(len(x), len(y))
    if n <= limit:
        return list(range(n))
    tolerance, kept = 1.0 / limit, [0]
    for i in range(1, n):
        last = kept[-1]
        if i == n - 1 or abs(x[i] - x[last]) >= tolerance or abs(y[i] - y[last]) >= tolerance:
            kept.append(i)
    return kept


def curve(xs, ys, x_name, y_name):
    kept = thinned(list(xs), list(ys))
    return {x_name: [float(xs[i]) for i in kept], y_name: [float(ys[i]) for i in kept]}


def main():
    truth_rows = [json.loads(line) for line in (DIGITS / "validation.jsonl").read_text().splitlines() if line.strip()]
    prediction_rows = [json.loads(line) for line in (DIGITS / "predictions.jsonl").read_text().splitlines() if line.strip()]
    labels = prediction_rows[0]["labels"]
    column = {label: i for i, label in enumerate(labels)}
    by_name = {row["filename"]: row for row in prediction_rows}
    images = [row["image_url"] for row in truth_rows]
    truth = np.array([column[row["label"]] for row in truth_rows])
    probs = np.array([[by_name[name]["probs"][by_name[name]["labels"].index(label)] for label in labels] for name in images])
    n, c = probs.shape
    predicted = probs.argmax(axis=1)
    Y = np.eye(c)[truth]
    charts = {}

    p, r, f, support = m.precision_recall_fscore_support(truth, predicted, labels=list(range(c)), zero_division=0)
    by_f1 = sorted(range(c), key=lambda k: (-f[k], labels[k]))
    charts["per_class_bars"] = {"labels": [labels[k] for k in by_f1], "precision": [float(p[k]) for k in by_f1],
                                "recall": [float(r[k]) for k in by_f1], "f1": [float(f[k]) for k in by_f1]}
    charts["support_bars"] = {"labels": [labels[k] for k in by_f1], "support": [float(support[k]) for k in by_f1]}

    counts = m.confusion_matrix(truth, predicted, labels=list(range(c)))
    charts["confusion_counts"] = {"labels": labels, "counts": counts.astype(float).tolist()}
    totals = counts.sum(axis=1, keepdims=True)
    charts["confusion_normalized"] = {"labels": labels, "fractions": np.where(totals > 0, counts / np.maximum(totals, 1), 0.0).tolist()}

    # Curves of the 8 most frequent classes, micro and macro.
    frequent = sorted(range(c), key=lambda k: (-support[k], labels[k]))[:8]
    pr, roc = {}, {}
    for k in frequent:
        precision, recall, _ = m.precision_recall_curve(Y[:, k], probs[:, k])
        pr[labels[k]] = {**curve(recall, precision, "recall", "precision"),
                         "average_precision": float(m.average_precision_score(Y[:, k], probs[:, k]))}
        fpr, tpr, _ = m.roc_curve(Y[:, k], probs[:, k])
        roc[labels[k]] = {**curve(fpr, tpr, "false positive rate", "true positive rate"), "AUC": float(m.roc_auc_score(Y[:, k], probs[:, k]))}
    precision, recall, _ = m.precision_recall_curve(Y.ravel(), probs.ravel())
    pr["micro"] = curve(recall, precision, "recall", "precision")
    fpr, tpr, _ = m.roc_curve(Y.ravel(), probs.ravel())
    roc["micro"] = curve(fpr, tpr, "false positive rate", "true positive rate")
    grid = np.linspace(0.0, 1.0, 1000)
    mean_precision, mean_tpr = np.zeros_like(grid), np.zeros_like(grid)
    for k in range(c):
        precision, recall, _ = m.precision_recall_curve(Y[:, k], probs[:, k])
        mean_precision += np.interp(grid, recall[::-1], precision[::-1])
        fpr, tpr, _ = m.roc_curve(Y[:, k], probs[:, k])
        mean_tpr += np.interp(grid, fpr, tpr)
    pr["macro"] = {"recall": grid.tolist(), "precision": (mean_precision / c).tolist()}
    roc["macro"] = {"false positive rate": grid.tolist(), "true positive rate": (mean_tpr / c).tolist()}
    charts["pr_overlay"], charts["roc_overlay"] = pr, roc

    # Reliability: 15 equal-width bins (lower, upper], the predicted class's probability.
    confidence = probs[np.arange(n), predicted]
    right = predicted == truth
    bins = np.clip(np.ceil(confidence * 15) - 1, 0, 14).astype(int)
    reliability = {"count": [], "confidence": [], "accuracy": []}
    for b in range(15):
        inside = bins == b
        reliability["count"].append(float(inside.sum()))
        reliability["confidence"].append(float(confidence[inside].mean()) if inside.any() else None)
        reliability["accuracy"].append(float(right[inside].mean()) if inside.any() else None)
    charts["reliability"] = reliability

    # Confidence histogram: numpy's 20 bins over [0, 1].
    charts["confidence_histogram"] = {
        "edges": np.histogram_bin_edges([], bins=20, range=(0, 1)).tolist(),
        "right": np.histogram(confidence[right], bins=20, range=(0, 1))[0].astype(float).tolist(),
        "wrong": np.histogram(confidence[~right], bins=20, range=(0, 1))[0].astype(float).tolist(),
    }

    # Gallery: wrong predictions by confidence (descending), ties by image.
    wrong = sorted(np.flatnonzero(~right), key=lambda i: (-confidence[i], images[i]))
    charts["gallery"] = [{"image": images[i], "label": labels[truth[i]], "predicted": labels[predicted[i]], "score": float(confidence[i])} for i in wrong]

    out = ROOT / "golden/reports/digits_charts.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"generated_by": "golden/scripts/generate_report_golden.py",
               "versions": {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": version("scikit-learn")},
               "tolerance": 1e-12, "charts": charts}
    out.write_text(json.dumps(payload) + "\n")
    print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
