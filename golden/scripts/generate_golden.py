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


def large_polygon_cases(seed=13, count=300):
    """Polygons in COCO-sized images: steep and shallow edges hundreds of pixels long, thin
    slivers, and points far outside the image (up to 16 image sizes, as the readers allow)."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        h, w = int(rng.integers(200, 640)), int(rng.integers(200, 640))
        kind = index % 4
        n = int(rng.integers(3, 10))
        if kind == 0:    # tall and thin: steep edges
            cx = rng.uniform(0, w)
            xs, ys = cx + rng.uniform(-8, 8, n), rng.uniform(-20, h + 20, n)
        elif kind == 1:  # wide and flat: shallow edges
            cy = rng.uniform(0, h)
            xs, ys = rng.uniform(-20, w + 20, n), cy + rng.uniform(-8, 8, n)
        elif kind == 2:  # far outside on any side
            xs, ys = rng.uniform(-16 * w, 17 * w, n), rng.uniform(-16 * h, 17 * h, n)
        else:            # anywhere near the image, real-valued
            xs, ys = rng.uniform(-w / 2, 1.5 * w, n), rng.uniform(-h / 2, 1.5 * h, n)
        ring = np.empty(2 * n)
        ring[0::2], ring[1::2] = xs, ys
        rings = [[round(float(v), 3) for v in ring]]
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


def random_polygon(rng, cx, cy, rx, ry, n):
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radius = rng.uniform(0.5, 1.0, n)
    xs, ys = cx + rx * radius * np.cos(angles), cy + ry * radius * np.sin(angles)
    ring = np.empty(2 * n)
    ring[0::2], ring[1::2] = xs, ys
    return [round(float(v), 2) for v in ring]


def make_detection_case(seed, segm, images=40, categories=6, box_mode="all"):
    """A generated COCO case with the corner cases that change results: crowds, score ties,
    images without ground truth, a category without ground truth and one without detections,
    more than 100 detections in an image, tiny and huge objects, areas given in the file,
    masks as polygons, uncompressed RLE and compressed RLE, segm results with and without a bbox."""
    rng = np.random.default_rng(seed)
    category_ids = sorted(int(v) for v in rng.choice(np.arange(1, 90), categories, replace=False))
    no_gt_category, no_dt_category = category_ids[-1], category_ids[-2]
    gt = {"images": [], "categories": [{"id": c, "name": f"class_{c}"} for c in category_ids], "annotations": []}
    results = []
    ann_id = 1
    image_ids = sorted(int(v) for v in rng.choice(np.arange(1, 10000), images, replace=False))
    for index, image_id in enumerate(image_ids):
        h, w = int(rng.integers(40, 400)), int(rng.integers(40, 400))
        gt["images"].append({"id": image_id, "file_name": f"img_{image_id}.jpg", "height": h, "width": w})
        n_gt = 0 if index % 7 == 3 else int(rng.integers(1, 9))
        for _ in range(n_gt):
            category = int(rng.choice([c for c in category_ids if c != no_gt_category]))
            kind = rng.random()
            if kind < 0.1:    # tiny
                bw, bh = rng.uniform(0.5, 4), rng.uniform(0.5, 4)
            elif kind < 0.2:  # huge
                bw, bh = rng.uniform(0.8 * w, w), rng.uniform(0.8 * h, h)
            else:
                bw, bh = rng.uniform(5, w / 2), rng.uniform(5, h / 2)
            x, y = rng.uniform(0, max(1e-3, w - bw)), rng.uniform(0, max(1e-3, h - bh))
            box = [round(float(x), 2), round(float(y), 2), round(float(bw), 2), round(float(bh), 2)]
            crowd = int(rng.random() < 0.08)
            ann = {"id": ann_id, "image_id": image_id, "category_id": category, "bbox": box, "iscrowd": crowd}
            ann_id += 1
            poly = random_polygon(rng, box[0] + box[2] / 2, box[1] + box[3] / 2, box[2] / 2, box[3] / 2, int(rng.integers(3, 10)))
            if segm:
                rle = mask_utils.merge(mask_utils.frPyObjects([poly], h, w))
                if crowd or rng.random() < 0.15:  # uncompressed RLE, as crowds are stored
                    m = mask_utils.decode(rle)
                    flat = m.flatten(order="F")
                    runs, cur, run = [], 0, 0
                    for px in flat:
                        if px != cur:
                            runs.append(run); run, cur = 0, px
                        run += 1
                    runs.append(run)
                    ann["segmentation"] = {"counts": runs, "size": [h, w]}
                elif rng.random() < 0.1:
                    ann["segmentation"] = {"counts": rle["counts"].decode("ascii"), "size": [h, w]}
                else:
                    ann["segmentation"] = [poly]
                ann["area"] = float(mask_utils.area(rle))
            else:
                # Areas as files give them: not always the box's own.
                ann["area"] = round(box[2] * box[3] * float(rng.choice([1.0, 1.0, 0.7, 1.3])), 3)
            gt["annotations"].append(ann)
            # Detections of this object: good, poor, duplicate; some in the wrong class.
            for _ in range(int(rng.integers(0, 4))):
                jitter = rng.normal(0, 0.15, 4) * [box[2], box[3], box[2], box[3]]
                dbox = [round(float(v), 2) for v in np.array(box) + jitter]
                dbox[2], dbox[3] = max(0.5, dbox[2]), max(0.5, dbox[3])
                dcat = category if rng.random() > 0.1 else int(rng.choice(category_ids))
                if dcat == no_dt_category:
                    continue
                results.append(detection(rng, image_id, dcat, dbox, h, w, segm, box_mode, len(results)))
        for _ in range(int(rng.integers(0, 4)) if index != 5 else 150):  # image 5: over 100 detections
            dbox = [round(float(rng.uniform(0, w - 10)), 2), round(float(rng.uniform(0, h - 10)), 2),
                    round(float(rng.uniform(2, w / 3)), 2), round(float(rng.uniform(2, h / 3)), 2)]
            dcat = int(rng.choice([c for c in category_ids if c != no_dt_category]))
            results.append(detection(rng, image_id, dcat, dbox, h, w, segm, box_mode, len(results)))
    return gt, results


def detection(rng, image_id, category, box, h, w, segm, box_mode, index):
    # Scores with one decimal make ties within and across images.
    score = round(float(rng.random()), 1) if rng.random() < 0.5 else round(float(rng.random()), 4)
    result = {"image_id": image_id, "category_id": category, "score": score}
    if segm:
        poly = random_polygon(rng, box[0] + box[2] / 2, box[1] + box[3] / 2, box[2] / 2, box[3] / 2, int(rng.integers(3, 9)))
        rle = mask_utils.merge(mask_utils.frPyObjects([poly], h, w))
        result["segmentation"] = {"counts": rle["counts"].decode("ascii"), "size": [h, w]}
        # pycocotools' loadRes looks at the first result: with a bbox, every area comes from the
        # boxes; without, from the masks (and boxes given later are kept but not used for area).
        if box_mode == "all" or (box_mode == "mixed" and index > 0 and rng.random() < 0.5):
            result["bbox"] = box
    else:
        result["bbox"] = box
    return result


DETECTION_VARIANTS = {
    "default": {},
    "maxdets_1_5_20": {"maxDets": [1, 5, 20]},
    "iou_thresholds_3": {"iouThrs": [0.3, 0.5, 0.7]},
    "custom_areas": {"areaRng": [[0, 1e10], [0, 16 ** 2], [16 ** 2, 64 ** 2], [64 ** 2, 1e10]]},
    "no_categories": {"useCats": 0},
}


def run_cocoeval(gt_path, results, iou_type, overrides):
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(gt_path))
        dt = gt.loadRes(results) if results else COCO()
        evaluator = COCOeval(gt, dt, iou_type)
        for key, value in overrides.items():
            setattr(evaluator.params, key, np.array(value) if key == "iouThrs" else value)
        evaluator.evaluate(); evaluator.accumulate(); evaluator.summarize()
    precision = evaluator.eval["precision"]
    per_category = {}
    if evaluator.params.useCats:
        t50 = [i for i, t in enumerate(evaluator.params.iouThrs) if t == 0.5]
        for k, category_id in enumerate(evaluator.params.catIds):
            name = gt.cats[category_id]["name"]
            p = precision[:, :, k, 0, -1]
            ap = float(np.mean(p[p > -1])) if (p > -1).any() else None
            p50 = precision[t50[0], :, k, 0, -1] if t50 else np.array([])
            ap50 = float(np.mean(p50[p50 > -1])) if (p50 > -1).any() else None
            per_category[name] = {"AP": ap, "AP50": ap50}
    return {"stats": [float(v) for v in evaluator.stats], "per_category": per_category}


def detection_cases():
    out = ROOT / "detection/cases"
    out.mkdir(parents=True, exist_ok=True)
    box_modes = {201: "all", 202: "none", 203: "mixed"}
    for iou_type, seeds in (("bbox", [101, 102, 103]), ("segm", [201, 202, 203])):
        for seed in seeds:
            gt, results = make_detection_case(seed, segm=iou_type == "segm", box_mode=box_modes.get(seed, "all"))
            name = f"{iou_type}_{seed}"
            (out / f"{name}_gt.json").write_text(json.dumps(gt))
            (out / f"{name}_results.json").write_text(json.dumps(results))
            variants = DETECTION_VARIANTS if seed in (101, 201) else {"default": {}}
            expected = {key: {"params": value, **run_cocoeval(out / f"{name}_gt.json", results, iou_type, value)}
                        for key, value in variants.items()}
            write(out / f"{name}_expected.json", {"iou_type": iou_type, "tolerance": 1e-12, "variants": expected})


def classification_cases():
    """Multi-class cases scored by scikit-learn with the AutoML service's settings."""
    import sklearn
    from sklearn import metrics as m
    out = ROOT / "classification"
    out.mkdir(parents=True, exist_ok=True)

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    specs = {
        # name: (samples, classes, decimals for ties, absent classes, seed)
        "ties_5": (300, 5, 1, [], 1),
        "absent_class_6": (200, 6, 3, [4], 2),
        "many_1000": (500, 1000, 5, [], 3),
    }
    for name, (n, c, decimals, absent, seed) in specs.items():
        rng = np.random.default_rng(seed)
        allowed = [k for k in range(c) if k not in absent]
        truth = rng.choice(allowed, n)
        logits = rng.normal(0, 1, (n, c))
        logits[np.arange(n), truth] += rng.uniform(0, 3, n)
        probs = softmax(logits)
        if decimals is not None:  # ties in scores (rows no longer sum to 1 exactly)
            probs = np.round(probs, decimals)
            probs[:, -1] = 1 - probs[:, :-1].sum(axis=1)
            probs = np.clip(probs, 0, 1)
        labels = [f"c{k}" for k in range(c)]
        pred = probs.argmax(axis=1)
        Y = np.eye(c)[truth]
        values = {"accuracy": m.accuracy_score(truth, pred),
                  "balanced_accuracy": m.balanced_accuracy_score(truth, pred),
                  "log_loss": m.log_loss(truth, probs, labels=list(range(c))),
                  "matthews_correlation": m.matthews_corrcoef(truth, pred)}
        for k in (2, 3, 5):
            values[f"top_{k}_accuracy"] = m.top_k_accuracy_score(truth, probs, k=k, labels=list(range(c)))
        for average in ("macro", "micro", "weighted"):
            p, r, f, _ = m.precision_recall_fscore_support(truth, pred, labels=list(range(c)), average=average, zero_division=0)
            values[f"precision_score_{average}"], values[f"recall_score_{average}"], values[f"f1_score_{average}"] = p, r, f
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values[f"AUC_{average}"] = m.roc_auc_score(Y, probs, average=average)
                values[f"average_precision_score_{average}"] = m.average_precision_score(Y, probs, average=average)
        p, r, f, support = m.precision_recall_fscore_support(truth, pred, labels=list(range(c)), average=None, zero_division=0)
        cm = m.confusion_matrix(truth, pred, labels=list(range(c)))
        case = {"labels": labels, "truth": truth.tolist(), "probs": [[float(v) for v in row] for row in probs],
                "expected": {k: (None if (isinstance(v, float) and np.isnan(v)) else float(v)) for k, v in values.items()},
                "per_label": {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": support.tolist()},
                "tolerance": 1e-12}
        if c <= 10:
            case["confusion_matrix"] = cm.tolist()
            # The macro ROC curve as scikit-learn's documentation draws it (classes with positives and negatives).
            grid = np.linspace(0.0, 1.0, 1000)
            mean_tpr, used = np.zeros_like(grid), 0
            for k in range(c):
                if 0 < Y[:, k].sum() < n:
                    fpr, tpr, _ = m.roc_curve(Y[:, k], probs[:, k])
                    mean_tpr += np.interp(grid, fpr, tpr)
                    used += 1
            case["macro_roc_tpr"] = (mean_tpr / used).tolist()
            # The macro PR curve likewise: precision interpolated at 1000 recalls (recall increasing).
            mean_precision, used = np.zeros_like(grid), 0
            for k in range(c):
                if Y[:, k].sum() > 0:
                    precision, recall, _ = m.precision_recall_curve(Y[:, k], probs[:, k])
                    mean_precision += np.interp(grid, recall[::-1], precision[::-1])
                    used += 1
            case["macro_pr_precision"] = (mean_precision / used).tolist()
        path = out / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"generated_by": "golden/scripts/generate_golden.py",
                   "versions": {**versions(), "scikit-learn": sklearn.__version__}, **case}
        path.write_text(json.dumps(payload) + "\n")
        print("wrote", path.relative_to(ROOT.parent))


