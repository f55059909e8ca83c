"""The loop's functions run on the C stack: none but a few once-in-a-while ones has a frame too
big for it, which the VM would take from the heap at every call (an allocation in the steady
state, and on a fragmented heap a long search for free blocks: at 400 connections of the echo
benchmark it cost more than the rest of the loop). Checked on the .mpy that mpy-cross makes,
as a board runs it (``tools/mpy_frames.py`` reads the frame sizes)."""

import subprocess

import build_index
import mpy_frames
import pytest
from harness import REPO

PACKAGES = REPO / "micropython" / "uasyncio"
MODULES = sorted(PACKAGES.glob("uasyncio-*/fast_io/*.py"))

# Frames allowed on the heap: each runs once per program (install), once per
# run_until_complete(), once per stream new to the loop, or before a blocking idle wait on
# Python drivers; never per task step or wake-up.
RARE = {"install", "run_until_complete", "_add", "_wait_drivers"}


def frames_of(path, tmp_path):
    out = tmp_path / (path.stem + ".mpy")
    subprocess.run([build_index.find_mpy_cross(), "-o", str(out), str(path)], check=True)
    return mpy_frames.frames(out.read_bytes())


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_heap_frames_but_rare_ones(path, tmp_path):
    found = frames_of(path, tmp_path)
    assert found, "no functions read"
    heavy = {f.name for f in found[1:] if f.on_heap}  # found[0]: the module's own code
    assert heavy <= RARE, f"{path.name}: frames on the heap at each call: {heavy - RARE}"


def test_the_reader_sees_big_frames(tmp_path):
    # A function with a frame too big for the C stack, a generator and a small function
    src = tmp_path / "probe.py"
    src.write_text(
        "def big(a, b, c, d, e, f, g, h, i, j):\n"
        "    return [a, b, c, d, e, f, g, h, i, j]\n"
        "def small(a):\n"
        "    return a\n"
        "def gen(a, b, c, d, e, f, g, h, i, j):\n"
        "    yield [a, b, c, d, e, f, g, h, i, j]\n"
        "def guarded(a, b, c, d, e):\n"
        "    try:\n"
        "        return a(b, c, d, e)\n"
        "    except Exception:\n"
        "        return None\n"
    )
    found = {f.name: f for f in frames_of(src, tmp_path)}
    assert found["big"].on_heap and found["big"].n_state >= 20
    assert not found["small"].on_heap
    assert found["gen"].generator and not found["gen"].on_heap
    assert found["guarded"].n_exc == 1 and found["guarded"].on_heap
