"""asyn: every name, on the built-in asyncio, on fast_io and under CPython.

Each program is one source for all three runtimes: it uses ``import asyncio`` and only the
API the three share. The expected output is written out in each test.
"""

import textwrap

import pytest
from harness import LOOPS, REPO

RUNTIMES = (*LOOPS, "cpython")


@pytest.fixture(params=RUNTIMES)
def runtime(request):
    return request.param


def run(board, runtime, code):
    code = textwrap.dedent(code)
    if runtime == "cpython":
        return board.run_cpython(code)
    return board.output(code, loop=runtime)


def check(board, runtime, code, expected):
    assert run(board, runtime, code) == textwrap.dedent(expected).lstrip("\n")


def test_imports_everywhere(board, runtime):
    out = run(
        board,
        runtime,
        """
        import asyn
        names = ("launch Lock Event Message Barrier Semaphore BoundedSemaphore Condition "
                 "Gather Gatherable NamedTask Cancellable cancellable namedtask sleep StopTask "
                 "TaskId RingbufQueue")
        print([n for n in names.split() if not hasattr(asyn, n)], asyn.__version__)
        """,
    )
    assert out == f"[] {board.packages['asyn'].version}\n"


def test_launch_calls_or_schedules(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        def cb(a, b):
            print('cb', a, b)
            return a + b

        async def co(x):
            print('co', x)
            return x * 2

        async def main():
            print(asyn.launch(cb, (1, 2)))
            task = asyn.launch(co, (21,))
            print('scheduled')
            print(await task)

        asyncio.run(main())
        """,
        """
        cb 1 2
        3
        scheduled
        co 21
        42
        """,
    )


def test_lock(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def user(lock, n):
            async with lock as held:
                print(n, 'in', held is lock, lock.locked())
                await asyncio.sleep(0.01)
                print(n, 'out')

        async def main():
            lock = asyn.Lock(delay_ms=10)
            try:
                lock.release()
            except RuntimeError as e:
                print('RuntimeError', e)
            await asyncio.gather(*[user(lock, n) for n in range(3)])
            print('locked', lock.locked())
            # a task waiting for the lock is cancelled; the lock still works
            await lock.acquire()
            waiter = asyncio.create_task(lock.acquire())
            await asyncio.sleep(0)
            waiter.cancel()
            await asyncio.sleep(0)
            lock.release()
            await user(lock, 9)
            # a timeout while waiting
            await lock.acquire()
            try:
                await asyncio.wait_for(lock.acquire(), 0.02)
            except asyncio.TimeoutError:
                print('timed out')
            lock.release()
            print('free', not lock.locked())

        asyncio.run(main())
        """,
        """
        RuntimeError Attempt to release a lock which has not been set
        0 in True True
        0 out
        1 in True True
        1 out
        2 in True True
        2 out
        locked False
        9 in True True
        9 out
        timed out
        free True
        """,
    )


