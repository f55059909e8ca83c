"""Zero heap garbage: task steps, timed wakes, I/O and flag wakes, Event and Lock waits.

Each program measures ``gc.mem_alloc()`` deltas with the collector off, in MicroPython, and
then runs the same operations with the heap locked (any allocation raises MemoryError).
"""

import pytest
from harness import PURE_PYTHON_PRELUDE

ALLOC = """
import asyncio
import gc
import micropython
from machine_sim.loopback import socket_pair

N = 200
result = {}

async def measure(name, op):
    await op(5)  # warm up: queues and entries reach their steady size
    c = op(N)  # making the coroutine allocates: outside the measure
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    await c
    result[name] = gc.mem_alloc() - before
    gc.enable()
    c = op(N)  # making the coroutine allocates: before the lock
    micropython.heap_lock()
    try:
        await c
    finally:
        micropython.heap_unlock()

async def spin(n):
    for _ in range(n):
        await asyncio.sleep_ms(0)

steps = spin

async def sleeps(n):
    for _ in range(n):
        await asyncio.sleep_ms(1)

ev = asyncio.Event()
async def event_waits(n):
    for _ in range(n):
        ev.set()  # set by another task, below, for most waits
        await ev.wait()
        ev.clear()

lock = asyncio.Lock()
async def lock_waits(n):
    for _ in range(n):
        await lock.acquire()
        await asyncio.sleep_ms(0)  # the other task queues on the lock meanwhile
        lock.release()

async def contender():
    while True:
        await lock.acquire()
        lock.release()
        await asyncio.sleep_ms(0)

flag = asyncio.ThreadSafeFlag()
async def setter():
    while True:
        flag.set()
        ev.set()
        await asyncio.sleep_ms(0)

async def flag_waits(n):
    for _ in range(n):
        await flag.wait()

a, b = socket_pair()
a.setblocking(False)
b.setblocking(False)
buf = bytearray(1)
one = b"x"
async def io_wakes(n):
    for _ in range(n):
        b.send(one)
        yield asyncio.core._io_queue().queue_read(a)
        a.readinto(buf)

reader = asyncio.StreamReader(a)
async def readintos(n):
    for _ in range(n):
        b.send(one)
        await reader.readinto(buf)

async def main():
    others = [asyncio.create_task(spin(10**9)) for _ in range(3)]
    others.append(asyncio.create_task(contender()))
    others.append(asyncio.create_task(setter()))
    for name, op in (
        ("steps", steps),
        ("sleeps", sleeps),
        ("event", event_waits),
        ("lock", lock_waits),
        ("flag", flag_waits),
        ("io", io_wakes),
        ("readinto", readintos),
    ):
        await measure(name, op)
    for t in others:
        t.cancel()
    for name in sorted(result):
        print(name, result[name])

asyncio.run(main())
"""


@pytest.mark.parametrize("heap", ["c", "python"])
def test_no_heap_garbage_per_operation(board, heap):
    # Also with the pure-Python timer heap (no _asyncio module)
    if heap == "c":
        out = board.output(ALLOC, loop="fast_io")
    else:
        out = board.output(PURE_PYTHON_PRELUDE + ALLOC, loop="asyncio")
    figures = dict(line.split() for line in out.splitlines())
    assert figures == {
        "event": "0",
        "flag": "0",
        "io": "0",
        "lock": "0",
        "readinto": "0",
        "sleeps": "0",
        "steps": "0",
    }


