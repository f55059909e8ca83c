"""Differential tests: wait_for, wait_for_ms and gather.

Each program runs on the built-in asyncio (the reference) and on fast_io, twice
(on the firmware's C task queue, then on its pure-Python fallback); both must print the
same lines, and the reference must print the literal expected here. Timeouts are chosen far
from the sleeps they race against, and a timeout that must find nested tasks already started
leaves them 200 ms, so the outcome follows from the program's logic alone even on a busy
host (one that stalls the process for 100 ms now and then).
"""

import pytest
from harness import program

PROGRAMS = [
    program(
        "wait_for_passes_result_through",
        """
        import asyncio

        async def quick(x):
            await asyncio.sleep_ms(1)
            return x * 3

        async def main():
            print(await asyncio.wait_for(quick(2), 1))
            print(await asyncio.wait_for_ms(quick(5), 1000))
            print(await asyncio.wait_for(quick(7), None))

        asyncio.run(main())
        """,
        """
        6
        15
        21
        """,
    ),
    program(
        "wait_for_timeout_cancels_inner",
        """
        import asyncio

        async def slow():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("inner cancelled")
                raise

        async def main():
            try:
                await asyncio.wait_for(slow(), 0.01)
            except asyncio.TimeoutError:
                print("TimeoutError")
            print("main continues")

        asyncio.run(main())
        """,
        """
        inner cancelled
        TimeoutError
        main continues
        """,
    ),
    program(
        "wait_for_ms_timeout",
        """
        import asyncio

        async def slow():
            await asyncio.sleep_ms(5000)
            return "late"

        async def main():
            for _ in range(3):
                try:
                    print(await asyncio.wait_for_ms(slow(), 5))
                except asyncio.TimeoutError as e:
                    print("timeout", type(e).__name__)

        asyncio.run(main())
        """,
        """
        timeout TimeoutError
        timeout TimeoutError
        timeout TimeoutError
        """,
    ),
    program(
        "wait_for_inner_exception_propagates",
        """
        import asyncio

        async def bad():
            await asyncio.sleep_ms(1)
            raise ValueError("inner")

        async def main():
            try:
                await asyncio.wait_for(bad(), 1)
            except ValueError as e:
                print("ValueError", e)
            try:
                await asyncio.wait_for_ms(bad(), 1000)
            except ValueError as e:
                print("ValueError", e)

        asyncio.run(main())
        """,
        """
        ValueError inner
        ValueError inner
        """,
    ),
    program(
        "wait_for_inner_catches_cancel_still_times_out",
        """
        import asyncio

        async def stubborn():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("inner caught cancel")
                return 7

        async def main():
            try:
                print("value", await asyncio.wait_for_ms(stubborn(), 10))
            except asyncio.TimeoutError:
                print("TimeoutError")

        asyncio.run(main())
        """,
        """
        inner caught cancel
        TimeoutError
        """,
    ),
    program(
        "wait_for_on_task_timeout_cancels_task",
        """
        import asyncio

        async def slow():
            await asyncio.sleep(10)

        async def main():
            t = asyncio.create_task(slow())
            try:
                await asyncio.wait_for_ms(t, 5)
            except asyncio.TimeoutError:
                print("TimeoutError")
            await asyncio.sleep_ms(1)
            print("task done", t.done())
            try:
                await t
            except asyncio.CancelledError:
                print("task was cancelled")

        asyncio.run(main())
        """,
        """
        TimeoutError
        task done True
        task was cancelled
        """,
    ),
    program(
        "wait_for_on_finished_task",
        """
        import asyncio

        async def quick():
            return "ready"

        async def main():
            t = asyncio.create_task(quick())
            await asyncio.sleep_ms(1)
            print(t.done(), await asyncio.wait_for(t, 1))

        asyncio.run(main())
        """,
        """
        True ready
        """,
    ),
    program(
        "wait_for_cancelled_from_outside",
        """
        import asyncio

        async def slow():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("inner cancelled")
                raise

        async def waiter():
            try:
                await asyncio.wait_for(slow(), 5)
            except asyncio.TimeoutError:
                print("wrong: timeout")
            except asyncio.CancelledError:
                print("waiter cancelled")
                raise

        async def main():
            t = asyncio.create_task(waiter())
            await asyncio.sleep_ms(200)
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print("main sees cancel")
            await asyncio.sleep_ms(5)
            print("end")

        asyncio.run(main())
        """,
        """
        waiter cancelled
        inner cancelled
        main sees cancel
        end
        """,
    ),
    program(
        "nested_wait_for_inner_times_out_first",
        """
        import asyncio

        async def slow():
            await asyncio.sleep(10)

        async def middle():
            try:
                await asyncio.wait_for_ms(slow(), 5)
            except asyncio.TimeoutError:
                print("inner timeout")
            return "middle result"

        async def main():
            print(await asyncio.wait_for_ms(middle(), 2000))

        asyncio.run(main())
        """,
        """
        inner timeout
        middle result
        """,
    ),
    program(
        "nested_wait_for_outer_times_out_first",
        """
        import asyncio

        async def slow():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("slow cancelled")
                raise

        async def middle():
            try:
                await asyncio.wait_for_ms(slow(), 3000)
            except asyncio.CancelledError:
                print("middle cancelled")
                raise

        async def main():
            try:
                await asyncio.wait_for_ms(middle(), 200)
            except asyncio.TimeoutError:
                print("outer timeout")

        asyncio.run(main())
        """,
        """
        middle cancelled
        slow cancelled
        outer timeout
        """,
    ),
    program(
        "wait_for_in_loop_keeps_other_tasks_running",
        """
        import asyncio

        ticks = 0

        async def ticker():
            global ticks
            while True:
                ticks += 1
                await asyncio.sleep_ms(1)

        async def slow():
            await asyncio.sleep(10)

        async def main():
            t = asyncio.create_task(ticker())
            timeouts = 0
            for _ in range(5):
                try:
                    await asyncio.wait_for_ms(slow(), 3)
                except asyncio.TimeoutError:
                    timeouts += 1
            t.cancel()
            print("timeouts", timeouts, "ticker ran", ticks > 0)

        asyncio.run(main())
        """,
        """
        timeouts 5 ticker ran True
        """,
    ),
    program(
        "gather_results_in_argument_order",
        """
        import asyncio

        async def job(name, ms):
            await asyncio.sleep_ms(ms)
            print("finished", name)
            return name

        async def main():
            # 100 ms apart: more than a loaded host stalls the process between the jobs'
            # first steps, which could reorder them.
            print(await asyncio.gather(job("a", 300), job("b", 100), job("c", 200)))

        asyncio.run(main())
        """,
        """
        finished b
        finished c
        finished a
        ['a', 'b', 'c']
        """,
    ),
    program(
        "gather_mixed_tasks_and_coroutines",
        """
        import asyncio

        async def job(x):
            await asyncio.sleep_ms(x)
            return x

        async def main():
            t = asyncio.create_task(job(5))
            done = asyncio.create_task(job(0))
            await asyncio.sleep_ms(1)
            print(await asyncio.gather(job(3), t, done, job(1)))
            print(await asyncio.gather())

        asyncio.run(main())
        """,
        """
        [3, 5, 0, 1]
        []
        """,
    ),
    program(
        "gather_return_exceptions",
        """
        import asyncio

        async def ok(x):
            await asyncio.sleep_ms(x)
            return x

        async def bad(msg):
            await asyncio.sleep_ms(2)
            raise ValueError(msg)

        async def main():
            res = await asyncio.gather(ok(1), bad("b1"), ok(3), bad("b2"), return_exceptions=True)
            for r in res:
                print(type(r).__name__, r)

        asyncio.run(main())
        """,
        """
        int 1
        ValueError b1
        int 3
        ValueError b2
        """,
    ),
    program(
        "gather_exception_in_one_child",
        """
        import asyncio

        async def ok(x):
            await asyncio.sleep_ms(x)
            print("ok", x)
            return x

        async def bad():
            await asyncio.sleep_ms(5)
            raise OSError(5)

        async def waits(ev):
            await ev.wait()
            print("other child still runs")

        async def main():
            ev = asyncio.Event()
            try:
                await asyncio.gather(ok(1), bad(), waits(ev))
            except OSError as e:
                print("gather raised", e.errno)
            ev.set()
            await asyncio.sleep_ms(5)
            print("end")

        asyncio.run(main())
        """,
        """
        ok 1
        gather raised 5
        other child still runs
        end
        """,
    ),
    program(
        "gather_cancelled_cancels_children",
        """
        import asyncio

        async def child(n):
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("child", n, "cancelled")
                raise

        async def parent():
            try:
                await asyncio.gather(child(1), child(2))
            except asyncio.CancelledError:
                print("parent cancelled")
                raise

        async def main():
            t = asyncio.create_task(parent())
            await asyncio.sleep_ms(200)
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print("main sees cancel")

        asyncio.run(main())
        """,
        """
        parent cancelled
        child 1 cancelled
        child 2 cancelled
        main sees cancel
        """,
    ),
    program(
        "gather_child_cancelled_with_return_exceptions",
        """
        import asyncio

        async def sleeper():
            await asyncio.sleep(10)

        async def quick():
            await asyncio.sleep_ms(10)
            return "quick"

        async def main():
            t = asyncio.create_task(sleeper())
            g = asyncio.create_task(asyncio.gather(t, quick(), return_exceptions=True))
            await asyncio.sleep_ms(1)
            t.cancel()
            for r in await g:
                print(type(r).__name__)

        asyncio.run(main())
        """,
        """
        CancelledError
        str
        """,
    ),
    program(
        "gather_child_cancelled_without_return_exceptions",
        """
        import asyncio

        async def sleeper():
            await asyncio.sleep(10)

        async def main():
            t = asyncio.create_task(sleeper())
            g = asyncio.create_task(asyncio.gather(t, sleeper()))
            await asyncio.sleep_ms(1)
            t.cancel()
            try:
                await g
            except asyncio.CancelledError:
                print("gather raised CancelledError")

        asyncio.run(main())
        """,
        """
        gather raised CancelledError
        """,
    ),
    program(
        "gather_under_wait_for",
        """
        import asyncio

        async def job(ms):
            try:
                await asyncio.sleep_ms(ms)
                return ms
            except asyncio.CancelledError:
                print("job", ms, "cancelled")
                raise

        async def main():
            print(await asyncio.wait_for_ms(asyncio.gather(job(1), job(2)), 1000))
            try:
                await asyncio.wait_for_ms(asyncio.gather(job(1), job(5000)), 200)
            except asyncio.TimeoutError:
                print("TimeoutError")

        asyncio.run(main())
        """,
        """
        [1, 2]
        job 5000 cancelled
        TimeoutError
        """,
    ),
    program(
        "gather_many_tasks",
        """
        import asyncio

        async def sq(n):
            for _ in range(n % 3):
                await asyncio.sleep_ms(0)
            return n * n

        async def main():
            res = await asyncio.gather(*[sq(n) for n in range(50)])
            print(len(res), sum(res), res[:5])

        asyncio.run(main())
        """,
        """
        50 40425 [0, 1, 4, 9, 16]
        """,
    ),
    program(
        "wait_for_zero_and_negative_timeout",
        """
        import asyncio

        async def at_once():
            print("at_once ran")
            return 5

        async def after_a_yield():
            await asyncio.sleep_ms(0)
            print("after_a_yield ran")
            return 6

        async def main():
            for timeout in (0, -1):
                for coro in (at_once, after_a_yield):
                    try:
                        print(await asyncio.wait_for_ms(coro(), timeout))
                    except asyncio.TimeoutError:
                        print("timeout", timeout)
            t = asyncio.create_task(at_once())
            await asyncio.sleep(0)
            print(await asyncio.wait_for_ms(t, 0))

        asyncio.run(main())
        """,
        """
        at_once ran
        5
        timeout 0
        at_once ran
        5
        timeout -1
        at_once ran
        5
        """,
    ),
    program(
        "gather_same_task_twice_refused",
        """
        import asyncio

        async def job():
            await asyncio.sleep_ms(1)
            return 1

        async def main():
            t = asyncio.create_task(job())
            try:
                await asyncio.gather(t, t)
            except RuntimeError as e:
                print("RuntimeError", e)

        asyncio.run(main())
        """,
        """
        RuntimeError can't gather
        """,
    ),
    program(
        "wait_for_times_out_before_inner_starts",
        """
        import asyncio
        import time

        async def hog(ms):
            # Ready before wait_for's inner task: runs past the whole timeout first.
            t = time.ticks_ms()
            while time.ticks_diff(time.ticks_ms(), t) < ms:
                pass

        async def never():
            print("inner started")
            await asyncio.sleep(10)

        async def main():
            asyncio.create_task(hog(20))
            try:
                await asyncio.wait_for_ms(never(), 5)
            except asyncio.TimeoutError:
                print("TimeoutError")
            except asyncio.CancelledError:
                print("wrong: CancelledError")

        asyncio.run(main())
        """,
        """
        inner started
        TimeoutError
        """,
    ),
]


@pytest.mark.parametrize("code,expected", PROGRAMS)
def test_same_output_as_builtin(board, code, expected):
    board.assert_same_everywhere(code, expected)