def test_event(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def waiter(ev, n):
            await ev
            print(n, 'woke', ev.value())

        async def main():
            ev = asyn.Event(delay_ms=5)
            print(ev.is_set(), ev.value())
            tasks = [asyncio.create_task(waiter(ev, n)) for n in range(3)]
            await asyncio.sleep(0)
            ev.set(42)
            await asyncio.gather(*tasks)
            # not cleared by waiting: a later wait returns at once
            await ev.wait()
            print('still set', ev.is_set(), ev.value())
            ev.clear()
            print('cleared', ev.is_set(), ev.value())
            try:
                await asyncio.wait_for(ev.wait(), 0.02)
            except asyncio.TimeoutError:
                print('timed out')
            t = asyncio.create_task(waiter(ev, 7))
            await asyncio.sleep(0)
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print('cancelled')
            ev.set('x')
            await waiter(ev, 8)

        asyncio.run(main())
        """,
        """
        False None
        0 woke 42
        1 woke 42
        2 woke 42
        still set True 42
        cleared False None
        timed out
        cancelled
        8 woke x
        """,
    )


def test_message(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def waiter(msg, n):
            print(n, 'got', await msg)

        async def main():
            msg = asyn.Message()
            msg.set('early')
            print(msg.is_set(), await msg, msg.value())
            msg.clear()
            print(msg.is_set(), msg.value())
            tasks = [asyncio.create_task(waiter(msg, n)) for n in range(3)]
            await asyncio.sleep(0.01)
            msg.set(1)
            await asyncio.gather(*tasks)
            msg.clear()
            # the waiter that relays the flag to the others is cancelled: the others still wake
            tasks = [asyncio.create_task(waiter(msg, n)) for n in range(3)]
            await asyncio.sleep(0.01)
            tasks[0].cancel()
            await asyncio.sleep(0.01)
            msg.set(2)
            await asyncio.gather(*tasks[1:])
            print('first cancelled', tasks[0].done())
            msg.clear()
            try:
                await asyncio.wait_for(msg.wait(), 0.02)
            except asyncio.TimeoutError:
                print('timed out')
            msg.set(3)
            print('after timeout', await msg.wait())

        asyncio.run(main())
        """,
        """
        True early early
        False None
        0 got 1
        1 got 1
        2 got 1
        1 got 2
        2 got 2
        first cancelled True
        timed out
        after timeout 3
        """,
    )


def test_message_set_from_interrupt_context(board, loop):
    # MicroPython only: set() runs in a scheduled callback (a soft interrupt) and with the
    # heap locked, as in a hard interrupt handler, and from another thread.
    out = board.output(
        textwrap.dedent(
            """
            import asyncio, micropython, _thread, asyn

            msg = asyn.Message()

            def isr(_):
                micropython.heap_lock()
                try:
                    msg.set(5)
                finally:
                    micropython.heap_unlock()

            async def main():
                micropython.schedule(isr, None)
                print('isr', await msg)
                msg.clear()
                _thread.start_new_thread(msg.set, (6,))
                print('thread', await msg)

            asyncio.run(main())
            """
        ),
        loop=loop,
    )
    assert out == "isr 5\nthread 6\n"


def test_barrier(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def part(barrier, n):
            for r in range(3):
                await asyncio.sleep(0.001 * n)
                print(r, end=' ')
                await barrier

        async def cb_coro(x):
            print('coro callback', x)

        async def main():
            try:
                asyn.Barrier(0)
            except ValueError as e:
                print('ValueError', e)
            barrier = asyn.Barrier(3, print, ('Synch',))
            await asyncio.gather(*[part(barrier, n) for n in range(3)])
            # trigger() counts a pass that does not wait; busy() while a cycle is open
            b = asyn.Barrier(3, cb_coro, ('done',))
            print('busy', b.busy())
            b.trigger()
            print('busy', b.busy())
            t = asyncio.create_task(b.wait())
            await asyncio.sleep(0)
            b.trigger()
            await t
            print('busy', b.busy())
            await asyncio.sleep(0)
            # a waiter cancelled before the rendezvous withdraws its pass
            b = asyn.Barrier(2)
            t = asyncio.create_task(b.wait())
            await asyncio.sleep(0)
            print('busy', b.busy())
            t.cancel()
            await asyncio.sleep(0)
            print('busy', b.busy())
            try:
                await asyncio.wait_for(b.wait(), 0.02)
            except asyncio.TimeoutError:
                print('timed out', b.busy())
            b.trigger()
            print('one pass only', b.busy())

        asyncio.run(main())
        """,
        """
        ValueError Barrier needs at least one participant
        0 0 0 Synch
        1 1 1 Synch
        2 2 2 Synch
        busy False
        busy True
        coro callback done
        busy False
        busy True
        busy False
        timed out False
        one pass only True
        """,
    )


def test_semaphore(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def user(sem, n, log):
            async with sem:
                log.append(n)
                print(n, 'acquired')
                # 100 ms steps: releases this far apart stay in order on a stalled host
                await asyncio.sleep(0.1 * (n + 1))
            print(n, 'released')

        async def main():
            sem = asyn.Semaphore(3)
            log = []
            await asyncio.gather(*[user(sem, n, log) for n in range(5)])
            print(log, sem.locked())
            sem = asyn.Semaphore(0)
            t = asyncio.create_task(sem.acquire())
            await asyncio.sleep(0)
            t.cancel()
            await asyncio.sleep(0)
            try:
                await asyncio.wait_for(sem.acquire(), 0.02)
            except asyncio.TimeoutError:
                print('timed out')
            sem.release()
            print('acquire after cancel', await sem.acquire(), sem.locked())

        asyncio.run(main())
        """,
        """
        0 acquired
        1 acquired
        2 acquired
        3 acquired
        0 released
        4 acquired
        1 released
        2 released
        3 released
        4 released
        [0, 1, 2, 3, 4] False
        timed out
        acquire after cancel True True
        """,
    )


