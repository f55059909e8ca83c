"""fast_io.legacy_timeouts(): 2019's timeouts, for 2019 programs.

With the switch on, TimeoutError is 2019's class, a subclass of CancelledError, and a
wait_for/wait_for_ms timeout throws it where the timed-out coroutine waits; the caller of
wait_for still gets TimeoutError. Each program runs on fast_io, on the firmware's C task queue
and on its pure-Python fallback. Timeouts are far from the sleeps they cut short, so the
outcome follows from the program's logic alone even on a busy host.
"""

import pytest
from harness import PURE_PYTHON_PRELUDE, program

SWITCH = """
import asyncio

asyncio.legacy_timeouts(True)

async def sleeper(name):
    # Sleeps past the timeouts here; says when its TimeoutError comes, and lets it through
    try:
        await asyncio.sleep(10)
    except asyncio.TimeoutError:
        print(name, "caught it")
        raise

async def todays_sleeper():
    # The same written for today's asyncio: a timeout or a cancel comes as CancelledError
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("inner", type(e).__name__, isinstance(e, asyncio.TimeoutError))
        raise
"""

# A coroutine written for today's asyncio timed out, and a caller that tells an Exception from a
# TimeoutError that is not one
V3_STYLE = """
print("on:", asyncio.legacy_timeouts())

async def main():
    try:
        await asyncio.wait_for_ms(todays_sleeper(), 50)
    except Exception as e:
        print("caller: Exception", type(e).__name__)
    except asyncio.TimeoutError:
        print("caller: TimeoutError, not an Exception")

asyncio.run(main())
"""

PROGRAMS = [
    program(
        "inner_catches_timeouterror_and_returns",
        """
        from asyncio import TimeoutError  # after the switch: 2019's class

        async def slow(name):
            try:
                await asyncio.sleep(10)
            except TimeoutError as e:
                print(name, "caught", type(e).__name__, isinstance(e, asyncio.CancelledError))
                return "value"

        async def main():
            print(asyncio.legacy_timeouts(), TimeoutError is asyncio.TimeoutError)
            print(issubclass(TimeoutError, asyncio.CancelledError))
            print(issubclass(TimeoutError, Exception))
            for wait in (asyncio.wait_for(slow("wait_for"), 0.05),
                         asyncio.wait_for_ms(slow("wait_for_ms"), 50)):
                try:
                    print("result", await wait)
                except TimeoutError:
                    print("caller: TimeoutError")

        asyncio.run(main())
        """,
        """
        True True
        True
        False
        wait_for caught TimeoutError True
        caller: TimeoutError
        wait_for_ms caught TimeoutError True
        caller: TimeoutError
        """,
    ),
    program(
        "inner_catches_cancellederror_v3_style",
        V3_STYLE,
        """
        on: True
        inner TimeoutError True
        caller: TimeoutError, not an Exception
        """,
    ),
    program(
        "inner_with_finally_unwinds",
        """
        async def slow():
            try:
                await asyncio.sleep(10)
            finally:
                print("inner unwound")

        async def main():
            try:
                await asyncio.wait_for(slow(), 0.05)
            except asyncio.TimeoutError:
                print("caller: TimeoutError")

        asyncio.run(main())
        """,
        """
        inner unwound
        caller: TimeoutError
        """,
    ),
    program(
        "reaches_the_innermost_await",
        """
        async def deep():
            try:
                # a task awaited: the chain is followed
                await asyncio.create_task(sleeper("deepest"))
            except asyncio.TimeoutError:
                print("deep caught it")
                return 3

        async def outer():
            try:
                return await deep()  # a coroutine awaited in the same task
            finally:
                print("outer unwound")

        async def main():
            try:
                print(await asyncio.wait_for_ms(outer(), 50))
            except asyncio.TimeoutError:
                print("caller: TimeoutError")

        asyncio.run(main())
        """,
        """
        deepest caught it
        deep caught it
        outer unwound
        caller: TimeoutError
        """,
    ),
    program(
        "outer_wait_for_times_out_an_inner_one",
        """
        async def middle():
            try:
                await asyncio.wait_for_ms(sleeper("innermost"), 5000)
            except asyncio.TimeoutError:
                print("middle: TimeoutError")
                raise

        async def main():
            try:
                await asyncio.wait_for_ms(middle(), 50)
            except asyncio.TimeoutError:
                print("caller: TimeoutError")

        asyncio.run(main())
        """,
        # A cancelled wait_for stops its awaitable and raises at once, as the built-in's does
        """
        middle: TimeoutError
        innermost caught it
        caller: TimeoutError
        """,
    ),
    program(
        "outside_cancel_delivers_cancellederror",
        """
        async def waiting():
            await asyncio.wait_for(todays_sleeper(), 5)

        async def main():
            t = asyncio.create_task(waiting())
            await asyncio.sleep_ms(50)
            t.cancel()
            try:
                await t
            except asyncio.TimeoutError:
                print("caller: TimeoutError")
            except asyncio.CancelledError as e:
                print("caller:", type(e).__name__)

        asyncio.run(main())
        """,
        """
        inner CancelledError False
        caller: CancelledError
        """,
    ),
    program(
        "switch_off_restores_todays_timeouts",
        V3_STYLE,
        """
        on: False
        inner CancelledError False
        caller: Exception TimeoutError
        """,
        prelude="asyncio.legacy_timeouts(False)\n",
    ),
    program(
        "new_loop_keeps_the_switch",
        """
        async def slow():
            try:
                await asyncio.sleep(10)
            except asyncio.TimeoutError:
                return "caught"

        async def main():
            try:
                await asyncio.wait_for_ms(slow(), 50)
            except asyncio.TimeoutError:
                print("caller: TimeoutError")

        loop = asyncio.new_event_loop()
        loop.run_until_complete(main())
        print(asyncio.legacy_timeouts())
        """,
        """
        caller: TimeoutError
        True
        """,
    ),
    program(
        "gather_2019_members",
        # asyntest's Gather pattern (2019), one tick standing for its second: members catching
        # their Gatherable timeout as TimeoutError and returning a count, and a member written
        # for today's asyncio that catches CancelledError
        """
        import asyn

        TICK = 0.2  # half a tick (100 ms) of room for a stalled host

        async def double_later(n):
            await asyncio.sleep(3 * TICK)
            return 2 * n

        async def count_until_timeout(name, n):
            try:
                while True:
                    await asyncio.sleep(TICK)
                    n += 1
            except asyncio.TimeoutError:
                print(name, "timeout caught at", n)
            return n

        async def v3_member():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError as e:
                print("v3 member:", type(e).__name__)
                return "cleaned up"

        async def main():
            members = [asyn.Gatherable(double_later, 21),
                       asyn.Gatherable(count_until_timeout, "a", 10, timeout=7.5 * TICK),
                       asyn.Gatherable(count_until_timeout, "b", 0, timeout=2.5 * TICK),
                       asyn.Gatherable(v3_member, timeout=4.5 * TICK)]
            print("results", await asyn.Gather(members))

        asyncio.run(main())
        """,
        """
        b timeout caught at 2
        v3 member: TimeoutError
        a timeout caught at 17
        results [42, 17, 2, 'cleaned up']
        """,
    ),
]


