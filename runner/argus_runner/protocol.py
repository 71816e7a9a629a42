"""The runner's side of the protocol with Argus: events out as JSON lines, failures as one error event.

Every line the runner prints on standard output is one JSON object with an ``event`` key; anything
else (library warnings) goes to standard error. A failure is one ``{"event": "error", "message": …}``
line and exit status 2, never a traceback alone.
"""

import json
import sys
import time


class RunnerError(Exception):
    """A failure to report to the user as it is: bad settings, a missing file, an unknown model."""


_out = sys.stdout


def emit(event, **fields):
    """Writes one event line and flushes it, so that Argus sees progress as it happens."""
    record = {"event": event, **fields}
    _out.write(json.dumps(record, allow_nan=False, default=_plain) + "\n")
    _out.flush()


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    return str(value)


class Progress:
    """Reports done/total with the rate in images per second, at most a few times a second."""

    def __init__(self, total, phase, interval=0.5):
        self.total, self.phase, self.interval = total, phase, interval
        self.done = 0
        self.started = time.monotonic()
        self.last = 0.0

    def advance(self, count, **extra):
        self.done += count
        now = time.monotonic()
        if now - self.last >= self.interval or self.done >= self.total:
            self.last = now
            emit("progress", phase=self.phase, done=self.done, total=self.total, images_per_second=self.rate(), **extra)

    def rate(self):
        elapsed = time.monotonic() - self.started
        return round(self.done / elapsed, 2) if elapsed > 0 else 0.0
