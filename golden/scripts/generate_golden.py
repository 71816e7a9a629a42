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


def polygon_cases(seed=7, count=2000):
    """Random polygons (inside, across and outside the image; tiny, degenerate, self-intersecting;
    one to three rings) with pycocotools' rasterisation: frPyObjects, then merge."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        h, w = int(rng.integers(1, 60)), int(rng.integers(1, 60))
        kind = index % 6
        rings = []
        for _ in range(int(rng.integers(1, 4)) if kind == 5 else 1):
            n = int(rng.integers(3, 12))
            if kind == 0:    # inside the image, real-valued
                xs, ys = rng.uniform(0, w, n), rng.uniform(0, h, n)
            elif kind == 1:  # reaching outside the image
                xs, ys = rng.uniform(-10, w + 10, n), rng.uniform(-10, h + 10, n)
            elif kind == 2:  # tiny
                cx, cy = rng.uniform(0, w), rng.uniform(0, h)
                xs, ys = cx + rng.uniform(-0.6, 0.6, n), cy + rng.uniform(-0.6, 0.6, n)
            elif kind == 3:  # degenerate: repeated vertices and collinear points, integer grid
                xs, ys = rng.integers(0, w + 1, n).astype(float), rng.integers(0, h + 1, n).astype(float)
                xs[1], ys[1] = xs[0], ys[0]
            elif kind == 4:  # half-pixel and quarter-pixel coordinates
                xs, ys = rng.integers(0, 4 * w + 1, n) / 4.0, rng.integers(0, 4 * h + 1, n) / 4.0
            else:            # several rings, anywhere
                xs, ys = rng.uniform(-2, w + 2, n), rng.uniform(-2, h + 2, n)
            ring = np.empty(2 * n)
            ring[0::2], ring[1::2] = xs, ys
            rings.append([float(v) for v in ring])
        rle = mask_utils.merge(mask_utils.frPyObjects(rings, h, w))
        cases.append({"height": h, "width": w, "polygons": rings,
                      "compressed": rle["counts"].decode("ascii"), "area": int(mask_utils.area(rle)),
                      "bbox": [float(v) for v in mask_utils.toBbox(rle)]})
    return cases


def box_and_iou_cases(seed=11, count=300):
    """Boxes rasterised (frPyObjects on [x, y, w, h]) and IoU matrices of masks and boxes, crowd flags included."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        h, w = int(rng.integers(5, 50)), int(rng.integers(5, 50))
        def box():
            x, y = rng.uniform(-3, w), rng.uniform(-3, h)
            return [float(x), float(y), float(rng.uniform(0, w / 2)), float(rng.uniform(0, h / 2))]
        dt_boxes = [box() for _ in range(int(rng.integers(1, 5)))]
        gt_boxes = [box() for _ in range(int(rng.integers(1, 5)))]
        crowd = [int(rng.random() < 0.3) for _ in gt_boxes]
        dt_masks = mask_utils.frPyObjects(np.array(dt_boxes), h, w)
        gt_masks = mask_utils.frPyObjects(np.array(gt_boxes), h, w)
        cases.append({
            "height": h, "width": w, "detections": dt_boxes, "ground_truth": gt_boxes, "iscrowd": crowd,
            "detection_masks": [m["counts"].decode("ascii") for m in dt_masks],
            "ground_truth_masks": [m["counts"].decode("ascii") for m in gt_masks],
            "box_iou": np.asarray(mask_utils.iou(dt_boxes, gt_boxes, crowd)).tolist(),
            "mask_iou": np.asarray(mask_utils.iou(dt_masks, gt_masks, crowd)).tolist(),
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
    write(ROOT / "masks/polygon_cases.json", {"description": "random polygons rasterised by pycocotools (frPyObjects + merge)", "cases": polygon_cases()})
    write(ROOT / "masks/box_iou_cases.json", {"description": "boxes rasterised by pycocotools and IoU matrices (rows: detections)", "cases": box_and_iou_cases()})
    write(ROOT / "detection/peer_sampled_bbox_stats.json", {
        "description": "COCOeval bbox stats on peers/review_object_detection_metrics/tests/test_coco_eval",
        "stats": peer_bbox_stats(),
        "tolerance": 1e-12,
    })


if __name__ == "__main__":
    sys.exit(main())
