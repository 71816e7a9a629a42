#!/usr/bin/env python3
"""The gate's paired bootstrap at scale: 1,000 resamples of the COCO-scale detection case.

    python3 Benchmarks/gate.py --argus .build/release/argus

Evaluates the 5,000-image case of coco_scale.py (500,000 detections, VOC matching kept in
matches.jsonl) twice — the results as they are (candidate) and with every score jittered
(baseline) — then times `argus gate` with a significance rule on mean_average_precision and a
per-label rule (1,000 resamples each; every resample recomputes every class's AP from the match
records). Whole processes, peak memory of the gate alone.
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
                        "--predictions", str(predictions), "--metric-type", "voc", "--output", str(folder),
                        "--overwrite"], check=True, capture_output=True)
        folders[name] = folder
    policy = DATA / "gate_policy.yml"
    policy.write_text(f"resamples: {args.resamples}\nrules:\n"
                      "  - {metric: mean_average_precision, significant: {confidence: 0.95, margin: 0.01}}\n"
                      "  - {per_label: average_precision, max_drop: 0.05, correction: holm, alpha: 0.05}\n")
    row = run([sys.executable, "-c", WRAPPER.replace("if done.returncode != 0:", "if done.returncode not in (0, 1):"),
               args.argus, "gate", "--policy", str(policy), "--candidate", str(folders["candidate"]),
               "--baseline", str(folders["baseline"]), "--no-record", "--json", str(DATA / "gate.json")])
    decision = json.loads((DATA / "gate.json").read_text())
    print(f"gate: {args.resamples} paired resamples of 5,000 images (500,000 detections, 80 classes), two rules")
    print(f"  {row['seconds']:.2f} s, peak {row['peak_rss_bytes'] / 1e6:.0f} MB")
    for rule in decision["rules"]:
        print(f"  {'PASS' if rule['passed'] else 'FAIL'} {rule['rule']}: {rule['detail']}")


if __name__ == "__main__":
    main()
