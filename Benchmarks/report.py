#!/usr/bin/env python3
"""Report benchmark: the full report (HTML + PDF + Markdown) of the COCO-scale detection case
(5,000 images, 80 classes, 500,000 detections, a gallery of 50 real image files), against
matplotlib drawing comparable charts (PR curves of every class, both confusion matrices,
per-class bars, the score histogram, the same 50-image gallery with boxes) into a PDF from the
same evaluation folder, the way a notebook would. Each run in its own process, best of 3.

    python3 Benchmarks/report.py --argus .build/release/argus
"""
import argparse
import json
import subprocess
import sys
import time
import zlib
import struct
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from coco_scale import DATA, generate  # noqa: E402

FOLDER = DATA / "report"


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in rgb)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def prepare(images=5000):
    """The COCO-scale case with an image file (a shaded picture with its objects drawn) per image."""
    gt_path, dt_path = generate(images)
    report_gt = FOLDER / "gt.json"
    if report_gt.exists():
        return report_gt, dt_path
    (FOLDER / "images").mkdir(parents=True, exist_ok=True)
    gt = json.loads(gt_path.read_text())
    boxes = {}
    for a in gt["annotations"]:
        boxes.setdefault(a["image_id"], []).append(a["bbox"])
    rng = np.random.default_rng(1)
    for image in gt["images"]:
        h, w = image["height"], image["width"]
        yy, xx = np.mgrid[0:h, 0:w]
        base = rng.integers(40, 200, size=3)
        rgb = np.stack([(base[c] + 40 * np.sin(xx / (23 + 7 * c)) + 30 * np.cos(yy / 31)) for c in range(3)], axis=-1)
        for (x, y, bw, bh) in boxes.get(image["id"], []):
            x0, y0, x1, y1 = int(x), int(y), int(x + bw), int(y + bh)
            rgb[y0:y1, x0:x1] = rgb[y0:y1, x0:x1] * 0.5 + rng.integers(0, 255, size=3) * 0.5
        name = f"images/{image['id']:012d}.png"
        write_png(FOLDER / name, np.clip(rgb, 0, 255).astype(np.uint8))
        image["file_name"] = name
    report_gt.write_text(json.dumps(gt))
    return report_gt, dt_path


