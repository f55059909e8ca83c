"""fast_io's order against the built-in asyncio's, in both of its modes.

Each program here prints differently on the built-in asyncio and on fast_io's defaults. With
``fast_io.builtin_order(True)`` it must print exactly what the built-in prints (on the
firmware's C task queue and on fast_io's pure-Python one); with the defaults it must print the
fast_io output given here, whose every difference is one of the ordering rules the
uasyncio-fast-io README lists (each case names them). A selection of the other differential
programs also runs with the switch on, against the built-in's output.

Orders are decided by awaits, or by gaps of 50 ms and more where a timer is involved.
"""

import sys
import textwrap
from pathlib import Path

import pytest
from harness import PURE_PYTHON_PRELUDE

sys.path.insert(0, str(Path(__file__).parent))
from test_diff_loop import PROGRAMS as LOOP  # noqa: E402
from test_diff_streams import PROGRAMS as STREAMS  # noqa: E402
from test_diff_sync import PROGRAMS as SYNC  # noqa: E402
from test_diff_tasks import PROGRAMS as TASKS  # noqa: E402
from test_diff_wait import PROGRAMS as WAIT  # noqa: E402

SWITCH = "import fast_io\nfast_io.install()\nfast_io.builtin_order(True)\n"
SWITCH_PURE_PYTHON = PURE_PYTHON_PRELUDE + "fast_io.builtin_order(True)\n"


def case(name, rules, code, builtin, fast_io):
    """A program, what it prints on the built-in and on fast_io's defaults (``rules`` say why
    the two differ)."""
    assert rules
    return pytest.param(
        textwrap.dedent(code).lstrip("\n"),
        textwrap.dedent(builtin).lstrip("\n"),
        textwrap.dedent(fast_io).lstrip("\n"),
        id=name,
    )


