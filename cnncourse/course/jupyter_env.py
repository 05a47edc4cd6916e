"""The course's JupyterLab: a quiet Python kernel and preset settings, installed into this environment.

``python -m cnncourse.course.jupyter_env`` (run by scripts/setup.sh and by postBuild on a JupyterHub/Binder)
writes two files under ``sys.prefix/share/jupyter``:

- ``kernels/python3/kernel.json``: the standard "Python 3 (ipykernel)" kernel with
  ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` (as ``start_lesson`` sets it) in its
  environment, so TensorFlow's C++ start-up lines never reach a notebook as red stderr boxes, even
  when a learner's first cell imports tensorflow (measured with the tensorflow-cpu wheel: silent);
- ``lab/settings/overrides.json``: JupyterLab defaults for the course (no news or update
  prompt, no extension manager calling the internet, line numbers in code cells).

Both are idempotent; ``check()`` tells ``cnncourse doctor`` whether they are in place.

Course tooling (set-up): the learner's JupyterLab environment.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME = "python3"
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
    "@jupyterlab/notebook-extension:tracker": {"codeCellConfig": {"lineNumbers": True}},
}


def kernel_json_path(prefix: str | Path = sys.prefix) -> Path:
    return Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"


def overrides_path(prefix: str | Path = sys.prefix) -> Path:
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def install(prefix: str | Path = sys.prefix) -> list[Path]:
    """Write the kernel spec and the JupyterLab overrides under `prefix`; returns the files written."""
    from ipykernel.kernelspec import get_kernel_dict

    kernel_path = kernel_json_path(prefix)
    spec = _read_json(kernel_path) or {**get_kernel_dict(), "display_name": "Python 3 (ipykernel)", "language": "python"}
    spec["env"] = {**spec.get("env", {}), **KERNEL_ENV}
    kernel_path.parent.mkdir(parents=True, exist_ok=True)
    kernel_path.write_text(json.dumps(spec, indent=1) + "\n")

    settings_path = overrides_path(prefix)
    settings = _read_json(settings_path)
    for plugin, values in LAB_SETTINGS.items():
        settings[plugin] = {**settings.get(plugin, {}), **values}
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text(json.dumps(settings, indent=1) + "\n")
    return [kernel_path, settings_path]


def check(prefix: str | Path = sys.prefix) -> list[str]:
    """What is missing from the course's Jupyter set-up (empty when all is in place)."""
    problems = []
    env = _read_json(kernel_json_path(prefix)).get("env", {})
    if any(env.get(k) != v for k, v in KERNEL_ENV.items()):
        problems.append(f"kernel {kernel_json_path(prefix)} does not set {KERNEL_ENV}")
    settings = _read_json(overrides_path(prefix))
    for plugin, values in LAB_SETTINGS.items():
        if any(settings.get(plugin, {}).get(k) != v for k, v in values.items()):
            problems.append(f"{overrides_path(prefix)} lacks the course's {plugin} settings")
    return problems


def main() -> None:
    for path in install():
        print(f"jupyter_env: wrote {path}")


if __name__ == "__main__":
    main()
