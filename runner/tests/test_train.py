"""Training: a few steps lower the loss for every task, the AutoML parameters act as documented,
validation metrics come from argus evaluate, and a resumed run ends exactly where one run ends."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import ROOT, SMALL_CLASSIFIER, SMALL_DETECTOR, argus_binary, digits_subset, run_inprocess, run_runner
from argus_runner import schedule, settings


def epochs(events):
    return [e for e in events if e["event"] == "epoch"]


def digits_config(tmp_path, **extra):
    data = digits_subset(tmp_path, "train.jsonl", 64)
    return {"task": "image_classification", "model_name": "resnet18", "training_data": str(data),
            "output": str(tmp_path / "run"), "training_batch_size": 16, "number_of_workers": 0,
            "optimizer": "adam", "learning_rate": 0.003, "warmup_cosine_lr_warmup_epochs": 0,
            "apply_automl_train_augmentations": False, "number_of_epochs": 3, "random_seed": 1,
            **SMALL_CLASSIFIER, **extra}


def test_a_few_steps_lower_the_classification_loss(tmp_path):
    events = run_inprocess("train", digits_config(tmp_path))
    losses = [e["loss"] for e in epochs(events)]
    assert losses[-1] < losses[0]
    folder = tmp_path / "run" / "model"
    assert json.loads((folder / "labels.json").read_text()) == [str(d) for d in range(10)]
    assert json.loads((folder / "settings.json").read_text())["valid_crop_size"] == 32


@pytest.mark.parametrize("task, model_name, rate", [("image_object_detection", "fasterrcnn_resnet18_fpn", 0.01),
                                                    ("image_instance_segmentation", "maskrcnn_resnet18_fpn", 0.002)])
def test_a_few_steps_lower_the_detection_loss(task, model_name, rate, shapes, tmp_path):
    events = run_inprocess("train", {
        "task": task, "model_name": model_name, "training_data": str(shapes), "output": str(tmp_path / "run"),
        "training_batch_size": 3, "number_of_epochs": 4, "number_of_workers": 0, "learning_rate": rate,
        "warmup_cosine_lr_warmup_epochs": 0, "apply_automl_train_augmentations": False, **SMALL_DETECTOR})
    losses = [e["loss"] for e in epochs(events)]
    assert len(losses) == 4 and losses[-1] < losses[0]


def test_validation_metrics_come_from_argus_and_early_stopping_acts(tmp_path):
    valid = digits_subset(tmp_path, "validation.jsonl", 20)
    config = digits_config(tmp_path, validation_data=str(valid), argus=argus_binary(), learning_rate=0.0,
                           number_of_epochs=6, early_stopping_patience=2, early_stopping_delay=1)
    events = run_inprocess("train", config)
    epoch_events = epochs(events)
    assert all(e["primary_metric"]["name"] == "accuracy" for e in epoch_events)
    evaluation = tmp_path / "run" / "validation" / "epoch_0001" / "evaluation" / "metrics.json"
    assert json.loads(evaluation.read_text())["primary_metric"]["value"] == epoch_events[0]["primary_metric"]["value"]
    # A learning rate of 0 never improves on epoch 1: with patience 2 the run stops after epoch 3.
    assert [e["epoch"] for e in epoch_events] == [1, 2, 3]
    assert events[-1]["early_stopped"] is True and events[-1]["best_epoch"] == 1


def test_validation_needs_the_argus_executable(tmp_path):
    valid = digits_subset(tmp_path, "validation.jsonl", 4)
    status, events, _ = run_runner("train", digits_config(tmp_path, validation_data=str(valid)), tmp_path,
                                   check=False)
    assert status == 2 and "set 'argus'" in events[-1]["message"]


def test_a_resumed_run_ends_where_one_run_ends(tmp_path):
    whole = tmp_path / "whole"
    whole.mkdir()
    run_inprocess("train", digits_config(whole))
    part = tmp_path / "part"
    part.mkdir()
    run_inprocess("train", digits_config(part, max_steps=4, checkpoint_frequency=1))
    # The run folder stands for its latest checkpoint (here epoch 1's, written when max_steps stopped it).
    assert sorted(p.name for p in (part / "run" / "checkpoints").iterdir()) == ["epoch_0001.pt"]
    events = run_inprocess("train", digits_config(part, checkpoint_path=str(part / "run")))
    assert [e["epoch"] for e in epochs(events)] == [2, 3]
    expected = torch.load(whole / "run" / "model" / "model.pt", weights_only=True)["model"]
    actual = torch.load(part / "run" / "model" / "model.pt", weights_only=True)["model"]
    assert all(torch.equal(expected[k], actual[k]) for k in expected)


def test_frozen_layers_do_not_change_and_weights_load_from_a_local_file(tmp_path):
    events = run_inprocess("train", digits_config(tmp_path, layers_to_freeze=2, number_of_epochs=1))
    trained = torch.load(tmp_path / "run" / "model" / "model.pt", weights_only=True)["model"]
    from argus_runner import models

    torch.manual_seed(1)
    initial = models.build(settings.check(digits_config(tmp_path)), 10).state_dict()
    assert torch.equal(trained["conv1.weight"], initial["conv1.weight"])
    assert not torch.equal(trained["layer4.0.conv1.weight"], initial["layer4.0.conv1.weight"])
    assert any("starts from scratch" in e.get("message", "") for e in events)
    again = tmp_path / "again"
    again.mkdir()
    events = run_inprocess("train", digits_config(again, number_of_epochs=1, max_steps=1,
                                                  weights=str(tmp_path / "run" / "model" / "model.pt")))
    count = len(trained)
    assert any(e.get("message", "").startswith(f"loaded {count} of {count} weight tensors") for e in events)


def test_weighted_loss_weighs_rare_classes_up(tmp_path):
    from argus_runner import data, train

    config = settings.check(digits_config(tmp_path, weighted_loss=2))
    items = data.read_jsonl(config.training_data)[:30]
    labels = data.class_labels(items, config.task)
    counts = {name: sum(str(item.label) == name for item in items) for name in labels}
    trainer = train.Trainer(config, torch.nn.Linear(1, len(labels)), items, labels, torch.device("cpu"), False)
    weights = trainer.loss.weight.tolist()
    rare, common = min(counts, key=counts.get), max(counts, key=counts.get)
    assert weights[labels.index(rare)] > weights[labels.index(common)]
    root = train.Trainer(settings.check({**config, "weighted_loss": 1}), torch.nn.Linear(1, len(labels)), items,
                         labels, torch.device("cpu"), False).loss.weight.tolist()
    ratio = weights[labels.index(rare)] / weights[labels.index(common)]
    assert root[labels.index(rare)] / root[labels.index(common)] == pytest.approx(math.sqrt(ratio))


def test_a_folder_without_checkpoints_is_an_error(tmp_path):
    from argus_runner.protocol import RunnerError

    (tmp_path / "empty").mkdir()
    with pytest.raises(RunnerError, match="no checkpoint"):
        run_inprocess("train", digits_config(tmp_path, checkpoint_path=str(tmp_path / "empty")))


def test_the_schedules_follow_their_definitions():
    warm = settings.check({"task": "image_classification", "number_of_epochs": 10,
                           "warmup_cosine_lr_warmup_epochs": 2, "warmup_cosine_lr_cycles": 0.5})
    assert schedule.factor(warm, 0, 10) == pytest.approx(1 / 20)
    assert schedule.factor(warm, 19, 10) == pytest.approx(1.0)
    assert schedule.factor(warm, 20, 10) == pytest.approx(1.0)
    assert schedule.factor(warm, 60, 10) == pytest.approx(0.5)  # half-way: 0.5·(1 + cos(π·2·0.5·0.5))
    assert schedule.factor(warm, 100, 10) == pytest.approx(0.0, abs=1e-12)  # the end: cos(π) = -1
    step = settings.check({"task": "image_classification", "learning_rate_scheduler": "step", "step_lr_gamma": 0.5,
                           "step_lr_step_size": 3})
    assert [schedule.factor(step, s * 10, 10) for s in (0, 2, 3, 6)] == [1.0, 1.0, 0.5, 0.25]
    for name, kind in (("sgd", torch.optim.SGD), ("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)):
        chosen = settings.check({"task": "image_classification", "optimizer": name})
        assert isinstance(schedule.optimizer(chosen, torch.nn.Linear(2, 2).parameters()), kind)


def test_two_processes_train_through_torchrun(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(digits_config(tmp_path, number_of_epochs=1, training_batch_size=8)))
    torchrun = Path(sys.executable).parent / "torchrun"
    finished = subprocess.run([str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "argus_runner", "train",
                               "--config", str(config)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    events = [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
    start = next(e for e in events if e["event"] == "start")
    assert start["steps_per_epoch"] == 4  # 64 images, 2 processes, 8 a batch
    assert sum(e["event"] == "done" for e in events) == 1
    assert (tmp_path / "run" / "model" / "model.pt").is_file()


def test_validation_labels_the_training_data_lacks_are_an_error(tmp_path):
    from argus_runner.protocol import RunnerError

    train = tmp_path / "no-sevens.jsonl"
    rows = [json.loads(line) for line in (ROOT / "samples/digits/train.jsonl").read_text().splitlines()[:40]]
    kept = [row for row in rows if row["label"] != "7"]
    for row in kept:
        row["path"] = str(ROOT / "samples/digits" / row["image_url"])
    train.write_text("".join(json.dumps(row) + "\n" for row in kept))
    valid = digits_subset(tmp_path, "validation.jsonl", 300)
    config = digits_config(tmp_path, validation_data=str(valid), argus=argus_binary())
    config["training_data"] = str(train)
    with pytest.raises(RunnerError, match="labels that the training data does not have: 7"):
        run_inprocess("train", config)
