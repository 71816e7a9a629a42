"""The model folder, the one owner of its three files: ``model.pt``, ``settings.json``, ``labels.json``.

``model.pt`` holds ``{"model": state_dict, "task", "model_name", "labels"}``; ``settings.json`` the
inference settings (AutoML names) the model was trained with; ``labels.json`` the class names in
output order. A folder is written whole: into a hidden sibling, then renamed.
"""

import json
import os
import shutil
from pathlib import Path

import torch

from . import models, settings as settings_module
from .protocol import RunnerError

MODEL_FILE, SETTINGS_FILE, LABELS_FILE = "model.pt", "settings.json", "labels.json"


def save(folder, model, settings, labels):
    """Writes the model folder atomically (replacing an older one only when the new one is complete)."""
    folder = Path(folder)
    staging = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    state = {k: v.detach().cpu() for k, v in unwrapped(model).state_dict().items()}
    torch.save({"model": state, "task": settings.task, "model_name": settings.model_name, "labels": labels},
               staging / MODEL_FILE)
    saved = {key: settings[key] for key in settings_module.SAVED_WITH_MODEL}
    (staging / SETTINGS_FILE).write_text(json.dumps(saved, indent=1) + "\n")
    (staging / LABELS_FILE).write_text(json.dumps(labels) + "\n")
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old)
    else:
        staging.rename(folder)


def load(folder, overrides):
    """(model in eval mode, settings, labels) from a model folder; ``overrides`` win over settings.json."""
    folder = Path(folder)
    for name in (MODEL_FILE, SETTINGS_FILE, LABELS_FILE):
        if not (folder / name).is_file():
            raise RunnerError(f"{folder}: not a model folder ({name} is missing)")
    try:
        saved = json.loads((folder / SETTINGS_FILE).read_text())
        labels = json.loads((folder / LABELS_FILE).read_text())
    except json.JSONDecodeError as error:
        raise RunnerError(f"{folder}: {error.msg} at line {error.lineno}") from None
    if not isinstance(labels, list) or not all(isinstance(v, str) for v in labels):
        raise RunnerError(f"{folder / LABELS_FILE}: expected a JSON list of class names")
    merged = settings_module.check({**saved, **overrides}, str(folder / SETTINGS_FILE))
    model = models.build(merged, len(labels))
    try:
        state = torch.load(folder / MODEL_FILE, map_location="cpu", weights_only=True)
        model.load_state_dict(state["model"])
    except (OSError, RuntimeError, KeyError) as error:
        raise RunnerError(f"{folder / MODEL_FILE}: cannot load the weights ({error})") from None
    return model.eval(), merged, labels


def unwrapped(model):
    return model.module if hasattr(model, "module") else model
