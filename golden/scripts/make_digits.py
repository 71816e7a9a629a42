#!/usr/bin/env python3
"""A small real image-classification set from the digits images that ship inside scikit-learn.

Writes samples/digits/: 300 held-out images as PNG files with their AutoML JSONL (and the other 1,497
as a training set, train.jsonl, for the runner), and the scoring
output (probabilities) of a logistic regression trained on the other 1,497 images, with
`attributions` ([3, 32, 32], see docs/formats.md) for the first six images and every wrong prediction: for a
linear model, integrated gradients of the predicted class's logit from a black baseline are
exactly coefficient × pixel (spread evenly over the three channels and the 4×4 enlarged pixels); and
golden/classification/digits_expected.json with scikit-learn's metrics on it.
Run from the repository root: python3 golden/scripts/make_digits.py
"""
import json
import struct
import zlib
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn import metrics as m
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "samples/digits"


def write_png(path, pixels):
    """An 8-bit grayscale PNG (no dependencies beyond zlib)."""
    h, w = pixels.shape
    raw = b"".join(b"\x00" + bytes(row) for row in pixels.astype(np.uint8))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def main():
    digits = load_digits()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(digits.target))
    held_out, train = order[:300], order[300:]
    model = LogisticRegression(max_iter=2000).fit(digits.data[train], digits.target[train])
    probs = model.predict_proba(digits.data[held_out])
    labels = [str(c) for c in model.classes_]
    (OUT / "images").mkdir(parents=True, exist_ok=True)
    gt_lines, prediction_lines = [], []
    for rank, index in enumerate(held_out):
        name = f"digit_{rank:04d}.png"
        # 8×8 images of 0..16, scaled to 0..255 and enlarged 4× (nearest) to 32×32.
        image = np.kron(digits.images[index] * 255.0 / 16.0, np.ones((4, 4)))
        write_png(OUT / "images" / name, image.round())
        gt_lines.append(json.dumps({"image_url": f"images/{name}", "image_details": {"format": "png", "width": 32, "height": 32},
                                    "label": str(digits.target[index])}))
        row = {"filename": f"images/{name}", "probs": [float(p) for p in probs[rank]], "labels": labels}
        predicted = int(probs[rank].argmax())
        if rank < 6 or model.classes_[predicted] != digits.target[index]:
            attribution = (model.coef_[predicted] * digits.data[index]).reshape(8, 8)
            per_pixel = np.kron(attribution / 16.0, np.ones((4, 4))) / 3.0
            row["attributions"] = [[[round(float(v), 6) for v in line] for line in per_pixel]] * 3
            row["xai_algorithm"] = "integrated_gradients"
        prediction_lines.append(json.dumps(row))
    (OUT / "validation.jsonl").write_text("\n".join(gt_lines) + "\n")
    # The other 1,497 images, for training a network with the runner (`argus train`).
    train_lines = []
    for rank, index in enumerate(train):
        name = f"train_{rank:04d}.png"
        write_png(OUT / "images" / name, np.kron(digits.images[index] * 255.0 / 16.0, np.ones((4, 4))).round())
        train_lines.append(json.dumps({"image_url": f"images/{name}", "image_details": {"format": "png", "width": 32, "height": 32},
                                       "label": str(digits.target[index])}))
    (OUT / "train.jsonl").write_text("\n".join(train_lines) + "\n")
    (OUT / "predictions.jsonl").write_text("\n".join(prediction_lines) + "\n")
    # A second, weaker model on the same images, for `argus compare`.
    other = GaussianNB().fit(digits.data[train], digits.target[train]).predict_proba(digits.data[held_out])
    (OUT / "predictions_naive_bayes.jsonl").write_text("".join(
        json.dumps({"filename": f"images/digit_{rank:04d}.png", "probs": [float(p) for p in other[rank]], "labels": labels}) + "\n"
        for rank in range(len(held_out))))
    truth = digits.target[held_out]
    pred = probs.argmax(axis=1)
    Y = np.eye(10)[truth]
    expected = {"accuracy": m.accuracy_score(truth, pred), "log_loss": m.log_loss(truth, probs, labels=list(range(10))),
                "balanced_accuracy": m.balanced_accuracy_score(truth, pred), "matthews_correlation": m.matthews_corrcoef(truth, pred)}
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = m.precision_recall_fscore_support(truth, pred, average=average, zero_division=0)
        expected.update({f"precision_score_{average}": p, f"recall_score_{average}": r, f"f1_score_{average}": f,
                         f"AUC_{average}": m.roc_auc_score(Y, probs, average=average),
                         f"average_precision_score_{average}": m.average_precision_score(Y, probs, average=average)})
    golden = {"generated_by": "golden/scripts/make_digits.py",
              "versions": {"scikit-learn": version("scikit-learn"), "numpy": np.__version__},
              "expected": {k: float(v) for k, v in expected.items()}, "tolerance": 1e-12}
    (ROOT / "golden/classification/digits_expected.json").write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {OUT} (300 images, accuracy {expected['accuracy']:.4f})")


if __name__ == "__main__":
    main()
