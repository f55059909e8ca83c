"""Timers: right across the ticks wrap (by offsetting the scheduler's clock, not by waiting),
on the firmware's C heap and on the pure-Python fallback (``fast_io/task.py``)."""

import pytest

HIDE_C = 'import sys\nsys.modules["_asyncio"] = None\n'

WRAP = """
import time
import fast_io as asyncio
from fast_io import core

print(core._Heap.__name__, core._Heap.__module__ if hasattr(core._Heap, "__module__") else "C")

# The scheduler's clock, 30 ms before the ticks wrap around
MASK = time.ticks_add(0, -1)
OFF = MASK - time.ticks_ms() - 30
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
    ts = [asyncio.create_task(sleeper(ms)) for ms in (60, 10, 45, 25, 1)]
    ts.append(asyncio.create_task(lp(50)))
    t0 = time.ticks_ms()
    try:
        await asyncio.wait_for_ms(never(), 40)
    except asyncio.TimeoutError:
        log.append(("timeout", time.ticks_diff(time.ticks_ms(), t0) >= 40))
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
        "1 True",
        "10 True",
        "25 True",
        "timeout True",
        "45 True",
        "lp 50 True",
        "60 True",
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
    ts = [asyncio.create_task(sleeper(i, ms)) for i, ms in enumerate((30, 10, 10, 20, 1000))]
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