def test_bounded_semaphore(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def other(log):
            for i in range(3):
                log.append(i)
                await asyncio.sleep(0)

        async def main():
            sem = asyn.BoundedSemaphore(2)
            log = []
            t = asyncio.create_task(other(log))
            await sem.acquire()
            sem.release()
            try:
                sem.release()
            except ValueError as e:
                print('ValueError', e)
            await t
            print('other task went on', log)
            try:
                asyn.Semaphore(-1)
            except ValueError as e:
                print('ValueError', e)

        asyncio.run(main())
        """,
        """
        ValueError Semaphore released more than acquired
        other task went on [0, 1, 2]
        ValueError Semaphore value must be >= 0
        """,
    )


def test_condition(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        state = {'tim': 0}

        async def waiter(cond, n):
            with await cond:
                await cond.wait()
                print('waiter', n, 'triggered')

        async def main():
            cond = asyn.Condition()
            for bad in (cond.notify, cond.wait):
                try:
                    r = bad()
                    if r is not None:
                        await r
                except RuntimeError as e:
                    print('RuntimeError', e)
            tasks = [asyncio.create_task(waiter(cond, n)) for n in range(5)]
            await asyncio.sleep(0.01)
            # waiter 1 is cancelled while waiting: it withdraws, the notification goes on.
            # Newest first, as in 2019.
            tasks[1].cancel()
            await asyncio.sleep(0)
            for _ in range(2):
                async with cond:
                    cond.notify(2)
                await asyncio.sleep(0.01)
            print('locked', cond.locked())

            async def until8():
                async with cond:
                    print('wait_for', await cond.wait_for(lambda: state['tim'] >= 8))

            t = asyncio.create_task(until8())
            for tim in range(10):
                state['tim'] = tim
                async with cond:
                    cond.notify_all()
                await asyncio.sleep(0.001)
            await t
            await cond.acquire()
            try:
                await asyncio.wait_for(cond.wait(), 0.02)
            except asyncio.TimeoutError:
                print('timed out, lock held again', cond.locked())
            cond.release()
            print('done', cond.locked())

        asyncio.run(main())
        """,
        """
        RuntimeError Condition notify with lock not acquired.
        RuntimeError Condition wait with lock not acquired.
        waiter 4 triggered
        waiter 3 triggered
        waiter 2 triggered
        waiter 0 triggered
        locked False
        wait_for True
        timed out, lock held again True
        done False
        """,
    )


