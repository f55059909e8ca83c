"""The main job, end to end: build the index, serve it, mip-install into the unix port, run.

    ./tools/demo.sh        (sets up .venv, then runs this with its Python)

1. builds the mip index for every package into build/index (from scratch: the demo shows the
   current sources; a release builds on top of the published index instead);
2. serves it on 127.0.0.1 on a free port;
3. installs uasyncio-fast-io with the firmware's own ``mip`` on the MicroPython unix port,
   whose HOME (so its lib folder) is a temporary folder, as a board's /lib would be;
4. runs examples/fast_io_demo.py on that interpreter, importing only what mip installed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import build_index
import manifest

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent


class LoggingHandler(SimpleHTTPRequestHandler):
    """Serves the index and remembers every request, to show what mip fetched."""

    requests = []

    def log_message(self, fmt, *args):
        pass

    def log_request(self, code="-", size="-"):
        self.requests.append(f"GET {self.path} {code}")


def step(number, text):
    print(f"\n[{number}] {text}")


def show(text, indent="    "):
    for line in text.rstrip().splitlines():
        print(indent + line)


def find_micropython():
    exe = shutil.which("micropython", path=str(Path(sys.executable).parent))
    return exe or shutil.which("micropython") or sys.exit("micropython not found: run demo.sh")


def build(out):
    step(1, f"Build the mip index from micropython/**/manifest.py into {out}")
    shutil.rmtree(out, ignore_errors=True)
    summary = build_index.build(REPO, out)
    packages = manifest.read_manifests(REPO)
    for name in sorted(packages):
        pkg = packages[name]
        deps = ", ".join(f"{d} {v}" for d, v in pkg.deps) or "-"
        print(f"    {name:<18} {pkg.version:<7} {len(pkg.files):>2} files   deps: {deps}")
    print(
        f"    {summary['packages']} packages, {summary['files']} source files -> "
        f"{summary['blobs']} blobs (.py and .mpy v{summary['mpy']}) "
        f"in {summary['seconds']:.2f} s"
    )
    problems = build_index.verify(out)
    print(
        "    verify: "
        + (
            "every blob matches its hash, every dependency resolves"
            if not problems
            else "; ".join(problems)
        )
    )
    if problems:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="uasyncio-fast-io", help="package to install")
    parser.add_argument("--program", default=str(REPO / "examples" / "fast_io_demo.py"))
    parser.add_argument("--out", default="build/index", help="index folder (rebuilt)")
    args = parser.parse_args()
    micropython = find_micropython()
    out = Path(args.out)
    build(out)

    handler = partial(LoggingHandler, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    step(2, f"Serve it at {url}")

    with tempfile.TemporaryDirectory(prefix="mip-demo-") as home:
        env = dict(os.environ, HOME=home)
        env.pop("MICROPYPATH", None)
        lib = Path(home) / ".micropython" / "lib"
        step(3, f"Install {args.package} with the firmware's mip (lib: {lib})")
        code = f"import mip; mip.install({args.package!r}, index={url!r})"
        print(f"    $ micropython -c {code!r}")
        start = time.perf_counter()
        proc = subprocess.run(
            [micropython, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        show(proc.stdout + proc.stderr)
        if proc.returncode != 0 or not proc.stdout.rstrip().endswith("Done"):
            sys.exit("install failed")
        print(f"    ({time.perf_counter() - start:.2f} s; the server answered:)")
        show("\n".join(LoggingHandler.requests), indent="      ")
        for path in sorted(p for p in lib.rglob("*") if p.is_file()):
            print(f"    installed {path.relative_to(lib)} ({path.stat().st_size} bytes)")

        program = Path(args.program)
        step(4, f"Run {program.name} on the unix port, from what mip installed")
        copy = Path(home) / program.name  # away from tools/, so only lib/ can be imported
        shutil.copy(program, copy)
        proc = subprocess.run(
            [micropython, str(copy)], env=env, capture_output=True, text=True, timeout=60, cwd=home
        )
        show(proc.stdout + proc.stderr)
    httpd.shutdown()
    if proc.returncode != 0:
        sys.exit(f"demo program exited {proc.returncode}")
    print(f"\nDone: the index stays in {out}; serve it with python3 -m http.server -d {out}")


if __name__ == "__main__":
    main()
