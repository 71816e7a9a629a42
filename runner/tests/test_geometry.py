"""Tiling, tile merging, NMS and mask polygons: the pure functions behind the inference settings."""

import importlib

import numpy as np
import pytest
import torch
import torch._dynamo

from argus_runner import polygons, predict, tv_compat


def test_tiles_follow_the_overlap_formula():
    # 3 across, 2 down, overlap 0.25 on 1000x600: tile width 1000 / (0.25 + 0.75 * 3) = 400.
    rectangles = predict.tiles(1000, 600, (3, 2), 0.25)
    assert len(rectangles) == 6
    assert rectangles[0] == (0, 0, 400, 343)
    assert rectangles[1][0] == 300 and rectangles[2] == (600, 0, 1000, 343)
    assert rectangles[-1][2:] == (1000, 600)


def _output(boxes, scores, labels):
    return {"boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4), "scores": torch.tensor(scores),
            "labels": torch.tensor(labels)}


def test_a_tile_box_suppresses_overlapping_boxes_of_its_label_from_other_pieces_only():
    full = _output([[0, 0, 10, 10], [0, 0, 10, 9.5]], [0.9, 0.8], [1, 1])
    tile = _output([[0, 0, 10, 10], [50, 50, 60, 60]], [0.7, 0.6], [1, 2])
    merged = predict.merge_tiles([full, tile], [(0, 0), (100, 100)], threshold=0.25, limit=100)
    # The two full-image boxes overlap but come from the same piece: both stay. The tile's boxes move by
    # (100, 100) and overlap nothing.
    assert merged["scores"].tolist() == pytest.approx([0.9, 0.8, 0.7, 0.6])
    shifted = _output([[100, 100, 110, 110]], [0.7], [1])
    merged = predict.merge_tiles([full, shifted], [(0, 0), (-100, -100)], threshold=0.25, limit=100)
    assert merged["scores"].tolist() == pytest.approx([0.9, 0.8])
    merged = predict.merge_tiles([full, _output([[0, 0, 10, 10]], [0.7], [2])], [(0, 0), (0, 0)], 0.25, 100)
    assert len(merged["scores"]) == 3


