# I/O latency, socket: from a byte written into a loopback TCP socket until the task reading
# the other end resumes, idle and under load (ten tasks, each busy 1 ms between yields).
# Worst cases include the host's noise (other processes, the collector): compare the medians.
# "--quick" (the smoke test) runs tiny sizes.
import asyncio
import sys
import time

from load import busy
from machine_sim.loopback import socket_pair

LOAD_TASKS = 10
SAMPLES = 5 if "--quick" in sys.argv else 100


async def reader(sreader, stamps, lat):
    buf = bytearray(1)
    for _ in range(SAMPLES):
        await sreader.readinto(buf)
        lat.append(time.ticks_diff(time.ticks_us(), stamps[0]))


async def writer(wire, stamps, lat):
    for i in range(SAMPLES):
        # Uneven gaps, so the write falls anywhere in the load's round.
        await asyncio.sleep_ms(3 + i % 7)
        n = len(lat)
        stamps[0] = time.ticks_us()
        wire.write(b"x")
        while len(lat) == n:
            await asyncio.sleep_ms(0)


async def measure(load_tasks):
    wire, end = socket_pair()
    end.setblocking(False)
    load = [asyncio.create_task(busy()) for _ in range(load_tasks)]
    stamps, lat = [0], []
    r = asyncio.create_task(reader(asyncio.StreamReader(end), stamps, lat))
    await writer(wire, stamps, lat)
    await r
    for t in load:
        t.cancel()
    await asyncio.sleep_ms(0)
    wire.close()
    end.close()
    lat.sort()
    return sum(lat) / len(lat), lat[len(lat) // 2], lat[-1]


for name, n in (("idle", 0), ("load", LOAD_TASKS)):
    mean, median, worst = asyncio.run(measure(n))
    print("RESULT socket_%s_mean_us %.1f us" % (name, mean))
    print("RESULT socket_%s_median_us %.1f us" % (name, median))
    print("RESULT socket_%s_worst_us %.1f us" % (name, worst))
