"""Explanations for classification through captum: integrated gradients, guided backprop, guided Grad-CAM
and XRAI, written into the scoring output as ``attributions`` ``[3, crop, crop]`` with ``xai_algorithm``.

The output holds every image's prediction; the first ``explain_first`` images (all when 0) carry an
attribution for their predicted class, computed on the resized and cropped input (multi-label: one
``[3, crop, crop]`` array per class over the threshold, with ``attribution_labels`` naming them).
"""

import json
import os
from pathlib import Path

import numpy as np
import torch

from . import bundle, data, devices, infer
from .models import classification_transforms
from .protocol import Progress, RunnerError, emit


def run(raw):
    for key in ("model", "data", "predictions"):
        if not raw.get(key):
            raise RunnerError(f"configuration: '{key}' is required for explain")
    model, settings, labels = bundle.load(raw["model"], {k: v for k, v in raw.items() if k != "model"})
    if "classification" not in settings.task:
        raise RunnerError(f"explanations are made for classification models; this one is {settings.task}")
    items = data.read_jsonl(settings.data)
    device = devices.choose(settings.device)
    model.to(device)
    chosen = len(items) if settings.explain_first == 0 else min(settings.explain_first, len(items))
    emit("start", phase="explain", total=len(items), explained=chosen, xai_algorithm=settings.xai_algorithm)
    rows = [row for batch in infer.predictions(model, items, settings, labels, device, Progress(len(items), "infer"))
            for row in batch]
    transform = classification_transforms(settings, training=False)
    explainer = Explainer(model, settings)
    progress = Progress(chosen, "explain")
    for item, row in zip(items[:chosen], rows):
        image = transform(data.open_rgb(item)).unsqueeze(0).to(device)
        targets = explained_classes(row["probs"], settings)
        attributions = [explainer.attribute(image, target) for target in targets]
        if settings.task == "image_classification":
            row["attributions"] = np.round(attributions[0], 6).tolist()
        else:
            row["attributions"] = np.round(np.stack(attributions), 6).tolist()
            row["attribution_labels"] = [labels[target] for target in targets]
        row["xai_algorithm"] = settings.xai_algorithm
        progress.advance(1)
    output = Path(settings.predictions)
    partial = output.with_name(output.name + ".partial")
    with open(partial, "w", encoding="utf-8") as sink:
        sink.write("".join(json.dumps(row) + "\n" for row in rows))
        os.fsync(sink.fileno())
    os.replace(partial, output)
    emit("done", phase="explain", images=len(items), explained=chosen, predictions=str(output))


def explained_classes(probs, settings):
    """Multi-class: the predicted class. Multi-label: every class at or over
    ``confidence_score_threshold_multilabel``, most probable first (the most probable one when none is)."""
    order = [int(k) for k in np.argsort(-np.asarray(probs), kind="stable")]
    if settings.task == "image_classification":
        return order[:1]
    chosen = [k for k in order if probs[k] >= settings.confidence_score_threshold_multilabel]
    return chosen or order[:1]


class Explainer:
    """One captum method for a model; ``attribute`` returns a ``[3, H, W]`` numpy array."""

    def __init__(self, model, settings):
        from captum import attr

        self.settings = settings
        name = settings.xai_algorithm
        if name in ("integrated_gradients", "xrai"):
            self.method = attr.IntegratedGradients(model)
        elif name == "guided_backprop":
            self.method = attr.GuidedBackprop(model)
        else:
            self.method = attr.GuidedGradCam(model, _last_convolution(model))

    def attribute(self, image, target):
        options = {}
        if self.settings.xai_algorithm in ("integrated_gradients", "xrai"):
            method = "riemann_middle" if self.settings.approximation_method == "riemann_middle" else "gausslegendre"
            options = {"n_steps": self.settings.n_steps, "method": method, "baselines": torch.zeros_like(image)}
        values = self.method.attribute(image, target=target, **options).detach().float().cpu().numpy()[0]
        if self.settings.xai_algorithm == "xrai":
            return np.repeat(xrai(values.sum(axis=0))[None], 3, axis=0) / 3.0
        return values


def _last_convolution(model):
    layers = [module for module in model.modules() if isinstance(module, torch.nn.Conv2d)]
    if not layers:
        raise RunnerError("guided_gradcam needs a convolutional model")
    return layers[-1]


def xrai(pixels, scales=(2, 4, 8, 16)):
    """XRAI on integrated-gradient pixel attributions: regions are the cells of grids at several scales
    (this runner's image segmentation); regions are added greedily by attribution density gain, and
    each pixel's value is the gain of the region that first covered it, so the first regions rank highest."""
    height, width = pixels.shape
    regions = []
    for cells in scales:
        rows = np.linspace(0, height, min(cells, height) + 1).astype(int)
        columns = np.linspace(0, width, min(cells, width) + 1).astype(int)
        for r0, r1 in zip(rows, rows[1:]):
            for c0, c1 in zip(columns, columns[1:]):
                if r1 > r0 and c1 > c0:
                    mask = np.zeros((height, width), dtype=bool)
                    mask[r0:r1, c0:c1] = True
                    regions.append(mask)
    covered = np.zeros((height, width), dtype=bool)
    result = np.full((height, width), -np.inf)
    while regions and not covered.all():
        gains = [(pixels[m & ~covered].sum() / max((m & ~covered).sum(), 1), k) for k, m in enumerate(regions)
                 if (m & ~covered).any()]
        if not gains:
            break
        gain, index = max(gains)
        fresh = regions.pop(index) & ~covered
        result[fresh] = gain
        covered |= fresh
    result[~covered] = result[covered].min() if covered.any() else 0.0
    return result
