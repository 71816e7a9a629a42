#!/usr/bin/env python3
"""COCO-scale evaluation benchmark: Argus against pycocotools and faster-coco-eval, end to end
(reading the files → metrics), bbox and segm, each run in its own process with its peak memory.

    python3 Benchmarks/coco_scale.py --argus .build/release/argus [--images 5000] [--types bbox,segm]

Argus (and each binary compared) runs `--repeat` times (3), its best time kept, as are its phases';
the peers run once each. Also times, in the same run, Argus's phases (`argus-bench coco-phases`, beside the argus binary):
the parse floor (simdjson over the results file, nothing built), read, index, match, accumulate,
summarize, write; and prints the whole evaluation as a multiple of the parse floor. Argus, the compared
binary and the phases run in rounds, one run of each a round, so that the figures set side by side
were taken at the machine's speed of the same moment (on a shared machine it drifts by a third).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def generate(images, categories=80, objects_per_image=7.2, detections_per_image=100, seed=0, segm=False):
    """Synthetic COCO-like ground truth and results (about 36,000 objects and 500,000 detections for 5,000 images)."""
    from pycocotools import mask as mask_utils
    rng = np.random.default_rng(seed)
    tag = f"{'segm' if segm else 'bbox'}_{images}"
    gt_path, dt_path = DATA / f"coco_scale_{tag}_gt.json", DATA / f"coco_scale_{tag}_results.json"
    if gt_path.exists() and dt_path.exists():
        return gt_path, dt_path
    DATA.mkdir(parents=True, exist_ok=True)
    gt = {"images": [], "categories": [{"id": c + 1, "name": f"class_{c + 1}"} for c in range(categories)], "annotations": []}
    results = []

    def polygon(x, y, w, h, n=8):
        a = np.sort(rng.uniform(0, 2 * np.pi, n))
        xs, ys = x + w / 2 + w / 2 * np.cos(a), y + h / 2 + h / 2 * np.sin(a)
        ring = np.empty(2 * n); ring[0::2], ring[1::2] = xs, ys
        return [round(float(v), 2) for v in ring]

    ann_id = 1
    for image_id in range(1, images + 1):
        h, w = int(rng.integers(300, 640)), int(rng.integers(300, 640))
        gt["images"].append({"id": image_id, "file_name": f"{image_id:012d}.jpg", "height": h, "width": w})
        objects = []
        for _ in range(int(rng.poisson(objects_per_image))):
            bw, bh = float(rng.uniform(4, w / 2)), float(rng.uniform(4, h / 2))
            x, y = float(rng.uniform(0, w - bw)), float(rng.uniform(0, h - bh))
            category = int(rng.integers(1, categories + 1))
            ann = {"id": ann_id, "image_id": image_id, "category_id": category, "bbox": [round(x, 2), round(y, 2), round(bw, 2), round(bh, 2)],
                   "iscrowd": int(rng.random() < 0.01), "area": round(bw * bh, 2)}
            if segm:
                ann["segmentation"] = [polygon(x, y, bw, bh)]
                ann["area"] = float(mask_utils.area(mask_utils.merge(mask_utils.frPyObjects(ann["segmentation"], h, w))))
            gt["annotations"].append(ann)
            objects.append((x, y, bw, bh, category))
            ann_id += 1
        for d in range(detections_per_image):
            if objects and d < 3 * len(objects):
                x, y, bw, bh, category = objects[d % len(objects)]
                x, y = x + rng.normal(0, bw * 0.1), y + rng.normal(0, bh * 0.1)
                bw, bh = max(1.0, bw * rng.uniform(0.8, 1.2)), max(1.0, bh * rng.uniform(0.8, 1.2))
                if rng.random() < 0.1:
                    category = int(rng.integers(1, categories + 1))
            else:
                bw, bh = float(rng.uniform(4, w / 3)), float(rng.uniform(4, h / 3))
                x, y = float(rng.uniform(0, w - bw)), float(rng.uniform(0, h - bh))
                category = int(rng.integers(1, categories + 1))
            result = {"image_id": image_id, "category_id": category, "score": round(float(rng.random()), 4)}
            box = [round(float(x), 2), round(float(y), 2), round(float(bw), 2), round(float(bh), 2)]
            if segm:
                rle = mask_utils.merge(mask_utils.frPyObjects([polygon(*box)], h, w))
                result["segmentation"] = {"counts": rle["counts"].decode("ascii"), "size": [h, w]}
            else:
                result["bbox"] = box
            results.append(result)
    gt_path.write_text(json.dumps(gt))
    dt_path.write_text(json.dumps(results))
    return gt_path, dt_path


PYCOCOTOOLS = r"""
import json, resource, sys, time
start = time.perf_counter()
module = sys.argv[1]
if module == "pycocotools":
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
else:
    from faster_coco_eval import COCO, COCOeval_faster as COCOeval
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[2]); dt = gt.loadRes(sys.argv[3])
    e = COCOeval(gt, dt, sys.argv[4]); e.evaluate(); e.accumulate(); e.summarize()
