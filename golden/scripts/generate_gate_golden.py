#!/usr/bin/env python3
"""The gate's statistics, computed independently with numpy, scipy and scikit-learn.

Run from the repository root:  python3 golden/scripts/generate_gate_golden.py
Writes golden/gate/digits_bootstrap.json: the paired bootstrap of the digits logistic regression
(candidate) against the naive Bayes model (baseline) on samples/digits — 1,000 resamples drawn with
SplitMix64 from seed 42, exactly as Argus draws them (each draws one index per image, the index being
the high 64 bits of next() × n) — with the 2.5 / 97.5 percentiles of the accuracy, macro-F1 and ROC
AUC (macro, weighted, micro; scikit-learn's roc_auc_score with sample_weight) differences (numpy's
linear percentile), the point differences, and McNemar's exact p-value (scipy's binomial test).
Never edit the output by hand.
"""
import json
import platform
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.preprocessing import label_binarize

ROOT = Path(__file__).resolve().parents[2]
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def index(self, n):
        return (self.next() * n) >> 64


def predictions(name):
    truth = {}
    for line in (ROOT / "samples/digits/validation.jsonl").read_text().splitlines():
        record = json.loads(line)
        truth[record["image_url"]] = record["label"]
    labels, y_true, y_pred, probs = None, [], [], []
    for line in (ROOT / "samples/digits" / name).read_text().splitlines():
        record = json.loads(line)
        labels = record["labels"]
        y_true.append(truth[record["filename"]])
        y_pred.append(labels[int(np.argmax(record["probs"]))])
        probs.append(record["probs"])
    return labels, np.array(y_true), np.array(y_pred), np.array(probs, dtype=float)


def aucs(labels, y_true, probs, weights=None):
    """AUC_macro, AUC_weighted and AUC_micro (scikit-learn, one-vs-rest on the binarised truth)."""
    indicator = label_binarize(y_true, classes=labels)
    return [roc_auc_score(indicator, probs, average=average, sample_weight=weights)
            for average in ("macro", "weighted", "micro")]


def main():
    labels, y_true, candidate, candidate_probs = predictions("predictions.jsonl")
    _, y_true_b, baseline, baseline_probs = predictions("predictions_naive_bayes.jsonl")
    assert (y_true == y_true_b).all()
    n = len(y_true)
    rng = SplitMix64(42)
    accuracy, macro_f1 = [], []
    auc_deltas = {name: [] for name in ("AUC_macro", "AUC_weighted", "AUC_micro")}
    for _ in range(1000):
        weights = np.zeros(n)
        for _ in range(n):
            weights[rng.index(n)] += 1
        a = accuracy_score(y_true, candidate, sample_weight=weights) - accuracy_score(y_true, baseline, sample_weight=weights)
        f = (f1_score(y_true, candidate, labels=labels, average="macro", sample_weight=weights, zero_division=0)
             - f1_score(y_true, baseline, labels=labels, average="macro", sample_weight=weights, zero_division=0))
        accuracy.append(a)
        macro_f1.append(f)
        for name, x, y in zip(auc_deltas, aucs(labels, y_true, candidate_probs, weights),
                              aucs(labels, y_true, baseline_probs, weights)):
            auc_deltas[name].append(x - y)
    right_a = candidate == y_true
    right_b = baseline == y_true
    only_candidate = int((right_a & ~right_b).sum())
    only_baseline = int((~right_a & right_b).sum())
    p = binomtest(min(only_candidate, only_baseline), only_candidate + only_baseline, 0.5).pvalue
    payload = {
        "generated_by": "golden/scripts/generate_gate_golden.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "scikit-learn": sklearn.__version__},
        "resamples": 1000, "seed": 42, "tolerance": 1e-12,
        "accuracy": {"point": float(accuracy_score(y_true, candidate) - accuracy_score(y_true, baseline)),
                     "low": float(np.percentile(accuracy, 2.5)), "high": float(np.percentile(accuracy, 97.5))},
        "f1_score_macro": {
            "point": float(f1_score(y_true, candidate, labels=labels, average="macro", zero_division=0)
                           - f1_score(y_true, baseline, labels=labels, average="macro", zero_division=0)),
            "low": float(np.percentile(macro_f1, 2.5)), "high": float(np.percentile(macro_f1, 97.5))},
        "mcnemar": {"candidate_only": only_candidate, "baseline_only": only_baseline, "p_value": float(p)},
    }
    points = [x - y for x, y in zip(aucs(labels, y_true, candidate_probs), aucs(labels, y_true, baseline_probs))]
    for (name, deltas), point in zip(auc_deltas.items(), points):
        payload[name] = {"point": float(point), "low": float(np.percentile(deltas, 2.5)),
                         "high": float(np.percentile(deltas, 97.5))}
    out = ROOT / "golden/gate/digits_bootstrap.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=1) + "\n")
    print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
