#!/usr/bin/env python3
"""Argus against the Python reference tools, side by side in one run, reported as ratios.

    make bench                      # builds release, installs the reference tools when missing
    python3 Benchmarks/run_benchmarks.py --argus .build/release/argus

Each measurement runs in its own process so that its peak memory (ru_maxrss) is its own.
Data is generated under Benchmarks/data/ (git-ignored) with a fixed seed.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def generate_coco_results(path: Path, detections: int = 500_000, images: int = 5_000, seed: int = 1):
    """A COCO results list like a detector's: ~100 bytes a detection."""
    if path.exists():
        return
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        f.write("[")
        for i in range(detections):
            x, y = rng.uniform(0, 600), rng.uniform(0, 400)
            w, h = rng.uniform(1, 200), rng.uniform(1, 200)
            item = {"image_id": rng.randrange(images), "category_id": rng.randrange(1, 91),
                    "bbox": [round(x, 2), round(y, 2), round(w, 2), round(h, 2)], "score": round(rng.random(), 5)}
            f.write(("," if i else "") + json.dumps(item))
        f.write("]")


PYTHON_LOAD = r"""
import json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1]) as f:
    data = json.load(f)
seconds = time.perf_counter() - start
print(json.dumps({"task": "json.load", "seconds": seconds, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "detections": len(data)}))
"""

PYTHON_BASELINE = r"""
import json, resource
print(json.dumps({"peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def run_json(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(output)


def best_of(runs, command):
    results = [run_json(command) for _ in range(runs)]
    return min(results, key=lambda r: r["seconds"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", default=".build/release/argus")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench = Path(args.argus).parent / "argus-bench"
    if not bench.exists():
        subprocess.run(
            ["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "argus-bench"], check=True)

    results_file = DATA / "coco_results_500k.json"
    generate_coco_results(results_file)
    size = results_file.stat().st_size
    print(f"COCO results file: {results_file.name}, {size / 1e6:.1f} MB, 500,000 detections")

    argus = best_of(args.runs, [str(bench), "load-coco-results", str(results_file)])
    python = best_of(args.runs, [sys.executable, "-c", PYTHON_LOAD, str(results_file)])
    baseline = run_json([sys.executable, "-c", PYTHON_BASELINE])["peak_rss_bytes"]
    assert argus["detections"] == python["detections"] == 500_000, (argus, python)

    rows = [
        ("Argus (COCOReader.readResults)", argus["seconds"], argus["peak_rss_bytes"]),
        ("Python json.load", python["seconds"], python["peak_rss_bytes"]),
    ]
    print(f"{'':34} {'seconds':>8} {'peak RSS MB':>12} {'RSS / file':>10}")
    for name, seconds, rss in rows:
        print(f"{name:34} {seconds:8.3f} {rss / 1e6:12.1f} {rss / size:10.2f}")
    print(f"speed-up over json.load: {python['seconds'] / argus['seconds']:.1f}x; "
          f"memory: {python['peak_rss_bytes'] / argus['peak_rss_bytes']:.1f}x less "
          f"(Python interpreter alone: {baseline / 1e6:.1f} MB)")
    summary = {"file_bytes": size, "argus": argus, "python_json_load": python,
               "speedup": python["seconds"] / argus["seconds"], "cpu_count": os.cpu_count(),
               "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d")}
    (DATA / "last_results.json").write_text(json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