@pytest.mark.parametrize("code,expected", PROGRAMS)
def test_2019_timeouts(board, code, expected):
    assert board.output(SWITCH + code, loop="fast_io") == expected
    assert board.output(PURE_PYTHON_PRELUDE + SWITCH + code, loop=None) == expected


def test_gatherable_timeout_on_the_builtin(board, loop):
    # The built-in's classes are fixed: there a member gets a Gatherable timeout as
    # TimeoutError only, which "except CancelledError" lets through; with fast_io's switch on,
    # it is 2019's TimeoutError, a CancelledError too.
    code = """
import asyncio
import asyn

if hasattr(asyncio, "legacy_timeouts"):
    asyncio.legacy_timeouts(True)

async def v3_member():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return "cancelled"

async def main():
    try:
        print(await asyn.Gather([asyn.Gatherable(v3_member, timeout=0.05)]))
    except asyncio.TimeoutError:
        print("TimeoutError")

asyncio.run(main())
"""
    expected = {"asyncio": "TimeoutError\n", "fast_io": "['cancelled']\n"}
    assert board.output(code, loop=loop) == expected[loop]


@pytest.mark.parametrize("ending", ["timeout", "in_time"])
@pytest.mark.parametrize("legacy", [False, True])
def test_repeated_wait_for_keeps_no_memory(board, legacy, ending):
    # Each wait_for makes its own exceptions when it starts, and an awaitable ending in time
    # wakes it with none: shared instances would keep a traceback growing at each call (that
    # of an instance of a Python exception class cannot be reset).
    out = board.output(
        """
import asyncio
import gc

asyncio.legacy_timeouts(%s)
IN_TIME = %s

async def quick():
    await asyncio.sleep_ms(0)
    return 1

async def slow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:  # (2019's TimeoutError is one too)
        raise

async def calls(n):
    for _ in range(n):
        if IN_TIME:
            assert await asyncio.wait_for_ms(quick(), 1000) == 1
        else:
            try:
                await asyncio.wait_for_ms(slow(), 1)
            except asyncio.TimeoutError:
                pass

async def main():
    await calls(20)
    gc.collect()
    before = gc.mem_alloc()
    await calls(500 if IN_TIME else 200)
    gc.collect()
    # Kept tracebacks would be 24 bytes a frame and call at least
    print(gc.mem_alloc() - before < 1024)

asyncio.run(main())
"""
        % (legacy, ending == "in_time"),
        loop="fast_io",
    )
    assert out == "True\n"
