"""Helpers for the index tests: the builder, synthetic repositories, a web server, clients."""

import hashlib
import os
import select
import shutil
import subprocess
import sys
import textwrap
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness import MICROPYTHON, REPO

TOOLS = REPO / "tools"
BUILD_INDEX = TOOLS / "build_index.py"
EPOCH = "1700000000"
MPREMOTE = shutil.which("mpremote", path=str(Path(sys.executable).parent)) or "mpremote"


def build(repo, out, check=True, args=(), env=(), user=(), script=BUILD_INDEX):
    """Run the real ``build_index.py --out`` on ``repo``; return the CompletedProcess.

    ``env`` adds to the environment; ``user`` is a command prefix to run it as another user;
    ``script`` a copy of the builder that user can read.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **dict(env)}
    proc = subprocess.run(
        [*user, sys.executable, str(script), "--repo", str(repo), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def verify(index):
    return subprocess.run(
        [sys.executable, str(BUILD_INDEX), "--verify", str(index)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def refuse(repo, out, *expected, **kwargs):
    """Build must exit 1 naming ``expected``, and leave ``out`` byte-for-byte alone."""
    before = tree_hashes(out)
    proc = build(repo.root, out, check=False, **kwargs)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith("build_index: refused: "), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    for text in expected:
        assert text in proc.stderr
    assert tree_hashes(out) == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert leftovers == []
    return proc.stderr


def tree_hashes(root):
    """Every file under ``root`` with its SHA-256: equal trees are byte-identical."""
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class SourceRepo:
    """A small repository of packages written into a temporary folder."""

    def __init__(self, root):
        self.root = Path(root)

    def package(self, name, version, files, requires=(), calls=None, folder=None):
        """Write package ``name``: ``files`` maps a path in the folder to its source."""
        pkg = self.root / "micropython" / (folder or name)
        pkg.mkdir(parents=True, exist_ok=True)
        for old in pkg.rglob("*.py"):
            old.unlink()
        lines = [f"metadata(version={version!r}, description='{name} test package')"]
        lines += [f"require({dep!r}, version={ver!r})" for dep, ver in requires]
        if calls is None:
            calls = []
            for path in sorted(files):
                top = path.split("/")[0]
                call = f"package({top!r})" if "/" in path else f"module({path!r})"
                if call not in calls:
                    calls.append(call)
        lines += calls
        (pkg / "manifest.py").write_text("\n".join(lines) + "\n")
        for path, source in files.items():
            (pkg / path).parent.mkdir(parents=True, exist_ok=True)
            (pkg / path).write_text(textwrap.dedent(source))
        return pkg


class StaticServer:
    """A threaded http.server on 127.0.0.1 port 0 serving one folder."""

    def __init__(self, folder, handler=None):
        handler = partial(handler or QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def micropython(code, home, path=(), timeout=60):
    """Run ``code`` on the unix port with HOME=home and ``path`` before .frozen."""
    env = dict(os.environ, HOME=str(home))
    env["MICROPYPATH"] = ":".join([".frozen", *map(str, path)])  # as on a board
    proc = subprocess.run(
        [MICROPYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=timeout
    )
    if proc.returncode != 0:
        raise AssertionError(f"micropython exited {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def mip_install(name, index, target, version=None, mpy=True):
    """Real on-device ``mip.install`` on the unix port; returns what mip printed."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    code = f"import mip\nmip.install({name!r}, index={index!r}, target={str(target)!r}"
    code += f", version={version!r}, mpy={mpy!r})"
    return micropython(code, home=target.parent)


def import_versions(target, modules):
    """``{module: __version__}`` for ``modules`` imported from ``target`` on the unix port."""
    code = "".join(f"import {m}\nprint({m!r}, {m}.__version__, {m}.__file__)\n" for m in modules)
    out = micropython(code, home=Path(target).parent, path=[target])
    result = {}
    for line in out.splitlines():
        module, version, file = line.split()
        result[module] = (version, Path(file).name)
    return result


class Bridge:
    """``tools/mpbridge.py``: the unix port as a board on a pseudo-terminal, HOME=home."""

    def __init__(self, home):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.lib = self.home / ".micropython" / "lib"
        self.proc = subprocess.Popen(
            [sys.executable, str(TOOLS / "mpbridge.py"), "--micropython", MICROPYTHON],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, HOME=str(self.home)),
            cwd=self.home,
            text=True,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("device: "):
            self.close()
            raise AssertionError(f"mpbridge did not start: {line!r}")
        self.device = line.split()[1]

    def mpremote(self, *args, timeout=60):
        """Run real mpremote against the bridge; return the CompletedProcess."""
        return subprocess.run(
            [MPREMOTE, "connect", self.device, *args],
            capture_output=True,
            text=True,
            timeout=timeout,  # mpremote's reads on a pty never time out by themselves
        )

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
