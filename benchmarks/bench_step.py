# Time per task step: N tasks each looping on sleep_ms(0), no I/O pending, N = 10, 100, 1000.
# The clock starts once every task exists, so task creation is not counted; the best of three
# runs is reported. "--quick" (the smoke test) runs tiny sizes.
import asyncio
import sys
import time

QUICK = "--quick" in sys.argv
STEPS = 3_000 if QUICK else 30_000
RUNS = 1 if QUICK else 3


async def spinner(n):
    for _ in range(n):
        await asyncio.sleep_ms(0)


async def main(ntasks):
    per_task = STEPS // ntasks
    tasks = [asyncio.create_task(spinner(per_task)) for _ in range(ntasks)]
    t0 = time.ticks_us()
    for t in tasks:
        await t
    return time.ticks_diff(time.ticks_us(), t0) / (per_task * ntasks)


for n in (10, 100, 1000):
    best = min(asyncio.run(main(n)) for _ in range(RUNS))
    print("RESULT step_us_%d_tasks %.3f us" % (n, best))
