"""Low priority (2019 semantics): after(), after_ms(), call_after_ms() and max_overdue_ms()."""


def test_low_priority_runs_only_when_idle(board):
    out = board.output(
        """
import asyncio

log = []

async def lp(name, ms):
    await asyncio.after_ms(ms)
    log.append(name)

async def busy(n):
    for i in range(n):
        log.append(i)
        await asyncio.sleep_ms(0)

async def main():
    loop = asyncio.get_event_loop()
    print(loop.max_overdue_ms())
    ts = [asyncio.create_task(lp("A", 0)), asyncio.create_task(lp("B", 0))]
    await busy(5)  # a zero-delay yield always beats a low-priority task
    print(log)
    # Idle: both run, one per scheduler pass, in order. (A long sleep: a host that stalls the
    # process for a while must not make it due before the low-priority tasks had their turn.)
    await asyncio.sleep_ms(100)
    print(log[5:])
    loop.call_after_ms(0, log.append, "cb")
    await asyncio.sleep_ms(100)
    print(log[-1])

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["0", "[0, 1, 2, 3, 4]", "['A', 'B']", "cb"]


def test_max_overdue_limits_starvation(board):
    # A hog on sleep_ms(0) starves low priority unless max_overdue_ms sets a limit.
    out = board.output(
        """
import asyncio
import time

runs = [0]

async def lp():
    while True:
        await asyncio.after_ms(1)
        runs[0] += 1

async def hog(ms):
    t = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t) < ms:
        await asyncio.sleep_ms(0)

async def main():
    loop = asyncio.get_event_loop()
    t = asyncio.create_task(lp())
    await hog(50)
    print(runs[0])
    print(loop.max_overdue_ms(10), loop.max_overdue_ms(None), loop.max_overdue_ms())
    await hog(100)
    print(runs[0] > 0)
    t.cancel()

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["0", "10 10 10", "True"]


def test_after_in_seconds_and_cancel(board):
    out = board.output(
        """
import asyncio

async def lp():
    try:
        asyncio.after(1000)  # a missing await: the next one works as if it were not there
        await asyncio.after(0.005)
        print("ran")
        await asyncio.after(100)
    except asyncio.CancelledError:
        print("cancelled")

async def main():
    t = asyncio.create_task(lp())
    await asyncio.sleep_ms(200)  # far beyond the 5 ms: lp runs first, however late the host
    t.cancel()
    await asyncio.sleep_ms(0)
    print(t.done())

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["ran", "cancelled", "True"]