CASES = [
    case(
        "threadsafeflag_waiter_vs_setter",
        (
            "Rule 1 (I/O first): the poller finds the flag set before the setter's next step, and "
            "the woken waiter runs ahead of it and of the other round-robin tasks; the built-in "
            "queues it behind them (so its waiter 3 also outlives a clear() in between: the wait "
            "still ends)."
        ),
        """
        import asyncio
        import micropython


        async def waiter(flag, n):
            print("waiter", n, "waits")
            await flag.wait()
            print("waiter", n, "woken")


        async def spin(name, n):
            for i in range(n):
                print(name, i)
                await asyncio.sleep(0)


        async def main():
            flag = asyncio.ThreadSafeFlag()
            t = asyncio.create_task(waiter(flag, 1))
            await asyncio.sleep(0)
            print("main sets")
            flag.set()
            await spin("main", 3)
            await t
            print("--")
            t = asyncio.create_task(waiter(flag, 2))
            s = asyncio.create_task(spin("other", 3))
            await asyncio.sleep(0)
            micropython.schedule(lambda _: flag.set(), None)
            await spin("main", 3)
            await t
            await s
            print("--")
            t = asyncio.create_task(waiter(flag, 3))
            await asyncio.sleep(0)
            flag.set()
            await asyncio.sleep(0)
            print("main clears")
            flag.clear()
            await spin("main", 2)
            print("waiter 3 done:", t.done())


        asyncio.run(main())
        """,
        """
        waiter 1 waits
        main sets
        main 0
        main 1
        waiter 1 woken
        main 2
        --
        waiter 2 waits
        other 0
        main 0
        other 1
        main 1
        waiter 2 woken
        other 2
        main 2
        --
        waiter 3 waits
        main clears
        main 0
        waiter 3 woken
        main 1
        waiter 3 done: True
        """,
        """
        waiter 1 waits
        main sets
        main 0
        waiter 1 woken
        main 1
        main 2
        --
        waiter 2 waits
        other 0
        main 0
        waiter 2 woken
        other 1
        main 1
        other 2
        main 2
        --
        waiter 3 waits
        waiter 3 woken
        main clears
        main 0
        main 1
        waiter 3 done: True
        """,
    ),
    case(
        "gather_cancelled_turns_after_creation",
        (
            "Rule 2 (prompt cancellation): the parent runs at once and cancels its children, "
            "which have not started (1 turn) or not taken their second step (2 turns); the "
            "built-in runs the ready children first."
        ),
        """
        import asyncio


        async def child(n):
            print("child", n, "starts")
            await asyncio.sleep(0)
            print("child", n, "ends")
            return n


        async def parent():
            print("parent gathers")
            try:
                print(await asyncio.gather(child(1), child(2)))
            except asyncio.CancelledError:
                print("parent cancelled")
                raise


        async def main():
            for turns in (1, 2, 3):
                print("-- cancel after", turns)
                t = asyncio.create_task(parent())
                for _ in range(turns):
                    await asyncio.sleep(0)
                print("cancel:", t.cancel())
                await asyncio.sleep_ms(10)
                print("done:", t.done())


        asyncio.run(main())
        """,
        """
        -- cancel after 1
        parent gathers
        cancel: True
        child 1 starts
        child 2 starts
        parent cancelled
        done: True
        -- cancel after 2
        parent gathers
        child 1 starts
        child 2 starts
        cancel: True
        child 1 ends
        child 2 ends
        parent cancelled
        done: True
        -- cancel after 3
        parent gathers
        child 1 starts
        child 2 starts
        child 1 ends
        child 2 ends
        cancel: True
        parent cancelled
        done: True
        """,
        """
        -- cancel after 1
        parent gathers
        cancel: True
        parent cancelled
        done: True
        -- cancel after 2
        parent gathers
        child 1 starts
        child 2 starts
        cancel: True
        parent cancelled
        done: True
        -- cancel after 3
        parent gathers
        child 1 starts
        child 2 starts
        child 1 ends
        child 2 ends
        cancel: True
        parent cancelled
        done: True
        """,
    ),
    case(
        "wait_for_cancelled_as_its_task_ends",
        (
            "Rule 2 (prompt cancellation) for 1 and 2 turns: the inner task never starts, or "
            "never ends. Rule 4 (prompt endings) for 4 turns: wait_for returns as soon as inner "
            "has ended, before main's fourth turn, so the task is done and cancel() returns False "
            "(the built-in's own test asserts that it still runs)."
        ),
        """
        import asyncio


        async def inner(n):
            print("inner", n, "starts")
            await asyncio.sleep(0)
            print("inner", n, "ends")
            return n


        async def outer(n):
            try:
                print("outer got", await asyncio.wait_for(inner(n), 1))
            except asyncio.CancelledError:
                print("outer cancelled")
                raise


        async def main():
            for turns in (1, 2, 3, 4):
                print("-- cancel after", turns)
                t = asyncio.create_task(outer(turns))
                for _ in range(turns):
                    await asyncio.sleep(0)
                print("running:", not t.done())
                print("cancel:", t.cancel())
                try:
                    await t
                except asyncio.CancelledError:
                    print("main saw CancelledError")
            await asyncio.sleep_ms(50)  # anything left running would print now


        asyncio.run(main())
        """,
        """
        -- cancel after 1
        running: True
        cancel: True
        inner 1 starts
        outer cancelled
        main saw CancelledError
        -- cancel after 2
        inner 2 starts
        running: True
        cancel: True
        inner 2 ends
        outer cancelled
        main saw CancelledError
        -- cancel after 3
        inner 3 starts
        inner 3 ends
        running: True
        cancel: True
        outer cancelled
        main saw CancelledError
        -- cancel after 4
        inner 4 starts
        inner 4 ends
        running: True
        cancel: True
        outer cancelled
        main saw CancelledError
        """,
        """
        -- cancel after 1
        running: True
        cancel: True
        outer cancelled
        main saw CancelledError
        -- cancel after 2
        inner 2 starts
        running: True
        cancel: True
        outer cancelled
        main saw CancelledError
        -- cancel after 3
        inner 3 starts
        inner 3 ends
        running: True
        cancel: True
        outer cancelled
        main saw CancelledError
        -- cancel after 4
        inner 4 starts
        inner 4 ends
        outer got 4
        running: False
        cancel: False
        """,
    ),
    case(
        "wait_for_task_ends_just_past_its_deadline",
        (
            "Rule 3 (prompt timeouts): the worker, ready since before the deadline, gets its step "
            "first, ends, and wait_for returns its result; the built-in runs the worker first "
            "too, but its wait_for wakes before the task that watches the worker, and reports a "
            "timeout."
        ),
        """
        import asyncio
        import time


        async def worker(ev):
            await ev.wait()
            print("worker done")
            return 42


        async def hog(ev):
            await asyncio.sleep_ms(50)
            ev.set()  # the worker is ready from now on, 50 ms before the deadline...
            time.sleep_ms(100)  # ...but runs only after it


        async def main():
            ev = asyncio.Event()
            asyncio.create_task(hog(ev))
            try:
                print("result", await asyncio.wait_for_ms(worker(ev), 100))
            except asyncio.TimeoutError:
                print("timeout")


        asyncio.run(main())
        """,
        """
        worker done
        timeout
        """,
        """
        worker done
        result 42
        """,
    ),
    case(
        "server_handler_vs_client_reads",
        (
            "Rule 1 (I/O first): the handler, woken by the client's line, runs before the "
            "client's drain() returns; the client, woken by the handler's reply, runs before the "
            "handler's drain() returns."
        ),
        """
        import asyncio
        import time


        async def handler(reader, writer):
            print("handler reads")
            line = await reader.readline()
            print("handler got", line)
            writer.write(b"pong\\n")
            await writer.drain()
            print("handler drained")
            writer.write(b"bye\\n")
            await writer.drain()
            print("handler closes")
            writer.close()
            await writer.wait_closed()
            print("handler closed")


        async def main():
            base = 10000 + time.ticks_us() % 20000
            for port in range(base, base + 200):
                try:
                    server = await asyncio.start_server(handler, "127.0.0.1", port)
                    break
                except OSError:
                    pass
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            print("client connected")
            writer.write(b"ping\\n")
            await writer.drain()
            print("client sent")
            while True:
                line = await reader.readline()
                print("client got", line)
                if not line:
                    break
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()
            print("done")


        asyncio.run(main())
        """,
        """
        client connected
        handler reads
        client sent
        handler got b'ping\\n'
        handler drained
        client got b'pong\\n'
        handler closes
        handler closed
        client got b'bye\\n'
        client got b''
        done
        """,
        """
        client connected
        handler reads
        handler got b'ping\\n'
        client sent
        client got b'pong\\n'
        handler drained
        client got b'bye\\n'
        handler closes
        handler closed
        client got b''
        done
        """,
    ),
    case(
        "timer_falls_due_during_a_step",
        (
            "Rule 5 (timers falling due during a step): sleeper 1 falls due while the hog blocks "
            "and joins the ring behind the hog's sleep(0); the built-in runs it first, as it fell "
            "due before the hog queued itself."
        ),
        """
        import asyncio
        import time


        async def sleeper(n, ms):
            await asyncio.sleep_ms(ms)
            print("sleeper", n, "wakes")


        async def hog():
            print("hog blocks")
            time.sleep_ms(150)  # sleeper 1 falls due meanwhile
            asyncio.create_task(sleeper(3, 0))
            print("hog yields")
            await asyncio.sleep(0)
            print("hog again")


        async def main():
            a = asyncio.create_task(sleeper(1, 50))
            b = asyncio.create_task(hog())
            c = asyncio.create_task(sleeper(2, 100))
            await asyncio.gather(a, b, c)


        asyncio.run(main())
        """,
        """
        hog blocks
        hog yields
        sleeper 1 wakes
        hog again
        sleeper 3 wakes
        sleeper 2 wakes
        """,
        """
        hog blocks
        hog yields
        hog again
        sleeper 1 wakes
        sleeper 3 wakes
        sleeper 2 wakes
        """,
    ),
    case(
        "cancel_and_timeout_among_ready_tasks",
        (
            "Rule 3 (prompt timeouts): the 0 ms timeout runs at once, after slow 1's first step. "
            "Rules 2 and 4: the cancelled sleeper runs next, and so does the task awaiting it; "
            "the cancelled lock waiter runs before the holder's next step."
        ),
        """
        import asyncio


        async def spin(name, n):
            for i in range(n):
                print(name, i)
                await asyncio.sleep(0)


        async def slow(n):
            try:
                print("slow", n, "starts")
                await asyncio.sleep_ms(1000)
            except asyncio.CancelledError:
                print("slow", n, "cancelled")
                raise


        async def waiter(t):
            try:
                await t
            except asyncio.CancelledError:
                print("waiter saw cancel")


        async def main():
            s = [asyncio.create_task(spin(c, 3)) for c in "ab"]
            try:
                await asyncio.wait_for_ms(slow(1), 0)
            except asyncio.TimeoutError:
                print("timeout")
            await asyncio.gather(*s)
            print("--")
            t = asyncio.create_task(slow(2))
            w = asyncio.create_task(waiter(t))
            await asyncio.sleep(0)
            s = [asyncio.create_task(spin(c, 3)) for c in "ab"]
            await asyncio.sleep(0)
            t.cancel()
            print("cancelled")
            await spin("main", 3)
            await w
            print("--")
            lock = asyncio.Lock()

            async def locker(n):
                try:
                    async with lock:
                        print("locker", n, "has it")
                        await asyncio.sleep(0)
                    print("locker", n, "released")
                except asyncio.CancelledError:
                    print("locker", n, "cancelled")

            ls = [asyncio.create_task(locker(n)) for n in range(3)]
            await asyncio.sleep(0)
            ls[1].cancel()
            await spin("main", 4)


        asyncio.run(main())
        """,
        """
        a 0
        b 0
        slow 1 starts
        a 1
        b 1
        slow 1 cancelled
        a 2
        b 2
        timeout
        --
        slow 2 starts
        a 0
        b 0
        cancelled
        main 0
        a 1
        b 1
        slow 2 cancelled
        main 1
        a 2
        b 2
        waiter saw cancel
        main 2
        --
        locker 0 has it
        main 0
        locker 0 released
        locker 1 cancelled
        main 1
        locker 2 has it
        main 2
        locker 2 released
        main 3
        """,
        """
        slow 1 starts
        slow 1 cancelled
        timeout
        a 0
        b 0
        a 1
        b 1
        a 2
        b 2
        --
        slow 2 starts
        a 0
        b 0
        cancelled
        main 0
        slow 2 cancelled
        waiter saw cancel
        a 1
        b 1
        main 1
        a 2
        b 2
        main 2
        --
        locker 0 has it
        main 0
        locker 1 cancelled
        locker 0 released
        main 1
        locker 2 has it
        main 2
        locker 2 released
        main 3
        """,
    ),
    case(
        "streams_ready_in_the_same_poll",
        (
            "Rule 1 (I/O first): the readers run before main's next step. Rule 7: in the second "
            "round they wake in the order they first waited (2, 0, 1); the built-in, in the order "
            "of their latest waits (0, 1, 2)."
        ),
        """
        import asyncio
        from machine_sim.loopback import socket_pair


        async def reader(n, r):
            data = await r.read(10)
            print("reader", n, "got", data)


        async def main():
            pairs = [socket_pair() for _ in range(3)]
            streams = []
            for a, b in pairs:
                a.setblocking(False)
                streams.append(asyncio.StreamReader(a))
            for order in ((2, 0, 1), (0, 1, 2)):
                ts = [asyncio.create_task(reader(n, streams[n])) for n in order]
                await asyncio.sleep(0)  # all three wait, in this order
                for n in (1, 2, 0):
                    pairs[n][1].send(b"x%d" % n)
                for i in range(2):
                    print("main", i)
                    await asyncio.sleep(0)
                for t in ts:
                    await t


        asyncio.run(main())
        """,
        """
        main 0
        main 1
        reader 2 got b'x2'
        reader 0 got b'x0'
        reader 1 got b'x1'
        main 0
        main 1
        reader 0 got b'x0'
        reader 1 got b'x1'
        reader 2 got b'x2'
        """,
        """
        main 0
        reader 2 got b'x2'
        reader 0 got b'x0'
        reader 1 got b'x1'
        main 1
        main 0
        reader 2 got b'x2'
        reader 0 got b'x0'
        reader 1 got b'x1'
        main 1
        """,
    ),
]


