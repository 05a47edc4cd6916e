#!/usr/bin/env bash
# Install everything the course needs, idempotently: the Debian Fashion-MNIST package,
# a virtual environment in .venv, and the pinned Python packages (only when
# requirements.txt changed since the last install).
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

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && [ -z "${CNNCOURSE_FASHION_MNIST_DIR:-}" ]; then
  echo "setup: installing Debian package dataset-fashion-mnist"
  apt_install dataset-fashion-mnist || echo "setup: continuing; cnncourse will try keras' online download instead" >&2
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
want=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages (first time: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
echo "setup: done"
