#!/usr/bin/env python3
"""The gate's COCO bootstrap, computed independently with pycocotools.

Run from the repository root:  python3 golden/scripts/generate_gate_coco_golden.py
Reads golden/detection/cases/bbox_102_{gt,results}.json (the candidate) and writes
golden/gate/coco_bbox_102_baseline.json (the same detections with every score jittered: the
baseline) and golden/gate/coco_bootstrap.json: for 200 resamples of the 40 images (numpy, seed 7),
each image's weight (how many times it was drawn) and pycocotools' 12 statistics and per-category
AP of both models on the resampled data set, made by copying each image as many times as it was
drawn (copies get ids id × 1000 + c, so they sit next to each other in pycocotools' image order);
then the 2.5 / 97.5 percentiles of the AP and AP50 differences (numpy's linear percentile).
Never edit the output by hand.
"""
import contextlib
import copy
import io
import json
import platform
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "golden/detection/cases"
OUT = ROOT / "golden/gate"
RESAMPLES = 200


def resampled(gt, results, weights):
    """The data set with image i copied weights[i] times."""
    images, annotations, detections = [], [], []
    for image in gt["images"]:
        for c in range(weights[image["id"]]):
            images.append(dict(image, id=image["id"] * 1000 + c))
    for annotation in gt["annotations"]:
        for c in range(weights[annotation["image_id"]]):
            annotations.append(dict(annotation, id=annotation["id"] * 1000 + c,
                                    image_id=annotation["image_id"] * 1000 + c))
    # Each copy's detections keep their order in the results file (pycocotools' tie order).
    for c in range(max(weights.values())):
        for result in results:
            if c < weights[result["image_id"]]:
                detections.append(dict(copy.deepcopy(result), image_id=result["image_id"] * 1000 + c))
    return dict(gt, images=images, annotations=annotations), detections


def evaluate(gt, detections):
    """pycocotools' stats (None for -1) and per-category AP over IoU .50:.95 (None without ground truth)."""
    with contextlib.redirect_stdout(io.StringIO()):
        truth = COCO()
        truth.dataset = copy.deepcopy(gt)
        truth.createIndex()
        found = truth.loadRes(copy.deepcopy(detections)) if detections else COCO()
        evaluator = COCOeval(truth, found, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    precision = evaluator.eval["precision"]
    per_category = {}
    for k, category in enumerate(evaluator.params.catIds):
        values = precision[:, :, k, 0, -1]
        values = values[values > -1]
        per_category[str(category)] = float(np.mean(values)) if values.size else None
    stats = [float(s) if s > -1 else None for s in evaluator.stats]
    return stats, per_category


def main():
    gt = json.loads((CASES / "bbox_102_gt.json").read_text())
    candidate = json.loads((CASES / "bbox_102_results.json").read_text())
    rng = np.random.default_rng(7)
    baseline = copy.deepcopy(candidate)
    for result in baseline:
        result["score"] = round(float(np.clip(result["score"] + rng.normal(0, 0.15), 0.001, 1)), 3)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "coco_bbox_102_baseline.json").write_text(json.dumps(baseline) + "\n")
    ids = [image["id"] for image in gt["images"]]
    rows = []
    for _ in range(RESAMPLES):
        drawn = rng.integers(0, len(ids), len(ids))
        weights = {image: 0 for image in ids}
        for index in drawn:
            weights[ids[index]] += 1
        data, candidate_detections = resampled(gt, candidate, weights)
        _, baseline_detections = resampled(gt, baseline, weights)
        a_stats, a_categories = evaluate(data, candidate_detections)
        b_stats, b_categories = evaluate(data, baseline_detections)
        rows.append({"weights": [weights[image] for image in ids],
                     "candidate": {"stats": a_stats, "per_category_ap": a_categories},
                     "baseline": {"stats": b_stats, "per_category_ap": b_categories}})

    def interval(index):
        deltas = [r["candidate"]["stats"][index] - r["baseline"]["stats"][index] for r in rows
                  if r["candidate"]["stats"][index] is not None and r["baseline"]["stats"][index] is not None]
        return {"low": float(np.percentile(deltas, 2.5)), "high": float(np.percentile(deltas, 97.5)),
                "count": len(deltas)}

    payload = {
        "generated_by": "golden/scripts/generate_gate_coco_golden.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "pycocotools": package_version("pycocotools")},
        "ground_truth": "golden/detection/cases/bbox_102_gt.json",
        "candidate": "golden/detection/cases/bbox_102_results.json",
        "baseline": "golden/gate/coco_bbox_102_baseline.json",
        "image_ids": ids, "tolerance": 1e-12,
        "statistics": ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"],
        "intervals": {"AP": interval(0), "AP50": interval(1)},
        "resamples": rows,
    }
    (OUT / "coco_bootstrap.json").write_text(json.dumps(payload, indent=1) + "\n")
    print("wrote", (OUT / "coco_bootstrap.json").relative_to(ROOT))


if __name__ == "__main__":
    main()
