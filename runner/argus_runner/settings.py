"""Every setting the runner reads, with its AutoML name, type and default: the one owner of these keys.

A configuration is one JSON object. Unknown keys and values of the wrong type or range are errors
that name the key; nothing is guessed.
"""

import difflib
import json
from pathlib import Path

from . import catalog
from .protocol import RunnerError

TASKS = ("image_classification", "image_classification_multilabel", "image_object_detection",
         "image_instance_segmentation")

# key: (type, default, allowed values or (low, high) or None)
COMMON = {
    "task": (str, None, TASKS),
    "model_name": (str, None, None),
    "device": (str, "auto", ("auto", "cpu", "cuda")),
    "weights": (str, "", None),
    "random_seed": (int, 0, (0, 2**31 - 1)),
    "number_of_workers": (int, 2, (0, 64)),
    "autocast": (str, "auto", ("auto", "off", "fp16", "bf16")),
}

INFERENCE = {
    "valid_resize_size": (int, 256, (8, 4096)),
    "valid_crop_size": (int, 224, (8, 4096)),
    "min_size": (int, 600, (16, 4096)),
    "max_size": (int, 1333, (16, 8192)),
    "box_score_thresh": (float, 0.3, (0.0, 1.0)),
    "nms_iou_thresh": (float, 0.5, (0.0, 1.0)),
    "box_detections_per_img": (int, 100, (1, 10000)),
    "mask_pixel_score_threshold": (float, 0.5, (0.0, 1.0)),
    "max_number_of_polygon_points": (int, 100, (3, 10000)),
    "tile_grid_size": (str, "", None),
    "tile_overlap_ratio": (float, 0.25, (0.0, 0.999)),
    "tile_predictions_nms_thresh": (float, 0.25, (0.0, 1.0)),
    "confidence_score_threshold_multilabel": (float, 0.5, (0.0, 1.0)),
}

TRAINING = {
    "number_of_epochs": (int, 15, (1, 10000)),
    "training_batch_size": (int, 8, (1, 4096)),
    "validation_batch_size": (int, 8, (1, 4096)),
    "learning_rate": (float, 0.01, (0.0, 10.0)),
    "optimizer": (str, "sgd", ("sgd", "adam", "adamw")),
    "momentum": (float, 0.9, (0.0, 1.0)),
    "weight_decay": (float, 1e-4, (0.0, 1.0)),
    "nesterov": (bool, True, None),
    "beta1": (float, 0.9, (0.0, 1.0)),
    "beta2": (float, 0.999, (0.0, 1.0)),
    "amsgrad": (bool, False, None),
    "learning_rate_scheduler": (str, "warmup_cosine", ("warmup_cosine", "step")),
    "warmup_cosine_lr_cycles": (float, 0.45, (0.0, 100.0)),
    "warmup_cosine_lr_warmup_epochs": (int, 2, (0, 10000)),
    "step_lr_gamma": (float, 0.5, (0.0, 1.0)),
    "step_lr_step_size": (int, 5, (1, 10000)),
    "early_stopping": (bool, True, None),
    "early_stopping_patience": (int, 5, (1, 10000)),
    "early_stopping_delay": (int, 5, (0, 10000)),
    "evaluation_frequency": (int, 1, (1, 10000)),
    "checkpoint_frequency": (int, 0, (0, 10000)),
    "checkpoint_path": (str, "", None),
    "layers_to_freeze": (int, 0, (0, 1000)),
    "weighted_loss": (int, 0, (0, 2)),
    "training_crop_size": (int, 224, (8, 4096)),
    "apply_automl_train_augmentations": (bool, True, None),
    "max_steps": (int, 0, (0, 10**9)),
}

PATHS = {
    "data": (str, "", None),
    "training_data": (str, "", None),
    "validation_data": (str, "", None),
    "output": (str, "", None),
    "model": (str, "", None),
    "predictions": (str, "", None),
    "argus": (str, "", None),
    "batch_size": (int, 8, (1, 4096)),
    "xai_algorithm": (str, "integrated_gradients",
                      ("integrated_gradients", "guided_backprop", "guided_gradcam", "xrai")),
    "n_steps": (int, 50, (2, 10000)),
    "approximation_method": (str, "riemann_middle", ("riemann_middle", "gausslegendre")),
    "explain_first": (int, 0, (0, 10**9)),
}

ALL = {**COMMON, **INFERENCE, **TRAINING, **PATHS}

# The AutoML service's yolov5 settings: known, but yolov5 is not provided.
YOLO_ONLY = ("image_size", "model_size", "multi_scale", "img_size")

# Keys that only some tasks read: in a job for another task they are mistakes.
TASK_ONLY = {
    **dict.fromkeys(("valid_resize_size", "valid_crop_size", "training_crop_size", "weighted_loss"),
                    "classification"),
    "confidence_score_threshold_multilabel": "multi-label classification",
    **dict.fromkeys(("min_size", "max_size", "box_score_thresh", "nms_iou_thresh", "box_detections_per_img",
                     "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_thresh"),
                    "detection and segmentation"),
    **dict.fromkeys(("mask_pixel_score_threshold", "max_number_of_polygon_points"), "instance segmentation"),
}
SAVED_WITH_MODEL = list(INFERENCE) + ["task", "model_name"]