def test_gather(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def gath01(n):
            await asyncio.sleep(0.03 - n / 100)
            return n

        async def gath02(x, y, rats):
            await asyncio.sleep(0.02)
            return x * y, rats

        async def gath03(n):
            try:
                while True:
                    await asyncio.sleep(0.01)
                    n += 1
            except asyncio.TimeoutError:  # its timeout, as in 2019
                return 'caught'

        async def slow():
            await asyncio.sleep(1)

        async def bad():
            await asyncio.sleep(0)
            raise ValueError('member failed')

        log = []

        async def other():
            for i in range(3):
                log.append(i)
                await asyncio.sleep(0.005)
            return 'ok'

        async def main():
            gs = [asyn.Gatherable(gath01, n) for n in range(3)]
            gs.append(asyn.Gatherable(gath02, 7, 8, rats=77))
            gs.append(asyn.Gatherable(gath03, 0, timeout=0.03))
            print(await asyn.Gather(gs))
            print(await asyn.Gather([]))
            # a member's uncaught timeout and a member's exception: raised, not a hang
            for g in ((asyn.Gatherable(slow, timeout=0.02), asyn.Gatherable(other)),
                      (asyn.Gatherable(bad), asyn.Gatherable(other))):
                log.clear()
                try:
                    await asyn.Gather(list(g))
                except (asyncio.TimeoutError, ValueError) as e:
                    print(type(e).__name__, e, 'others went on', log)

        asyncio.run(main())
        """,
        """
        [0, 1, 2, (56, 77), 'caught']
        []
        TimeoutError  others went on [0, 1, 2]
        ValueError member failed others went on [0, 1, 2]
        """,
    )


def test_gather_2019_example(board, runtime):
    # The pattern of PRIMITIVES.md 3.7.2 (2019), one tick standing for its second: a plain
    # member, one that counts ticks until its timeout and catches it as TimeoutError, and a
    # Cancellable stopped by cancel_all. 2019 documented the result [42, 17, 75].
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        TICK = 0.25  # half a tick (125 ms) of room for a stalled host

        async def double_later(n):
            for _ in range(6):
                await asyncio.sleep(TICK)
            return 2 * n

        async def count_until_timeout(n):
            try:
                while True:
                    await asyncio.sleep(TICK)
                    n += 1
            except asyncio.TimeoutError:
                print('timeout caught at', n)
            return n

        @asyn.cancellable
        async def count_until_stopped(n):
            try:
                while True:
                    await asyncio.sleep(TICK)
                    n += 1
            except asyn.StopTask:
                print('stopped at', n)
            return n

        async def stop_all():
            await asyncio.sleep(5.5 * TICK)
            await asyn.Cancellable.cancel_all()

        async def main(loop):
            members = [asyn.Gatherable(double_later, 21),
                       asyn.Gatherable(count_until_timeout, 10, timeout=7.5 * TICK),
                       asyn.Gatherable(asyn.Cancellable(count_until_stopped, 70))]
            loop.create_task(stop_all())
            print('results', await asyn.Gather(members))

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main(loop))
        """,
        """
        stopped at 75
        timeout caught at 17
        results [42, 17, 75]
        """,
    )


