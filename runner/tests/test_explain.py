"""Explanations: every method writes [3, crop, crop] attributions for the predicted class into the scoring
output, integrated gradients add up to the logit difference (their completeness property), and the
output is read by argus evaluate."""

import json
import subprocess

import numpy as np
import pytest
import torch

from conftest import argus_binary, digits_subset, run_inprocess


@pytest.mark.parametrize("method", ["integrated_gradients", "guided_backprop", "guided_gradcam", "xrai"])
def test_each_method_writes_attributions_for_the_first_images(method, model_folders, tmp_path):
    data = digits_subset(tmp_path, "validation.jsonl", 5)
    output = tmp_path / "explained.jsonl"
    events = run_inprocess("explain", {"model": str(model_folders["classification"]), "data": str(data),
                                       "predictions": str(output), "xai_algorithm": method, "explain_first": 2,
                                       "n_steps": 8, "number_of_workers": 0})
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(rows) == 5 and events[-1]["explained"] == 2
    for row in rows[:2]:
        assert np.asarray(row["attributions"]).shape == (3, 32, 32)
        assert row["xai_algorithm"] == method
        assert np.isfinite(np.asarray(row["attributions"])).all()
        if method != "guided_gradcam":  # an untrained model's Grad-CAM map may be all negative, hence all 0
            assert np.abs(np.asarray(row["attributions"])).sum() > 0
    assert all("attributions" not in row for row in rows[2:])
    finished = subprocess.run([argus_binary(), "evaluate", "--task", "image_classification", "--ground-truth",
                               str(data), "--predictions", str(output), "--output", str(tmp_path / "evaluation")],
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr


def test_integrated_gradients_add_up_to_the_logit_difference(model_folders, tmp_path):
    from argus_runner import bundle, data as data_module, explain
    from argus_runner.models import classification_transforms

    model, settings, _ = bundle.load(model_folders["classification"],
                                     {"xai_algorithm": "integrated_gradients", "n_steps": 200,
                                      "approximation_method": "gausslegendre"})
    item = data_module.read_jsonl(digits_subset(tmp_path, "validation.jsonl", 1))[0]
    image = classification_transforms(settings, training=False)(data_module.open_rgb(item)).unsqueeze(0)
    with torch.no_grad():
        logits = model(image)[0]
        baseline = model(torch.zeros_like(image))[0]
    target = int(logits.argmax())
    attribution = explain.Explainer(model, settings).attribute(image, target)
    expected = float(logits[target] - baseline[target])
    assert attribution.sum() == pytest.approx(expected, rel=0.02, abs=1e-3)


def test_xrai_ranks_the_densest_region_first():
    from argus_runner.explain import xrai

    pixels = np.zeros((16, 16))
    pixels[8:12, 8:12] = 1.0
    ranked = xrai(pixels)
    assert ranked[9, 9] == ranked.max()
    assert ranked[0, 0] < ranked[9, 9]


def test_only_multiclass_models_are_explained(model_folders, tmp_path):
    from argus_runner import bundle, settings
    from argus_runner.protocol import RunnerError

    with pytest.raises(RunnerError, match="classification models"):
        run_inprocess("explain", {"model": str(model_folders["detection"]), "data": str(tmp_path / "x.jsonl"),
                                  "predictions": str(tmp_path / "p.jsonl")})


def test_multilabel_explanations_cover_every_class_over_the_threshold(tmp_path):
    from argus_runner import bundle, models, settings

    rows = [json.loads(line) for line in digits_subset(tmp_path, "validation.jsonl", 6).read_text().splitlines()]
    data = tmp_path / "multilabel.jsonl"
    data.write_text("".join(json.dumps({**row, "label": [row["label"]]}) + "\n" for row in rows))
    checked = settings.check({"task": "image_classification_multilabel", "model_name": "resnet18",
                              "valid_resize_size": 32, "valid_crop_size": 32,
                              "confidence_score_threshold_multilabel": 0.3})
    torch.manual_seed(0)
    bundle.save(tmp_path / "model", models.build(checked, 10), checked, [str(d) for d in range(10)])
    output = tmp_path / "explained.jsonl"
    run_inprocess("explain", {"model": str(tmp_path / "model"), "data": str(data), "predictions": str(output),
                              "n_steps": 4, "number_of_workers": 0})
    for row in (json.loads(line) for line in output.read_text().splitlines()):
        over = [row["labels"][k] for k in np.argsort(-np.asarray(row["probs"]), kind="stable")
                if row["probs"][k] >= 0.3]
        assert row["attribution_labels"] == (over or [row["labels"][int(np.argmax(row["probs"]))]])
        assert np.asarray(row["attributions"]).shape == (len(row["attribution_labels"]), 3, 32, 32)
    finished = subprocess.run([argus_binary(), "evaluate", "--task", "image_classification_multilabel",
                               "--ground-truth", str(data), "--predictions", str(output), "--output",
                               str(tmp_path / "evaluation")], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