with open(sys.argv[5], "w") as f:
    json.dump({"stats": [float(v) for v in e.stats]}, f)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "stats": [float(v) for v in e.stats]}))
"""

WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr); sys.exit(done.returncode)
print(json.dumps({"seconds": seconds, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", default=".build/release/argus")
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--types", default="bbox,segm")
    parser.add_argument("--peers", default="pycocotools,faster_coco_eval", help="comma-separated; empty for none")
    parser.add_argument("--compare", help="another argus binary (say, the previous release) timed in the same run")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each Argus binary and of its phases, the best kept (the peers run once)")
    args = parser.parse_args()
    report = {"cpu_count": os.cpu_count(), "date": time.strftime("%Y-%m-%d"), "runs": {}}
    for iou_type in args.types.split(","):
        gt, dt = generate(args.images, segm=iou_type == "segm")
        with open(gt) as f:
            g = json.load(f)
        print(f"\n{iou_type}: {len(g['images'])} images, {len(g['categories'])} categories, {len(g['annotations'])} objects, "
              f"results {dt.stat().st_size / 1e6:.0f} MB")
        def evaluate(binary, name):
            out = DATA / f"{name.replace(' (compared)', '_compared')}_{iou_type}"
            return run([sys.executable, "-c", WRAPPER, binary, "evaluate", "--task",
                        "image_instance_segmentation" if iou_type == "segm" else "image_object_detection",
                        "--ground-truth", str(gt), "--predictions", str(dt), "--metric-type", "coco", "--output", str(out),
                        "--overwrite"]) | {"out": out}

        # Rounds of one run each (Argus, the compared binary, the phases with the parse floor), so
        # that the figures set side by side were taken at the machine's speed of the same moment.
        binaries = {"argus": args.argus} | ({"argus (compared)": args.compare} if args.compare else {})
        bench = Path(args.argus).parent / "argus-bench"
        timings = {name: [] for name in binaries}
        phase_runs = []
        for _ in range(args.repeat):
            for name, binary in binaries.items():
                timings[name].append(evaluate(binary, name))
            if bench.exists():
                phase_runs.append(run([str(bench), "coco-phases", str(gt), str(dt), iou_type]))
        rows = {}
        for name, runs in timings.items():
            # The best time of the runs, and the largest peak.
            rows[name] = {"seconds": min(r["seconds"] for r in runs), "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
                          "all_seconds": [r["seconds"] for r in runs],
                          "stats": json.loads((runs[0]["out"] / "metrics.json").read_text())["coco"]["stats"]}
        argus = rows["argus"]
        phases = None
        if phase_runs:
            # Each phase's best time over the runs.
            phases = {name: min(r[name] for r in phase_runs) for name in phase_runs[0]}
            argus["phases"] = phases
        for peer in filter(None, args.peers.split(",")):
            try:
                rows[peer] = run([sys.executable, "-c", PYCOCOTOOLS, peer, str(gt), str(dt), iou_type, str(DATA / f"{peer}_{iou_type}.json")])
            except subprocess.CalledProcessError as error:
                print(f"  {peer} failed: {error.stderr[-300:]}")
        print(f"  {'':18} {'seconds':>9} {'peak RSS MB':>12} {'time ratio':>11} {'memory ratio':>13}  AP")
        for name, row in rows.items():
            ratio = row["seconds"] / argus["seconds"]
            memory = row["peak_rss_bytes"] / argus["peak_rss_bytes"]
            print(f"  {name:18} {row['seconds']:9.2f} {row['peak_rss_bytes'] / 1e6:12.0f} {ratio:10.1f}x {memory:12.1f}x  {row['stats'][0]:.12f}")
        if phases:
            listed = ", ".join(f"{name} {seconds:.3f}" for name, seconds in phases.items() if name != "AP")
            print(f"  Argus phases (s): {listed}")
            print(f"  whole evaluation / parse floor: {argus['seconds'] / phases['parse_floor']:.1f}x")
        if "pycocotools" in rows:
            difference = max(abs(a - b) for a, b in zip(argus["stats"], rows["pycocotools"]["stats"]))
            print(f"  largest difference from pycocotools over the 12 stats: {difference:.2e}")
        report["runs"][iou_type] = rows
    (DATA / "coco_scale_last.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
