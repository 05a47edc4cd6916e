#!/usr/bin/env bash
# Install everything the course needs, idempotently, in the steps repo2docker (JupyterHub, Binder)
# takes for this repository: the Debian packages of apt.txt, a virtual environment in .venv with the
# pinned requirements.txt (only when it changed since the last install), then postBuild (the
# course's Jupyter kernel and JupyterLab settings).
# CNNCOURSE_GPU=1 installs TensorFlow's GPU build instead of tensorflow-cpu (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup: no apt-get here; install $* yourself (see README, 'Without apt')." >&2
    return 1
  fi
}

apt_packages=$(grep -v '^\s*#' apt.txt | xargs)
missing=""
for pkg in $apt_packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ] && [ -z "${CNNCOURSE_FASHION_MNIST_DIR:-}" ]; then
  echo "setup: installing Debian packages:$missing"
  apt_install $missing || echo "setup: continuing; cnncourse will try keras' online download instead" >&2
fi
command -v bwrap >/dev/null 2>&1 || apt_install bubblewrap || echo "setup: no bubblewrap; \`cnncourse grade\` then needs --sandbox docker|podman|none" >&2

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  if ! $PYTHON -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv && $PYTHON -m venv .venv
  fi
fi

stamp=.venv/.requirements.sha256
want=$( (cat requirements.txt constraints.txt pyproject.toml; echo "gpu=${CNNCOURSE_GPU:-0}") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages (first time: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  # tensorflow and tensorflow-cpu install the same files: never leave both in one environment.
  if [ "${CNNCOURSE_GPU:-0}" = 1 ]; then other=tensorflow-cpu; else other=tensorflow; fi
  if [ "$(uname -m)" = x86_64 ] && .venv/bin/python -m pip show -q "$other" >/dev/null 2>&1; then
    .venv/bin/python -m pip uninstall -q -y $(.venv/bin/python -m pip list --format=freeze 2>/dev/null | grep -oiP '^tensorflow([-_]cpu)?(?===)')
  fi
  .venv/bin/python -m pip install -q -r requirements.txt
  if [ "${CNNCOURSE_GPU:-0}" = 1 ]; then
    tf_version=$(grep -oP '^tensorflow-cpu==\K[0-9.]+' requirements.txt)
    .venv/bin/python -m pip uninstall -q -y tensorflow-cpu
    .venv/bin/python -m pip install -q "tensorflow[and-cuda]==$tf_version"
  fi
  echo "$want" > "$stamp"
fi
PATH="$PWD/.venv/bin:$PATH" bash postBuild >/dev/null
echo "setup: done"