def test_named_task(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        @asyn.cancellable
        async def foo(n, t):
            try:
                await asyncio.sleep(t)
                print(n, 'ran to completion')
                return True
            except asyn.StopTask:
                print(n, 'was cancelled')
                return False

        async def main():
            asyn.NamedTask('foo', foo, 1, 1)
            try:
                asyn.NamedTask('foo', foo, 2, 1)
            except ValueError as e:
                print('ValueError', e)
            print('running', asyn.NamedTask.is_running('foo'))
            t = asyncio.create_task(asyn.NamedTask.instances['foo']())
            await asyncio.sleep(0.01)
            print('cancel', await asyn.NamedTask.cancel('foo', nowait=False))
            print('running', asyn.NamedTask.is_running('foo'), 'result', await t)
            print('cancel ended', await asyn.NamedTask.cancel('foo'))
            print('cancel never made', await asyn.NamedTask.cancel('nosuch'))
            # a task that ends by itself; barrier kwarg; the name can be used again
            barrier = asyn.Barrier(2)
            asyncio.create_task(asyn.NamedTask('foo', foo, 3, 0.01, barrier=barrier)())
            await barrier
            print('running', asyn.NamedTask.is_running('foo'))
            # cancelled before it first ran: it never runs
            nt = asyn.NamedTask('bar', foo, 4, 1)
            print('cancel unstarted', await asyn.NamedTask.cancel('bar'))
            try:
                await asyncio.create_task(nt())
            except asyn.StopTask:
                print('never ran')
            print('running', asyn.NamedTask.is_running('bar'))
            # nowait=True returns at once, the task ends when next scheduled
            t = asyncio.create_task(asyn.NamedTask('baz', foo, 5, 1)())
            await asyncio.sleep(0)
            print('cancel nowait', await asyn.NamedTask.cancel('baz'))
            await t
            print('running', asyn.NamedTask.is_running('baz'))

        asyncio.run(main())
        """,
        """
        ValueError Task name "foo" already exists.
        running True
        1 was cancelled
        cancel True
        running False result False
        cancel ended False
        cancel never made False
        3 ran to completion
        running False
        cancel unstarted True
        never ran
        running False
        cancel nowait True
        5 was cancelled
        running False
        """,
    )


def test_cancellable_groups(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        @asyn.cancellable
        async def forever(name):
            try:
                while True:
                    await asyn.sleep(1)
            finally:
                print(name, 'ended')

        @asyn.cancellable
        async def chained(a, b=0):
            await asyn.sleep(0.01)
            return a + b

        class Thing:
            @asyn.cancellable
            async def method(self, x):
                await asyncio.sleep(1)

        async def main():
            for n in range(3):
                asyncio.create_task(asyn.Cancellable(forever, 'g0-%d' % n)())
            asyncio.create_task(asyn.Cancellable(forever, 'g1', group=1)())
            asyncio.create_task(asyn.Cancellable(Thing().method, 5, group=1)())
            await asyncio.sleep(0.01)
            print('running', asyn.Cancellable._is_running(0), asyn.Cancellable._is_running(1))
            await asyn.Cancellable.cancel_all()
            print('group 0 done', asyn.Cancellable._is_running(0), asyn.Cancellable._is_running(1))
            # cancelling the same group twice at once is harmless
            await asyncio.gather(asyn.Cancellable.cancel_all(1), asyn.Cancellable.cancel_all(1))
            print('group 1 done', asyn.Cancellable._is_running(1))
            print('inline', await asyn.Cancellable(chained, 40, b=2))
            print('gathered', await asyn.Gather([asyn.Gatherable(asyn.Cancellable(chained, 1))]))
            try:
                await chained(1)
            except TypeError as e:
                print('TypeError', e)
            try:
                await asyn.sleep(1, granularity=0)
            except ValueError as e:
                print('ValueError', e)
            print(asyn.StopTask is asyncio.CancelledError, asyn.namedtask is asyn.cancellable)

        asyncio.run(main())
        """,
        """
        running True True
        g0-0 ended
        g0-1 ended
        g0-2 ended
        group 0 done False True
        g1 ended
        group 1 done False
        inline 42
        gathered [1]
        TypeError a @cancellable function must be run by Cancellable or NamedTask
        ValueError sleep granularity must be > 0
        True True
        """,
    )


