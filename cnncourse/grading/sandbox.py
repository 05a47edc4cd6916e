"""Command lines that run one submission's grading inside a throwaway sandbox.

``bwrap`` (bubblewrap, the default on Linux): a fresh mount namespace with the system,
Python and the course mounted read-only, the course's ``solutions/`` and ``.git`` and the
submissions' folders hidden under empty tmpfs, a private writable ``/tmp`` and work folder,
no network, its own PID namespace (when the sandbox ends, every process it started dies),
run as a dedicated unprivileged uid when the grader is root, with resource limits set by
``prlimit`` inside. ``docker``/``podman``: the same policy with a container engine and an
image holding the course. ``none``: the limits only, no isolation (the caller warns).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cnncourse.course import paths

KINDS = ("bwrap", "docker", "podman", "none")
INSIDE = Path("/grade")            # the submission's work folder as the sandbox sees it
DEFAULT_IMAGE = "cnncourse-grader"
HOME_DATA = (".keras", "tensorflow_datasets")   # read-only caches a lesson may need


class SandboxUnavailable(RuntimeError):
    """The requested sandbox cannot run on this machine; the message says what to do."""


@dataclass
class Limits:
    """Per-submission limits. ``wall_seconds`` bounds the whole submission, ``cell_timeout`` one cell."""

    cell_timeout: int = 300
    wall_seconds: int = 900
    memory_gb: float = 8.0          # address space of each process (RLIMIT_AS), not a cgroup total
    file_size_mb: int = 256         # largest file a process may write
    max_processes: int = 256        # processes/threads of the sandbox's uid
    tmpfs_mb: int = 1024            # size of each in-memory folder of the sandbox (/tmp, /dev/shm, $HOME)

    def prlimit(self, extra_processes: int = 0) -> list[str]:
        """``prlimit`` arguments applying these limits to the command that follows."""
        memory = int(self.memory_gb * 1024 ** 3)
        return ["prlimit", f"--as={memory}", f"--fsize={self.file_size_mb * 1024 ** 2}",
                f"--nproc={self.max_processes + extra_processes}", f"--cpu={4 * self.wall_seconds}", "--core=0", "--"]


def default_kind() -> str:
    return "bwrap" if sys.platform.startswith("linux") else "docker"


def check_available(kind: str, image: str = DEFAULT_IMAGE) -> None:
    """Raise :class:`SandboxUnavailable` with a clear reason when ``kind`` cannot run here."""
    if kind not in KINDS:
        raise SandboxUnavailable(f"--sandbox {kind!r}: choose one of {', '.join(KINDS)}")
    if kind == "none":
        return
    if kind == "bwrap":
        if not sys.platform.startswith("linux"):
            raise SandboxUnavailable("--sandbox bwrap needs Linux; use --sandbox docker (or podman)")
        missing = [tool for tool in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()) if not shutil.which(tool)]
        if missing:
            raise SandboxUnavailable(f"{' and '.join(missing)} not found: install bubblewrap and util-linux "
                                     "(`apt-get install bubblewrap util-linux`), or choose --sandbox docker|podman, "
                                     "or --sandbox none to grade WITHOUT isolation")
        probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap is installed but cannot create a sandbox here ({probe.stderr.strip()[:200]}); "
                                     "user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1), "
                                     "or choose --sandbox docker|podman")
        return
    if not shutil.which(kind):
        raise SandboxUnavailable(f"--sandbox {kind}: the `{kind}` command is not installed or not on PATH; "
                                 "install it, or use the default --sandbox bwrap")
    info = subprocess.run([kind, "image", "inspect", image], capture_output=True, text=True)
    if info.returncode != 0:
        reason = (info.stderr or info.stdout).strip().splitlines()
        raise SandboxUnavailable(f"--sandbox {kind}: cannot use image {image!r} ({reason[-1][:200] if reason else 'no answer'}); "
                                 f"is the {kind} engine running, and was the image built (README, Grading)?")


def _real(path) -> Path:
    return Path(os.path.realpath(path))


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _python_roots() -> list[Path]:
    roots = {_real(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    roots |= {_real(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).is_dir()}
    roots.add(_real(paths.REPO_DIR))
    return sorted(roots)


def bwrap_command(inner: list[str], workdir: Path, env: dict, limits: Limits, hide=(), uid: int | None = None) -> list[str]:
    """The ``bwrap`` command line running ``inner`` (paths inside refer to :data:`INSIDE`) for one submission.

    ``hide`` lists more folders to cover with an empty tmpfs (e.g. the submissions' folders).
    ``uid`` (when the grader is root) is the unprivileged uid the sandboxed processes run as.
    """
    mounts: list[tuple[str, Path, Path | None]] = []   # (option, destination, source)
    for system in ("/usr", "/etc", "/opt"):
        if Path(system).is_dir():
            mounts.append(("--ro-bind", Path(system), Path(system)))
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if Path(top).is_symlink():
            mounts.append(("--symlink", Path(top), Path(os.readlink(top))))
        elif Path(top).is_dir():
            mounts.append(("--ro-bind", Path(top), Path(top)))
    bound = []
    for root in _python_roots():
        if any(_under(root, Path(d)) for d in ("/usr", "/etc", "/opt")) or any(_under(root, b) for b in bound):
            continue
        bound = [b for b in bound if not _under(b, root)] + [root]
    mounts += [("--ro-bind", b, b) for b in bound]
    home = Path(env.get("HOME", "/tmp/home"))
    mounts.append(("--tmpfs", home, None))
    mounts += [("--ro-bind", home / d, _real(Path.home() / d)) for d in HOME_DATA if (Path.home() / d).is_dir()]
    mounts.append(("--tmpfs", Path("/tmp"), None))
    mounts.append(("--tmpfs", Path("/dev/shm"), None))
    cache = _real(paths.course_home() / "cache")
    if cache.is_dir():
        mounts.append(("--ro-bind", Path(env["CNNCOURSE_HOME"]) / "cache", cache))
    secret = [_real(paths.SOLUTIONS_DIR), _real(paths.REPO_DIR / ".git"), _real(paths.course_home()),
              *(_real(h) for h in hide)]
    hidden_dirs = [p for p in secret if p.is_dir() and not any(_under(b, p) for b in bound)]
    for path in secret:
        if any(_under(b, path) for b in bound):
            continue   # it holds the course or Python itself: its files listed in `hide` are covered one by one
        if path.is_file() and any(_under(path, d) and d != path for d in hidden_dirs):
            continue
        if any(_under(path, b) for b in bound):
            if path.is_dir():
                mounts.append(("--tmpfs", path, None))
            elif path.exists():
                mounts.append(("--ro-bind", path, Path("/dev/null")))
    mounts.append(("--bind", INSIDE, workdir))
    mounts.sort(key=lambda m: len(m[1].parts))   # a mount never hides a deeper one made before it

    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session", "--hostname", "grader", "--proc", "/proc", "--dev", "/dev"]
    if uid is not None:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user"]
    made = {Path("/"): "--tmpfs", Path("/proc"): "--proc", Path("/dev"): "--dev"}
    for option, dest, source in mounts:
        for parent in reversed(dest.parents):   # from "/" down: make missing folders readable by the sandbox uid
            if parent in made:
                continue
            container = max((d for d in made if _under(parent, d)), key=lambda d: len(d.parts))
            if made[container] in ("--ro-bind", "--bind"):
                continue   # it exists in the bound folder
            writable = made[container] == "--tmpfs" and container != Path("/")   # e.g. /tmp/cnncourse-home
            cmd += ["--perms", "1777" if writable else "0755", "--dir", str(parent)]
            made[parent] = "--dir"
        if option == "--tmpfs":   # RAM-backed: sized, so files written there cannot fill the grader's memory
            cmd += ["--perms", "1777", "--size", str(limits.tmpfs_mb * 1024 ** 2), "--tmpfs", str(dest)]
        elif option == "--symlink":
            cmd += ["--symlink", str(source), str(dest)]
        else:
            cmd += [option, str(source), str(dest)]
        made[dest] = option
    cmd += ["--clearenv", "--chdir", str(INSIDE)]
    for key, value in sorted(env.items()):
        cmd += ["--setenv", key, str(value)]
    cmd.append("--")
    if uid is not None:
        cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--"]
        cmd += limits.prlimit()
    else:
        cmd += limits.prlimit(extra_processes=_processes_of_this_user())
    return cmd + list(inner)


def _processes_of_this_user() -> int:
    """RLIMIT_NPROC counts every process of the uid, so without a dedicated uid the limit adds to what runs now."""
    uid, count = os.getuid(), 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def container_command(engine: str, inner: list[str], workdir: Path, env: dict, limits: Limits, name: str,
                      image: str = DEFAULT_IMAGE) -> list[str]:
    """``docker run``/``podman run`` of ``inner`` in ``image`` (which holds the course, without solutions/)."""
    cmd = [engine, "run", "--rm", "--name", name, "--network", "none", "--read-only", "--cap-drop", "ALL",
           "--security-opt", "no-new-privileges", "--user", "65534:65534",
           "--pids-limit", str(limits.max_processes), "--memory", f"{int(limits.memory_gb * 1024)}m",
           "--ulimit", f"fsize={limits.file_size_mb * 1024 ** 2}", "--ulimit", "core=0",
           "--tmpfs", "/tmp:rw,exec,mode=1777", "--tmpfs", f"{env.get('HOME', '/tmp/home')}:rw,mode=1777",
           "--volume", f"{workdir}:{INSIDE}:rw", "--workdir", str(INSIDE)]
    for key, value in sorted(env.items()):
        cmd += ["--env", f"{key}={value}"]
    return cmd + [image] + list(inner)


def command(kind: str, inner: list[str], workdir: Path, env: dict, limits: Limits, hide=(), uid: int | None = None,
            name: str = "cnncourse-grade", image: str = DEFAULT_IMAGE) -> list[str]:
    """The full command line for ``kind`` (see :data:`KINDS`)."""
    if kind == "bwrap":
        return bwrap_command(inner, workdir, env, limits, hide, uid)
    if kind in ("docker", "podman"):
        return container_command(kind, inner, workdir, env, limits, name, image)
    if kind == "none":
        return limits.prlimit(extra_processes=_processes_of_this_user()) + list(inner)
    raise SandboxUnavailable(f"--sandbox {kind!r}: choose one of {', '.join(KINDS)}")
