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
