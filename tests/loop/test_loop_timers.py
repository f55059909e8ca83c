"""Timers: right across the ticks wrap (by offsetting the scheduler's clock, not by waiting),
on the firmware's C heap and on the pure-Python fallback (``fast_io/task.py``)."""

import pytest

HIDE_C = 'import sys\nsys.modules["_asyncio"] = None\n'

WRAP = """
import time
import fast_io as asyncio
from fast_io import core

print(core._Heap.__name__, core._Heap.__module__ if hasattr(core._Heap, "__module__") else "C")

# The scheduler's clock, 300 ms before the ticks wrap around. The delays below are 50 ms or
# more apart: a host that stalls the process between two tasks' first steps must not reorder
# their wake-ups.
MASK = time.ticks_add(0, -1)
OFF = MASK - time.ticks_ms() - 300
core.ticks = lambda: (time.ticks_ms() + OFF) & MASK
import fast_io.lowprio
fast_io.lowprio.ticks = core.ticks

log = []

async def sleeper(ms):
    t0 = time.ticks_ms()
    await asyncio.sleep_ms(ms)
    log.append((ms, time.ticks_diff(time.ticks_ms(), t0) >= ms))

async def lp(ms):
    t0 = time.ticks_ms()
    await asyncio.after_ms(ms)
    log.append(("lp", ms, time.ticks_diff(time.ticks_ms(), t0) >= ms))

async def never():
    await asyncio.sleep(100)

async def main():
    start = core.ticks()
    ts = [asyncio.create_task(sleeper(ms)) for ms in (600, 100, 450, 250, 10)]
    ts.append(asyncio.create_task(lp(500)))
    t0 = time.ticks_ms()
    try:
        await asyncio.wait_for_ms(never(), 400)
    except asyncio.TimeoutError:
        log.append(("timeout", time.ticks_diff(time.ticks_ms(), t0) >= 400))
    await asyncio.gather(*ts)
    print(core.ticks() < start)  # the clock wrapped
    for entry in log:
        print(*entry)

asyncio.run(main())
"""


@pytest.mark.parametrize("heap", ["c", "python"])
def test_timers_across_the_wrap(board, heap):
    code = (HIDE_C if heap == "python" else "") + WRAP
    out = board.output(code, loop="asyncio").splitlines()
    assert out[0] == ("Heap fast_io.task" if heap == "python" else "TaskQueue C")
    assert out[1:] == [
        "True",
        "10 True",
        "100 True",
        "250 True",
        "timeout True",
        "450 True",
        "lp 500 True",
        "600 True",
    ]


FALLBACK = """
import asyncio

async def sleeper(i, ms):
    try:
        await asyncio.sleep_ms(ms)
        print("woke", i)
    except asyncio.CancelledError:
        print("cancelled", i)

async def main():
    # 100 ms apart (a stalled host must not swap 0 and 1); 3 and 4 are cancelled
    ts = [asyncio.create_task(sleeper(i, ms)) for i, ms in enumerate((300, 100, 100, 200, 1000))]
    await asyncio.sleep_ms(0)
    ts[3].cancel()
    ts[4].cancel()
    await asyncio.gather(*ts)
    ev = asyncio.Event()
    async def waiter():
        print("got", await ev.wait())
    w = asyncio.create_task(waiter())
    await asyncio.sleep_ms(5)
    ev.set()
    await w
    try:
        await asyncio.wait_for_ms(sleeper(9, 1000), 10)
    except asyncio.TimeoutError:
        print("timeout")

asyncio.run(main())
"""


def test_python_fallback_same_as_c(board):
    c = board.output(FALLBACK, loop="fast_io")
    py = board.output(HIDE_C + "import fast_io\nfast_io.install()\n" + FALLBACK, loop="asyncio")
    assert c == py
    assert c.splitlines() == [
        "cancelled 3",
        "cancelled 4",
        "woke 1",
        "woke 2",
        "woke 0",
        "got True",
        "cancelled 9",
        "timeout",
    ]


# Lateness of each kind of timed wake-up: the median over a dozen waits of 10 ms, in us, with
# the loop idle, then with a task waiting on I/O (the loop then idles in its poll).
LATENESS = """
import asyncio, time

async def forever():
    await asyncio.sleep(60)

async def wait(kind):
    if kind == "sleep_ms":
        await asyncio.sleep_ms(10)
    elif kind == "sleep":
        await asyncio.sleep(0.01)
    else:
        try:
            await asyncio.wait_for_ms(forever(), 10)
        except asyncio.TimeoutError:
            pass

async def median_late(kind):
    lates = []
    for _ in range(12):
        t0 = time.ticks_us()
        await wait(kind)
        lates.append(time.ticks_diff(time.ticks_us(), t0) - 10000)
    lates.sort()
    return lates[len(lates) // 2]

async def main():
    for kind in ("sleep_ms", "sleep", "wait_for_ms"):
        print(kind, await median_late(kind))
    flag = asyncio.ThreadSafeFlag()
    waiter = asyncio.create_task(flag.wait())
    await asyncio.sleep_ms(0)
    for kind in ("sleep_ms", "wait_for_ms"):
        print(kind + "+io", await median_late(kind))
    waiter.cancel()

asyncio.run(main())
"""


def test_timers_not_later_than_builtin(board):
    # Bounded against the built-in in the same run, plus a 3 ms floor: a host that stalls
    # slows both alike, and a median ignores a stall that hits a few of the waits.
    late = {}
    for loop in ("asyncio", "fast_io"):
        late[loop] = dict(line.split() for line in board.output(LATENESS, loop=loop).splitlines())
    assert list(late["fast_io"]) == ["sleep_ms", "sleep", "wait_for_ms", "sleep_ms+io",
                                     "wait_for_ms+io"]  # fmt: skip
    for kind, us in late["fast_io"].items():
        builtin = int(late["asyncio"][kind])
        assert -1500 < int(us) <= 2 * max(builtin, 0) + 3000, (kind, late)
