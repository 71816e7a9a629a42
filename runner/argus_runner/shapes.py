"""A generated shapes set for tests and benchmarks: rectangles and ellipses with exact boxes and masks.

``python -m argus_runner.shapes OUT --count N --size S --seed K`` writes ``OUT/images/*.png`` and
``OUT/annotations.jsonl`` (AutoML JSONL for instance segmentation: each object's box and polygon, as
fractions of the image). Each shape is drawn from its polygon, so the mask is the polygon exactly and
the box is the polygon's bounding box.
"""

import argparse
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

LABELS = ("rectangle", "ellipse")


def shape_polygon(kind, cx, cy, rx, ry, points=24):
    if kind == "rectangle":
        return [(cx - rx, cy - ry), (cx + rx, cy - ry), (cx + rx, cy + ry), (cx - rx, cy + ry)]
    return [(cx + rx * math.cos(2 * math.pi * k / points), cy + ry * math.sin(2 * math.pi * k / points))
            for k in range(points)]


def make(folder, count=16, size=64, seed=0, max_objects=3):
    """Writes the set and returns the path of its JSONL."""
    folder = Path(folder)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(count):
        image = Image.new("RGB", (size, size), tuple(int(v) for v in rng.integers(0, 60, 3)))
        draw = ImageDraw.Draw(image)
        objects = []
        for _ in range(int(rng.integers(1, max_objects + 1))):
            kind = LABELS[int(rng.integers(0, 2))]
            rx, ry = (float(v) for v in rng.uniform(size * 0.08, size * 0.22, 2))
            cx = float(rng.uniform(rx + 1, size - rx - 1))
            cy = float(rng.uniform(ry + 1, size - ry - 1))
            polygon = shape_polygon(kind, cx, cy, rx, ry)
            colour = (220, 60, 60) if kind == "rectangle" else (60, 200, 90)
            draw.polygon(polygon, fill=colour)
            xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
            objects.append({"label": kind, "topX": min(xs) / size, "topY": min(ys) / size,
                            "bottomX": max(xs) / size, "bottomY": max(ys) / size, "isCrowd": 0,
                            "polygon": [[round(v / size, 6) for point in polygon for v in point]]})
        name = f"shape_{index:04d}.png"
        image.save(folder / "images" / name)
        lines.append(json.dumps({"image_url": f"images/{name}",
                                 "image_details": {"format": "png", "width": size, "height": size},
                                 "label": objects}))
    path = folder / "annotations.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    print(make(arguments.output, arguments.count, arguments.size, arguments.seed))


if __name__ == "__main__":
    main()
