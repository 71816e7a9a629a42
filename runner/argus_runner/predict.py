"""Model outputs to rows of the AutoML scoring format, and tiled detection."""

import torch

from . import polygons, tv_compat
from .settings import tile_grid


def classification_rows(logits, items, labels, multilabel):
    """``{filename, probs, labels}`` per image: softmax for multi-class, sigmoid for multi-label."""
    probs = torch.sigmoid(logits) if multilabel else torch.softmax(logits.float(), dim=1)
    return [{"filename": item.name, "probs": [round(float(p), 7) for p in row], "labels": labels}
            for item, row in zip(items, probs.cpu())]


def detection_row(item, output, size, labels, settings):
    """``{filename, boxes: [{box, label, score, polygon?}]}`` for one image of ``size`` (width, height)."""
    width, height = size
    boxes = []
    masks = output.get("masks")
    for k in range(len(output["boxes"])):
        label = int(output["labels"][k])
        if not 1 <= label <= len(labels):
            continue
        x0, y0, x1, y1 = (float(v) for v in output["boxes"][k])
        entry = {"box": {"topX": _fraction(x0, width), "topY": _fraction(y0, height),
                         "bottomX": _fraction(x1, width), "bottomY": _fraction(y1, height)},
                 "label": labels[label - 1], "score": round(float(output["scores"][k]), 6)}
        if masks is not None:
            mask = (masks[k, 0] > settings.mask_pixel_score_threshold).cpu().numpy()
            shape = polygons.polygon(mask, settings.max_number_of_polygon_points)
            if shape is None:
                continue
            entry["polygon"] = [shape]
        boxes.append(entry)
    return {"filename": item.name, "boxes": boxes}


def _fraction(value, extent):
    return round(min(max(value / extent, 0.0), 1.0), 6)


def tiles(width, height, grid, overlap):
    """Tile rectangles (x0, y0, x1, y1): tile width W / (r + (1 − r)·columns), origins k·(1 − r)·tile width."""
    columns, rows = grid
    tile_width = width / (overlap + (1 - overlap) * columns)
    tile_height = height / (overlap + (1 - overlap) * rows)
    rectangles = []
    for row in range(rows):
        for column in range(columns):
            x0 = column * (1 - overlap) * tile_width
            y0 = row * (1 - overlap) * tile_height
            rectangles.append((round(x0), round(y0), min(width, round(x0 + tile_width)),
                               min(height, round(y0 + tile_height))))
    return rectangles


def tiled_inputs(image, settings):
    """The full image followed by its tiles, with each piece's origin."""
    height, width = image.shape[-2:]
    pieces, origins = [image], [(0, 0)]
    for x0, y0, x1, y1 in tiles(width, height, tile_grid(settings.tile_grid_size), settings.tile_overlap_ratio):
        pieces.append(image[:, y0:y1, x0:x1])
        origins.append((x0, y0))
    return pieces, origins


def merge_tiles(outputs, origins, threshold, limit):
    """Pools the full image's and the tiles' boxes (moved back into image coordinates), best score first;
    a box suppresses lower-scored boxes of its label that came from another piece with IoU > threshold."""
    boxes, scores, labels, sources = [], [], [], []
    for source, (output, (dx, dy)) in enumerate(zip(outputs, origins)):
        shift = torch.tensor([dx, dy, dx, dy], dtype=output["boxes"].dtype, device=output["boxes"].device)
        boxes.append(output["boxes"] + shift)
        scores.append(output["scores"])
        labels.append(output["labels"])
        sources.append(torch.full_like(output["labels"], source))
    boxes, scores, labels, sources = (torch.cat(v) for v in (boxes, scores, labels, sources))
    order = torch.argsort(scores, descending=True, stable=True)
    boxes, scores, labels, sources = boxes[order], scores[order], labels[order], sources[order]
    iou = tv_compat.iou_matrix(boxes)
    removed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= (iou[i] > threshold) & (labels == labels[i]) & (sources != sources[i])
        if len(keep) == limit:
            break
    index = torch.tensor(keep, dtype=torch.int64)
    return {"boxes": boxes[index], "scores": scores[index], "labels": labels[index]}