MATPLOTLIB = r"""
import json, resource, sys, time
start = time.perf_counter()
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.patches import Rectangle
import numpy as np
folder, out = sys.argv[1], sys.argv[2]
metrics = json.load(open(folder + "/metrics.json"))
curves = json.load(open(folder + "/curves.json"))
# JSON-lines files start with a header line ({"schema_version": …}).
records = [r for r in map(json.loads, open(folder + "/matches.jsonl")) if "schema_version" not in r]
images = {r["image"]: r for r in map(json.loads, open(folder + "/images.jsonl")) if "schema_version" not in r}
with PdfPages(out) as pdf:
    labels = list(curves["pr_curves"])
    for start_index in range(0, len(labels), 16):
        fig, axes = plt.subplots(4, 4, figsize=(11, 11))
        for ax, label in zip(axes.flat, labels[start_index:start_index + 16]):
            c = curves["pr_curves"][label]
            ax.plot(c["recall"], c["precision"]); ax.set_title(f"{label} AP {metrics['per_label'][label]['average_precision']:.3f}", fontsize=8)
        pdf.savefig(fig); plt.close(fig)
    matrix = np.array(metrics["confusion_matrix"]["counts"], dtype=float)
    for normalized in (False, True):
        fig, ax = plt.subplots(figsize=(11, 11))
        shown = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalized else matrix
        ax.imshow(shown, cmap="viridis"); ax.set_xticks(range(len(shown))); ax.set_yticks(range(len(shown)))
        names = metrics["confusion_matrix"]["labels"]
        ax.set_xticklabels(names, rotation=90, fontsize=4); ax.set_yticklabels(names, fontsize=4)
        pdf.savefig(fig); plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 14))
    per = sorted(metrics["per_label"].items(), key=lambda kv: -(kv[1]["average_precision"] or 0))
    ax.barh([k for k, _ in per], [v["average_precision"] or 0 for _, v in per]); pdf.savefig(fig); plt.close(fig)
    fig, ax = plt.subplots()
    ax.hist([[r["score"] for r in records if r.get("outcome") == "tp"], [r["score"] for r in records if r.get("outcome") == "fp"]], bins=20, range=(0, 1))
    pdf.savefig(fig); plt.close(fig)
    worst = {}
    for r in records:
        if r.get("outcome") == "fp":
            worst[r["image"]] = max(worst.get(r["image"], 0), r["score"])
    picks = sorted(worst, key=lambda k: -worst[k])[:50]
    for page in range(0, len(picks), 6):
        fig, axes = plt.subplots(3, 2, figsize=(8.3, 11.7))
        for ax, name in zip(axes.flat, picks[page:page + 6]):
            ax.imshow(plt.imread(folder + "/" + images[name]["path"]))
            for r in records:
                if r["image"] == name and (r.get("score", 1) >= 0.3 or r["kind"] == "missed"):
                    x, y, w, h = r["bbox"]
                    ax.add_patch(Rectangle((x, y), w, h, fill=False, color="orange" if r.get("outcome") == "fp" else "blue"))
            ax.set_title(name, fontsize=7); ax.axis("off")
        pdf.savefig(fig); plt.close(fig)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

ARGUS = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def best_of(command, times=3):
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]) for _ in range(times)]
    return min(runs, key=lambda r: r["seconds"]) | {"peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", default=".build/release/argus")
    parser.add_argument("--compare", help="another argus binary (say, the previous release) timed in the same run")
    args = parser.parse_args()
    gt, results = prepare()
    compared = None
    if args.compare:
        folder = FOLDER / "evaluation_compared"
        subprocess.run([args.compare, "evaluate", "--task", "image_object_detection", "--ground-truth", str(gt),
                        "--predictions", str(results), "--metric-type", "coco_voc", "--output", str(folder), "--overwrite"],
                       check=True, stdout=subprocess.DEVNULL)
        compared = best_of([sys.executable, "-c", ARGUS, args.compare, "report", str(folder), "--html",
                            str(FOLDER / "report_compared.html"), "--pdf", str(FOLDER / "report_compared.pdf"),
                            "--gallery", "50", "--overwrite"])
    evaluation = FOLDER / "evaluation"
    subprocess.run([args.argus, "evaluate", "--task", "image_object_detection", "--ground-truth", str(gt), "--predictions", str(results),
                    "--metric-type", "coco_voc", "--output", str(evaluation), "--overwrite"], check=True, stdout=subprocess.DEVNULL)
    argus = best_of([sys.executable, "-c", ARGUS, args.argus, "report", str(evaluation), "--html", str(FOLDER / "report.html"),
                     "--pdf", str(FOLDER / "report.pdf"), "--gallery", "50", "--overwrite"])
    found = json.loads(subprocess.run([sys.executable, "-c", "import json,re,sys; s=open(sys.argv[1]).read(); "
                                       "d=json.loads(re.search(r'id=\"argus-chart-data\">(.*?)</script>', s, re.S).group(1)); "
                                       "print(json.dumps(sum(1 for k,v in d.items() if k.startswith('gallery_') and v['image_file_found'])))",
                                       str(FOLDER / "report.html")], check=True, capture_output=True, text=True).stdout)
    peer = best_of([sys.executable, "-c", MATPLOTLIB, str(evaluation), str(FOLDER / "matplotlib.pdf")])
    import matplotlib
    print(f"Report of the COCO-scale case (5,000 images, 80 classes, 500,000 detections; gallery of 50, {found} image files decoded):")
    print(f"  {'':22} {'seconds':>8} {'peak RSS MB':>12} {'time ratio':>11}")
    print(f"  {'argus report':22} {argus['seconds']:8.2f} {argus['peak_rss_bytes'] / 1e6:12.0f} {1:10.1f}x   (HTML + PDF + Markdown; goal < 5 s)")
    if compared:
        print(f"  {'argus report (compared)':22} {compared['seconds']:8.2f} {compared['peak_rss_bytes'] / 1e6:12.0f} "
              f"{compared['seconds'] / argus['seconds']:10.1f}x")
    print(f"  {'matplotlib ' + matplotlib.__version__:22} {peer['seconds']:8.2f} {peer['peak_rss_bytes'] / 1e6:12.0f} {peer['seconds'] / argus['seconds']:10.1f}x   (PDF only)")
    for name in ("report.html", "report.pdf", "matplotlib.pdf"):
        print(f"  {name}: {(FOLDER / name).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
