"""Helpers for the pinning tests: mplock run from the source tree, indexes with faults."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from harness import REPO
from indexkit import QuietHandler, SourceRepo, build

MPLOCK_SRC = REPO / "tools" / "mplock"
MIPLOCK_DIR = REPO / "micropython" / "mip-lock"

BASE_V1 = {"hello_base.py": "WORDS = 'base one'\n"}
BASE_V2 = {"hello_base.py": "WORDS = 'base two'\n"}
APP = {
    "hello_app/__init__.py": "import hello_base\n",
    "hello_app/shout.py": "import hello_base\n\n\ndef shout():\n    return hello_base.WORDS.upper()\n",
}
# A package big enough that copying it to a board takes a good fraction of a second.
BIG = {"hello_big.py": "".join(f"x{i} = {i}  # {'filler ' * 8}\n" for i in range(5000))}


def mplock(*args, cwd, check=False, timeout=120):
    """Run ``python -m mplock`` from the source tree; return the CompletedProcess."""
    env = dict(os.environ, PYTHONPATH=str(MPLOCK_SRC))
    proc = subprocess.run(
        [sys.executable, "-m", "mplock", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"mplock {args} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )
    return proc


def mplock_background(cwd, device):
    """``mplock install -d device`` started, not waited for."""
    env = dict(os.environ, PYTHONPATH=str(MPLOCK_SRC))
    return subprocess.Popen(
        [sys.executable, "-m", "mplock", "install", "-d", device],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def children(pid):
    """The process ids of ``pid``'s children (Linux)."""
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def files(root, skip=".miplock"):
    """{path: sha256} of every file under ``root``, but mplock's own bookkeeping."""
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (skip and p.relative_to(root).as_posix().startswith(skip))
    }


def two_release_index(root):
    """hello-app and hello-base at 1.0.0 (index ``v1``) and 1.1.0 on top of it (``v2``).

    Also hello-big 1.0.0, and tool-a/tool-b, which need hello-base at different versions.
    """
    repo = SourceRepo(Path(root) / "repo")
    repo.package("hello-base", "1.0.0", BASE_V1)
    repo.package("hello-app", "1.0.0", APP, requires=[("hello-base", "1.0.0")])
    repo.package("hello-big", "1.0.0", BIG)
    build(repo.root, Path(root) / "v1")
    shutil.copytree(Path(root) / "v1", Path(root) / "v2")
    repo.package("hello-base", "1.1.0", BASE_V2)
    repo.package("hello-app", "1.1.0", APP, requires=[("hello-base", "1.1.0")])
    repo.package("tool-a", "1.0.0", {"tool_a.py": "A = 1\n"}, requires=[("hello-base", "1.0.0")])
    repo.package("tool-b", "1.0.0", {"tool_b.py": "B = 1\n"}, requires=[("hello-base", "1.1.0")])
    build(repo.root, Path(root) / "v2")
    return Path(root) / "v1", Path(root) / "v2"


def tampered_copy(index, dest, target):
    """A copy of ``index`` where the blob behind ``target`` was replaced (same name)."""
    shutil.copytree(index, dest)
    for path in sorted((Path(dest) / "package").glob("*/*/latest.json")):
        for name, short in json.loads(path.read_text())["hashes"]:
            if name == target:
                blob = Path(dest) / "file" / short[:2] / short
                blob.write_bytes(blob.read_bytes() + b"\n# changed after release\n")
                return blob
    raise AssertionError(f"{target} not in {index}")


class HalfHandler(QuietHandler):
    def do_GET(self):
        if not self.path.startswith("/file/"):
            return super().do_GET()
        data = Path(self.directory, self.path.lstrip("/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True
