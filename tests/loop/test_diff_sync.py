"""Differential tests: Event, Lock and ThreadSafeFlag.

Each program runs on the built-in asyncio (the reference) and on fast_io, twice
(on the firmware's C task queue, then on its pure-Python fallback); both must print the
same lines, and the reference must print the literal expected here. Waiters are released in the
order they started waiting, which both loops define.
"""

import pytest
from harness import program

PROGRAMS = [
    program(
        "event_set_clear_is_set",
        """
        import asyncio

        async def main():
            ev = asyncio.Event()
            print(ev.is_set())
            ev.set()
            print(ev.is_set(), await ev.wait())
            ev.set()
            ev.clear()
            print(ev.is_set())
            ev.clear()
            print(ev.is_set())

        asyncio.run(main())
        """,
        """
        False
        True True
        False
        False
        """,
    ),
    program(
        "event_wakes_many_waiters_in_order",
        """
        import asyncio

        async def waiter(ev, name):
            print("wait", name)
            await ev.wait()
            print("woke", name)

        async def main():
            ev = asyncio.Event()
            ts = [asyncio.create_task(waiter(ev, n)) for n in "abcd"]
            await asyncio.sleep_ms(1)
            print("setting")
            ev.set()
            print("set returned")
            for t in ts:
                await t
            print("all woke", ev.is_set())

        asyncio.run(main())
        """,
        """
        wait a
        wait b
        wait c
        wait d
        setting
        set returned
        woke a
        woke b
        woke c
        woke d
        all woke True
        """,
    ),
    program(
        "event_set_from_task_then_cleared",
        """
        import asyncio

        async def setter(ev):
            await asyncio.sleep_ms(3)
            print("set")
            ev.set()
            ev.clear()

        async def main():
            ev = asyncio.Event()
            asyncio.create_task(setter(ev))
            await ev.wait()
            print("woke, is_set", ev.is_set())

        asyncio.run(main())
        """,
        """
        set
        woke, is_set False
        """,
    ),
    program(
        "event_wait_with_timeout",
        """
        import asyncio

        async def main():
            ev = asyncio.Event()
            try:
                await asyncio.wait_for_ms(ev.wait(), 5)
            except asyncio.TimeoutError:
                print("timed out")
            ev.set()
            print(await asyncio.wait_for_ms(ev.wait(), 5))

        asyncio.run(main())
        """,
        """
        timed out
        True
        """,
    ),
    program(
        "event_cancelled_waiter_not_woken",
        """
        import asyncio

        async def waiter(ev, name):
            try:
                await ev.wait()
                print("woke", name)
            except asyncio.CancelledError:
                print("cancelled", name)

        async def main():
            ev = asyncio.Event()
            a = asyncio.create_task(waiter(ev, "a"))
            b = asyncio.create_task(waiter(ev, "b"))
            await asyncio.sleep_ms(1)
            a.cancel()
            await asyncio.sleep_ms(1)
            ev.set()
            await asyncio.sleep_ms(1)
            print(a.done(), b.done())

        asyncio.run(main())
        """,
        """
        cancelled a
        woke b
        True True
        """,
    ),
    program(
        "event_reused_over_rounds",
        """
        import asyncio

        async def consumer(ev, log):
            for _ in range(3):
                await ev.wait()
                ev.clear()
                log.append("got")

        async def main():
            ev = asyncio.Event()
            log = []
            t = asyncio.create_task(consumer(ev, log))
            for i in range(3):
                await asyncio.sleep_ms(2)
                log.append("set%d" % i)
                ev.set()
            await t
            print(" ".join(log))

        asyncio.run(main())
        """,
        """
        set0 got set1 got set2 got
        """,
    ),
    program(
        "lock_basic",
        """
        import asyncio

        async def main():
            lock = asyncio.Lock()
            print(lock.locked())
            print(await lock.acquire())
            print(lock.locked())
            lock.release()
            print(lock.locked())
            try:
                lock.release()
            except RuntimeError:
                print("RuntimeError on release of unlocked")

        asyncio.run(main())
        """,
        """
        False
        True
        True
        False
        RuntimeError on release of unlocked
        """,
    ),
    program(
        "lock_granted_in_request_order",
        """
        import asyncio

        async def worker(lock, name):
            await lock.acquire()
            print("got", name)
            await asyncio.sleep_ms(2)
            print("release", name)
            lock.release()

        async def main():
            lock = asyncio.Lock()
            ts = [asyncio.create_task(worker(lock, n)) for n in "abc"]
            for t in ts:
                await t
            print(lock.locked())

        asyncio.run(main())
        """,
        """
        got a
        release a
        got b
        release b
        got c
        release c
        False
        """,
    ),
    program(
        "lock_async_with",
        """
        import asyncio

        async def worker(lock, name, fail):
            try:
                async with lock:
                    print("in", name, lock.locked())
                    await asyncio.sleep_ms(1)
                    if fail:
                        raise ValueError(name)
            except ValueError as e:
                print("raised", e)

        async def main():
            lock = asyncio.Lock()
            await asyncio.gather(worker(lock, "a", True), worker(lock, "b", False))
            print("locked after", lock.locked())

        asyncio.run(main())
        """,
        """
        in a True
        raised a
        in b True
        locked after False
        """,
    ),
    program(
        "lock_cancel_while_waiting",
        """
        import asyncio

        async def worker(lock, name):
            try:
                async with lock:
                    print("got", name)
                    await asyncio.sleep_ms(5)
            except asyncio.CancelledError:
                print("cancelled", name)

        async def main():
            lock = asyncio.Lock()
            a = asyncio.create_task(worker(lock, "a"))
            b = asyncio.create_task(worker(lock, "b"))
            c = asyncio.create_task(worker(lock, "c"))
            await asyncio.sleep_ms(1)
            b.cancel()
            await asyncio.gather(a, b, c)
            print("locked", lock.locked())

        asyncio.run(main())
        """,
        """
        got a
        cancelled b
        got c
        locked False
        """,
    ),
    program(
        "lock_acquire_with_timeout",
        """
        import asyncio

        async def holder(lock, done):
            async with lock:
                await done.wait()

        async def main():
            lock = asyncio.Lock()
            done = asyncio.Event()
            t = asyncio.create_task(holder(lock, done))
            await asyncio.sleep_ms(1)
            try:
                await asyncio.wait_for_ms(lock.acquire(), 5)
            except asyncio.TimeoutError:
                print("timeout waiting for lock")
            done.set()
            await t
            print("free", lock.locked())
            print(await asyncio.wait_for_ms(lock.acquire(), 5))
            lock.release()

        asyncio.run(main())
        """,
        """
        timeout waiting for lock
        free False
        True
        """,
    ),
    program(
        "lock_cancel_holder_releases_in_finally",
        """
        import asyncio

        async def holder(lock):
            async with lock:
                print("holder in")
                await asyncio.sleep(10)

        async def waiter(lock):
            async with lock:
                print("waiter in")

        async def main():
            lock = asyncio.Lock()
            h = asyncio.create_task(holder(lock))
            w = asyncio.create_task(waiter(lock))
            await asyncio.sleep_ms(1)
            h.cancel()
            await w
            print("locked", lock.locked())

        asyncio.run(main())
        """,
        """
        holder in
        waiter in
        locked False
        """,
    ),
    program(
        "threadsafeflag_set_before_wait",
        """
        import asyncio

        async def main():
            flag = asyncio.ThreadSafeFlag()
            flag.set()
            await flag.wait()
            print("first wait returned")
            try:
                await asyncio.wait_for_ms(flag.wait(), 5)
            except asyncio.TimeoutError:
                print("second wait blocks")

        asyncio.run(main())
        """,
        """
        first wait returned
        second wait blocks
        """,
    ),
    program(
        "threadsafeflag_set_from_another_task",
        """
        import asyncio

        async def setter(flag, ack):
            for i in range(3):
                await asyncio.sleep_ms(1)
                print("set", i)
                flag.set()
                await ack.wait()
                ack.clear()

        async def main():
            flag = asyncio.ThreadSafeFlag()
            ack = asyncio.Event()
            asyncio.create_task(setter(flag, ack))
            for i in range(3):
                await flag.wait()
                print("woke", i)
                ack.set()

        asyncio.run(main())
        """,
        """
        set 0
        woke 0
        set 1
        woke 1
        set 2
        woke 2
        """,
    ),
    program(
        "threadsafeflag_set_twice_is_one_wake",
        """
        import asyncio

        async def main():
            flag = asyncio.ThreadSafeFlag()
            flag.set()
            flag.set()
            await flag.wait()
            try:
                await asyncio.wait_for_ms(flag.wait(), 5)
                print("woke twice")
            except asyncio.TimeoutError:
                print("one wake only")

        asyncio.run(main())
        """,
        """
        one wake only
        """,
    ),
    program(
        "threadsafeflag_clear",
        """
        import asyncio

        async def main():
            flag = asyncio.ThreadSafeFlag()
            flag.set()
            flag.clear()
            try:
                await asyncio.wait_for_ms(flag.wait(), 5)
                print("woke")
            except asyncio.TimeoutError:
                print("cleared")

        asyncio.run(main())
        """,
        """
        cleared
        """,
    ),
    program(
        "threadsafeflag_waiter_cancelled",
        """
        import asyncio

        async def waiter(flag):
            try:
                await flag.wait()
                print("woke")
            except asyncio.CancelledError:
                print("waiter cancelled")

        async def main():
            flag = asyncio.ThreadSafeFlag()
            t = asyncio.create_task(waiter(flag))
            await asyncio.sleep_ms(1)
            t.cancel()
            await asyncio.sleep_ms(1)
            print("done", t.done())
            flag.set()
            await flag.wait()
            print("flag still usable")

        asyncio.run(main())
        """,
        """
        waiter cancelled
        done True
        flag still usable
        """,
    ),
    program(
        "lock_waiter_cancelled_after_it_was_granted",
        """
        import asyncio

        async def holder(lock, go):
            await lock.acquire()
            print("holder has it")
            await go.wait()
            lock.release()
            print("released")
            b.cancel()  # release() handed the lock to b: cancel b before it runs
            print("b cancelled after the grant")

        async def waiter(lock, name):
            try:
                await lock.acquire()
            except asyncio.CancelledError:
                print(name, "cancelled")
                return
            print(name, "got it")
            lock.release()

        async def main():
            global b
            lock = asyncio.Lock()
            go = asyncio.Event()
            h = asyncio.create_task(holder(lock, go))
            await asyncio.sleep(0)
            b = asyncio.create_task(waiter(lock, "b"))
            c = asyncio.create_task(waiter(lock, "c"))
            await asyncio.sleep(0)  # b, then c, wait for the lock
            go.set()
            await asyncio.gather(h, b, c)
            print("locked", lock.locked())

        asyncio.run(main())
        """,
        """
        holder has it
        released
        b cancelled after the grant
        b cancelled
        c got it
        locked False
        """,
    ),
    program(
        "threadsafeflag_set_from_scheduled_callback",
        """
        import asyncio
        import micropython

        async def isr_like(flag):
            await asyncio.sleep_ms(2)
            micropython.schedule(lambda _: flag.set(), None)
            print("scheduled")

        async def main():
            flag = asyncio.ThreadSafeFlag()
            asyncio.create_task(isr_like(flag))
            await flag.wait()
            print("woken by the scheduled callback")
            try:
                await asyncio.wait_for_ms(flag.wait(), 5)
            except asyncio.TimeoutError:
                print("timeout")
            flag.set()
            await flag.wait()
            print("a set after a timed-out wait still wakes")

        asyncio.run(main())
        """,
        """
        scheduled
        woken by the scheduled callback
        timeout
        a set after a timed-out wait still wakes
        """,
    ),
    program(
        "event_set_before_the_loop_runs",
        """
        import asyncio

        ev = asyncio.Event()
        ev.set()

        async def main():
            print(ev.is_set(), await ev.wait())

        asyncio.run(main())
        """,
        """
        True True
        """,
    ),
]


@pytest.mark.parametrize("code,expected", PROGRAMS)
def test_same_output_as_builtin(board, code, expected):
    board.assert_same_everywhere(code, expected)
