"""Shared fixtures: the argus binary, the digits sample, generated shapes, and untrained model folders."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "samples" / "digits"


def argus_binary():
    named = os.environ.get("ARGUS_BINARY")
    candidates = [Path(named)] if named else [ROOT / ".build/debug/argus", ROOT / ".build/release/argus"]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise RuntimeError("no argus binary: build it (swift build) or set ARGUS_BINARY")


def run_runner(command, config, folder, check=True):
    """Runs ``python -m argus_runner COMMAND`` with ``config``; returns (exit status, events, stderr)."""
    path = Path(folder) / f"{command}-config.json"
    path.write_text(json.dumps(config))
    finished = subprocess.run([sys.executable, "-m", "argus_runner", command, "--config", str(path)],
                              capture_output=True, text=True, cwd=ROOT)
    events = [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
    if check and finished.returncode != 0:
        raise AssertionError(f"runner {command} failed: {finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    return finished.returncode, events, finished.stderr


def run_inprocess(command, config):
    """Runs a runner command in this process (no start-up cost); returns its events."""
    import importlib
    import io

    from argus_runner import protocol

    module = importlib.import_module(f"argus_runner.{command}")
    buffer, saved = io.StringIO(), protocol._out
    protocol._out = buffer
    try:
        module.run(config)
    finally:
        protocol._out = saved
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def digits_subset(folder, source, count):
    """The first ``count`` lines of a digits JSONL, written into ``folder`` with absolute image paths."""
    lines = (DIGITS / source).read_text().splitlines()[:count]
    out = Path(folder) / source
    rows = []
    for line in lines:
        row = json.loads(line)
        row["path"] = str(DIGITS / row["image_url"])
        rows.append(json.dumps(row))
    out.write_text("\n".join(rows) + "\n")
    return out


SMALL_CLASSIFIER = {"valid_resize_size": 32, "valid_crop_size": 32, "training_crop_size": 32}
SMALL_DETECTOR = {"min_size": 64, "max_size": 64}


@pytest.fixture(scope="session")
def shapes(tmp_path_factory):
    from argus_runner import shapes as generator

    folder = tmp_path_factory.mktemp("shapes")
    return generator.make(folder, count=6, size=64, seed=3)


@pytest.fixture(scope="session")
def model_folders(tmp_path_factory):
    """Untrained model folders (seeded), by task: enough for inference and explanation behaviour."""
    import torch

    from argus_runner import bundle, models, settings

    folder = tmp_path_factory.mktemp("models")
    made = {}
    specs = {
        "classification": ({"task": "image_classification", "model_name": "resnet18", **SMALL_CLASSIFIER},
                           [str(d) for d in range(10)]),
        "detection": ({"task": "image_object_detection", "model_name": "fasterrcnn_resnet18_fpn",
                       "box_score_thresh": 0.0, **SMALL_DETECTOR}, ["ellipse", "rectangle"]),
        "segmentation": ({"task": "image_instance_segmentation", "model_name": "maskrcnn_resnet18_fpn",
                          "box_score_thresh": 0.0, "box_detections_per_img": 10, "mask_pixel_score_threshold": 0.3,
                          **SMALL_DETECTOR},
                         ["ellipse", "rectangle"]),
    }
    for name, (raw, labels) in specs.items():
        torch.manual_seed(0)
        checked = settings.check(raw)
        bundle.save(folder / name, models.build(checked, len(labels)), checked, labels)
        made[name] = folder / name
    return made
