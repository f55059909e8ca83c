# Cancellation and timeout latency under load (ten tasks, each busy 1 ms between yields), for a
# task that sleeps, waits on I/O (a socket with no data) or waits at low priority (after_ms,
# fast_io only: "nan" on the built-in). Cancellation: from Task.cancel() in another task until
# the victim's except clause runs. Timeout: from the wait_for deadline until TimeoutError
# reaches the waiting task (the load's 1 ms blocks are part of any loop's figure), with a
# timeout of 25-29 ms (the awaited coroutine has started by then) and, as timeout_short, of
# 5-9 ms (shorter than one round of the load: it times out before it ever ran). No cooperative
# loop can act on a deadline that falls inside a busy block, so timeout_dispatch also gives the
# loop's own share: from the end of the first load block that finished after the deadline (the
# loop has control again) until TimeoutError reaches the waiting task. A wait_for that raises
# anything but TimeoutError is counted in timeout_wrong_exceptions. Worst cases include the
# host's noise (other processes, the collector). "--quick" runs tiny sizes.
import asyncio
import sys
import time

from machine_sim.loopback import socket_pair

LOAD_TASKS = 10
BUSY_MS = 1
SAMPLES = 3 if "--quick" in sys.argv else 30
NEVER_S = 10


# [deadline, end of the first load block finished at or after it]; deadline 0: not watching.
block_after_deadline = [0, 0]


async def busy():
    watch = block_after_deadline
    while True:
        t = time.ticks_us()
        while time.ticks_diff(time.ticks_us(), t) < BUSY_MS * 1000:
            pass
        if watch[0] and not watch[1]:
            now = time.ticks_us()
            if time.ticks_diff(now, watch[0]) >= 0:
                watch[1] = now
        await asyncio.sleep_ms(0)


async def victim(kind, sreader, stamps):
    try:
        if kind == "sleep":
            await asyncio.sleep(NEVER_S)
        elif kind == "io":
            await sreader.readinto(bytearray(1))
        else:
            await asyncio.after_ms(NEVER_S * 1000)
    except asyncio.CancelledError:
        stamps[1] = time.ticks_us()


async def cancel_latency(kind, sreader):
    lat = []
    stamps = [0, 0]
    for i in range(SAMPLES):
        stamps[1] = 0
        v = asyncio.create_task(victim(kind, sreader, stamps))
        await asyncio.sleep_ms(2 + i % 5)
        stamps[0] = time.ticks_us()
        v.cancel()
        while not stamps[1]:
            await asyncio.sleep_ms(0)
        lat.append(time.ticks_diff(stamps[1], stamps[0]))
    return lat


async def never():
    await asyncio.sleep(NEVER_S)


async def timeout_latency(base_ms):
    lat = []
    dispatch = []
    wrong = 0
    watch = block_after_deadline
    for i in range(SAMPLES):
        timeout = base_ms + i % 5
        # Start on a millisecond edge, so the loop's ms deadline and this us one agree.
        t = time.ticks_ms()
        while time.ticks_ms() == t:
            pass
        deadline = time.ticks_add(time.ticks_us(), timeout * 1000)
        watch[0], watch[1] = deadline, 0
        try:
            await asyncio.wait_for_ms(never(), timeout)
        except asyncio.TimeoutError:
            now = time.ticks_us()
            lat.append(time.ticks_diff(now, deadline))
            if watch[1]:  # else no load block ended in between: nothing to tell apart
                dispatch.append(time.ticks_diff(now, watch[1]))
        except asyncio.CancelledError:
            wrong += 1
        watch[0] = 0
    return lat, dispatch, wrong


def report(name, lat):
    if not lat:
        for stat in ("mean", "median", "worst"):
            print("RESULT %s_%s_us nan us" % (name, stat))
        return
    lat.sort()
    print("RESULT %s_mean_us %.1f us" % (name, sum(lat) / len(lat)))
    print("RESULT %s_median_us %.1f us" % (name, lat[len(lat) // 2]))
    print("RESULT %s_worst_us %.1f us" % (name, lat[-1]))


async def main():
    wire, end = socket_pair()
    end.setblocking(False)
    sreader = asyncio.StreamReader(end)
    load = [asyncio.create_task(busy()) for _ in range(LOAD_TASKS)]
    await asyncio.sleep_ms(0)
    report("cancel_sleep", await cancel_latency("sleep", sreader))
    report("cancel_io", await cancel_latency("io", sreader))
    lp = hasattr(asyncio, "after_ms")
    report("cancel_low_priority", await cancel_latency("lp", sreader) if lp else [])
    lat, dispatch, wrong = await timeout_latency(25)
    report("timeout", lat)
    report("timeout_dispatch", dispatch)
    lat, dispatch, wrong_short = await timeout_latency(5)
    report("timeout_short", lat)
    report("timeout_short_dispatch", dispatch)
    print("RESULT timeout_wrong_exceptions %d of %d" % (wrong + wrong_short, 2 * SAMPLES))
    for t in load:
        t.cancel()
    wire.close()
    end.close()


asyncio.run(main())
