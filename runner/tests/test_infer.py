"""Batch inference: the output is valid AutoML scoring output that Argus reads, every setting changes it as
documented, and a killed run resumes to the same predictions as one uninterrupted run."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, argus_binary, digits_subset, run_inprocess, run_runner


def infer(model, data, predictions, folder, **overrides):
    config = {"model": str(model), "data": str(data), "predictions": str(predictions), "number_of_workers": 0,
              "batch_size": 6, **overrides}
    events = run_inprocess("infer", config)
    return [json.loads(line) for line in Path(predictions).read_text().splitlines()], events


def argus(*arguments):
    finished = subprocess.run([argus_binary(), *map(str, arguments)], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished


@pytest.mark.parametrize("kind", ["detection", "segmentation"])
def test_detection_output_passes_validate_and_evaluate(kind, model_folders, shapes, tmp_path):
    predictions = shapes.parent / f"predictions-{kind}.jsonl"
    rows, events = infer(model_folders[kind], shapes, predictions, tmp_path)
    assert [row["filename"] for row in rows] == [json.loads(l)["image_url"] for l in shapes.read_text().splitlines()]
    assert any(row["boxes"] for row in rows)
    assert all(("polygon" in box) == (kind == "segmentation") for row in rows for box in row["boxes"])
    assert events[-1]["event"] == "done" and events[-1]["images_per_second"] > 0
    argus("validate", predictions)
    task = "image_instance_segmentation" if kind == "segmentation" else "image_object_detection"
    argus("evaluate", "--task", task, "--ground-truth", shapes, "--predictions", predictions,
          "--output", tmp_path / "evaluation")
    assert json.loads((tmp_path / "evaluation" / "metrics.json").read_text())["task"] == task


def test_classification_output_passes_validate_and_evaluate(model_folders, tmp_path):
    data = digits_subset(tmp_path, "validation.jsonl", 12)
    shutil.copytree(ROOT / "samples/digits/images", tmp_path / "images")
    predictions = tmp_path / "predictions.jsonl"
    rows, _ = infer(model_folders["classification"], data, predictions, tmp_path)
    assert len(rows) == 12 and all(abs(sum(row["probs"]) - 1) < 1e-5 for row in rows)
    assert rows[0]["labels"] == [str(d) for d in range(10)]
    argus("validate", predictions)
    argus("evaluate", "--task", "image_classification", "--ground-truth", data, "--predictions", predictions,
          "--output", tmp_path / "evaluation")


def boxes_of(rows):
    return [box for row in rows for box in row["boxes"]]


def test_each_detection_setting_changes_the_output_as_documented(model_folders, shapes, tmp_path):
    model = model_folders["detection"]
    base = boxes_of(infer(model, shapes, tmp_path / "base.jsonl", tmp_path)[0])
    assert len(base) > 10
    scored = boxes_of(infer(model, shapes, tmp_path / "s.jsonl", tmp_path, box_score_thresh=0.6)[0])
    assert all(box["score"] >= 0.6 for box in scored) and len(scored) < len(base)
    capped = infer(model, shapes, tmp_path / "c.jsonl", tmp_path, box_detections_per_img=2)[0]
    assert all(len(row["boxes"]) <= 2 for row in capped) and max(len(row["boxes"]) for row in capped) == 2
    loose = boxes_of(infer(model, shapes, tmp_path / "n.jsonl", tmp_path, nms_iou_thresh=0.9)[0])
    strict = boxes_of(infer(model, shapes, tmp_path / "m.jsonl", tmp_path, nms_iou_thresh=0.1)[0])
    assert len(strict) < len(loose)
    larger = boxes_of(infer(model, shapes, tmp_path / "l.jsonl", tmp_path, min_size=128, max_size=128)[0])
    assert larger != base
    tiled = boxes_of(infer(model, shapes, tmp_path / "t.jsonl", tmp_path, tile_grid_size="2x2")[0])
    assert tiled != base


def test_mask_settings_change_the_polygons(model_folders, shapes, tmp_path):
    model = model_folders["segmentation"]
    few = boxes_of(infer(model, shapes, tmp_path / "a.jsonl", tmp_path, max_number_of_polygon_points=4)[0])
    assert few and all(len(box["polygon"][0]) <= 8 for box in few)
    low = boxes_of(infer(model, shapes, tmp_path / "b.jsonl", tmp_path, mask_pixel_score_threshold=0.05)[0])
    high = boxes_of(infer(model, shapes, tmp_path / "c.jsonl", tmp_path, mask_pixel_score_threshold=0.6)[0])
    assert [box["polygon"] for box in low] != [box["polygon"] for box in high]


def test_classification_resize_and_crop_change_the_probabilities(model_folders, tmp_path):
    data = digits_subset(tmp_path, "validation.jsonl", 4)
    model = model_folders["classification"]
    small = infer(model, data, tmp_path / "a.jsonl", tmp_path)[0]
    large = infer(model, data, tmp_path / "b.jsonl", tmp_path, valid_resize_size=64, valid_crop_size=48)[0]
    assert [row["probs"] for row in small] != [row["probs"] for row in large]


def test_a_killed_run_resumes_to_the_same_predictions(model_folders, tmp_path):
    data = digits_subset(tmp_path, "validation.jsonl", 300)
    model = model_folders["classification"]
    whole = tmp_path / "whole.jsonl"
    infer(model, data, whole, tmp_path, batch_size=2)
    assert len(whole.read_text().splitlines()) == 300
    output = tmp_path / "resumed.jsonl"
    partial = tmp_path / "resumed.jsonl.partial"
    config = tmp_path / "kill-config.json"
    config.write_text(json.dumps({"model": str(model), "data": str(data), "predictions": str(output),
                                  "number_of_workers": 0, "batch_size": 2}))
    process = subprocess.Popen([sys.executable, "-m", "argus_runner", "infer", "--config", str(config)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not partial.exists() or partial.stat().st_size < 2000):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not output.exists(), "a killed run must not leave a file that looks complete"
    done_before = len(partial.read_bytes().splitlines())
    assert 0 < done_before < 300
    with open(partial, "ab") as handle:
        handle.write(b'{"filename": "images/dig')  # a torn last line, as a kill mid-write leaves
    _, events, _ = run_runner("infer", json.loads(config.read_text()), tmp_path)
    assert events[0]["resumed_at"] >= done_before - 1
    assert output.read_text() == whole.read_text()
    assert not partial.exists()


def test_a_partial_file_from_other_data_is_an_error(model_folders, tmp_path):
    data = digits_subset(tmp_path, "validation.jsonl", 4)
    (tmp_path / "p.jsonl.partial").write_text('{"filename": "other.png"}\n')
    status, events, _ = run_runner("infer", {"model": str(model_folders["classification"]), "data": str(data),
                                             "predictions": str(tmp_path / "p.jsonl")}, tmp_path, check=False)
    assert status == 2
    assert "does not belong to this data" in events[-1]["message"]


@pytest.mark.parametrize("line, words", [
    ('{"label": "3"}', "field 'image_url' is missing"),
    ('{"image_url": "../../etc/passwd"}', "leaves the data folder"),
    ('not json', "not JSON"),
    ('{"image_url": "missing.png"}', "cannot decode the image"),
    ('{"image_url": "a.png", "path": "relative.png"}', "field 'path' must be an absolute path"),
])
def test_bad_data_is_one_clear_error(line, words, model_folders, tmp_path):
    from argus_runner.protocol import RunnerError

    data = tmp_path / "data.jsonl"
    data.write_text(line + "\n")
    config = {"model": str(model_folders["classification"]), "data": str(data),
              "predictions": str(tmp_path / "p.jsonl"), "number_of_workers": 0}
    with pytest.raises(RunnerError, match=words.replace("(", r"\(")):
        run_inprocess("infer", config)
    assert not (tmp_path / "p.jsonl").exists()


def test_a_failure_is_one_error_event_and_exit_status_2(model_folders, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text('{"image_url": "missing.png"}\n')
    status, events, stderr = run_runner("infer", {"model": str(model_folders["classification"]), "data": str(data),
                                                  "predictions": str(tmp_path / "p.jsonl")}, tmp_path, check=False)
    assert status == 2
    assert events[-1]["event"] == "error" and "cannot decode the image" in events[-1]["message"]
    assert "Traceback" not in stderr
