import pytest

from argus_runner import settings
from argus_runner.protocol import RunnerError


def test_defaults_are_filled_in_and_types_checked():
    checked = settings.check({"task": "image_object_detection"})
    assert checked.model_name == "fasterrcnn_resnet50_fpn"
    assert checked.box_score_thresh == 0.3
    assert settings.check({"task": "image_classification", "learning_rate": 1}).learning_rate == 1.0


@pytest.mark.parametrize("raw, words", [
    ({"task": "image_classification", "epochs": 3}, "unknown setting 'epochs'"),
    ({"task": "image_classification", "optimizer": "rmsprop"}, "'optimizer' must be one of"),
    ({"task": "image_classification", "box_score_thresh": 1.5}, "'box_score_thresh' must be in [0.0, 1.0]"),
    ({"task": "image_classification", "number_of_epochs": "many"}, "'number_of_epochs' must be int"),
    ({"task": "image_classification", "number_of_epochs": True}, "'number_of_epochs' must be int"),
    ({"task": "image_object_detection", "tile_grid_size": "1x1"}, "'tile_grid_size' must be like"),
    ({"task": "image_object_detection", "tile_grid_size": "3by2"}, "'tile_grid_size' must be like"),
    ({"model_name": "resnet18"}, "'task' is required"),
])
def test_bad_settings_name_the_key(raw, words):
    with pytest.raises(RunnerError) as caught:
        settings.check(raw, "config.json")
    assert words in str(caught.value)
    assert str(caught.value).startswith("config.json")


def test_a_configuration_file_that_is_not_json_names_the_line(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{\n "task": \n}')
    with pytest.raises(RunnerError, match=r"line 3"):
        settings.read(path)


@pytest.mark.parametrize("probe, task, words", [
    ({"key": "min_size", "value": 800}, "image_classification",
     "'min_size' applies to detection and segmentation only, not to image_classification"),
    ({"key": "valid_crop_size", "value": 224}, "image_object_detection", "applies to classification only"),
    ({"key": "mask_pixel_score_threshold", "value": 0.4}, "image_object_detection",
     "applies to instance segmentation only"),
    ({"key": "confidence_score_threshold_multilabel", "value": 0.4}, "image_classification",
     "applies to multi-label classification only"),
    ({"key": "model_name", "value": "resnet5O"}, "image_classification", "(did you mean 'resnet50'?)"),
    ({"key": "model_name", "value": "fasterrcnn_resnet50_fpn"}, "image_classification",
     "must be a image_classification model"),
    ({"key": "model_name", "value": "yolov5"}, "image_object_detection", "yolov5 is not provided here"),
    ({"key": "model_size", "value": "large"}, "image_object_detection", "'model_size' is a yolov5 setting"),
    ({"key": "layers_to_freeze", "value": 3, "models": ["mobilenetv2"]}, None, "must be in [0, 1] for mobilenetv2"),
    ({"key": "layers_to_freeze", "value": 9, "models": ["fasterrcnn_resnet50_fpn"]}, None,
     "must be in [0, 8] for fasterrcnn_resnet50_fpn"),
    ({"key": "training_crop_size", "value": 256, "models": ["resnet50", "vitb16r224"]}, None,
     "'training_crop_size' must be 224 for vitb16r224"),
])
def test_job_values_are_checked_for_the_task_and_each_model(probe, task, words):
    found = settings.problems([probe], task=task)
    assert len(found) == 1 and words in found[0]["message"], found


def test_values_that_fit_the_task_and_models_pass():
    probes = [{"key": "layers_to_freeze", "value": 8, "models": ["resnet18", "seresnext"]},
              {"key": "valid_crop_size", "value": 224, "models": ["vits16r224"]},
              {"key": "training_crop_size", "value": 320, "models": ["resnet50"]},
              {"key": "model_name", "value": "vitl16r224"}]
    assert settings.problems(probes, task="image_classification_multilabel") == []
    assert settings.problems([{"key": "min_size", "value": 800}, {"key": "model_name", "value": "maskrcnn_resnet18_fpn"},
                              {"key": "max_number_of_polygon_points", "value": 50}],
                             task="image_instance_segmentation") == []


@pytest.mark.parametrize("name", ["mobilenetv2", "resnet18", "seresnext", "vits16r224", "fasterrcnn_resnet18_fpn"])
def test_the_freezable_stages_are_the_models_own(name):
    """Freezing the catalogue's stages leaves exactly the head trainable: the stages end where the head begins."""
    from argus_runner import catalog, models

    task = "image_classification" if name in catalog.CLASSIFIERS else "image_object_detection"
    model = models.build(settings.check({"task": task, "model_name": name}), 3)
    body = getattr(getattr(model, "backbone", None), "body", None) or model
    children = [child for _, child in body.named_children()]
    stages = catalog.FREEZABLE_STAGES[name]
    models.freeze(model, stages)
    assert any(p.numel() for p in children[stages - 1].parameters())
    assert all(not p.requires_grad for child in children[:stages] for p in child.parameters())
    if body is model:  # a classifier: after the stages comes one module with weights, its head, still learning
        weighted = [child for child in children[stages:] if any(True for _ in child.parameters())]
        assert len(weighted) == 1 and all(p.requires_grad for p in weighted[0].parameters())
    else:  # a detector: the whole body is the stages
        assert stages == len(children)
