# Synchronisation primitives: wake-up latency, heap bytes per wait, RAM per instance.
#
# Latency: from set() in one task to the waiting task running, idle and under load (10 tasks
# each busy 1 ms between yields). Message waits on a ThreadSafeFlag, a non-fd pollable: on the
# unix port every poll then takes at least 1 ms (PORT_NOTES.md), which its figures include.
import asyncio
import gc
import sys
import time

import asyn
from fast_io.queues import Queue
from fast_io.synchro import Condition, Semaphore

QUICK = "--quick" in sys.argv  # tiny sizes, for the test that keeps this program running
SAMPLES = 20 if QUICK else 200
LOADED_SAMPLES = 5 if QUICK else 50
LOAD_TASKS = 10
INSTANCES = 20
WAITS = 50


def busy_ms(ms):
    t = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t) < ms:
        pass


async def load(running):
    while running[0]:
        busy_ms(1)
        await asyncio.sleep_ms(0)


async def latency(prim, samples, loaded):
    running = [loaded]
    tasks = [asyncio.create_task(load(running)) for _ in range(LOAD_TASKS if loaded else 0)]
    stamp = [0, 0]  # set time, total latency
    ack = asyncio.Event()

    async def waiter():
        for _ in range(samples):
            await prim.wait()
            stamp[1] += time.ticks_diff(time.ticks_us(), stamp[0])
            prim.clear()
            ack.set()

    w = asyncio.create_task(waiter())
    for _ in range(samples):
        await asyncio.sleep_ms(1)  # the waiter is parked again
        stamp[0] = time.ticks_us()
        prim.set()
        await ack.wait()
        ack.clear()
    await w
    running[0] = False
    for t in tasks:
        await t
    return stamp[1] / samples


def ram_per_instance(make):
    objs = [None] * INSTANCES
    gc.collect()
    m0 = gc.mem_alloc()
    for i in range(INSTANCES):
        objs[i] = make()
    return (gc.mem_alloc() - m0) // INSTANCES


async def bytes_per_wait(prim, kick):
    async def waiter():
        while True:
            await prim.wait()
            prim.clear()

    t = asyncio.create_task(waiter())
    for _ in range(3):  # steady state
        kick()
        await asyncio.sleep(0)
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    for _ in range(WAITS):
        kick()
        await asyncio.sleep(0)
    n = (gc.mem_alloc() - m0) // WAITS
    gc.enable()
    t.cancel()
    await asyncio.sleep(0)
    return n


async def queue_bytes():
    q = asyn.RingbufQueue(4)
    lock = asyn.Lock()

    async def reader():
        while True:
            await q.get()

    t = asyncio.create_task(reader())
    for _ in range(3):
        q.put_nowait(1)
        await asyncio.sleep(0)
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    for _ in range(WAITS):
        q.put_nowait(1)
        await asyncio.sleep(0)
    get = (gc.mem_alloc() - m0) // WAITS
    t.cancel()
    await asyncio.sleep(0)
    m0 = gc.mem_alloc()
    for _ in range(WAITS):
        await q.put(1)
        q.get_nowait()
    put = (gc.mem_alloc() - m0) // WAITS
    m0 = gc.mem_alloc()
    for _ in range(WAITS):
        await lock.acquire()
        lock.release()
    acq = (gc.mem_alloc() - m0) // WAITS
    gc.enable()
    return get, put, acq


async def main():
    for name, make in (("event", asyn.Event), ("message", asyn.Message)):
        print("RESULT %s_wake_us %.1f us" % (name, await latency(make(), SAMPLES, False)))
        lat = await latency(make(), LOADED_SAMPLES, True)
        print("RESULT %s_wake_loaded_us %.1f us" % (name, lat))
    ev = asyncio.Event()
    print("RESULT event_wait_bytes %d B" % await bytes_per_wait(ev, ev.set))
    ev = asyn.Event()
    print("RESULT asyn_event_wait_bytes %d B" % await bytes_per_wait(ev, ev.set))
    msg = asyn.Message()
    print("RESULT message_wait_bytes %d B" % await bytes_per_wait(msg, msg.set))
    get, put, acq = await queue_bytes()
    print("RESULT ringbuf_get_bytes %d B" % get)
    print("RESULT ringbuf_put_bytes %d B" % put)
    print("RESULT lock_acquire_release_bytes %d B" % acq)


asyncio.run(main())

Barrier, RingbufQueue = asyn.Barrier, asyn.RingbufQueue  # their modules loaded before measuring
for name, make in (
    ("Lock", asyn.Lock),
    ("Event", asyn.Event),
    ("Message", asyn.Message),
    ("Barrier", lambda: Barrier(3)),
    ("Semaphore", asyn.Semaphore),
    ("BoundedSemaphore", asyn.BoundedSemaphore),
    ("Condition", asyn.Condition),
    ("RingbufQueue_8", lambda: RingbufQueue(8)),
    ("synchro_Semaphore", Semaphore),
    ("synchro_Condition", Condition),
    ("queues_Queue", Queue),
):
    print("RESULT ram_%s %d B" % (name, ram_per_instance(make)))
