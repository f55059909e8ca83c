"""Task names, all_tasks() and the 2019 API (callbacks, cancel(coro), yield forms, streams)."""


def test_names_and_all_tasks(board):
    out = board.output(
        """
import asyncio

async def nap():
    await asyncio.sleep_ms(5)

async def main():
    me = asyncio.current_task()
    a = asyncio.create_task(nap(), name="reader")
    b = asyncio.create_task(nap())
    print(a.get_name(), b.get_name().startswith("Task-"), me.get_name().startswith("Task-"))
    b.set_name("writer")
    print(b.get_name())
    print(sorted(t.get_name() for t in asyncio.all_tasks() if t is not me))
    print(me in asyncio.all_tasks())
    await asyncio.gather(a, b)
    print(asyncio.all_tasks() == {me})

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == [
        "reader True True",
        "writer",
        "['reader', 'writer']",
        "True",
        "True",
    ]


def test_2019_loop_api(board):
    out = board.output(
        """
import uasyncio as asyncio

log = []

def cb(*args):
    log.append(args)

def legacy():  # a 2019 generator coroutine
    log.append("legacy start")
    yield  # round-robin
    yield 100  # sleep 100 ms
    yield asyncio.sleep_ms(1)
    log.append("legacy end")
    return 7

async def victim():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log.append("victim cancelled")

async def main():
    loop = asyncio.get_running_loop()
    # Delays 50 ms or more apart, so that a host stalling the process between two steps
    # cannot reorder them: (4,) comes while legacy() sleeps, (2,) and (3,) after it ended.
    loop.call_soon(cb, 1)
    loop.call_later_ms(300, cb, 2)
    loop.call_later(0.4, cb, 3)
    loop.call_at_(asyncio.ticks_add(loop.time(), 50), cb, (4,))
    v = victim()
    loop.create_task(v)
    await asyncio.sleep_ms(0)
    asyncio.cancel(v)
    print(await asyncio.wait_for_ms(legacy(), 1000))
    await asyncio.sleep_ms(500)
    for entry in log:
        print(entry)

loop = asyncio.get_event_loop(16, 16, 4, 4)
print(loop is asyncio.get_event_loop())
print(asyncio.got_event_loop())
loop.run_until_complete(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == [
        "True",
        "True",
        "7",
        "(1,)",
        "victim cancelled",  # cancelled: runs before the round-robin tasks
        "legacy start",
        "(4,)",
        "legacy end",
        "(2,)",
        "(3,)",
    ]


def test_get_running_loop_before_any_loop(board):
    out = board.output(
        """
import fast_io
try:
    fast_io.get_running_loop()
except RuntimeError as e:
    print(e)
print(fast_io.got_event_loop())
fast_io.get_event_loop()
print(fast_io.get_running_loop() is fast_io.Loop, fast_io.got_event_loop())
""",
        loop="asyncio",
    )
    assert out.splitlines() == ["Event loop not instantiated", "False", "True True"]


def test_2019_stream_api(board):
    out = board.output(
        """
import asyncio
from machine_sim.loopback import socket_pair

async def main():
    a, b = socket_pair()
    a.setblocking(False)
    b.setblocking(False)
    w = asyncio.StreamWriter(a, {})
    r = asyncio.StreamReader(b)
    await w.awrite(b"0123456789\\n", 2, 5)
    await w.awritestr("ab\\n")
    print(await r.readline())
    buf = bytearray(8)
    await w.awrite(b"hello")
    print(await r.readinto(buf), bytes(buf[:5]))
    await w.awrite(b"xyz")
    print(await r.readinto(buf, 2), bytes(buf[:2]))
    await w.aclose()
    print(await r.read(10), await r.read(10))

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["b'23456ab\\n'", "5 b'hello'", "2 b'xy'", "b'z' b''"]


def test_cancelled_wait_for_leaves_the_next_one_alone(board):
    # wait_for is cancelled while its awaitable takes 50 ms to unwind; the task then starts
    # another wait_for. When the first awaitable has unwound, the next wait_for still times out
    # at its own deadline. (The built-in's first wait_for then cancels the second one, which
    # raises CancelledError; fast_io's timed it out at once.)
    out = board.output(
        """
import asyncio
import time

async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        await asyncio.sleep_ms(50)  # a slow clean-up
        print("stubborn unwound")
        raise

async def nap():
    await asyncio.sleep_ms(300)

async def waiter():
    try:
        await asyncio.wait_for_ms(stubborn(), 1000)
    except asyncio.CancelledError:
        print("first cancelled")
    t = time.ticks_ms()
    try:
        await asyncio.wait_for_ms(nap(), 200)
    except asyncio.TimeoutError:
        print("second timed out after", time.ticks_diff(time.ticks_ms(), t) >= 200)

async def main():
    t = asyncio.create_task(waiter())
    await asyncio.sleep_ms(10)
    t.cancel()
    await asyncio.sleep_ms(500)

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == [
        "first cancelled",
        "stubborn unwound",
        "second timed out after True",
    ]