def test_heap_locked_idle_waits(board):
    # The loop idles (sleeps, and a flag set from a timer task) with the heap locked.
    out = board.output(
        """
import asyncio
import micropython

flag = asyncio.ThreadSafeFlag()

async def later():
    while True:
        await asyncio.sleep_ms(2)
        flag.set()

async def main():
    t = asyncio.create_task(later())
    for _ in range(3):
        await flag.wait()  # warm up
        await asyncio.sleep_ms(1)
    micropython.heap_lock()
    try:
        for _ in range(20):
            await flag.wait()
            await asyncio.sleep_ms(1)
    finally:
        micropython.heap_unlock()
    t.cancel()
    print("done")

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.strip() == "done"


def test_many_tasks_created_and_cancelled_leave_no_garbage(board):
    out = board.output(
        """
import asyncio
import gc

async def sleeper():
    await asyncio.sleep(100)

async def batch(n):
    ts = [asyncio.create_task(sleeper()) for _ in range(n)]
    await asyncio.sleep_ms(0)
    for t in ts:
        t.cancel()
    await asyncio.sleep_ms(0)
    return sum(t.done() for t in ts)

async def main():
    await batch(100)
    gc.collect()
    before = gc.mem_alloc()
    done = 0
    for _ in range(100):
        done += await batch(100)
    gc.collect()
    # The collector is conservative: a stale word on the C stack can keep a block or two alive
    # (how many depends on the memory layout, e.g. the length of the program's path). One
    # object leaked per batch would be 100 x 32 bytes or more.
    print(done, gc.mem_alloc() - before < 1024, len(asyncio.all_tasks()))

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.split() == ["10000", "True", "1"]


def test_last_task_ends_with_the_heap_locked(board):
    out = board.output(
        """
import asyncio
import micropython

async def child():
    await asyncio.sleep_ms(1)

async def main():
    await asyncio.sleep_ms(1)  # main's timer node exists from now on
    asyncio.create_task(child())
    await asyncio.sleep_ms(0)
    micropython.heap_lock()  # the child, then main itself end with the heap locked
    await asyncio.sleep_ms(5)

asyncio.run(main())
micropython.heap_unlock()
print("done")
""",
        loop="fast_io",
    )
    assert out.strip() == "done"


def test_first_sleep_with_the_heap_locked(board, loop):
    # Tasks made before the lock sleep for the first time with the heap locked (their timer
    # nodes were made with them), as on the built-in.
    out = board.output(
        """
import asyncio
import micropython

async def child(n):
    await asyncio.sleep_ms(n)

async def main():
    asyncio.create_task(child(1))
    asyncio.create_task(child(20))
    micropython.heap_lock()
    try:
        await asyncio.sleep_ms(5)
    finally:
        micropython.heap_unlock()
    print("done")

asyncio.run(main())
""",
        loop=loop,
    )
    assert out.strip() == "done"


def test_first_waits_with_the_heap_locked(board):
    # A task's first wait on an Event, a Lock, a ThreadSafeFlag, a stream, and its first
    # timeout (the deadline sleep of wait_for), all with the heap locked: nothing made on the
    # first wait. The loop's I/O queue and the stream are known from an earlier wait.
    out = board.output(
        """
import asyncio
import fast_io.funcs
import micropython
from machine_sim.loopback import socket_pair

a, b = socket_pair()
a.setblocking(False)
buf = bytearray(1)
ev = asyncio.Event()
lock = asyncio.Lock()
flag = asyncio.ThreadSafeFlag()

deadline_ms = fast_io.funcs._deadline_ms
io = asyncio.core._io_queue()

# Calls nothing that makes a coroutine: that would allocate
async def waiter(first):
    await ev.wait()
    await lock.acquire()
    lock.release()
    if first:  # one task at a time may wait on a flag or a stream
        await flag.wait()
        yield io.queue_read(a)
        a.readinto(buf)
    await deadline_ms(2)

async def set_flag():
    await asyncio.sleep_ms(2)  # the loop idles on the flag meanwhile
    flag.set()

async def main():
    b.send(b"x")
    yield io.queue_read(a)  # the stream's entry exists from now on
    a.readinto(buf)
    asyncio.create_task(set_flag())
    await flag.wait()  # the flag is known to the loop from now on
    tasks = [asyncio.create_task(waiter(i == 0)) for i in range(3)]
    micropython.heap_lock()
    try:
        await asyncio.sleep_ms(5)  # the waiters queue on the event
        await lock.acquire()
        ev.set()
        await asyncio.sleep_ms(5)  # ... then on the lock
        lock.release()
        await asyncio.sleep_ms(5)  # ... then on the flag
        flag.set()
        await asyncio.sleep_ms(5)
        b.send(b"x")
        await asyncio.sleep_ms(5)
        await asyncio.sleep_ms(5)  # the deadline sleeps
    finally:
        micropython.heap_unlock()
    print(sum(t.done() for t in tasks))

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.strip() == "3"


WAIT_FOR_LOCKED = """
import asyncio
import micropython

# Set with the heap locked: names that exist already (a new one, or a list that grows, would
# allocate). A value returned with the heap locked is lost (the firmware cannot make its
# StopIteration), so the outcome is told by the steps taken.
inner = quick_end = slow_end = quick_out = slow_out = None

async def slow():
    global inner
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        inner = e
        raise

async def quick():
    global quick_end
    await asyncio.sleep_ms(10)
    quick_end = True

async def waiting_quick():
    global quick_out
    await asyncio.wait_for_ms(quick(), 20)
    quick_out = "in time"

async def waiting_slow():
    global slow_out
    try:
        await asyncio.wait_for_ms(slow(), 20)
    except asyncio.TimeoutError as e:
        slow_out = e

async def main():
    tasks = [asyncio.create_task(waiting_quick()), asyncio.create_task(waiting_slow())]
    await asyncio.sleep_ms(5)  # wait_for has made its tasks, which wait now
    micropython.heap_lock()
    try:
        await asyncio.sleep_ms(60)  # quick ends, then the timeout of slow comes
    finally:
        micropython.heap_unlock()
    print(quick_end, quick_out, type(inner).__name__, type(slow_out).__name__)
    print([t.done() for t in tasks])

asyncio.run(main())
"""


@pytest.mark.parametrize("legacy", [False, True], ids=["today", "legacy_timeouts"])
@pytest.mark.parametrize("prelude", ["", PURE_PYTHON_PRELUDE], ids=["c_queue", "python_queue"])
def test_wait_for_ends_and_times_out_with_the_heap_locked(board, prelude, legacy):
    # wait_for makes what its timeout throws and raises when it starts: with the heap locked,
    # its awaitable ends in time, or is timed out, and the loop goes on. With 2019's timeouts
    # the coroutine gets the TimeoutError (a CancelledError then).
    switch = "import fast_io\nfast_io.legacy_timeouts(%s)\n" % legacy
    out = board.output(prelude + switch + WAIT_FOR_LOCKED, loop=None if prelude else "fast_io")
    inner = "TimeoutError" if legacy else "CancelledError"
    assert out.splitlines() == [f"True in time {inner} TimeoutError", "[True, True]"]


def test_failure_reported_with_the_heap_locked(board, loop):
    # A task fails with the heap locked and nobody awaits it: the report goes to the exception
    # handler (its context made beforehand, as on the built-in) and the loop goes on.
    out = board.run(
        """
import asyncio
import micropython

async def bad():
    await asyncio.sleep_ms(1)
    raise ValueError("bad")

async def main():
    asyncio.create_task(bad())
    micropython.heap_lock()
    try:
        await asyncio.sleep_ms(20)
    finally:
        micropython.heap_unlock()
    print("done")

asyncio.run(main())
""",
        loop=loop,
    )
    assert out.stdout == "done\n"
    assert out.stderr.startswith("Task exception wasn't retrieved\n")


def test_streams_not_waited_on_leave_the_poller(board):
    # 40 streams waited on once each, then one stream waited on while the loop polls on: the
    # poller soon holds the waited stream alone (the idle ones are parked after one to two
    # check periods of 8 polls), not every stream ever waited on. Each poll then costs in
    # proportion to the streams waited on now. A parked stream waited on again works.
    out = board.output(
        """
import asyncio
from machine_sim.loopback import socket_pair

pairs = [socket_pair() for _ in range(40)]
buf = bytearray(1)

async def read(s):
    yield asyncio.core._io_queue().queue_read(s)
    s.readinto(buf)

async def spin(n):
    for _ in range(n):
        await asyncio.sleep_ms(0)  # a poll between two of these steps

async def main():
    for a, b in pairs:
        a.setblocking(False)
        b.send(b"x")
        await read(a)
    q = asyncio.core._io
    print(q.n_regs > 1 + 8)  # nobody waits, but the latest were waited on lately: kept
    a, b = pairs[0]
    t = asyncio.create_task(read(a))
    await spin(3)
    print(q.n_regs > 1 + 8)  # less than a check period: kept
    await spin(40)
    print(q.polled, q.n_regs <= 1 + 8)  # at most a few idle ones are never parked
    b.send(b"x")
    await t
    a, b = pairs[5]  # parked: waited on again, it is registered again
    b.send(b"x")
    await asyncio.wait_for_ms(read(a), 1000)
    # Cancelling a reader takes it off its stream alone
    t = asyncio.create_task(read(pairs[1][0]))
    await asyncio.sleep_ms(10)
    t.cancel()
    await asyncio.sleep_ms(10)
    print(q.polled, q.active, t.done())

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.split() == ["True", "True", "1", "True", "0", "0", "True"]


def test_streams_in_use_keep_their_entries(board):
    # 60 streams waited on in turn, each parked between two of its waits (more than two check
    # periods of polls apart): the queue keeps all 60 entries, however many are parked, so a
    # wait never adds an entry again (which would wear the hash table of its map). Streams no
    # longer waited on, here closed without wait_closed(), are forgotten within two long
    # periods of polls (128 checks of 8 polls), so their sockets can be collected.
    out = board.output(
        """
import asyncio
from machine_sim.loopback import socket_pair

pairs = [socket_pair() for _ in range(60)]
buf = bytearray(1)

async def read(s):
    yield asyncio.core._io_queue().queue_read(s)
    s.readinto(buf)

async def main():
    for a, _ in pairs:
        a.setblocking(False)
    q = asyncio.core._io_queue()
    dropped = False
    for i in range(3):
        for a, b in pairs:
            b.send(b"x")
            await read(a)
            dropped = dropped or (i > 0 and len(q.map) < 60)
    print(len(q.map), len(q.map) - q.n_regs > 30, dropped)  # (entries not registered: parked)
    for a, b in pairs[1:]:
        a.close()
        b.close()
    a, b = pairs[0]
    t = asyncio.create_task(read(a))  # one stream waited on: the loop polls at each step
    for _ in range(2 * 128 * 9 + 64):  # a check comes at the 9th poll after the last one
        await asyncio.sleep_ms(0)
    print(len(q.map), len(q.map) - q.n_regs, q.n_regs)
    b.send(b"x")
    await t

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.split() == ["60", "True", "False", "1", "0", "1"]
