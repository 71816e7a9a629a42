"""The models the runner builds, by their AutoML names, and what each one allows: light (no torch),
so that settings can be checked against a model without building it."""

RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
# AutoML names of the timm classifiers, and timm's names for them.
TIMM_NAMES = {
    "resnest50": "resnest50d",
    "resnest101": "resnest101e",
    "seresnext": "seresnext50_32x4d",
    "vits16r224": "vit_small_patch16_224",
    "vitb16r224": "vit_base_patch16_224",
    "vitl16r224": "vit_large_patch16_224",
}
CLASSIFIERS = ("mobilenetv2",) + RESNETS + tuple(TIMM_NAMES)
DETECTORS = tuple(f"fasterrcnn_{r}_fpn" for r in RESNETS) + ("retinanet_resnet50_fpn",)
SEGMENTERS = tuple(f"maskrcnn_{r}_fpn" for r in RESNETS)

# How many stages `layers_to_freeze` can freeze: the first children of the classifier (or of the
# detector's backbone body), the head excluded. Checked against the built models in the tests.
FREEZABLE_STAGES = {
    "mobilenetv2": 1,  # features | classifier
    **{name: 8 for name in RESNETS},  # conv1 bn1 relu maxpool layer1..4 | avgpool fc
    "resnest50": 8, "resnest101": 8, "seresnext": 8,  # conv1 bn1 act1 maxpool layer1..4 | global_pool fc
    # patch_embed pos_drop patch_drop norm_pre blocks norm | fc_norm head_drop head
    "vits16r224": 6, "vitb16r224": 6, "vitl16r224": 6,
    **{name: 8 for name in DETECTORS + SEGMENTERS},  # the ResNet body: conv1 bn1 relu maxpool layer1..4
}

# Input sizes fixed by the model: ViT's position embeddings are for 224-pixel inputs (14 × 14 patches of 16).
FIXED_CROP_SIZE = {"vits16r224": 224, "vitb16r224": 224, "vitl16r224": 224}

TASK_GROUPS = {
    "classification": ("image_classification", "image_classification_multilabel"),
    "multi-label classification": ("image_classification_multilabel",),
    "detection and segmentation": ("image_object_detection", "image_instance_segmentation"),
    "instance segmentation": ("image_instance_segmentation",),
}


def names_for(task):
    """The model names of a task."""
    if "classification" in task:
        return CLASSIFIERS
    return SEGMENTERS if task == "image_instance_segmentation" else DETECTORS
