"""Instance masks to polygons: the outer boundary of the largest region, simplified to a point budget."""

import numpy as np

# Moore neighbourhood, clockwise from west (row, column offsets).
_NEIGHBOURS = ((0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1))


def largest_region(mask):
    """The largest 8-connected region of a boolean mask.

    Components are found by propagating the largest pixel index through 3×3 max-pooling until nothing
    changes (vectorised; as many rounds as the longest path inside a region)."""
    import torch

    if not mask.any():
        return np.zeros_like(mask)
    rows, columns = np.nonzero(mask)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, columns.min(), columns.max() + 1
    crop = torch.from_numpy(np.ascontiguousarray(mask[r0:r1, c0:c1]))
    inside = crop.float()
    labels = (torch.arange(1, crop.numel() + 1, dtype=torch.float32).reshape(crop.shape) * inside)[None, None]
    while True:
        grown = torch.nn.functional.max_pool2d(labels, 3, stride=1, padding=1) * inside
        if torch.equal(grown, labels):
            break
        labels = grown
    values, counts = torch.unique(labels[labels > 0], return_counts=True)
    best = values[torch.argmax(counts)]
    region = np.zeros_like(mask)
    region[r0:r1, c0:c1] = (labels[0, 0] == best).numpy()
    return region


def trace(region):
    """The outer boundary of one region as (x, y) pixel centres, by Moore-neighbour tracing (clockwise)."""
    points = np.argwhere(region)
    if len(points) == 0:
        return []
    start = (int(points[0][0]), int(points[0][1]))
    padded = np.pad(region, 1)
    inside = lambda r, c: bool(padded[r + 1, c + 1])  # noqa: E731
    current, back = start, (start[0], start[1] - 1)
    boundary = [start]
    for _ in range(4 * region.size + 8):
        offset = (back[0] - current[0], back[1] - current[1])
        first = _NEIGHBOURS.index(offset)
        previous, found = back, None
        for step in range(1, 9):
            dr, dc = _NEIGHBOURS[(first + step) % 8]
            candidate = (current[0] + dr, current[1] + dc)
            if inside(*candidate):
                found = candidate
                break
            previous = candidate
        if found is None or found == start:
            break
        current, back = found, previous
        boundary.append(current)
    return [(float(c), float(r)) for r, c in boundary]


def simplify(points, budget):
    """Ramer–Douglas–Peucker on the closed ring, loosening the tolerance until at most ``budget`` points remain.

    The ring is cut at its first point and at the point farthest from it, and each half is simplified."""
    if len(points) <= budget:
        return points
    ring = np.asarray(points)
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
    tolerance = 0.5
    while True:
        first = _rdp(ring[:far + 1], tolerance)
        second = _rdp(np.concatenate([ring[far:], ring[:1]]), tolerance)
        kept = np.concatenate([first, second[1:-1]])
        if len(kept) <= budget:
            return [tuple(p) for p in kept]
        tolerance *= 1.5


def _rdp(points, tolerance):
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        segment = b - a
        length = np.hypot(*segment)
        inner = points[first + 1:last]
        if length == 0:
            distances = np.hypot(*(inner - a).T)
        else:
            distances = np.abs(segment[0] * (inner[:, 1] - a[1]) - segment[1] * (inner[:, 0] - a[0])) / length
        index = int(np.argmax(distances))
        if distances[index] > tolerance:
            middle = first + 1 + index
            keep[middle] = True
            stack += [(first, middle), (middle, last)]
    return points[keep]


def polygon(mask, budget):
    """A normalised polygon ``[x0, y0, x1, y1, …]`` for a boolean mask, or None when it has under 3 points."""
    height, width = mask.shape
    points = simplify(trace(largest_region(mask)), budget)
    if len(points) < 3:
        return None
    return [round(float(v), 5) for x, y in points for v in ((x + 0.5) / width, (y + 0.5) / height)]
