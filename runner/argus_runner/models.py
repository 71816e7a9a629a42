"""Models by their AutoML names, built without downloading anything; weights from a local file only."""

from pathlib import Path

import torch

from . import tv_compat
from .protocol import RunnerError, emit

tv_compat.apply()
import torchvision  # noqa: E402
from torchvision.models import detection  # noqa: E402
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone  # noqa: E402

from .catalog import CLASSIFIERS, DETECTORS, RESNETS, SEGMENTERS, TIMM_NAMES, names_for  # noqa: E402,F401


def build(settings, class_count):
    """A model for the task with ``class_count`` classes (detection adds the background class)."""
    name, task = settings.model_name, settings.task
    if name not in names_for(task):
        hint = "yolov5 is not provided (see the README)" if name == "yolov5" else ", ".join(names_for(task))
        raise RunnerError(f"model_name '{name}' is not a {task} model here: {hint}")
    if "classification" in task:
        return _classifier(name, class_count)
    return _detector(name, class_count + 1, settings)


def _classifier(name, class_count):
    if name == "mobilenetv2":
        return torchvision.models.mobilenet_v2(weights=None, num_classes=class_count)
    if name in RESNETS:
        return getattr(torchvision.models, name)(weights=None, num_classes=class_count)
    import timm  # imported only when asked for: it adds seconds to every start

    return timm.create_model(TIMM_NAMES[name], pretrained=False, num_classes=class_count)


def _detector(name, class_count, settings):
    options = {"min_size": settings.min_size, "max_size": settings.max_size}
    if name.startswith("retinanet"):
        return detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None, num_classes=class_count,
                                                score_thresh=settings.box_score_thresh,
                                                nms_thresh=settings.nms_iou_thresh,
                                                detections_per_img=settings.box_detections_per_img, **options)
    options.update(box_score_thresh=settings.box_score_thresh, box_nms_thresh=settings.nms_iou_thresh,
                   box_detections_per_img=settings.box_detections_per_img)
    backbone = resnet_fpn_backbone(backbone_name=name.split("_")[1], weights=None, trainable_layers=5)
    if name.startswith("maskrcnn"):
        return detection.MaskRCNN(backbone, num_classes=class_count, **options)
    return detection.FasterRCNN(backbone, num_classes=class_count, **options)


def load_weights(model, path):
    """Loads a state dict (or a runner checkpoint holding one) from a local file; shapes must match."""
    source = Path(path)
    if source.is_dir():
        candidates = sorted(source.glob("*.pt")) + sorted(source.glob("*.pth"))
        if not candidates:
            raise RunnerError(f"{source}: no .pt or .pth weights file in the folder")
        source = candidates[0]
    try:
        state = torch.load(source, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError) as error:
        raise RunnerError(f"{source}: cannot read the weights ({error})") from None
    state = state.get("model", state) if isinstance(state, dict) else state
    own = model.state_dict()
    usable = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    if not usable:
        raise RunnerError(f"{source}: no weight in the file fits this model")
    model.load_state_dict(usable, strict=False)
    emit("log", message=f"loaded {len(usable)} of {len(own)} weight tensors from {source}")


def freeze(model, count):
    """Freezes the first ``count`` stages (stem counts as one) of the backbone."""
    if count == 0:
        return
    body = getattr(getattr(model, "backbone", None), "body", None) or model
    stages = [child for _, child in body.named_children()]
    for stage in stages[:count]:
        for parameter in stage.parameters():
            parameter.requires_grad_(False)


def classification_transforms(settings, training):
    """Training: random resized crop, flip, colour jitter; validation: resize and centre crop."""
    from torchvision import transforms as t

    normalise = [t.ToTensor(), t.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]
    if training and settings.apply_automl_train_augmentations:
        return t.Compose([t.RandomResizedCrop(settings.training_crop_size), t.RandomHorizontalFlip(),
                          t.ColorJitter(0.3, 0.3, 0.3), *normalise])
    crop = settings.training_crop_size if training else settings.valid_crop_size
    return t.Compose([t.Resize(settings.valid_resize_size), t.CenterCrop(crop), *normalise])
