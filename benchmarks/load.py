# The benchmarks' standard load: tasks that each keep the CPU busy between two yields.
import asyncio
import time


async def busy(ms=1):
    while True:
        t = time.ticks_us()
        while time.ticks_diff(time.ticks_us(), t) < ms * 1000:
            pass
        await asyncio.sleep_ms(0)
