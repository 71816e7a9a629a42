"""Images and labels from AutoML JSONL, as PyTorch datasets.

The runner reads the JSONL form only (one object a line: ``image_url``, for training ``label``, and
optionally ``path``, the image's absolute local path, which Argus adds when it resolves MLTable folders
and other formats into this form before starting the runner). Relative image
paths are taken from the JSONL file's folder, and a path that leaves it through ``..`` is refused.
"""

import json
import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from .protocol import RunnerError

Image.MAX_IMAGE_PIXELS = 200_000_000


class Item:
    """One image: its resolved path, the name written back into predictions, and its label value."""

    __slots__ = ("path", "name", "label")

    def __init__(self, path, name, label):
        self.path, self.name, self.label = path, name, label


def read_jsonl(path):
    """Items from an AutoML JSONL file; each bad line is an error naming the file, line and field."""
    path = Path(path)
    if path.is_dir():
        candidates = sorted(path.glob("*.jsonl"))
        if len(candidates) != 1:
            raise RunnerError(f"{path}: expected one .jsonl file in the folder, found {len(candidates)}")
        path = candidates[0]
    root = path.parent.resolve()
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RunnerError(f"{path}: cannot read ({error})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise RunnerError(f"{path}:{number}: not JSON ({error.msg})") from None
        url = row.get("image_url") if isinstance(row, dict) else None
        if not isinstance(url, str) or not url:
            raise RunnerError(f"{path}:{number}: field 'image_url' is missing or not a string")
        local = row.get("path")
        if local is not None and not (isinstance(local, str) and Path(local).is_absolute()):
            raise RunnerError(f"{path}:{number}: field 'path' must be an absolute path")
        resolved = Path(local) if local else _resolve(root, url, path, number)
        items.append(Item(resolved, url, row.get("label")))
    if not items:
        raise RunnerError(f"{path}: no images")
    return items


def _resolve(root, url, path, number):
    local = url[len("file://"):] if url.startswith("file://") else url
    candidate = Path(local)
    if candidate.is_absolute():
        return candidate
    resolved = (root / candidate).resolve()
    if os.path.commonpath([root, resolved]) != str(root):
        raise RunnerError(f"{path}:{number}: field 'image_url' leaves the data folder: {url}")
    return resolved


def open_rgb(item):
    """The item's image as RGB, or an error naming it."""
    try:
        with Image.open(item.path) as image:
            return image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise RunnerError(f"{item.path}: cannot decode the image ({error})") from None


def class_labels(items, task):
    """The sorted label names found in training items."""
    names = set()
    for item in items:
        if task == "image_classification":
            names.add(str(item.label))
        elif task == "image_classification_multilabel":
            names.update(str(v) for v in item.label or [])
        else:
            names.update(str(box["label"]) for box in item.label or [])
    if not names:
        raise RunnerError("the training data has no labels")
    return sorted(names)


class ClassificationSet(torch.utils.data.Dataset):
    """(image tensor, target, index): the target is a class index, or a multi-hot vector for multi-label."""

    def __init__(self, items, labels, transform, multilabel=False):
        self.items, self.transform, self.multilabel = items, transform, multilabel
        self.index = {name: i for i, name in enumerate(labels)}
        self.count = len(labels)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        item = self.items[i]
        image = self.transform(open_rgb(item))
        return image, self.target(item), i

    def target(self, item):
        if item.label is None:
            return torch.zeros(self.count) if self.multilabel else -1
        if self.multilabel:
            hot = torch.zeros(self.count)
            for name in item.label:
                hot[self.index[str(name)]] = 1.0
            return hot
        return self.index.get(str(item.label), -1)


class DetectionSet(torch.utils.data.Dataset):
    """(image tensor, target dict in pixels with 1-based labels, index), masks drawn from polygons.

    With ``augment`` (training, ``apply_automl_train_augmentations``): the AutoML defaults for detection —
    expand (zoom out onto a mean-colour canvas), a random crop around the boxes and a horizontal flip,
    each with probability 1/2; normalisation and resizing are the model's own."""

    def __init__(self, items, labels, masks=False, augment=False):
        self.items, self.masks, self.augment = items, masks, augment
        self.index = {name: i + 1 for i, name in enumerate(labels)}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        item = self.items[i]
        image = open_rgb(item)
        width, height = image.size
        target = self.target(item, width, height)
        tensor = torch.from_numpy(np.asarray(image, dtype=np.uint8).copy()).permute(2, 0, 1).float() / 255.0
        if self.augment:
            tensor, target = augmented(tensor, target)
        return tensor, target, i

    def target(self, item, width, height):
        boxes, labels, masks = [], [], []
        for box in item.label or []:
            if box.get("isCrowd"):
                continue
            x0, y0 = box["topX"] * width, box["topY"] * height
            x1, y1 = box["bottomX"] * width, box["bottomY"] * height
            if x1 - x0 < 1 or y1 - y0 < 1:
                continue
            boxes.append([x0, y0, x1, y1])
            labels.append(self.index.get(str(box["label"]), 0))
            if self.masks:
                masks.append(_polygon_mask(box, width, height))
        target = {"boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
                  "labels": torch.tensor(labels, dtype=torch.int64)}
        if self.masks:
            target["masks"] = torch.from_numpy(np.stack(masks)) if masks else torch.zeros(0, height, width,
                                                                                         dtype=torch.uint8)
        return target


MEAN_COLOUR = torch.tensor([0.485, 0.456, 0.406])


def augmented(image, target):
    """Expand, crop around the boxes and flip, each with probability 1/2 (boxes and masks follow)."""
    if torch.rand(()) < 0.5:
        image, target = _expand(image, target, 1.0 + float(torch.rand(())))
    if torch.rand(()) < 0.5:
        image, target = _crop(image, target)
    if torch.rand(()) < 0.5:
        width = image.shape[-1]
        image = image.flip(-1)
        boxes = target["boxes"]
        target["boxes"] = torch.stack([width - boxes[:, 2], boxes[:, 1], width - boxes[:, 0], boxes[:, 3]], 1)
        if "masks" in target:
            target["masks"] = target["masks"].flip(-1)
    return image, target


def _expand(image, target, ratio):
    _, height, width = image.shape
    new_h, new_w = int(height * ratio), int(width * ratio)
    top = int(torch.randint(0, new_h - height + 1, ()))
    left = int(torch.randint(0, new_w - width + 1, ()))
    canvas = MEAN_COLOUR[:, None, None].expand(3, new_h, new_w).clone()
    canvas[:, top:top + height, left:left + width] = image
    target = dict(target)
    target["boxes"] = target["boxes"] + torch.tensor([left, top, left, top], dtype=torch.float32)
    if "masks" in target:
        masks = torch.zeros((len(target["masks"]), new_h, new_w), dtype=target["masks"].dtype)
        masks[:, top:top + height, left:left + width] = target["masks"]
        target["masks"] = masks
    return canvas, target


def _crop(image, target):
    """A crop of 50–100% of each side that keeps at least one box centre; boxes whose centre it keeps are
    clipped to it, the others dropped. Without such a crop in 10 tries, the image stays whole."""
    _, height, width = image.shape
    boxes = target["boxes"]
    if len(boxes) == 0:
        return image, target
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2
    for _ in range(10):
        crop_w = int(width * (0.5 + 0.5 * float(torch.rand(()))))
        crop_h = int(height * (0.5 + 0.5 * float(torch.rand(()))))
        left = int(torch.randint(0, width - crop_w + 1, ()))
        top = int(torch.randint(0, height - crop_h + 1, ()))
        inside = ((centres[:, 0] > left) & (centres[:, 0] < left + crop_w) & (centres[:, 1] > top)
                  & (centres[:, 1] < top + crop_h))
        kept = boxes[inside] - torch.tensor([left, top, left, top], dtype=torch.float32)
        kept[:, 0::2] = kept[:, 0::2].clamp(0, crop_w)
        kept[:, 1::2] = kept[:, 1::2].clamp(0, crop_h)
        sizable = ((kept[:, 2] - kept[:, 0]) >= 1) & ((kept[:, 3] - kept[:, 1]) >= 1)
        if not sizable.any():
            continue
        chosen = torch.nonzero(inside).flatten()[sizable]
        cropped = {"boxes": kept[sizable], "labels": target["labels"][chosen]}
        if "masks" in target:
            cropped["masks"] = target["masks"][chosen, top:top + crop_h, left:left + crop_w]
        return image[:, top:top + crop_h, left:left + crop_w], cropped
    return image, target


def _polygon_mask(box, width, height):
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    polygons = box.get("polygon") or []
    for ring in polygons:
        points = [(ring[k] * width, ring[k + 1] * height) for k in range(0, len(ring) - 1, 2)]
        if len(points) >= 3:
            draw.polygon(points, fill=1)
    if not polygons:
        draw.rectangle([box["topX"] * width, box["topY"] * height, box["bottomX"] * width,
                        box["bottomY"] * height], fill=1)
    return np.asarray(canvas, dtype=np.uint8)


def collate(batch):
    """Detection batches stay lists (images differ in size)."""
    return tuple(zip(*batch))
