"""Batch inference: a model folder and AutoML JSONL in, AutoML scoring JSONL out, resumable.

Predictions are appended in data order to ``PRED.partial`` and renamed to ``PRED`` only when every
image is done, so a file under the final name is always complete. A killed run started again with
the same data and output continues after the last whole line of the partial file.
"""

import json
import os
import time
from pathlib import Path

import torch

from . import bundle, data, devices, predict
from .protocol import Progress, RunnerError, emit

LOADER_KEYS = ("model", "data", "predictions", "device", "batch_size", "number_of_workers", "autocast")


def run(raw):
    for key in ("model", "data", "predictions"):
        if not raw.get(key):
            raise RunnerError(f"configuration: '{key}' is required for infer")
    overrides = {k: v for k, v in raw.items() if k not in ("model",)}
    model, settings, labels = bundle.load(raw["model"], overrides)
    items = data.read_jsonl(settings.data)
    output = Path(settings.predictions)
    partial = output.with_name(output.name + ".partial")
    done = resume_point(partial, items)
    device = devices.choose(settings.device)
    model.to(device)
    emit("start", phase="infer", total=len(items), resumed_at=done, device=str(device),
         model_name=settings.model_name, task=settings.task)
    started = time.monotonic()
    with open(partial, "a", encoding="utf-8") as sink:
        for rows in predictions(model, items[done:], settings, labels, device, Progress(len(items) - done, "infer")):
            sink.write("".join(json.dumps(row) + "\n" for row in rows))
            sink.flush()
        os.fsync(sink.fileno())
    os.replace(partial, output)
    elapsed = time.monotonic() - started
    emit("done", phase="infer", images=len(items) - done, predictions=str(output),
         images_per_second=round((len(items) - done) / elapsed, 2) if elapsed > 0 else 0.0,
         peak_gpu_memory_bytes=devices.peak_memory(device))


def resume_point(partial, items):
    """How many images a partial file already holds; a torn last line is cut off; a foreign file is an error."""
    if not partial.exists():
        return 0
    content = partial.read_bytes()
    whole = content[:content.rfind(b"\n") + 1]
    if len(whole) != len(content):
        with open(partial, "r+b") as handle:
            handle.truncate(len(whole))
    lines = whole.decode("utf-8").splitlines()
    if len(lines) > len(items):
        raise RunnerError(f"{partial}: holds more predictions than the data has images; remove it to start again")
    for number, (line, item) in enumerate(zip(lines, items), start=1):
        try:
            name = json.loads(line).get("filename")
        except (json.JSONDecodeError, AttributeError):
            name = None
        if name != item.name:
            raise RunnerError(f"{partial}:{number}: does not belong to this data (expected '{item.name}'); "
                              "remove it to start again")
    return len(lines)


def predictions(model, items, settings, labels, device, progress):
    """Yields the rows of each batch, in data order."""
    classification = "classification" in settings.task
    multilabel = settings.task == "image_classification_multilabel"
    if classification:
        from .models import classification_transforms

        dataset = data.ClassificationSet(items, labels, classification_transforms(settings, training=False))
    else:
        dataset = data.DetectionSet(items, labels)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=settings.batch_size, shuffle=False, num_workers=settings.number_of_workers,
        pin_memory=device.type == "cuda", collate_fn=None if classification else data.collate,
        persistent_workers=False)
    with torch.inference_mode():
        for images, _, indices in loader:
            batch_items = [items[int(i)] for i in indices]
            with devices.autocast(device, settings.autocast):
                if classification:
                    logits = model(images.to(device, non_blocking=True))
                    rows = predict.classification_rows(logits, batch_items, labels, multilabel)
                else:
                    rows = _detect(model, images, batch_items, settings, labels, device)
            progress.advance(len(rows))
            yield rows


def _detect(model, images, items, settings, labels, device):
    images = [image.to(device, non_blocking=True) for image in images]
    if not settings.tile_grid_size:
        outputs = model(images)
    else:
        if settings.task == "image_instance_segmentation":
            raise RunnerError("tile_grid_size applies to object detection only")
        outputs = []
        for image in images:
            pieces, origins = predict.tiled_inputs(image, settings)
            merged = predict.merge_tiles(model(pieces), origins, settings.tile_predictions_nms_thresh,
                                         settings.box_detections_per_img)
            outputs.append(merged)
    return [predict.detection_row(item, output, (image.shape[-1], image.shape[-2]), labels, settings)
            for item, output, image in zip(items, outputs, images)]
