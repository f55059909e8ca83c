# Heap garbage per operation, measured with the collector off (gc.disable() and gc.mem_alloc()
# deltas over many operations, after a warm-up), then runs with the heap locked
# (micropython.heap_lock()) doing steps, timed sleeps, Event, Lock, ThreadSafeFlag and I/O
# waits, and a wait_for timing out: each prints 1 when it completed, 0 when something needed
# the heap.
#
# Every operation is awaited inline in a measuring loop, so the figures hold no allocation of
# the benchmark's own (a helper coroutine would cost a generator per call). "--quick" (the
# smoke test) runs tiny sizes.
import asyncio
import gc
import sys

from machine_sim.loopback import socket_pair

import micropython

OPS = 20 if "--quick" in sys.argv else 200
WARMUP = 5
base = [0]
locked = [False]


def start():
    gc.collect()
    gc.disable()
    base[0] = gc.mem_alloc()


def stop():
    used = gc.mem_alloc() - base[0]
    gc.enable()
    return used / OPS


def lock_heap():
    micropython.heap_lock()
    locked[0] = True


def unlock_heap():
    if locked[0]:
        micropython.heap_unlock()
        locked[0] = False


async def quick():
    return 1


async def sleeper():
    await asyncio.sleep(10)


async def set_forever(prim):
    while True:
        prim.set()
        await asyncio.sleep_ms(0)


async def hold_forever(lock):
    while True:
        await lock.acquire()
        await asyncio.sleep_ms(0)
        lock.release()


async def steps(begin, end):
    for _ in range(WARMUP):
        await asyncio.sleep_ms(0)
    begin()
    for _ in range(OPS):
        await asyncio.sleep_ms(0)
    return end()


async def timed_wakes(begin, end):
    for _ in range(WARMUP):
        await asyncio.sleep_ms(1)
    begin()
    for _ in range(OPS):
        await asyncio.sleep_ms(1)
    return end()


async def io_wakes(begin, end):
    wire, sock = socket_pair()
    sock.setblocking(False)
    sreader = asyncio.StreamReader(sock)
    buf = bytearray(1)
    for _ in range(WARMUP):
        wire.write(b"x")
        await sreader.readinto(buf)
    begin()
    try:
        for _ in range(OPS):
            wire.write(b"x")
            await sreader.readinto(buf)
    finally:
        result = end()
        wire.close()
        sock.close()
    return result


async def event_waits(begin, end):
    ev = asyncio.Event()
    setter = asyncio.create_task(set_forever(ev))
    for _ in range(WARMUP):
        await ev.wait()
        ev.clear()
    begin()
    try:
        for _ in range(OPS):
            await ev.wait()
            ev.clear()
    finally:
        result = end()
        setter.cancel()
    return result


async def flag_waits(begin, end):
    flag = asyncio.ThreadSafeFlag()
    setter = asyncio.create_task(set_forever(flag))
    for _ in range(WARMUP):
        await flag.wait()
    begin()
    try:
        for _ in range(OPS):
            await flag.wait()
    finally:
        result = end()
        setter.cancel()
    return result


async def lock_waits(begin, end):
    # Two tasks take turns on the lock, so every acquire waits for the other's release.
    lock = asyncio.Lock()
    other = asyncio.create_task(hold_forever(lock))
    await asyncio.sleep_ms(0)
    for _ in range(WARMUP):
        await lock.acquire()
        await asyncio.sleep_ms(0)
        lock.release()
    begin()
    try:
        for _ in range(OPS):
            await lock.acquire()
            await asyncio.sleep_ms(0)
            lock.release()
    finally:
        result = end()
        other.cancel()
    return result


async def wait_fors(begin, end):
    for _ in range(WARMUP):
        await asyncio.wait_for_ms(quick(), 1000)
    begin()
    for _ in range(OPS):
        await asyncio.wait_for_ms(quick(), 1000)
    return end()


async def create_cancels(begin, end):
    for _ in range(WARMUP):
        asyncio.create_task(sleeper()).cancel()
        await asyncio.sleep_ms(0)
    begin()
    for _ in range(OPS):
        t = asyncio.create_task(sleeper())
        await asyncio.sleep_ms(0)
        t.cancel()
        await asyncio.sleep_ms(0)
    return end()


timed_out = [0]


async def time_out():
    try:
        await asyncio.wait_for_ms(sleeper(), 5)
    except asyncio.TimeoutError:
        timed_out[0] = 1


async def locked_timeout(begin, end):
    # A wait_for started before the lock, timed out with the heap locked
    t = asyncio.create_task(time_out())
    await asyncio.sleep_ms(1)  # wait_for has started
    begin()
    try:
        while not t.done():
            await asyncio.sleep_ms(1)
    finally:
        end()


MEASURED = (
    ("step", steps),
    ("timed_wake", timed_wakes),
    ("io_wake", io_wakes),
    ("event_wait", event_waits),
    ("lock_wait", lock_waits),
    ("threadsafeflag_wait", flag_waits),
    ("wait_for", wait_fors),
    ("create_cancel", create_cancels),
)

for name, run in MEASURED:
    print("RESULT garbage_%s_bytes %.1f bytes" % (name, asyncio.run(run(start, stop))))

LOCKED = (
    ("steps", steps),
    ("sleeps", timed_wakes),
    ("event_waits", event_waits),
    ("lock_waits", lock_waits),
    ("threadsafeflag_waits", flag_waits),
)

for name, run in LOCKED:
    try:
        asyncio.run(run(lock_heap, unlock_heap))
        done = 1
    except MemoryError:
        done = 0
    unlock_heap()
    print("RESULT heap_locked_%s_completed %d of 1" % (name, done))

try:
    asyncio.run(io_wakes(lock_heap, unlock_heap))
    done = 1
except MemoryError:
    done = 0
unlock_heap()
print("RESULT heap_locked_io_waits_completed %d of 1" % done)

asyncio.run(locked_timeout(lock_heap, unlock_heap))
unlock_heap()
print("RESULT heap_locked_timeouts_completed %d of 1" % timed_out[0])
