"""Validation metrics from Argus's own engine: the runner writes predictions, ``argus evaluate`` scores them,
so that training, nightly evaluation and the deployment gate agree on every number."""

import json
import shutil
import subprocess
from pathlib import Path

from . import infer
from .protocol import Progress, RunnerError


def evaluate(model, items, settings, labels, device, folder):
    """Predicts the validation items into ``folder``, runs ``argus evaluate`` there and returns
    ``(primary metric name, value, metrics dict)``."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    predictions = folder / "predictions.jsonl"
    settings = type(settings)({**settings, "batch_size": settings.validation_batch_size})
    was_training = model.training
    model.eval()
    with open(predictions, "w", encoding="utf-8") as sink:
        for rows in infer.predictions(model, items, settings, labels, device, Progress(len(items), "validate")):
            sink.write("".join(json.dumps(row) + "\n" for row in rows))
    model.train(was_training)
    command = [settings.argus, "evaluate", "--task", settings.task, "--ground-truth", settings.validation_data,
               "--predictions", str(predictions), "--output", str(folder / "evaluation")]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise RunnerError(f"argus evaluate failed on the validation predictions ({folder}): "
                          f"{finished.stderr.strip() or finished.stdout.strip()}")
    results = json.loads((folder / "evaluation" / "metrics.json").read_text())
    primary = results["primary_metric"]
    metrics = {k: v for k, v in results["metrics"].items() if isinstance(v, (int, float))}
    return primary["name"], primary["value"], metrics
