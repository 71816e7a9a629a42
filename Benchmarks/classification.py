#!/usr/bin/env python3
"""Multi-class metrics: Argus against scikit-learn computing the same metrics on the same data,
each in its own process (time includes reading a binary file of the truth and scores).

    python3 Benchmarks/classification.py [--samples 1000000] [--classes 100]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

SKLEARN = r"""
import json, resource, sys, time, warnings
import numpy as np
from sklearn import metrics as m
start = time.perf_counter()
raw = np.fromfile(sys.argv[1], dtype=np.int64)
n, c = int(raw[0]), int(raw[1])
truth = raw[2:2 + n]
probs = np.fromfile(sys.argv[1], dtype=np.float64, offset=16 + 8 * n).reshape(n, c)
pred = probs.argmax(axis=1)
Y = np.eye(c, dtype=np.int8)[truth]
labels = list(range(c))
values = {"accuracy": m.accuracy_score(truth, pred), "balanced_accuracy": m.balanced_accuracy_score(truth, pred),
          "log_loss": m.log_loss(truth, probs, labels=labels), "matthews_correlation": m.matthews_corrcoef(truth, pred)}
for k in (2, 3, 5):
    values[f"top_{k}_accuracy"] = m.top_k_accuracy_score(truth, probs, k=k, labels=labels)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = m.precision_recall_fscore_support(truth, pred, labels=labels, average=average, zero_division=0)
        values.update({f"precision_score_{average}": p, f"recall_score_{average}": r, f"f1_score_{average}": f,
                       f"AUC_{average}": m.roc_auc_score(Y, probs, average=average),
                       f"average_precision_score_{average}": m.average_precision_score(Y, probs, average=average)})
m.confusion_matrix(truth, pred, labels=labels)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "metrics": {k: float(v) for k, v in values.items()}}))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=".build/release/argus-bench")
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=100)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"multiclass_{args.samples}x{args.classes}.bin"
    if not path.exists():
        rng = np.random.default_rng(0)
        truth = rng.integers(0, args.classes, args.samples)
        logits = rng.normal(0, 1, (args.samples, args.classes))
        logits[np.arange(args.samples), truth] += 2
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        with open(path, "wb") as f:
            np.array([args.samples, args.classes], dtype=np.int64).tofile(f)
            truth.astype(np.int64).tofile(f)
            probs.astype(np.float64).tofile(f)
    rows = {}
    for name, command in (("argus", [args.bench, "multiclass", str(path)]), ("scikit-learn", [sys.executable, "-c", SKLEARN, str(path)])):
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        rows[name] = json.loads(out)
    a, s = rows["argus"], rows["scikit-learn"]
    worst = max(abs(a["metrics"][k] - v) for k, v in s["metrics"].items() if a["metrics"].get(k) is not None)
    print(f"{args.samples:,} samples × {args.classes} classes")
    for name, row in rows.items():
        print(f"  {name:13} {row['seconds']:8.2f} s {row['peak_rss_bytes'] / 1e6:9.0f} MB")
    print(f"  speed-up {s['seconds'] / a['seconds']:.1f}x, memory {s['peak_rss_bytes'] / a['peak_rss_bytes']:.1f}x less; "
          f"largest difference {worst:.1e}")


if __name__ == "__main__":
    main()
