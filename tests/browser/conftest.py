"""Fixtures of the browser tests: a JupyterLab server started as scripts/start.sh starts it, and Chromium.

The server runs on a copy of lessons/ (the browser edits and saves notebooks) with a temporary
course home, on 127.0.0.1, a free port and a random token. Chromium is Debian's `chromium`
(Playwright's own browser download is not needed); `CNNCOURSE_CHROMIUM` points elsewhere.
When a test fails, a screenshot of its page is kept in `build/browser/` (or `$CNNCOURSE_BROWSER_ARTIFACTS`).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CNNCOURSE_BROWSER_ARTIFACTS") or REPO / "build" / "browser")
CHROMIUM = os.environ.get("CNNCOURSE_CHROMIUM", "/usr/bin/chromium")
# Flags that let Debian's chromium run headless as root in a container, offline and quietly.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
# What a learner's shell does not have: the test must see what the learner sees. PYTEST_CURRENT_TEST
# matters most: ipykernel stops forwarding the kernel's C-level stderr (TensorFlow's log lines) to
# the notebook when it sees it, which hid the very red boxes this test looks for.
NOT_IN_A_LEARNERS_SHELL = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "PYTHONHASHSEED", "CNNCOURSE_PROGRESS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sh_args() -> list[str]:
    """The `jupyter lab` arguments scripts/start.sh passes (read from the script, not copied)."""
    text = (REPO / "scripts" / "start.sh").read_text()
    assert "--notebook-dir=lessons" in text, "scripts/start.sh no longer opens lessons/: update this test"
    return ["--no-browser"] + (["--allow-root"] if os.getuid() == 0 else [])


class Lab:
    """A running JupyterLab: its URL, token, notebook folder and course home."""

    def __init__(self, root: Path):
        self.root = root
        self.notebooks = root / "lessons"
        self.home = root / "course-home"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = ARTIFACTS / "jupyterlab.log"

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{sep}token={self.token}"

    def start(self) -> None:
        shutil.copytree(REPO / "lessons", self.notebooks)
        self.home.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in NOT_IN_A_LEARNERS_SHELL and not k.startswith("PYTEST_")}
        # A fresh learner: no user-level Jupyter config, settings or kernels of the developer's own.
        env.update(CNNCOURSE_HOME=str(self.home), JUPYTER_CONFIG_DIR=str(self.root / "jupyter-config"),
                   JUPYTER_DATA_DIR=str(self.root / "jupyter-data"), JUPYTER_RUNTIME_DIR=str(self.root / "jupyter-runtime"))
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [str(jupyter), "lab", *start_sh_args(), f"--notebook-dir={self.notebooks}",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}; see {self.log_path}")
            try:
                urllib.request.urlopen(self.url("api/status"), timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer within 60 s; see {self.log_path}")

    def api(self, method: str, path: str):
        import json

        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (18 lessons' TensorFlow kernels at once would not fit in memory)."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does: apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name.replace('/', '_')}.png"
        try:
            pg.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failed page: {shot}")
        except Exception as exc:  # the page may be gone; the failure itself is what matters
            print(f"no screenshot ({exc})")
    context.close()
    lab.shutdown_kernels()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the `page` fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
