"""uasyncio-core alone: the scheduler without streams, for boards short of RAM.

Only core's files are staged (as mip would install that package alone): ``fast_io`` is then a
namespace package, and ``from fast_io import core`` must still give a working scheduler.
"""

import os
import subprocess

import manifest
from harness import MICROPYTHON, REPO

PROGRAM = """
import sys
from fast_io import core
from fast_io.event import Event
from fast_io.funcs import gather, wait_for_ms
from fast_io.lowprio import after_ms

log = []

async def worker(i, ev):
    await ev.wait()
    # 100 ms apart: LP's idle moment must come before the first worker wakes, even when the
    # host stalls the process just after the workers went to sleep.
    await core.sleep_ms(100 * i)
    log.append(i)
    return i

async def late():
    await after_ms(0)
    log.append("lp")

async def forever():
    await core.sleep(100)

async def main():
    ev = Event()
    lp = core.create_task(late())
    ts = [core.create_task(worker(i, ev)) for i in (3, 1, 2)]
    await core.sleep_ms(0)
    ev.set()
    print(await gather(*ts))
    try:
        await wait_for_ms(forever(), 5)
    except core.TimeoutError:
        print("timeout")
    await lp
    # The workers' order depends on when each computed its deadline: a host that stalls
    # between them may swap two; what matters here is that LP ran first, while all slept.
    print(log[0], sorted(log[1:]))
    try:
        import fast_io.stream
    except ImportError:
        print("no streams")
    import fast_io
    print(hasattr(fast_io, "install"))

core.run(main())
"""


def test_core_alone(tmp_path):
    packages = manifest.read_manifests(REPO)
    lib = tmp_path / "lib"
    manifest.stage({"uasyncio-core": packages["uasyncio-core"]}, lib)
    assert not (lib / "fast_io" / "__init__.py").exists()
    prog = tmp_path / "prog.py"
    prog.write_text(PROGRAM)
    env = dict(os.environ, MICROPYPATH=f"{lib}:.frozen")
    proc = subprocess.run(
        [MICROPYTHON, str(prog)], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "[3, 1, 2]",
        "timeout",
        "lp [1, 2, 3]",  # idle while the workers sleep: LP runs
        "no streams",
        "False",
    ]