def _greedy(boxes, scores, threshold):
    """NMS by its definition, one pair at a time."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep = []
    for i in order:
        ok = True
        for j in keep:
            a, b = boxes[i], boxes[j]
            w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
            h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
            inter = w * h
            union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
            if inter / union > threshold:
                ok = False
                break
        if ok:
            keep.append(i)
    return keep


def test_nms_matches_the_definition_on_random_boxes():
    generator = np.random.default_rng(5)
    for _ in range(20):
        corners = generator.uniform(0, 50, (40, 2))
        sizes = generator.uniform(2, 30, (40, 2))
        boxes = np.concatenate([corners, corners + sizes], axis=1)
        scores = generator.permutation(40) / 40.0
        kept = tv_compat.nms(torch.tensor(boxes), torch.tensor(scores), 0.4).tolist()
        assert kept == _greedy(boxes.tolist(), scores.tolist(), 0.4)


def test_torchvision_ops_nms_works_in_this_environment():
    tv_compat.apply()
    import torchvision

    kept = torchvision.ops.nms(torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30.0]]),
                               torch.tensor([0.9, 0.8, 0.7]), 0.5)
    assert kept.tolist() == [0, 2]


def test_a_rectangle_mask_becomes_its_four_corners():
    mask = np.zeros((20, 30), dtype=bool)
    mask[5:15, 8:20] = True
    shape = polygons.polygon(mask, 4)
    points = set(zip(shape[0::2], shape[1::2]))
    assert points == {(round(8.5 / 30, 5), 0.275), (round(19.5 / 30, 5), 0.275), (round(19.5 / 30, 5), 0.725),
                      (round(8.5 / 30, 5), 0.725)}


def test_polygons_keep_to_the_point_budget_and_the_largest_region():
    y, x = np.mgrid[:60, :60]
    mask = ((x - 30) ** 2 / 400 + (y - 30) ** 2 / 150) < 1
    mask[0:3, 0:3] = True
    for budget in (6, 12, 40):
        shape = polygons.polygon(mask, budget)
        assert 3 <= len(shape) // 2 <= budget
        assert min(shape[0::2]) > 0.1
    assert polygons.polygon(np.zeros((5, 5), dtype=bool), 10) is None


@pytest.mark.parametrize("sampling_ratio, aligned", [(2, False), (-1, False), (2, True), (-1, True)])
def test_roi_align_matches_torchvisions_own_python_kernel(sampling_ratio, aligned):
    tv_compat.apply()
    reference_module = importlib.import_module("torchvision.ops.roi_align")
    generator = torch.Generator().manual_seed(1)
    features = torch.rand(2, 3, 13, 17, generator=generator, dtype=torch.float64)
    # Boxes within one pixel of the 17x13 map (at scale 1/4): there torchvision's Python kernel and its
    # compiled kernels agree (beyond it the compiled kernels count a sample as 0; the Python one clamps).
    corners = torch.rand(40, 2, generator=generator, dtype=torch.float64) * torch.tensor([60.0, 44.0]) - 3
    sizes = torch.rand(40, 2, generator=generator, dtype=torch.float64) * torch.tensor([72.0, 56.0])
    ends = torch.minimum(corners + sizes, torch.tensor([68.0, 52.0], dtype=torch.float64))
    rois = torch.cat([torch.randint(0, 2, (40, 1), generator=generator).double(), corners, ends], 1)
    rois[0, 3:] = rois[0, 1:3]  # an empty box
    # torchvision's pure-Python kernel (transcribed from its CUDA kernel), run eagerly.
    with torch._dynamo.config.patch(disable=True):
        expected = reference_module._roi_align(features, rois, 0.25, 5, 4, sampling_ratio, aligned)
    actual = tv_compat.roi_align(features, rois, (5, 4), 0.25, sampling_ratio, aligned)
    assert torch.allclose(actual, expected, atol=1e-10)


def test_roi_align_samples_more_than_a_pixel_outside_the_map_count_as_zero():
    features = torch.ones(1, 1, 4, 4, dtype=torch.float64)
    outside = torch.tensor([[0, 10.0, 10.0, 14.0, 14.0]], dtype=torch.float64)
    assert tv_compat.roi_align(features, outside, (2, 2), 1.0, 2).abs().sum() == 0
    half = torch.tensor([[0, 0.0, 0.0, 10.0, 4.0]], dtype=torch.float64)  # its right half lies beyond x = 5
    assert tv_compat.roi_align(features, half, (1, 2), 1.0, 2).flatten().tolist() == [1.0, 0.0]


def test_detection_augmentations_move_boxes_and_masks_together(shapes):
    from argus_runner import data

    items = data.read_jsonl(shapes)
    labels = data.class_labels(items, "image_instance_segmentation")
    plain = data.DetectionSet(items, labels, masks=True)
    augmenting = data.DetectionSet(items, labels, masks=True, augment=True)
    torch.manual_seed(4)
    changed = 0
    for index in range(len(items)):
        for _ in range(4):
            image, target, _ = augmenting[index]
            assert len(target["boxes"]) == len(target["masks"]) == len(target["labels"]) >= 1
            assert target["masks"].shape[-2:] == image.shape[-2:]
            for box, mask in zip(target["boxes"], target["masks"]):
                rows, columns = torch.nonzero(mask, as_tuple=True)
                # Each box still bounds its mask (to within the pixel grid).
                assert columns.min() >= box[0] - 1 and columns.max() <= box[2] + 1
                assert rows.min() >= box[1] - 1 and rows.max() <= box[3] + 1
            changed += image.shape != plain[index][0].shape or not torch.equal(image, plain[index][0])
    assert changed > 0
