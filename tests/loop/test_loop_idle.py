"""Idling: with every task asleep the loop blocks until the next timer, as the built-in does.

Counted, not timed: the voluntary context switches of the process (each time it blocked and
was woken), on fast_io against the built-in in the same run. Napping in short slices (as
``time.sleep_ms`` does on the unix port, 0.5 ms at a time) shows as hundreds of switches.
"""

from harness import PURE_PYTHON_PRELUDE

IDLE = """
import asyncio

def switches():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                return int(line.split()[1])

async def sleeper(i):
    await asyncio.sleep_ms(i * 5)
    while True:
        await asyncio.sleep_ms(50)

async def main():
    tasks = [asyncio.create_task(sleeper(i)) for i in range(10)]
    await asyncio.sleep_ms(60)
    before = switches()
    await asyncio.sleep_ms(500)
    print(switches() - before)
    for t in tasks:
        t.cancel()

asyncio.run(main())
"""


def test_idle_blocks_until_the_next_timer(board):
    builtin = int(board.output(IDLE))
    # About 100 wake-ups in 0.5 s (ten tasks, each every 50 ms); a loop napping in 0.5 ms
    # slices would switch about 1,000 times.
    for prelude in ("", PURE_PYTHON_PRELUDE):
        fast_io = int(board.output(prelude + IDLE, loop="fast_io"))
        assert fast_io <= 2 * builtin + 50, (fast_io, builtin)
