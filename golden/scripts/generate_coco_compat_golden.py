#!/usr/bin/env python3
"""COCO files as pycocotools reads them: the cases where Argus once differed from pycocotools.

Run from the repository root:  python3 golden/scripts/generate_coco_compat_golden.py
Writes golden/detection/compat/<case>_gt.json, <case>_results.json and <case>_expected.json (the
12 statistics and the AP per category id, computed by pycocotools, with its version). Generated
from the seeded cases of generate_golden.py; never edit the outputs by hand.

- dup_names: two categories share a name; pycocotools keys categories by id.
- string_ids: image ids are strings; pycocotools sorts them as strings.
- stray_category: ground-truth annotations whose category_id names no category; pycocotools leaves
  them out (they match no category id of the evaluation).
- missing_fields (bbox and segm): annotations without id, area, iscrowd, bbox or (segm)
  segmentation. pycocotools raises on these; the expected values are pycocotools' on the file with
  the values Argus fills in: ids numbered 1, 2, … over the annotations image by image (a given id
  keeps its number), area the mask's area (segm) or the box's (bbox), iscrowd 0, bbox the mask's
  bounding box, segmentation the box's corners as a polygon.
- empty_results: an empty results list. pycocotools' loadRes raises on it; the expected values
  are COCOeval's with an empty detection set.
"""
import contextlib
import copy
import io
import json
import sys
from pathlib import Path

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_golden import ROOT, make_detection_case, versions  # noqa: E402

OUT = ROOT / "detection/compat"


def evaluate(gt_dict, results, iou_type):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(gt_dict)
        gt.createIndex()
        if results:
            dt = gt.loadRes(copy.deepcopy(results))
        else:
            dt = COCO()
            dt.dataset = {"images": gt_dict["images"], "categories": gt_dict["categories"], "annotations": []}
            dt.createIndex()
        evaluator = COCOeval(gt, dt, iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    precision = evaluator.eval["precision"]
    per_category = {}
    for k, category_id in enumerate(evaluator.params.catIds):
        p = precision[:, :, k, 0, -1]
        ap = float(np.mean(p[p > -1])) if (p > -1).any() else None
        p50 = precision[0, :, k, 0, -1]
        ap50 = float(np.mean(p50[p50 > -1])) if (p50 > -1).any() else None
        per_category[str(category_id)] = {"name": gt.cats[category_id]["name"], "AP": ap, "AP50": ap50}
    return {"stats": [float(v) for v in evaluator.stats], "per_category": per_category}


def write_case(name, gt, results, iou_type, evaluated_gt=None, notes=""):
    (OUT / f"{name}_gt.json").write_text(json.dumps(gt))
    (OUT / f"{name}_results.json").write_text(json.dumps(results))
    expected = evaluate(evaluated_gt or gt, results, iou_type)
    payload = {"generated_by": "golden/scripts/generate_coco_compat_golden.py", "versions": versions(),
               "iou_type": iou_type, "tolerance": 1e-12, "notes": notes, **expected}
    (OUT / f"{name}_expected.json").write_text(json.dumps(payload, indent=1) + "\n")
    print("wrote", f"golden/detection/compat/{name}_*.json")


def dup_names():
    gt, results = make_detection_case(301, segm=False, images=25)
    ids = [c["id"] for c in gt["categories"]]
    # The first and the fourth category, and the second and the fifth, share names.
    for c in gt["categories"]:
        if c["id"] in (ids[0], ids[3]):
            c["name"] = "person"
        if c["id"] in (ids[1], ids[4]):
            c["name"] = "car"
    write_case("dup_names", gt, results, "bbox", notes="categories named alike are evaluated apart, by id")


def string_ids():
    gt, results = make_detection_case(302, segm=False, images=25)
    # "im1234" order differs from numeric order; pycocotools sorts the string ids.
    rename = {image["id"]: f"im{image['id']}" for image in gt["images"]}
    for image in gt["images"]:
        image["id"] = rename[image["id"]]
    for ann in gt["annotations"]:
        ann["image_id"] = rename[ann["image_id"]]
    for result in results:
        result["image_id"] = rename[result["image_id"]]
    write_case("string_ids", gt, results, "bbox", notes="image ids are strings")


def stray_category():
    gt, results = make_detection_case(303, segm=False, images=25)
    first = gt["annotations"][0]
    next_id = max(a["id"] for a in gt["annotations"]) + 1
    for offset in range(3):
        stray = dict(first, id=next_id + offset, category_id=999, bbox=[5.0 + offset, 5.0, 20.0, 20.0], area=400.0)
        gt["annotations"].append(stray)
    write_case("stray_category", gt, results, "bbox", notes="3 annotations of category 999, which is not listed")


def to_rle(segmentation, h, w):
    if isinstance(segmentation, list):
        return mask_utils.merge(mask_utils.frPyObjects(segmentation, h, w))
    if isinstance(segmentation["counts"], str):
        return {"size": segmentation["size"], "counts": segmentation["counts"].encode("ascii")}
    return mask_utils.frPyObjects(segmentation, h, w)


def missing_fields(iou_type):
    gt, results = make_detection_case(304 if iou_type == "bbox" else 305, segm=True, images=25)
    if iou_type == "bbox":
        for result in results:
            result.pop("segmentation", None)
    stripped = copy.deepcopy(gt)
    filled = copy.deepcopy(gt)
    heights = {image["id"]: (image["height"], image["width"]) for image in gt["images"]}
    # Argus numbers annotations image by image, in the images' order, then in file order.
    order = []
    for image in gt["images"]:
        order += [i for i, a in enumerate(gt["annotations"]) if a["image_id"] == image["id"]]
    number = {index: rank + 1 for rank, index in enumerate(order)}
    for index, (ann, full) in enumerate(zip(stripped["annotations"], filled["annotations"])):
        h, w = heights[ann["image_id"]]
        rle = to_rle(ann["segmentation"], h, w)
        if index % 5 == 0:
            del ann["id"]
            full["id"] = number[index]
        if index % 5 == 1:
            del ann["area"]
            full["area"] = float(mask_utils.area(rle)) if iou_type == "segm" else full["bbox"][2] * full["bbox"][3]
        if index % 5 == 2 and not ann.get("iscrowd"):
            del ann["iscrowd"]
            full["iscrowd"] = 0
        if index % 5 == 3:
            del ann["bbox"]
            full["bbox"] = [float(v) for v in mask_utils.toBbox(rle)]
            if "area" not in ann:
                full["area"] = float(mask_utils.area(rle))
        if index % 5 == 4 and iou_type == "segm" and not ann.get("iscrowd"):
            # Without a mask, the box stands for it: its corners as a polygon, as pycocotools' frBbox
            # orders them; the area stays as given.
            del ann["segmentation"]
            x, y, w, h = full["bbox"]
            full["segmentation"] = [[x, y, x, y + h, x + w, y + h, x + w, y]]
    write_case(f"missing_fields_{iou_type}", stripped, results, iou_type, evaluated_gt=filled,
               notes="annotations without id, area, iscrowd or bbox; expected from the filled-in file")


def empty_results():
    gt, _ = make_detection_case(306, segm=False, images=20)
    write_case("empty_results", gt, [], "bbox", notes="an empty results list")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    dup_names()
    string_ids()
    stray_category()
    missing_fields("bbox")
    missing_fields("segm")
    empty_results()


if __name__ == "__main__":
    main()
