#!/usr/bin/env python3
"""Produces Argus's golden reference files with the reference tools themselves.

Run from the repository root:  python3 golden/scripts/generate_golden.py
Every output records the versions of the tools that computed it. Never edit the outputs by hand.
"""
import json
import platform
import random
import sys
from pathlib import Path

import numpy as np
from importlib.metadata import version as package_version
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

ROOT = Path(__file__).resolve().parents[1]


def versions():
    return {"python": platform.python_version(), "numpy": np.__version__, "pycocotools": package_version("pycocotools")}


def write(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"generated_by": "golden/scripts/generate_golden.py", "versions": versions(), **payload}
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print("wrote", path.relative_to(ROOT.parent))


def rle_cases(seed=20261129, count=300):
    """Random binary masks and pycocotools' RLE of each: uncompressed runs and the compressed string."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        h, w = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        kind = index % 3
        if kind == 0:
            mask = rng.random((h, w)) < rng.random()
        elif kind == 1:  # blobs: long runs, large counts
            mask = np.zeros((h, w), dtype=bool)
            y0, x0 = rng.integers(0, h), rng.integers(0, w)
            mask[y0:y0 + int(rng.integers(1, h + 1)), x0:x0 + int(rng.integers(1, w + 1))] = True
        else:  # big images with a few pixels: large run lengths and deltas
            h, w = int(rng.integers(100, 700)), int(rng.integers(100, 700))
            mask = np.zeros((h, w), dtype=bool)
            for _ in range(int(rng.integers(0, 6))):
                mask[int(rng.integers(0, h)), int(rng.integers(0, w))] = True
        encoded = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
        # Uncompressed runs from the column-major pixels, as COCO defines them.
        flat = mask.flatten(order="F")
        runs, current, run = [], False, 0
        for pixel in flat:
            if bool(pixel) != current:
                runs.append(run)
                run, current = 0, bool(pixel)
            run += 1
        runs.append(run)
        cases.append({
            "height": h, "width": w, "counts": runs,
            "compressed": encoded["counts"].decode("ascii"),
            "area": int(mask_utils.area(encoded)),
            "bbox": [float(v) for v in mask_utils.toBbox(encoded)],
        })
    return cases


def peer_bbox_stats():
    """pycocotools' 12 bbox statistics on the peers' sampled COCO case (published in golden/peers/README.md)."""
    base = ROOT / "peers/review_object_detection_metrics/tests/test_coco_eval"
    gt = COCO(str(base / "gts/sampled_gts_bbox_area.json"))
    dt = gt.loadRes(str(base / "cocoapi_results.json"))
    evaluator = COCOeval(gt, dt, "bbox")
    evaluator.evaluate(); evaluator.accumulate(); evaluator.summarize()
    return [float(v) for v in evaluator.stats]


def main():
    random.seed(0)
    write(ROOT / "masks/rle_cases.json", {"description": "random masks with pycocotools RLE encodings", "cases": rle_cases()})
    write(ROOT / "detection/peer_sampled_bbox_stats.json", {
        "description": "COCOeval bbox stats on peers/review_object_detection_metrics/tests/test_coco_eval",
        "stats": peer_bbox_stats(),
        "tolerance": 1e-12,
    })


if __name__ == "__main__":
    sys.exit(main())