def multilabel_cases():
    """Multi-label cases scored by scikit-learn (a label is predicted when its probability is > 0.5)."""
    import sklearn
    import warnings
    from sklearn import metrics as m
    out = ROOT / "classification"
    for name, (n, c, decimals, seed) in {"multilabel_empty_sets": (250, 6, 1, 11), "multilabel_fine": (400, 12, None, 12)}.items():
        rng = np.random.default_rng(seed)
        Y = (rng.random((n, c)) < rng.uniform(0.05, 0.5, c)).astype(int)
        Y[: n // 10] = 0                 # samples without any label
        Y[:, -1] = 0                     # a label that never occurs
        probs = 1 / (1 + np.exp(-(rng.normal(0, 1.5, (n, c)) + 2.5 * (Y - 0.5))))
        if decimals is not None:
            probs = np.round(probs, decimals)  # ties, and probabilities of exactly 0.5
        P = (probs > 0.5).astype(int)
        values = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values["iou"] = m.jaccard_score(Y, P, average="samples", zero_division=0)
            for average in ("micro", "macro", "weighted"):
                values[f"iou_{average}"] = m.jaccard_score(Y, P, average=average, zero_division=0)
            values["hamming_loss"] = m.hamming_loss(Y, P)
            values["subset_accuracy"] = m.accuracy_score(Y, P)
            for average in ("macro", "micro", "weighted", "samples"):
                p, r, f, _ = m.precision_recall_fscore_support(Y, P, average=average, zero_division=0)
                values[f"precision_score_{average}"], values[f"recall_score_{average}"], values[f"f1_score_{average}"] = p, r, f
                values[f"AUC_{average}"] = m.roc_auc_score(Y, probs, average=average)
                values[f"average_precision_score_{average}"] = m.average_precision_score(Y, probs, average=average)
            classwise = m.jaccard_score(Y, P, average=None, zero_division=0)
        payload = {"generated_by": "golden/scripts/generate_golden.py", "versions": {**versions(), "scikit-learn": sklearn.__version__},
                   "labels": [f"l{k}" for k in range(c)], "truth": Y.tolist(), "probs": probs.tolist(), "threshold": 0.5,
                   "expected": {k: (None if np.isnan(v) else float(v)) for k, v in values.items()},
                   "iou_classwise": classwise.tolist(), "tolerance": 1e-12}
        (out / f"{name}.json").write_text(json.dumps(payload) + "\n")
        print("wrote", (out / f"{name}.json").relative_to(ROOT.parent))


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
    write(ROOT / "masks/polygon_large_cases.json", {"description": "polygons in COCO-sized images, steep, shallow and far outside, rasterised by pycocotools", "cases": large_polygon_cases()})
    write(ROOT / "masks/box_iou_cases.json", {"description": "boxes rasterised by pycocotools and IoU matrices (rows: detections)", "cases": box_and_iou_cases()})
    detection_cases()
    classification_cases()
    multilabel_cases()
    write(ROOT / "detection/peer_sampled_bbox_stats.json", {
        "description": "COCOeval bbox stats on peers/review_object_detection_metrics/tests/test_coco_eval",
        "stats": peer_bbox_stats(),
        "tolerance": 1e-12,
    })


if __name__ == "__main__":
    sys.exit(main())