@pytest.mark.parametrize("code,builtin,fast_io", CASES)
def test_builtin_order_and_default_order(board, code, builtin, fast_io):
    assert board.output(code) == builtin  # the reference
    assert board.output(SWITCH + code) == builtin
    assert board.output(SWITCH_PURE_PYTHON + code) == builtin
    assert board.output(code, loop="fast_io") == fast_io


# Other differential programs where cancellation, timeouts, gather, ThreadSafeFlag or streams
# decide the order: with the switch on too, they print what the built-in prints.
SELECTED = {
    "task_cancel_sleeping",
    "cancel_runs_finally_through_nested_awaits",
    "cancel_task_waiting_on_another_task",
    "cancel_task_that_catches_and_keeps_sleeping",
    "wait_for_timeout_cancels_inner",
    "wait_for_inner_catches_cancel_still_times_out",
    "wait_for_cancelled_from_outside",
    "nested_wait_for_outer_times_out_first",
    "wait_for_in_loop_keeps_other_tasks_running",
    "wait_for_zero_and_negative_timeout",
    "wait_for_times_out_before_inner_starts",
    "gather_cancelled_cancels_children",
    "gather_exception_in_one_child",
    "event_cancelled_waiter_not_woken",
    "lock_cancel_while_waiting",
    "lock_waiter_cancelled_after_it_was_granted",
    "threadsafeflag_set_from_another_task",
    "threadsafeflag_set_from_scheduled_callback",
    "main_task_cancelled_by_another_task",
    "cancel_task_blocked_in_read",
    "read_with_timeout_then_data",
    "server_as_async_context_manager",
}
SELECTION = [p for p in TASKS + WAIT + SYNC + LOOP + STREAMS if p.id in SELECTED]


