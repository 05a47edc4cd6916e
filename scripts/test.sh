#!/usr/bin/env bash
# Set everything up, then run every test: machine check, lessons in sync with
# solutions, unit tests, and every solution notebook under nbval.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH" TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
# Keep CI away from a learner's real course home.
export CNNCOURSE_HOME="${CNNCOURSE_HOME:-$PWD/.course-home}"
cnncourse doctor
cnncourse check-lessons  # `cnncourse build --check` + `cnncourse lint` (baseline tests/lint_baseline.txt)
pytest -q tests
pytest -q --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
  --nbval-cell-timeout 600 -p no:cacheprovider solutions
