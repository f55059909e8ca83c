"""Run MicroPython programs on the real unix port, against the repository's packages.

Every package's files are staged into one ``lib`` folder exactly as mip lays them out (the
manifests say what goes where), and programs run with ``MICROPYPATH=<lib>:<extra>:.frozen``.

``loop="fast_io"`` runs a program with ``import fast_io; fast_io.install()`` first, so the
same source that uses ``import asyncio`` runs on the project's loop; ``loop="asyncio"`` runs
it on the firmware's built-in asyncio. Each loop's prelude first checks that ``import asyncio``
gives that loop, so a broken ``install()`` cannot pass for fast_io by running the built-in.

Differential tests run both and compare stdout and the stderr lines that carry meaning (see
``meaning()``).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import manifest  # noqa: E402

LOOPS = ("asyncio", "fast_io")
FAST_IO_PRELUDE = (
    "import fast_io\nfast_io.install()\n"
    'assert __import__("asyncio") is fast_io, "fast_io.install() left asyncio alone"\n'
)
# The firmware's asyncio has no install(): a lib/asyncio shadowing it, or fast_io installed by
# the harness, fails here
BUILTIN_PRELUDE = (
    'assert not hasattr(__import__("asyncio"), "install"), "asyncio is not built-in"\n'
)
# fast_io on its pure-Python task queue: the firmware's C _asyncio hidden before the import
PURE_PYTHON_PRELUDE = 'import sys\nsys.modules["_asyncio"] = None\n' + FAST_IO_PRELUDE


def program(name, code, expected, prelude=""):
    """A differential test case: ``code`` (dedented, after ``prelude``) and its expected output."""
    expected = textwrap.dedent(expected).lstrip("\n")
    return pytest.param(prelude + textwrap.dedent(code), expected, id=name)


def find_micropython():
    exe = shutil.which("micropython", path=str(Path(sys.executable).parent))
    exe = exe or shutil.which("micropython")
    if not exe:
        raise RuntimeError("micropython not found: pip install -r requirements-dev.txt")
    return exe


MICROPYTHON = find_micropython()


class MicroPythonError(AssertionError):
    pass


_FRAME = re.compile(r'^  File ".*", line \d+')
_ADDRESS = re.compile(r" at [0-9a-f]+>")


def meaning(stderr):
    """The lines of ``stderr`` that carry meaning, to compare between the loops: every line
    (messages such as "Task exception wasn't retrieved", "Traceback (most recent call last):",
    the exception's last line) except a traceback's frame lines, which name each loop's own
    files and line numbers; object addresses are masked."""
    return [
        _ADDRESS.sub(" at ...>", line) for line in stderr.splitlines() if not _FRAME.match(line)
    ]


class Board:
    """A unix-port 'board' with every package of the repository installed in ``lib``."""

    def __init__(self, root):
        self.root = Path(root)
        self.lib = self.root / "lib"
        self.home = self.root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        if self.lib.exists():
            shutil.rmtree(self.lib)
        self.packages = manifest.read_manifests(REPO)
        manifest.stage(self.packages, self.lib)

    def env(self, path=()):
        env = dict(os.environ)
        env["MICROPYPATH"] = ":".join([str(self.lib), *map(str, path), ".frozen"])
        env["HOME"] = str(self.home)
        return env

    def run(self, code, loop="asyncio", path=(), args=(), timeout=60, check=True, heap=None):
        """Run ``code`` and return the CompletedProcess (text mode).

        ``loop``: "asyncio", "fast_io", or None to run ``code`` as it is (it picks its loop).
        ``path``: extra folders for imports (test helpers). ``check``: raise with the
        program's output when it exits non-zero. ``heap``: e.g. "512k" for ``-X heapsize``.
        """
        if loop == "fast_io":
            code = FAST_IO_PRELUDE + code
        elif loop == "asyncio":
            code = BUILTIN_PRELUDE + code
        elif loop is not None:
            raise ValueError(f"unknown loop {loop!r}")
        with tempfile.NamedTemporaryFile("w", suffix=".py", dir=self.root, delete=False) as prog:
            prog.write(code)
        cmd = [MICROPYTHON]
        if heap:
            cmd += ["-X", f"heapsize={heap}"]
        cmd += [prog.name, *args]
        try:
            proc = subprocess.run(
                cmd,
                env=self.env(path),
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=self.root,
            )
        finally:
            os.unlink(prog.name)
        if check and proc.returncode != 0:
            raise MicroPythonError(
                f"micropython exited {proc.returncode} ({loop})\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc

    def output(self, code, loop="asyncio", **kw):
        """stdout of ``code`` on ``loop``."""
        return self.run(code, loop=loop, **kw).stdout

    def differential(self, code, **kw):
        """Run ``code`` on the built-in asyncio and on fast_io; return both CompletedProcesses."""
        return self.run(code, "asyncio", **kw), self.run(code, "fast_io", **kw)

    def assert_same_everywhere(self, code, expected):
        """``code`` prints ``expected`` on the built-in asyncio, and the same on fast_io, both on
        the firmware's C task queue and on its pure-Python fallback; the meaningful lines of
        stderr are the same too."""
        builtin, fast_io = self.differential(code)
        assert builtin.stdout == expected
        for other in (fast_io, self.run(PURE_PYTHON_PRELUDE + code, loop=None)):
            assert other.stdout == builtin.stdout
            assert meaning(other.stderr) == meaning(builtin.stderr)

    def run_cpython(self, code, path=(), timeout=60):
        """Run ``code`` under CPython with ``lib`` on the path (for CPython-compatible modules)."""
        env = dict(os.environ)
        env["PYTHONPATH"] = ":".join([str(self.lib), *map(str, path)])
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )
        if proc.returncode != 0:
            raise MicroPythonError(
                f"python exited {proc.returncode}\n--- stdout ---\n{proc.stdout}\n"
                f"--- stderr ---\n{proc.stderr}"
            )
        return proc.stdout