def test_selection_is_complete():
    assert sorted(p.id for p in SELECTION) == sorted(SELECTED)


@pytest.mark.parametrize("code,expected", SELECTION)
def test_builtin_order_in_other_differential_programs(board, code, expected):
    # expected is the built-in's output: test_diff_*.py check it on the built-in itself
    assert board.output(SWITCH + code) == expected


def test_the_switch(board):
    # A module function: asked before any loop exists, kept by new loops, switched at run time
    # (each later wake-up follows it), and reachable as asyncio.builtin_order after install().
    out = board.output(
        textwrap.dedent(
            """
            import asyncio
            import fast_io
            from fast_io.order import builtin_order

            async def sleeper(n):
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    print("sleeper", n, "cancelled")

            async def counter():
                for i in range(2):
                    print("count", i)
                    await asyncio.sleep(0)

            async def case(n):
                s = asyncio.create_task(sleeper(n))
                await asyncio.sleep(0)
                c = asyncio.create_task(counter())
                s.cancel()
                await c

            print(fast_io.builtin_order(), builtin_order is fast_io.builtin_order)
            print(fast_io.builtin_order(1), asyncio.builtin_order())
            asyncio.new_event_loop()
            print(asyncio.builtin_order())

            async def main():
                await case(1)
                print(builtin_order(False))  # at run time
                await case(2)

            asyncio.run(main())
            """
        ),
        loop="fast_io",
    )
    assert out.splitlines() == [
        "False True",
        "True True",
        "True",
        "count 0",
        "sleeper 1 cancelled",
        "count 1",
        "False",
        "sleeper 2 cancelled",
        "count 0",
        "count 1",
    ]
