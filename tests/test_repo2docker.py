"""The repository follows repo2docker's conventions (JupyterHub, Binder), and scripts/setup.sh takes the same steps.

repo2docker installs apt.txt, then requirements.txt, then runs postBuild. Without Docker we check
that setup.sh does exactly these steps, and that `cnncourse doctor` passes in a fresh environment
after them (packages come from this environment, through a .pth file, instead of a download).
"""
from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from packaging.requirements import Requirement

from cnncourse.course import jupyter_env

REPO = Path(__file__).resolve().parents[1]
SETUP = (REPO / "scripts" / "setup.sh").read_text()
DOCTOR = "import sys; from cnncourse.course.cli import main; sys.argv = ['cnncourse', 'doctor']; main()"


def apt_packages() -> list[str]:
    lines = (REPO / "apt.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_apt_txt_holds_the_course_data_and_setup_installs_it():
    assert apt_packages() == ["dataset-fashion-mnist"]
    assert "apt.txt" in SETUP and 'apt_install $missing' in SETUP
    # setup.sh names no other Debian package for learners than apt.txt's (python3-venv only builds .venv;
    # bubblewrap is the grader's sandbox, for teachers running `cnncourse grade`)
    named = set(re.findall(r"apt_install ([a-z0-9][a-z0-9.+-]+)", SETUP))
    assert named <= {"python3-venv", "bubblewrap"}, named


def test_setup_installs_requirements_txt_then_runs_postbuild():
    pip_line = SETUP.index("pip install -q -r requirements.txt")
    postbuild_line = SETUP.index("bash postBuild")
    assert pip_line < postbuild_line
    assert os.access(REPO / "postBuild", os.X_OK), "repo2docker runs postBuild only when it is executable"
    assert not (REPO / "binder").exists() and not (REPO / ".binder").exists(), \
        "a binder/ folder would make repo2docker ignore the top-level files"


def pinned_requirements() -> list[Requirement]:
    lines = [line.split(" #")[0].strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    return [Requirement(line) for line in lines if line and not line.startswith(("#", "-"))]


def test_requirements_pin_the_cpu_build_and_every_pin_is_constrained():
    constraints = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
                   for line in (REPO / "constraints.txt").read_text().split() if "==" in line}
    reqs = pinned_requirements()
    for req in reqs:
        version = str(req.specifier).removeprefix("==")
        assert constraints.get(req.name.lower().replace("_", "-")) == version, f"{req} not in constraints.txt"
    tensorflow = {req.name: req.marker for req in reqs if req.name.startswith("tensorflow") and "datasets" not in req.name}
    x86_linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    for where, wanted in [(x86_linux, "tensorflow-cpu"), ({"sys_platform": "win32", "platform_machine": "AMD64"}, "tensorflow-cpu"),
                          ({"sys_platform": "darwin", "platform_machine": "arm64"}, "tensorflow"),
                          ({"sys_platform": "linux", "platform_machine": "aarch64"}, "tensorflow")]:
        chosen = [name for name, marker in tensorflow.items() if marker.evaluate(where)]
        assert chosen == [wanted], (where, chosen)


def test_doctor_passes_after_exactly_the_repo2docker_steps(tmp_path):
    """A fresh venv + requirements.txt (satisfied from this environment) + postBuild -> doctor passes."""
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "course-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n" + str(REPO) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"

    before = subprocess.run([str(python), "-c", DOCTOR], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert before.returncode == 1 and "jupyter_env" in before.stdout, before.stdout

    # requirements.txt: every pin is the version the shared packages hold.
    for req in pinned_requirements():
        if req.marker is None or req.marker.evaluate():
            assert md.version(req.name) in req.specifier, f"{req}: this environment has {md.version(req.name)}"
    subprocess.run(["bash", str(REPO / "postBuild")], env=env, check=True, cwd=REPO, capture_output=True)

    kernel = json.loads(jupyter_env.kernel_json_path(venv).read_text())
    assert kernel["env"]["TF_CPP_MIN_LOG_LEVEL"] == "3"
    settings = json.loads(jupyter_env.overrides_path(venv).read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    after = subprocess.run([str(python), "-c", DOCTOR], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr
    assert str(venv) in after.stdout.replace("\n", "") or "course kernel" in after.stdout


def test_jupyter_env_install_is_idempotent_and_keeps_other_settings(tmp_path):
    settings_path = jupyter_env.overrides_path(tmp_path)
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    assert jupyter_env.check(tmp_path)
    jupyter_env.install(tmp_path)
    first = settings_path.read_text(), jupyter_env.kernel_json_path(tmp_path).read_text()
    jupyter_env.install(tmp_path)
    assert (settings_path.read_text(), jupyter_env.kernel_json_path(tmp_path).read_text()) == first
    assert jupyter_env.check(tmp_path) == []
    assert json.loads(first[0])["@jupyterlab/apputils-extension:themes"]["theme"] == "JupyterLab Dark"
