"""Differential tests: tasks, run, sleep, cancellation and errors.

Each program runs on the firmware's built-in asyncio (the reference) and on fast_io, twice
(on the firmware's C task queue, then on its pure-Python fallback); both must
print the same lines, and the reference must print the literal expected here, so a program that
prints nothing (or the wrong thing everywhere) cannot pass. Only orderings that the built-in
defines are compared: round robin of ready tasks, wake-ups in deadline order.
"""

import pytest
from harness import program

PROGRAMS = [
    program(
        "run_returns_value",
        """
        import asyncio

        async def main():
            await asyncio.sleep(0)
            return 42

        print(asyncio.run(main()))
        """,
        """
        42
        """,
    ),
    program(
        "run_propagates_exception",
        """
        import asyncio

        async def main():
            await asyncio.sleep_ms(1)
            raise ValueError("boom")

        try:
            asyncio.run(main())
        except ValueError as e:
            print("caught", e)
        """,
        """
        caught boom
        """,
    ),
    program(
        "run_twice_in_one_program",
        """
        import asyncio

        async def nap():
            await asyncio.sleep_ms(5)

        async def main(n):
            t = asyncio.create_task(nap())
            await t
            return n * 2

        print(asyncio.run(main(1)), asyncio.run(main(2)))
        """,
        """
        2 4
        """,
    ),
    program(
        "nested_coroutines_return_values",
        """
        import asyncio

        async def leaf(x):
            await asyncio.sleep_ms(0)
            return x + 1

        async def middle(x):
            return await leaf(x) * 10

        async def main():
            print(await middle(1), await middle(await leaf(4)))

        asyncio.run(main())
        """,
        """
        20 60
        """,
    ),
    program(
        "create_task_runs_when_creator_yields",
        """
        import asyncio

        async def child(name):
            print("child", name, "start")
            await asyncio.sleep(0)
            print("child", name, "end")

        async def main():
            t1 = asyncio.create_task(child("a"))
            t2 = asyncio.create_task(child("b"))
            print("main created", isinstance(t1, asyncio.Task), t1.done())
            await asyncio.sleep(0)
            print("main resumed")
            await t1
            await t2
            print("main done", t1.done(), t2.done())

        asyncio.run(main())
        """,
        """
        main created True False
        child a start
        child b start
        main resumed
        child a end
        child b end
        main done True True
        """,
    ),
    program(
        "task_await_result_and_await_twice",
        """
        import asyncio

        async def work():
            await asyncio.sleep_ms(2)
            return "result"

        async def main():
            t = asyncio.create_task(work())
            print(await t)
            print(await t)
            print(t.done())

        asyncio.run(main())
        """,
        """
        result
        result
        True
        """,
    ),
    program(
        "task_exception_when_awaited_twice",
        """
        import asyncio

        async def fail():
            await asyncio.sleep_ms(1)
            raise KeyError("k")

        async def main():
            t = asyncio.create_task(fail())
            for _ in range(2):
                try:
                    await t
                except KeyError as e:
                    print("KeyError", e)
            print("done", t.done())

        asyncio.run(main())
        """,
        """
        KeyError k
        KeyError k
        done True
        """,
    ),
    program(
        "task_exception_awaited_after_it_finished",
        """
        import asyncio

        async def fail():
            raise ZeroDivisionError("late")

        async def main():
            t = asyncio.create_task(fail())
            await asyncio.sleep_ms(5)
            print("finished before await", t.done())
            try:
                await t
            except ZeroDivisionError as e:
                print("got", e)

        asyncio.run(main())
        """,
        """
        finished before await True
        got late
        """,
    ),
    program(
        "task_cancel_sleeping",
        """
        import asyncio

        async def sleeper():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("sleeper cancelled")
                raise

        async def main():
            t = asyncio.create_task(sleeper())
            await asyncio.sleep_ms(1)
            print("cancel returns", t.cancel())
            try:
                await t
            except asyncio.CancelledError:
                print("main sees CancelledError")
            print("done", t.done())

        asyncio.run(main())
        """,
        """
        cancel returns True
        sleeper cancelled
        main sees CancelledError
        done True
        """,
    ),
    program(
        "task_cancel_before_it_starts",
        """
        import asyncio

        async def never():
            print("never printed")

        async def main():
            t = asyncio.create_task(never())
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print("cancelled before start")
            print(t.done())

        asyncio.run(main())
        """,
        """
        cancelled before start
        True
        """,
    ),
    program(
        "task_cancel_finished_returns_false",
        """
        import asyncio

        async def quick():
            return 3

        async def main():
            t = asyncio.create_task(quick())
            print(await t)
            print("cancel finished", t.cancel())
            print(await t)

        asyncio.run(main())
        """,
        """
        3
        cancel finished False
        3
        """,
    ),
    program(
        "task_cancel_twice",
        """
        import asyncio

        async def sleeper():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("cancelled once")
                raise

        async def main():
            t = asyncio.create_task(sleeper())
            await asyncio.sleep_ms(1)
            print(t.cancel())
            print(t.cancel())
            try:
                await t
            except asyncio.CancelledError:
                print("awaited")
            print(t.cancel())

        asyncio.run(main())
        """,
        """
        True
        True
        cancelled once
        awaited
        False
        """,
    ),
    program(
        "task_catches_cancel_and_returns",
        """
        import asyncio

        async def stubborn():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("cleanup")
            return "kept"

        async def main():
            t = asyncio.create_task(stubborn())
            await asyncio.sleep_ms(1)
            t.cancel()
            print(await t)

        asyncio.run(main())
        """,
        """
        cleanup
        kept
        """,
    ),
    program(
        "cancel_runs_finally_through_nested_awaits",
        """
        import asyncio

        async def level(n):
            try:
                if n == 0:
                    await asyncio.sleep(10)
                else:
                    await level(n - 1)
            finally:
                print("finally", n)

        async def main():
            t = asyncio.create_task(level(2))
            await asyncio.sleep_ms(1)
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print("cancelled")

        asyncio.run(main())
        """,
        """
        finally 0
        finally 1
        finally 2
        cancelled
        """,
    ),
    program(
        "cancel_task_waiting_on_another_task",
        """
        import asyncio

        async def slow():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("slow cancelled")
                raise
            return 1

        async def waiter(t):
            try:
                await t
            except asyncio.CancelledError:
                print("waiter cancelled")
                raise

        async def main():
            s = asyncio.create_task(slow())
            w = asyncio.create_task(waiter(s))
            await asyncio.sleep_ms(2)
            w.cancel()
            try:
                await w
            except asyncio.CancelledError:
                print("main sees the waiter cancelled")
            print("waiter done", w.done(), "slow done", s.done())
            print("cancel slow again", s.cancel())

        asyncio.run(main())
        """,
        """
        slow cancelled
        waiter cancelled
        main sees the waiter cancelled
        waiter done True slow done True
        cancel slow again False
        """,
    ),
    program(
        "many_tasks_awaiting_one_task",
        """
        import asyncio

        async def producer():
            await asyncio.sleep_ms(5)
            return 99

        async def consumer(name, t):
            print(name, await t)

        async def main():
            p = asyncio.create_task(producer())
            cs = [asyncio.create_task(consumer(n, p)) for n in "abc"]
            for c in cs:
                await c
            print("all done")

        asyncio.run(main())
        """,
        """
        a 99
        b 99
        c 99
        all done
        """,
    ),
    program(
        "current_task_identity",
        """
        import asyncio

        seen = {}

        async def child(name):
            seen[name] = asyncio.current_task()
            await asyncio.sleep(0)
            print(name, seen[name] is asyncio.current_task())

        async def main():
            me = asyncio.current_task()
            t = asyncio.create_task(child("c"))
            await t
            print("child saw its task", seen["c"] is t)
            print("main task unchanged", asyncio.current_task() is me, me is not t)
            print(isinstance(me, asyncio.Task))

        asyncio.run(main())
        """,
        """
        c True
        child saw its task True
        main task unchanged True True
        True
        """,
    ),
    program(
        "round_robin_sleep_ms_0",
        """
        import asyncio

        out = []

        async def spin(name, n):
            for i in range(n):
                out.append(name + str(i))
                await asyncio.sleep_ms(0)

        async def main():
            ts = [asyncio.create_task(spin(n, 3)) for n in "abc"]
            for t in ts:
                await t
            print(" ".join(out))

        asyncio.run(main())
        """,
        """
        a0 b0 c0 a1 b1 c1 a2 b2 c2
        """,
    ),
    program(
        "round_robin_sleep_0_with_late_joiner",
        """
        import asyncio

        out = []

        async def spin(name, n):
            for i in range(n):
                out.append(name + str(i))
                if name == "a" and i == 0:
                    asyncio.create_task(spin("z", 2))
                await asyncio.sleep(0)

        async def main():
            asyncio.create_task(spin("a", 3))
            asyncio.create_task(spin("b", 3))
            while len(out) < 8:
                await asyncio.sleep_ms(1)
            print(" ".join(out))

        asyncio.run(main())
        """,
        """
        a0 b0 z0 a1 b1 z1 a2 b2
        """,
    ),
    program(
        "sleepers_wake_in_deadline_order",
        """
        import asyncio

        async def sleeper(ms):
            await asyncio.sleep_ms(ms)
            print("woke", ms)

        async def main():
            # 100 ms apart: more than a loaded host stalls the process between two tasks'
            # first steps (where each computes its deadline), which could reorder them.
            ts = [asyncio.create_task(sleeper(ms)) for ms in (300, 100, 500, 200, 400)]
            for t in ts:
                await t

        asyncio.run(main())
        """,
        """
        woke 100
        woke 200
        woke 300
        woke 400
        woke 500
        """,
    ),
    program(
        "sleep_seconds_float_and_int",
        """
        import asyncio
        import time

        async def main():
            t0 = time.ticks_ms()
            await asyncio.sleep(0.02)
            a = time.ticks_diff(time.ticks_ms(), t0)
            await asyncio.sleep(0)
            await asyncio.sleep_ms(15)
            b = time.ticks_diff(time.ticks_ms(), t0)
            print(a >= 20, b >= 35)

        asyncio.run(main())
        """,
        """
        True True
        """,
    ),
    program(
        "sleep_is_reusable_awaitable",
        """
        import asyncio

        async def main():
            total = 0
            for i in range(50):
                await asyncio.sleep_ms(0)
                await asyncio.sleep(0)
                total += i
            print(total)

        asyncio.run(main())
        """,
        """
        1225
        """,
    ),
    program(
        "exception_in_nested_task_caught_by_parent",
        """
        import asyncio

        async def grandchild():
            await asyncio.sleep_ms(1)
            raise ValueError("deep")

        async def child():
            t = asyncio.create_task(grandchild())
            try:
                await t
            except ValueError as e:
                print("child caught", e)
                raise RuntimeError("wrapped")

        async def main():
            try:
                await asyncio.create_task(child())
            except RuntimeError as e:
                print("main caught", e)

        asyncio.run(main())
        """,
        """
        child caught deep
        main caught wrapped
        """,
    ),
    program(
        "exception_in_awaited_coroutine_unwinds",
        """
        import asyncio

        async def a():
            try:
                await b()
            finally:
                print("a finally")

        async def b():
            await asyncio.sleep(0)
            raise IndexError("b")

        async def main():
            try:
                await a()
            except IndexError as e:
                print("caught", e)
            return "after"

        print(asyncio.run(main()))
        """,
        """
        a finally
        caught b
        after
        """,
    ),
    program(
        "await_non_awaitable",
        """
        import asyncio

        async def main():
            for value in (1, None, 2.5):
                try:
                    await value
                except TypeError:
                    print("TypeError for", type(value).__name__)
            return "still running"

        print(asyncio.run(main()))
        """,
        """
        TypeError for int
        TypeError for NoneType
        TypeError for float
        still running
        """,
    ),
    program(
        "create_task_rejects_non_coroutines",
        """
        import asyncio

        async def coro_fn():
            return 1

        async def main():
            for bad in (coro_fn, None, 5):
                try:
                    asyncio.create_task(bad)
                    print("accepted", bad)
                except TypeError:
                    print("TypeError")
            print("loop alive", await asyncio.create_task(coro_fn()))

        asyncio.run(main())
        """,
        """
        TypeError
        TypeError
        TypeError
        loop alive 1
        """,
    ),
    program(
        "run_rejects_non_coroutine",
        """
        import asyncio

        async def ok():
            return "ok"

        try:
            asyncio.run(5)
        except TypeError:
            print("TypeError")
        print(asyncio.run(ok()))
        """,
        """
        TypeError
        ok
        """,
    ),
    program(
        "custom_awaitable_class",
        """
        import asyncio

        class Countdown:
            def __init__(self, n):
                self.n = n

            def __await__(self):
                while self.n:
                    self.n -= 1
                    yield from asyncio.sleep(0)
                return "liftoff"

            __iter__ = __await__

        async def other():
            for i in range(3):
                print("other", i)
                await asyncio.sleep(0)

        async def main():
            asyncio.create_task(other())
            print(await Countdown(3))

        asyncio.run(main())
        """,
        """
        other 0
        other 1
        other 2
        liftoff
        """,
    ),
    program(
        "cancel_task_that_catches_and_keeps_sleeping",
        """
        import asyncio

        async def worker():
            n = 0
            while n < 2:
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    n += 1
                    print("caught", n)
            return n

        async def main():
            t = asyncio.create_task(worker())
            await asyncio.sleep_ms(1)
            t.cancel()
            await asyncio.sleep_ms(1)
            print("still running", not t.done())
            t.cancel()
            print(await t)

        asyncio.run(main())
        """,
        """
        caught 1
        still running True
        caught 2
        2
        """,
    ),
    program(
        "task_creates_tasks_and_returns_before_them",
        """
        import asyncio

        async def late(n):
            # 100 ms apart, and main 200 ms after: more than a loaded host stalls the process
            await asyncio.sleep_ms(100 * n)
            print("late", n)

        async def spawner():
            for n in (1, 2):
                asyncio.create_task(late(n))
            return "spawner done"

        async def main():
            print(await asyncio.create_task(spawner()))
            await asyncio.sleep_ms(400)
            print("main done")

        asyncio.run(main())
        """,
        """
        spawner done
        late 1
        late 2
        main done
        """,
    ),
    program(
        "many_tasks_awaiting_one_failing_task",
        """
        import asyncio

        async def fail():
            await asyncio.sleep_ms(1)
            raise ValueError("shared")

        async def awaiter(n, t):
            try:
                await t
            except ValueError as e:
                print("awaiter", n, e)

        async def main():
            t = asyncio.create_task(fail())
            await asyncio.gather(*[awaiter(n, t) for n in range(3)])

        asyncio.run(main())
        """,
        """
        awaiter 0 shared
        awaiter 1 shared
        awaiter 2 shared
        """,
    ),
    program(
        "current_task_outside_the_loop",
        """
        import asyncio

        try:
            asyncio.current_task()
        except RuntimeError:
            print("RuntimeError before run")

        async def main():
            return asyncio.current_task().done()

        print(asyncio.run(main()))
        try:
            asyncio.current_task()
        except RuntimeError:
            print("RuntimeError after run")
        """,
        """
        RuntimeError before run
        False
        RuntimeError after run
        """,
    ),
    program(
        "sleep_zero_negative_and_tiny",
        """
        import asyncio

        out = []

        async def other():
            for i in range(3):
                out.append("o%d" % i)
                await asyncio.sleep(0)

        async def main():
            asyncio.create_task(other())
            out.append("m0")
            out.append(str(await asyncio.sleep_ms(-5)))
            out.append(str(await asyncio.sleep(0.0004)))
            out.append("m1")
            await asyncio.sleep_ms(5)
            print(" ".join(out))

        asyncio.run(main())
        """,
        """
        m0 o0 None o1 None m1 o2
        """,
    ),
    program(
        "steps_and_sleeps_with_the_heap_locked",
        """
        import asyncio
        import micropython

        async def other():
            while True:
                await asyncio.sleep_ms(0)

        async def locked(ms, n):
            micropython.heap_lock()
            try:
                for _ in range(n):
                    await asyncio.sleep_ms(ms)
                ok = True
            except MemoryError:
                ok = False
            micropython.heap_unlock()
            return ok

        async def main():
            t = asyncio.create_task(other())
            for _ in range(3):
                await asyncio.sleep_ms(1)
            print("steps beside another task:", await locked(0, 20))
            print("sleeps beside another task:", await locked(1, 5))
            t.cancel()
            await asyncio.sleep_ms(1)
            print("sleeps with the loop idle:", await locked(1, 5))

        asyncio.run(main())
        """,
        """
        steps beside another task: True
        sleeps beside another task: True
        sleeps with the loop idle: True
        """,
    ),
    program(
        "forty_waiters_woken_at_once_with_the_heap_locked",
        """
        import asyncio
        import micropython

        ev = asyncio.Event()
        woken = 0

        async def waiter():
            global woken
            await ev.wait()
            woken += 1

        async def main():
            for _ in range(40):
                asyncio.create_task(waiter())
                await asyncio.sleep_ms(0)  # it runs and waits before the next one is made
            micropython.heap_lock()
            try:
                ev.set()  # all 40 ready at once
                await asyncio.sleep_ms(5)
            finally:
                micropython.heap_unlock()
            print("woken", woken)

        asyncio.run(main())
        """,
        """
        woken 40
        """,
    ),
    program(
        "ten_thousand_tasks_created_and_cancelled_leak_nothing",
        """
        import asyncio
        import gc

        async def sleeper():
            await asyncio.sleep(10)

        async def main():
            for _ in range(100):
                asyncio.create_task(sleeper()).cancel()
            await asyncio.sleep_ms(1)
            gc.collect()
            before = gc.mem_alloc()
            for i in range(10_000):
                t = asyncio.create_task(sleeper())
                if i % 2:
                    await asyncio.sleep_ms(0)  # half of them start sleeping first
                t.cancel()
                if i % 100 == 0:
                    await asyncio.sleep_ms(0)
            await asyncio.sleep_ms(1)
            gc.collect()
            # A leak of even 1 byte per task would show as 10 KB.
            print("heap back where it started:", gc.mem_alloc() - before < 1024)

        asyncio.run(main())
        """,
        """
        heap back where it started: True
        """,
    ),
    program(
        # Equal deadlines wake in the order they were set; each wake-up pops the timer heap's
        # root (the last node sifts down), a cancel takes a node out of its middle.
        "timer_heap_equal_deadlines_and_sift_down",
        """
        import asyncio

        async def sleeper(name, ms):
            try:
                await asyncio.sleep_ms(ms)
                print("woke", name, ms)
            except asyncio.CancelledError:
                print("cancelled", name)

        async def main():
            plan = ((500, 100, 300, 100, 400, 200), (300, 100, 500, 200, 400, 300))
            ts = [asyncio.create_task(sleeper("ab"[i] + str(j), ms))
                  for i, row in enumerate(plan) for j, ms in enumerate(row)]
            await asyncio.sleep_ms(0)
            ts[2].cancel()
            ts[10].cancel()
            await asyncio.gather(*ts)
            # Nine timers on one deadline, then the same again as the first ones wake
            ts = [asyncio.create_task(sleeper(i, 100)) for i in range(9)]
            await asyncio.gather(*ts)

        asyncio.run(main())
        """,
        """
        cancelled a2
        cancelled b4
        woke a1 100
        woke a3 100
        woke b1 100
        woke a5 200
        woke b3 200
        woke b0 300
        woke b5 300
        woke a4 400
        woke a0 500
        woke b2 500
        woke 0 100
        woke 1 100
        woke 2 100
        woke 3 100
        woke 4 100
        woke 5 100
        woke 6 100
        woke 7 100
        woke 8 100
        """,
    ),
    program(
        "sleep_made_and_never_awaited",
        """
        import asyncio
        import time

        async def main():
            asyncio.sleep(0)  # a missing await: the next sleep works as if it were not there
            asyncio.sleep_ms(500)
            t = time.ticks_ms()
            await asyncio.sleep_ms(20)
            print("slept", 20 <= time.ticks_diff(time.ticks_ms(), t) < 200)
            asyncio.sleep_ms(1)
            await asyncio.sleep(0)
            print("yielded")

        asyncio.run(main())
        """,
        """
        slept True
        yielded
        """,
    ),
]


@pytest.mark.parametrize("code,expected", PROGRAMS)
def test_same_output_as_builtin(board, code, expected):
    board.assert_same_everywhere(code, expected)
