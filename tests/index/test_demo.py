"""The README's main command: build, serve, mip-install uasyncio-fast-io, run the demo."""

import subprocess
import sys

from harness import REPO


def test_demo_installs_fast_io_and_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "demo.py"), "--out", str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "verify: every blob matches its hash, every dependency resolves" in out
    assert "Installing uasyncio-fast-io (latest) from http://127.0.0.1:" in out
    assert "Installing uasyncio-core (" in out  # its dependency, at its exact version
    assert "installed fast_io/__init__.mpy" in out
    assert "    Done\n" in out
    assert "/.micropython/lib/fast_io/__init__.mpy" in out  # the demo ran on what mip installed
    lines = [line for line in out.splitlines() if "device served after" in line]
    assert [line.split(":")[0].strip() for line in lines] == [
        "I/O priority on",
        "I/O priority off",
    ]