def test_ringbuf_queue(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def main():
            buf = [0] * 3
            q = asyn.RingbufQueue(buf)
            try:
                q.get_nowait()
            except IndexError as e:
                print('IndexError', e)
            for i in range(3):
                q.put_nowait(i)
            print(q.full(), q.qsize(), buf)
            try:
                q.put_nowait(3)
            except IndexError as e:
                print('IndexError', e)
            print(q.peek(), [q.get_nowait() for _ in range(3)], q.empty())
            # put waits while full; get waits while empty
            for i in range(3):
                await q.put(i)
            t = asyncio.create_task(q.put(99))
            await asyncio.sleep(0)
            print('put waiting', not t.done(), q.get_nowait())
            await t
            print([await q.get(), await q.get(), await q.get()])

            async def reader():
                async for item in q:
                    print('read', item)
                    if item is None:
                        return

            r = asyncio.create_task(reader())
            await asyncio.sleep(0)
            for item in ('a', 'b', None):
                await q.put(item)
                await asyncio.sleep(0)
            await r
            t = asyncio.create_task(q.get())
            await asyncio.sleep(0)
            t.cancel()
            await asyncio.sleep(0)
            try:
                await asyncio.wait_for(q.get(), 0.02)
            except asyncio.TimeoutError:
                print('timed out')
            q.put_nowait('after')
            print(q.get_nowait(), q.qsize())
            try:
                asyn.RingbufQueue(0)
            except ValueError as e:
                print('ValueError', e)
            print(asyn.RingbufQueue(4).qsize())

        asyncio.run(main())
        """,
        """
        IndexError RingbufQueue empty
        True 3 [0, 1, 2]
        IndexError RingbufQueue full: oldest item overwritten
        1 [1, 2, 3] True
        put waiting True 0
        [1, 2, 99]
        read a
        read b
        read None
        timed out
        after 0
        ValueError RingbufQueue needs a buffer of at least one item
        0
        """,
    )


ALLOC = """
import asyncio, gc, asyn

N = 50

def per_op(m0):
    return (gc.mem_alloc() - m0) // N

async def main():
    ev = asyn.Event()
    msg = asyn.Message()
    lock = asyn.Lock()
    q = asyn.RingbufQueue(4)
    plain = asyncio.Event()

    async def plain_waiter():
        while True:
            await plain.wait()
            plain.clear()

    async def ev_waiter():
        while True:
            await ev
            ev.clear()

    async def msg_waiter():
        while True:
            await msg
            msg.clear()

    async def q_reader():
        while True:
            await q.get()

    async def measure(kick, waiter):
        t = asyncio.create_task(waiter())
        for _ in range(3):  # steady state
            kick()
            await asyncio.sleep(0)
        gc.collect()
        gc.disable()
        m0 = gc.mem_alloc()
        for _ in range(N):
            kick()
            await asyncio.sleep(0)
        n = per_op(m0)
        gc.enable()
        t.cancel()
        await asyncio.sleep(0)
        return n

    print('plain', await measure(plain.set, plain_waiter))
    print('event', await measure(ev.set, ev_waiter))
    print('message', await measure(msg.set, msg_waiter))
    print('queue_get', await measure(lambda: q.put_nowait(1), q_reader))
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    for _ in range(N):
        await lock.acquire()
        lock.release()
    print('lock', per_op(m0))
    m0 = gc.mem_alloc()
    for _ in range(N):
        await q.put(1)
        q.get_nowait()
    print('queue_put', per_op(m0))
    m0 = gc.mem_alloc()
    for _ in range(N):
        q.put_nowait(1)
        q.get_nowait()
        msg.set(1)
        msg.clear()
    print('nowait', per_op(m0))

asyncio.run(main())
"""


def test_steady_state_allocation(board, loop):
    # Heap bytes per operation after warm-up. Non-waiting calls allocate nothing; a wait costs
    # at most the loop's own Event wait plus one coroutine frame (2019 made a generator for
    # every wait too).
    out = dict(
        (name, int(n))
        for name, n in (line.split() for line in board.output(ALLOC, loop=loop).splitlines())
    )
    frame = 160  # one small coroutine frame on the unix port
    assert out["nowait"] == 0, out
    assert out["event"] <= out["plain"], out
    assert out["queue_get"] <= out["plain"] + frame, out
    assert out["lock"] <= frame * 2, out
    assert out["queue_put"] <= frame, out
    assert out["message"] <= out["plain"] + frame * 2, out


def test_readme_example(board, runtime):
    readme = (REPO / board.packages["asyn"].path / "README.md").read_text()
    example = readme.split("```python\n")[1].split("```")[0]
    out = run(board, runtime, example)
    assert out == "got 0\ngot 10\ngot 20\ncancelled True\nrunning False\nresults [0, 1, 4, 9]\n"


def test_cancelled_after_wake_up(board, runtime):
    # A task woken and then cancelled before it runs: a Condition passes its notification on,
    # a Barrier keeps the finished rendezvous and starts the next cycle clean.
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        async def waiter(cond, n):
            try:
                async with cond:
                    await cond.wait()
                    print(n, 'triggered')
            except asyncio.CancelledError:
                print(n, 'cancelled')

        async def main():
            cond = asyn.Condition()
            tasks = [asyncio.create_task(waiter(cond, n)) for n in range(3)]
            await asyncio.sleep(0.01)
            async with cond:
                cond.notify(1)  # the newest waiter, 2
            tasks[2].cancel()
            await asyncio.sleep(0.1)  # ample time for 2 to pass the notification on to 1
            print([t.done() for t in tasks], cond.locked())
            tasks[0].cancel()
            await asyncio.sleep(0)
            barrier = asyn.Barrier(2)
            t = asyncio.create_task(barrier.wait())
            await asyncio.sleep(0)
            barrier.trigger()
            t.cancel()
            await asyncio.sleep(0)
            print('busy', barrier.busy())
            barrier.trigger()
            print('busy', barrier.busy())

        asyncio.run(main())
        """,
        """
        2 cancelled
        1 triggered
        [False, True, True] False
        0 cancelled
        busy False
        busy True
        """,
    )