class Settings(dict):
    """A checked configuration: every known key present (defaults filled in), read as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def check(raw, source="configuration"):
    """Returns Settings from a dict, or raises RunnerError naming the first bad key."""
    if not isinstance(raw, dict):
        raise RunnerError(f"{source}: expected a JSON object")
    values = {}
    for key, value in raw.items():
        if key not in ALL:
            raise RunnerError(f"{source}: unknown setting '{key}'")
        values[key] = _checked(key, value, source)
    for key, (_, default, _) in ALL.items():
        values.setdefault(key, default)
    if values["task"] is None:
        raise RunnerError(f"{source}: 'task' is required (one of {', '.join(TASKS)})")
    if values["model_name"] is None:
        values["model_name"] = "resnet18" if "classification" in values["task"] else (
            "maskrcnn_resnet50_fpn" if values["task"] == "image_instance_segmentation" else "fasterrcnn_resnet50_fpn")
    if values["tile_grid_size"]:
        tile_grid(values["tile_grid_size"], source)
    return Settings(values)


def _checked(key, value, source):
    kind, _, allowed = ALL[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RunnerError(f"{source}: '{key}' must be {kind.__name__}, got {json.dumps(value)}")
    if allowed is None:
        return value
    if kind is str and value not in allowed:
        raise RunnerError(f"{source}: '{key}' must be one of {', '.join(allowed)}, got '{value}'")
    if kind in (int, float) and not allowed[0] <= value <= allowed[1]:
        raise RunnerError(f"{source}: '{key}' must be in [{allowed[0]}, {allowed[1]}], got {value}")
    return value


def problems(probes, task=None):
    """Checks single settings without stopping at the first: ``probes`` is a list of ``{"key", "value"}``,
    each with the ``models`` it will train (when known); ``task`` is the job's. Returns
    ``[{"index", "key", "message"}]`` for each one the runner would refuse: a wrong type or range, a key
    the task does not read, a model name of another task, a value outside what one of the models allows."""
    found = []
    for index, probe in enumerate(probes):
        key = probe.get("key")
        if key in YOLO_ONLY:
            found.append({"index": index, "key": key,
                          "message": f"'{key}' is a yolov5 setting, and yolov5 is not provided here (see the README)"})
            continue
        if key not in ALL:
            found.append({"index": index, "key": key, "message": f"unknown setting '{key}'",
                          "known": sorted([*COMMON, *INFERENCE, *TRAINING])})
            continue
        try:
            value = _checked(key, probe.get("value"), "job")
            if key == "tile_grid_size" and value:
                tile_grid(value, "job")
            message = _for_task(key, value, task) or _for_models(key, value, probe.get("models") or [])
        except RunnerError as error:
            message = str(error).removeprefix("job: ")
        if message:
            found.append({"index": index, "key": key, "message": message})
    return found


def _for_task(key, value, task):
    """Why ``key`` (or the model ``value``) does not fit ``task``, or None."""
    if task is None:
        return None
    group = TASK_ONLY.get(key)
    if group and task not in catalog.TASK_GROUPS[group]:
        return f"'{key}' applies to {group} only, not to {task}"
    if key == "model_name" and value not in catalog.names_for(task):
        if value == "yolov5":
            return "'model_name' yolov5 is not provided here (see the README); choose another detection model"
        close = difflib.get_close_matches(value, catalog.names_for(task), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'model_name' must be a {task} model, got '{value}'{hint}: {', '.join(catalog.names_for(task))}"
    return None


def _for_models(key, value, models):
    """Why ``value`` of ``key`` does not fit one of ``models``, or None."""
    for model in models:
        stages = catalog.FREEZABLE_STAGES.get(model)
        if key == "layers_to_freeze" and stages is not None and value > stages:
            return f"'layers_to_freeze' must be in [0, {stages}] for {model} (its stages before the head), got {value}"
        size = catalog.FIXED_CROP_SIZE.get(model)
        if key in ("training_crop_size", "valid_crop_size") and size is not None and value != size:
            return f"'{key}' must be {size} for {model} (its position embeddings are for {size}-pixel inputs), got {value}"
    return None


def tile_grid(text, source="settings"):
    """'3x2' → (3, 2): columns across, rows down; '1x1' and anything else malformed are errors."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and int(p) >= 1 for p in parts) or parts == ["1", "1"]:
        raise RunnerError(f"{source}: 'tile_grid_size' must be like '3x2' (columns x rows, not 1x1), got '{text}'")
    return int(parts[0]), int(parts[1])


def read(path):
    """Reads a configuration file as a plain dict (checked later, once merged with a model's settings)."""
    try:
        raw = json.loads(Path(path).read_text())
    except OSError as error:
        raise RunnerError(f"{path}: cannot read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise RunnerError(f"{path}: line {error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(raw, dict):
        raise RunnerError(f"{path}: expected a JSON object")
    return raw
