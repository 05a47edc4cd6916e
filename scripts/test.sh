#!/usr/bin/env bash
# Set everything up, then run every test: machine check, lessons in sync with
# solutions, unit tests, the learner's JupyterLab in a real browser, and every
# solution notebook under nbval.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH" TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
# Keep CI away from a learner's real course home.
export CNNCOURSE_HOME="${CNNCOURSE_HOME:-$PWD/.course-home}"
# Kernels started here never show training progress widgets (their outputs are stored or compared).
export CNNCOURSE_PROGRESS=0
cnncourse doctor
cnncourse check-lessons  # `cnncourse build --check` + `cnncourse lint` (baseline tests/lint_baseline.txt)
pytest -q tests --ignore=tests/browser
# Browser tests: Debian's chromium driven by Playwright (screenshots of failures: build/browser/).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
pytest -q tests/browser
pytest -q --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
  --nbval-cell-timeout 600 -p no:cacheprovider solutions
