#!/usr/bin/env bash
# Set everything up, check the machine, and open the lessons in JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/cnncourse doctor
args=(--notebook-dir=lessons)
[ "$(id -u)" != 0 ] || args+=(--allow-root)
[ -n "${DISPLAY:-}" ] || args+=(--no-browser)
exec .venv/bin/jupyter lab "${args[@]}" "$@"
