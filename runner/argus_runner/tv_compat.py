"""Lets torchvision's Python models run where its compiled operators cannot load.

PyPI's torchvision wheels are built against the CUDA build of torch; beside the CPU-only torch wheel
their compiled extension does not load, and importing torchvision then fails on the registration of
``torchvision::nms``. When that happens, this module defines the ``nms`` operator with a plain
PyTorch implementation before torchvision is imported, and gives the detection models a RoIAlign
built on ``grid_sample`` (torchvision's own Python fallback compiles itself with ``torch.compile`` and
takes seconds a batch on a CPU). With a matching torchvision build the compiled operators load and
this module does nothing.
"""

import importlib.util
from pathlib import Path

import torch

_applied = False


def _extension_loads():
    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        return True
    folder = Path(spec.origin).parent
    for candidate in folder.glob("_C*.so"):
        try:
            torch.ops.load_library(str(candidate))
            return True
        except (OSError, RuntimeError):
            return False
    return False


def iou_matrix(boxes):
    """Pairwise IoU of ``[N, 4]`` boxes (x0, y0, x1, y1), in float64."""
    x0, y0, x1, y1 = boxes.double().unbind(1)
    area = (x1 - x0).clamp(min=0) * (y1 - y0).clamp(min=0)
    width = (torch.minimum(x1[:, None], x1[None]) - torch.maximum(x0[:, None], x0[None])).clamp(min=0)
    height = (torch.minimum(y1[:, None], y1[None]) - torch.maximum(y0[:, None], y0[None])).clamp(min=0)
    inter = width * height
    return inter / (area[:, None] + area[None] - inter).clamp(min=1e-12)


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression: indices of the kept boxes, highest score first."""
    if boxes.numel() == 0:
        return torch.empty(0, dtype=torch.int64, device=boxes.device)
    order = torch.argsort(scores, descending=True, stable=True)
    overlapping = (iou_matrix(boxes[order]) > iou_threshold).cpu().numpy()
    suppressed = overlapping[0] & False
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= overlapping[i]
    return order[torch.tensor(keep, dtype=torch.int64, device=order.device)]


def apply():
    """Makes ``import torchvision`` work with the CPU-only torch wheel; idempotent."""
    global _applied
    if _applied:
        return
    _applied = True
    if _extension_loads():
        return
    library = torch.library.Library("torchvision", "FRAGMENT")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.impl("nms", nms, "CompositeExplicitAutograd")
    apply.library = library
    import torchvision.models.detection.roi_heads as roi_heads
    import torchvision.ops.boxes as boxes
    import torchvision.ops.poolers as poolers

    boxes._assert_has_ops = lambda: None
    poolers.roi_align = roi_align
    roi_heads.roi_align = roi_align


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """torchvision's RoIAlign, by the same sampling rule, through ``grid_sample`` (differentiable).

    Each bin averages ``sampling_ratio``² bilinear samples (or ``ceil(roi size / output size)`` per side
    when ``sampling_ratio`` ≤ 0); a sample more than one pixel outside the feature map counts as 0, and one
    within a pixel of it takes the border value, as in torchvision's kernel."""
    if not isinstance(boxes, torch.Tensor):
        boxes = torch.cat([torch.cat([torch.full_like(b[:, :1], i), b], dim=1) for i, b in enumerate(boxes)])
    pooled_h, pooled_w = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    count, channels = boxes.shape[0], input.shape[1]
    height, width = input.shape[-2:]
    output = input.new_zeros(count, channels, pooled_h, pooled_w)
    if count == 0:
        return output
    offset = 0.5 if aligned else 0.0
    x0, y0, x1, y1 = (boxes[:, k] * spatial_scale - offset for k in range(1, 5))
    roi_w, roi_h = x1 - x0, y1 - y0
    if not aligned:
        roi_w, roi_h = roi_w.clamp(min=1.0), roi_h.clamp(min=1.0)
    if sampling_ratio > 0:
        grid_h = torch.full((count,), sampling_ratio, dtype=torch.int64, device=boxes.device)
        grid_w = grid_h
    else:
        grid_h = torch.ceil(roi_h / pooled_h).long()
        grid_w = torch.ceil(roi_w / pooled_w).long()
    keys = torch.stack([boxes[:, 0].long(), grid_h, grid_w], dim=1)
    for key in torch.unique(keys, dim=0).tolist():
        batch, gh, gw = key
        if gh <= 0 or gw <= 0:
            continue
        index = torch.nonzero((keys == torch.tensor(key, device=keys.device)).all(dim=1)).flatten()
        for chunk in index.split(256):
            output[chunk] = _sampled(input[batch:batch + 1], x0[chunk], y0[chunk], roi_w[chunk], roi_h[chunk],
                                     pooled_h, pooled_w, gh, gw, height, width)
    return output


def _sampled(feature, x0, y0, roi_w, roi_h, pooled_h, pooled_w, gh, gw, height, width):
    k = x0.shape[0]
    steps_y = (torch.arange(pooled_h, device=x0.device)[:, None]
               + (torch.arange(gh, device=x0.device)[None] + 0.5) / gh).reshape(-1)
    steps_x = (torch.arange(pooled_w, device=x0.device)[:, None]
               + (torch.arange(gw, device=x0.device)[None] + 0.5) / gw).reshape(-1)
    ys = y0[:, None] + steps_y[None] * (roi_h / pooled_h)[:, None]  # [k, ph·gh]
    xs = x0[:, None] + steps_x[None] * (roi_w / pooled_w)[:, None]  # [k, pw·gw]
    valid = (((ys >= -1) & (ys <= height))[:, :, None] & ((xs >= -1) & (xs <= width))[:, None, :])
    gy = ys / max(height - 1, 1) * 2 - 1
    gx = xs / max(width - 1, 1) * 2 - 1
    grid = torch.stack(torch.broadcast_tensors(gx[:, None, :], gy[:, :, None]), dim=-1)
    grid = grid.reshape(1, k * ys.shape[1], xs.shape[1], 2).to(feature.dtype)
    values = torch.nn.functional.grid_sample(feature, grid, mode="bilinear", padding_mode="border",
                                             align_corners=True)
    values = values.reshape(feature.shape[1], k, ys.shape[1], xs.shape[1]) * valid[None].to(values.dtype)
    pooled = values.reshape(feature.shape[1], k, pooled_h, gh, pooled_w, gw).sum(dim=(3, 5)) / (gh * gw)
    return pooled.permute(1, 0, 2, 3)
