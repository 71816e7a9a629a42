"""``python -m argus_runner train|infer|explain|check --config FILE``: one command, one JSON configuration.

``check`` reads ``{"task", "probes": [{"key", "value", "models"}, …]}`` (or that list as a JSON string,
``probes_json``) and reports each setting the runner would refuse — for the task, and for each of the
models it will train — as an ``invalid`` event (``index``, ``key``, ``message``): Argus's job files are
checked by the one owner of the settings.

Exit status 0 on success, 2 on a reported failure (one ``error`` event on standard output and the
message on standard error), 130 when interrupted.
"""

import argparse
import json
import sys
import traceback

from .protocol import RunnerError, emit

COMMANDS = ("train", "infer", "explain", "check")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="argus_runner", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--config", required=True, help="the JSON configuration (see docs/runner.md)")
    arguments = parser.parse_args(argv)
    try:
        from . import settings

        raw = settings.read(arguments.config)
        if arguments.command == "check":
            probes = json.loads(raw["probes_json"]) if "probes_json" in raw else raw.get("probes", [])
            found = settings.problems(probes, task=raw.get("task"))
            for problem in found:
                emit("invalid", **problem)
            emit("done", phase="check", problems=len(found))
            return 0
        if arguments.command == "train":
            from . import train as module
        elif arguments.command == "infer":
            from . import infer as module
        else:
            from . import explain as module
        module.run(raw)
        return 0
    except RunnerError as error:
        return _fail(_own_message(str(error)))
    except KeyboardInterrupt:
        emit("error", message="interrupted")
        return 130
    except MemoryError:
        return _fail("out of memory; lower the batch size")
    except Exception as error:  # noqa: BLE001 — any other failure still becomes one clear message
        traceback.print_exc(file=sys.stderr)
        return _fail(f"{arguments.command} failed: {type(error).__name__}: {error}")


def _own_message(text):
    """A RunnerError raised in a DataLoader worker comes back wrapped in the worker's traceback: keep the
    original message (its last line) only."""
    if "Original Traceback" not in text:
        return text
    last = [line for line in text.splitlines() if line.strip()][-1]
    return last.split("RunnerError: ", 1)[-1]


def _fail(message):
    emit("error", message=message)
    print(f"argus_runner: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
