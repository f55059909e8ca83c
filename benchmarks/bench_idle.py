# Idle cost: ten tasks each sleeping 250 ms at a time (their wake-ups spread over the 250 ms),
# so the loop has nothing to run most of the time. Figures per second of wall time: the CPU
# time the process used (/proc/self/schedstat, else /proc/self/stat), and its voluntary context
# switches (/proc/self/status: each time it blocked and was woken). On a battery board the
# idle path is the power bill. "idle_floor" is the same number of wake-ups made by a bare
# select.poll() loop with no scheduler at all, in the same process right after: what the
# kernel's wake-ups cost alone (a loop's figure near it leaves nothing to save but wake-ups).
# benchmarks/run.py runs it ROUNDS times per loop, the loops taking turns, and reports medians.
# "--quick" (the smoke test) runs tiny sizes.
import asyncio
import select
import sys
import time

TASKS = 10
PERIOD_MS = 250
ROUNDS = 6
RUN_MS = 300 if "--quick" in sys.argv else 2300


def cpu_ns():
    try:
        with open("/proc/self/schedstat") as f:
            return int(f.read().split()[0])
    except OSError:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 10_000_000  # utime + stime, 1/100 s


def switches():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                return int(line.split()[1])
    return 0


async def sleeper(i):
    await asyncio.sleep_ms(i * PERIOD_MS // TASKS)
    while True:
        await asyncio.sleep_ms(PERIOD_MS)


async def main():
    tasks = [asyncio.create_task(sleeper(i)) for i in range(TASKS)]
    await asyncio.sleep_ms(PERIOD_MS)  # every task in its steady state
    t0, c0, s0 = time.ticks_ms(), cpu_ns(), switches()
    await asyncio.sleep_ms(RUN_MS)
    wall = time.ticks_diff(time.ticks_ms(), t0) / 1000
    cpu, sw = cpu_ns() - c0, switches() - s0
    for t in tasks:
        t.cancel()
    print("RESULT idle_cpu_ms_per_s %.2f ms/s" % (cpu / 1e6 / wall))
    print("RESULT idle_wakeups_per_s %.1f /s" % (sw / wall))
    return sw


def floor(wakeups):
    # The kernel's part: as many blocking polls of nothing, at the same pace
    p = select.poll()
    p.ipoll(0)
    t0, c0 = time.ticks_ms(), cpu_ns()
    for _ in range(wakeups):
        for _ in p.ipoll(PERIOD_MS // TASKS):
            pass
    wall = time.ticks_diff(time.ticks_ms(), t0) / 1000
    print("RESULT idle_floor_cpu_ms_per_s %.2f ms/s" % ((cpu_ns() - c0) / 1e6 / wall))


floor(asyncio.run(main()))
