"""Argus's compute plane: PyTorch training, batch inference and explanations.

Argus (the Swift side) starts ``python -m argus_runner train|infer|explain --config FILE`` and reads
the runner's standard output as JSON lines (see docs/runner.md). Nothing is downloaded: weights come
from a local file or the model starts from scratch.
"""

__version__ = "0.1.0"