def test_member_cancels_its_own_group(board, runtime):
    check(
        board,
        runtime,
        """
        import asyncio, asyn

        @asyn.cancellable
        async def sibling(n):
            try:
                await asyncio.sleep(1)
            finally:
                print('sibling', n, 'ended')

        @asyn.cancellable
        async def leader():
            await asyncio.sleep(0.01)
            try:
                await asyn.Cancellable.cancel_all('crew')
            finally:
                print('leader ended last')

        @asyn.cancellable
        async def loner():
            await asyn.NamedTask.cancel('loner')
            print('not reached')

        async def main():
            tasks = [asyncio.create_task(asyn.Cancellable(sibling, n, group='crew')()) for n in range(2)]
            tasks.append(asyncio.create_task(asyn.Cancellable(leader, group='crew')()))
            tasks.append(asyncio.create_task(asyn.NamedTask('loner', loner)()))
            for t in tasks:
                try:
                    await t
                except asyn.StopTask:
                    pass
            print('crew', asyn.Cancellable._is_running('crew'), 'loner', asyn.NamedTask.is_running('loner'))

        asyncio.run(main())
        """,
        """
        sibling 0 ended
        sibling 1 ended
        leader ended last
        crew False loner False
        """,
    )


def test_event_and_lock_waits_with_the_heap_locked_on_fast_io(board):
    # fast_io's own Event and Lock waits allocate nothing; asyn's Event and Lock add nothing.
    code = """
import asyncio, micropython, asyn

async def main():
    ev = asyn.Event()
    lock = asyn.Lock()
    count = [0]

    async def waiter():
        while True:
            await ev
            ev.clear()
            await lock.acquire()
            count[0] += 1
            lock.release()

    asyncio.create_task(waiter())
    for _ in range(3):  # steady state
        ev.set(1)
        await asyncio.sleep(0)
    await lock.acquire()
    micropython.heap_lock()
    try:
        for _ in range(100):
            ev.set(1)
            await asyncio.sleep(0)  # the waiter wakes, then waits for the lock
            lock.release()
            await asyncio.sleep(0)  # the waiter takes and releases the lock
            await lock.acquire()
    finally:
        micropython.heap_unlock()
    print(count[0])

asyncio.run(main())
"""
    assert board.output(code, loop="fast_io") == "103\n"
