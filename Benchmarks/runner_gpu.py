#!/usr/bin/env python3
"""The runner's inference throughput against a plain PyTorch loop over the same model and images.

For resnet50 (224×224 crops of 256×256 JPEGs) and fasterrcnn_resnet50_fpn (640×480 JPEGs), at several
batch sizes, with and without autocast, image decoding included in both: the runner's path
(``argus_runner.infer``: its DataLoader, transforms, model and output rows) and a plain loop (a
DataLoader decoding with PIL, the same transforms and model, outputs moved to the CPU). Both use
untrained weights (throughput does not depend on them). Prints a Markdown table with the ratio
runner / plain (the goal: at least 0.9) and writes the figures as JSON.

  .venv/bin/python Benchmarks/runner_gpu.py --device cuda --images 512 --output Benchmarks/runner_gpu.json
  .venv/bin/python Benchmarks/runner_gpu.py --device cpu --images 16 --batch-sizes 2 --quick   # a smoke run
"""

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runner"))
from argus_runner import bundle, data, devices, infer, models, settings  # noqa: E402
from argus_runner.protocol import Progress  # noqa: E402


def make_images(folder, count, size):
    rng = np.random.default_rng(0)
    lines = []
    for index in range(count):
        name = f"img_{index:05d}.jpg"
        pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name, quality=90)
        lines.append(json.dumps({"image_url": name, "label": []}))
    path = folder / "data.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def runner_pass(model, items, config, labels, device):
    started = time.perf_counter()
    count = 0
    for rows in infer.predictions(model, items, config, labels, device, Progress(len(items), "bench", 1e9)):
        count += len(rows)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return count / (time.perf_counter() - started)


def plain_pass(model, items, config, device, classification):
    if classification:
        transform = models.classification_transforms(config, training=False)
        dataset = [(item, transform) for item in items]

        def load(pair):
            item, chosen = pair
            return chosen(Image.open(item.path).convert("RGB"))
    else:
        dataset = items

        def load(item):
            array = np.asarray(Image.open(item.path).convert("RGB"), dtype=np.uint8).copy()
            return torch.from_numpy(array).permute(2, 0, 1).float() / 255.0

    loader = torch.utils.data.DataLoader(
        dataset, batch_size=config.batch_size, num_workers=config.number_of_workers, pin_memory=device.type == "cuda",
        collate_fn=(lambda batch: torch.stack([load(x) for x in batch])) if classification
        else (lambda batch: [load(x) for x in batch]))
    started = time.perf_counter()
    count = 0
    with torch.inference_mode(), devices.autocast(device, config.autocast):
        for batch in loader:
            if classification:
                output = model(batch.to(device, non_blocking=True)).float().softmax(1).cpu()
                count += len(output)
            else:
                outputs = model([image.to(device, non_blocking=True) for image in batch])
                count += len([{k: v.cpu() for k, v in o.items()} for o in outputs])
    if device.type == "cuda":
        torch.cuda.synchronize()
    return count / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--images", type=int, default=512)
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="small images, for a smoke run on a CPU")
    parser.add_argument("--output", default="")
    arguments = parser.parse_args()
    device = devices.choose(arguments.device)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, task, size in (("resnet50", "image_classification", (256, 256)),
                                 ("fasterrcnn_resnet50_fpn", "image_object_detection", (640, 480))):
            if arguments.quick:
                size = (64, 64)
            folder = Path(scratch) / name
            folder.mkdir()
            items = data.read_jsonl(make_images(folder, arguments.images, size))
            labels = [f"class_{k}" for k in range(10)]
            base = settings.check({"task": task, "model_name": name, "number_of_workers": arguments.workers,
                                   "box_score_thresh": 0.05, "min_size": 480 if not arguments.quick else 64,
                                   "max_size": 640 if not arguments.quick else 64})
            model = models.build(base, len(labels)).eval().to(device)
            for batch_size in (int(b) for b in arguments.batch_sizes.split(",")):
                for autocast in (("off", "fp16") if device.type == "cuda" else ("off",)):
                    config = settings.Settings({**base, "batch_size": batch_size, "autocast": autocast})
                    runner_pass(model, items[: max(batch_size * 2, 4)], config, labels, device)  # warm-up
                    if device.type == "cuda":
                        torch.cuda.reset_peak_memory_stats(device)
                    runner = runner_pass(model, items, config, labels, device)
                    peak = devices.peak_memory(device)
                    plain = plain_pass(model, items, config, device, "classification" in task)
                    results.append({"model": name, "batch_size": batch_size, "autocast": autocast,
                                    "runner_images_per_second": round(runner, 1),
                                    "plain_images_per_second": round(plain, 1), "ratio": round(runner / plain, 3),
                                    "peak_gpu_memory_bytes": peak})
                    print(json.dumps(results[-1]), flush=True)
    machine = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor(),
               "torch": torch.__version__, "images": arguments.images, "workers": arguments.workers}
    print(f"\n{machine}\n\n| model | batch | autocast | runner img/s | plain img/s | runner / plain |")
    print("|---|---|---|---|---|---|")
    for row in results:
        print(f"| {row['model']} | {row['batch_size']} | {row['autocast']} | {row['runner_images_per_second']} | "
              f"{row['plain_images_per_second']} | {row['ratio']} |")
    if arguments.output:
        Path(arguments.output).write_text(json.dumps({"machine": machine, "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
