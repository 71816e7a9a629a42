#!/usr/bin/env python3
"""Scale: 50,000 images and 5,000,000 detections, evaluated in one read and in streaming passes
(`argus evaluate --passes N`), reporting time and peak memory of each. Argus only: at this size
the Python tools take hours or run out of memory on these machines.

    python3 Benchmarks/scale.py --argus .build/release/argus [--images 50000] [--passes 1,10]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coco_scale import DATA, WRAPPER, generate, run  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", default=".build/release/argus")
    parser.add_argument("--images", type=int, default=50000)
    parser.add_argument("--passes", default="1,10")
    parser.add_argument("--compare", help="another argus binary (say, the previous release) timed in the same run")
    args = parser.parse_args()
    gt, dt = generate(args.images, seed=3)
    with open(gt) as f:
        g = json.load(f)
    print(f"scale: {len(g['images'])} images, {len(g['annotations'])} objects, results {dt.stat().st_size / 1e6:.0f} MB "
          f"({args.images * 100:,} detections)")
    del g
    stats = None
    print(f"  {'':12} {'seconds':>9} {'peak RSS MB':>12}")
    binaries = [("", args.argus)] + ([(" (compared)", args.compare)] if args.compare else [])
    for passes in args.passes.split(","):
        for label, binary in binaries:
            out = DATA / f"argus_scale_{passes}{'_compared' if label else ''}"
            row = run([sys.executable, "-c", WRAPPER, binary, "evaluate", "--task", "image_object_detection",
                       "--ground-truth", str(gt), "--predictions", str(dt), "--metric-type", "coco_voc", "--passes",
                       passes, "--output", str(out), "--overwrite"])
            metrics = json.loads((out / "metrics.json").read_text())
            same = stats is None or metrics["coco"]["stats"] == stats
            stats = metrics["coco"]["stats"]
            print(f"  passes {passes:5} {row['seconds']:9.2f} {row['peak_rss_bytes'] / 1e6:12.0f}  "
                  f"{'same metrics' if same else 'DIFFERENT METRICS'}{label}")


if __name__ == "__main__":
    main()
