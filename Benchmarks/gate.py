#!/usr/bin/env python3
"""The gate's paired bootstrap at scale: 1,000 resamples of the COCO-scale detection case.

    python3 Benchmarks/gate.py --argus .build/release/argus [--peer-resamples 2]

Evaluates the 5,000-image case of coco_scale.py (500,000 detections; `coco_voc`, COCO matching
kept with --bootstrap-records) twice — the results as they are (candidate) and with every score
jittered (baseline) — then times `argus gate` (1,000 resamples; every resample recomputes every
class's AP from the kept records, never matching again) with two policies: VOC
(mean_average_precision significance + per-label AP with Holm) and COCO (coco.AP significance +
per-label coco.AP with Holm). Whole processes, peak memory of the gate alone.

The peer is what a team writes by hand without Argus: draw the images with replacement, build the
resampled data set (each image copied as often as drawn) and run faster-coco-eval on it for both
models — `--peer-resamples` of them, timed per resample (evaluation only) and projected to 1,000.
"""
import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from coco_scale import DATA, WRAPPER, generate, run  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", default=".build/release/argus")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--peer-resamples", type=int, default=2, help="resamples of the hand-written peer (0: none)")
    args = parser.parse_args()
    gt, dt = generate(5000)
    jittered = DATA / "coco_scale_bbox_5000_results_jittered.json"
    if not jittered.exists():
        rng = random.Random(7)
        results = json.loads(dt.read_text())
        for result in results:
            result["score"] = round(min(1.0, max(0.0, result["score"] + rng.gauss(0, 0.05))), 5)
        jittered.write_text(json.dumps(results))
    folders = {}
    for name, predictions in (("candidate", dt), ("baseline", jittered)):
        folder = DATA / f"gate_{name}"
        subprocess.run([args.argus, "evaluate", "--task", "image_object_detection", "--ground-truth", str(gt),
                        "--predictions", str(predictions), "--metric-type", "coco_voc", "--bootstrap-records",
                        "--output", str(folder), "--overwrite"], check=True, capture_output=True)
        folders[name] = folder
    policies = {
        "VOC": "  - {metric: mean_average_precision, significant: {confidence: 0.95, margin: 0.01}}\n"
               "  - {per_label: average_precision, max_drop: 0.05, correction: holm, alpha: 0.05}\n",
        "COCO": "  - {metric: coco.AP, significant: {confidence: 0.95, margin: 0.01}}\n"
                "  - {per_label: coco.AP, max_drop: 0.05, correction: holm, alpha: 0.05}\n",
    }
    print(f"gate: {args.resamples} paired resamples of 5,000 images (500,000 detections, 80 classes), two rules")
    seconds = {}
    for name, rules in policies.items():
        policy = DATA / f"gate_policy_{name}.yml"
        policy.write_text(f"resamples: {args.resamples}\nrules:\n{rules}")
        row = run([sys.executable, "-c", WRAPPER.replace("if done.returncode != 0:", "if done.returncode not in (0, 1):"),
                   args.argus, "gate", "--policy", str(policy), "--candidate", str(folders["candidate"]),
                   "--baseline", str(folders["baseline"]), "--no-record", "--json", str(DATA / "gate.json")])
        decision = json.loads((DATA / "gate.json").read_text())
        seconds[name] = row["seconds"]
        print(f"  {name}: {row['seconds']:.2f} s, peak {row['peak_rss_bytes'] / 1e6:.0f} MB")
        for rule in decision["rules"]:
            print(f"    {'PASS' if rule['passed'] else 'FAIL'} {rule['rule']}: {rule['detail']}")
    if args.peer_resamples > 0:
        per = peer(gt, dt, jittered, args.peer_resamples)
        projected = per * args.resamples
        print(f"  peer (faster-coco-eval on each resampled set, both models): {per:.2f} s per resample; "
              f"{args.resamples} resamples ≈ {projected:.0f} s = {projected / seconds['COCO']:.0f}× Argus's COCO gate")


def peer(gt_path, dt_path, jittered_path, resamples):
    """Seconds per paired resample of the hand-written bootstrap (evaluation only)."""
    import contextlib
    import io

    import numpy as np
    from faster_coco_eval import COCO, COCOeval_faster

    gt = json.loads(Path(gt_path).read_text())
    models = [json.loads(Path(dt_path).read_text()), json.loads(Path(jittered_path).read_text())]
    ids = [image["id"] for image in gt["images"]]
    rng = np.random.default_rng(42)
    spent = 0.0
    for _ in range(resamples):
        drawn = np.bincount(rng.integers(0, len(ids), len(ids)), minlength=len(ids))
        weights = dict(zip(ids, drawn.tolist()))
        images = [dict(i, id=i["id"] * 10 + c) for i in gt["images"] for c in range(weights[i["id"]])]
        annotations = [dict(a, id=a["id"] * 10 + c, image_id=a["image_id"] * 10 + c)
                       for a in gt["annotations"] for c in range(weights[a["image_id"]])]
        data = dict(gt, images=images, annotations=annotations)
        for results in models:
            copies = [dict(r, image_id=r["image_id"] * 10 + c) for r in results for c in range(weights[r["image_id"]])]
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                truth = COCO(data)
                evaluation = COCOeval_faster(truth, truth.loadRes(copies), "bbox")
                evaluation.evaluate()
                evaluation.accumulate()
                evaluation.summarize()
            spent += time.perf_counter() - start
    return spent / resamples


if __name__ == "__main__":
    main()
