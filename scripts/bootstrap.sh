#!/usr/bin/env bash
# Installs what Argus needs on a Debian machine, skipping what is already there.
#   scripts/bootstrap.sh            system libraries (for building and testing)
#   scripts/bootstrap.sh --python   also the reference tools (golden files, benchmarks)
#   scripts/bootstrap.sh --runner   also the compute plane: .venv with PyTorch and runner/ (CPU wheels suffice)
set -euo pipefail

packages=(python3-venv sqlite3 pkg-config libcairo2-dev libsimdjson-dev libpng-dev libjpeg62-turbo-dev libsqlite3-dev libpq-dev postgresql fonts-dejavu-core poppler-utils nodejs chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "bootstrap: Swift 6 is needed (https://www.swift.org/install/linux/); it is not on PATH" >&2
  exit 1
fi

if [ "${1:-}" = "--python" ]; then
  python3 -c "import pycocotools, sklearn, faster_coco_eval, matplotlib" 2>/dev/null || \
    python3 -m pip install -q -r golden/scripts/requirements.txt
fi

if [ "${1:-}" = "--runner" ]; then
  # The runner's environment: its versions are pinned once, in runner/pyproject.toml.
  stamp=.venv/.argus-runner-installed
  if [ ! -f "$stamp" ] || [ runner/pyproject.toml -nt "$stamp" ]; then
    echo "bootstrap: installing the runner's Python environment in .venv (PyTorch, torchvision, timm, captum)"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -e "runner[test]"
    touch "$stamp"
  fi
fi
