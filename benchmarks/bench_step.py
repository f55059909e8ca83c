# Time per task step: N tasks each doing sleep_ms(0), no I/O pending.
import asyncio
import time

STEPS = 20_000


async def spinner(n):
    for _ in range(n):
        await asyncio.sleep_ms(0)


async def main(ntasks):
    per_task = STEPS // ntasks
    t0 = time.ticks_us()
    await asyncio.gather(*[spinner(per_task) for _ in range(ntasks)])
    return time.ticks_diff(time.ticks_us(), t0) / (per_task * ntasks)


for n in (10, 100, 1000):
    print("RESULT step_us_%d_tasks %.3f us" % (n, asyncio.run(main(n))))
