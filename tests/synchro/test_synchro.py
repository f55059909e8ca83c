"""uasyncio.synchro: Lock, Event, Semaphore, BoundedSemaphore, Condition and Queue, on both
loops, through the 2019 import paths after fast_io.install() and through fast_io.synchro."""

import subprocess
import sys
import textwrap
from pathlib import Path

from harness import MICROPYTHON

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import manifest  # noqa: E402


def check(board, loop, code, expected):
    out = board.output(textwrap.dedent(code), loop=loop)
    assert out == textwrap.dedent(expected).lstrip("\n")


def test_2019_import_paths_after_install(board):
    check(
        board,
        "fast_io",
        """
        import asyncio
        from uasyncio.synchro import Lock, Event, Semaphore, BoundedSemaphore, Condition
        from uasyncio.queues import Queue, QueueEmpty, QueueFull
        import uasyncio.synchro as synchro
        print(issubclass(Lock, asyncio.Lock), Event is asyncio.Event, synchro.__version__)
        """,
        f"True True {board.packages['uasyncio.synchro'].version}\n",
    )


def test_import_on_the_built_in_loop_alone(tmp_path):
    # Only this package installed: fast_io/ is a namespace folder holding synchro and queues.
    pkg = manifest.read_manifest(REPO / "micropython" / "uasyncio.synchro" / "manifest.py")
    manifest.stage({pkg.name: pkg}, tmp_path / "lib")
    assert sorted(p.name for p in (tmp_path / "lib" / "fast_io").iterdir()) == [
        "queues.py",
        "synchro.py",
    ]
    code = textwrap.dedent(
        """
        import asyncio
        from fast_io.synchro import Lock, Semaphore
        from fast_io.queues import Queue

        async def main():
            q = Queue()
            async with Lock():
                q.put_nowait(1)
            async with Semaphore():
                print(issubclass(Lock, asyncio.Lock), await q.get())

        asyncio.run(main())
        """
    )
    proc = subprocess.run(
        [MICROPYTHON, "-c", code],
        env={"MICROPYPATH": f"{tmp_path / 'lib'}:.frozen", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.stdout == "True 1\n", proc.stdout + proc.stderr


def test_lock_and_event(board, loop):
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.synchro import Lock, Event

        async def user(lock, n):
            async with lock:
                print(n, 'in')
                await asyncio.sleep_ms(5)
                print(n, 'out')

        async def main():
            lock = Lock()
            try:
                lock.release()
            except RuntimeError:
                print('RuntimeError')
            await asyncio.gather(*[user(lock, n) for n in range(3)])
            await lock.acquire()
            waiter = asyncio.create_task(lock.acquire())
            await asyncio.sleep(0)
            waiter.cancel()
            try:
                await asyncio.wait_for_ms(lock.acquire(), 20)
            except asyncio.TimeoutError:
                print('lock timed out')
            lock.release()
            print('free', lock.locked())
            ev = Event()
            t = asyncio.create_task(ev.wait())
            await asyncio.sleep(0)
            t.cancel()
            try:
                await asyncio.wait_for_ms(ev.wait(), 20)
            except asyncio.TimeoutError:
                print('event timed out')
            ev.set()
            print('event', await ev.wait())

        asyncio.run(main())
        """,
        """
        RuntimeError
        0 in
        0 out
        1 in
        1 out
        2 in
        2 out
        lock timed out
        free False
        event timed out
        event True
        """,
    )


def test_lock_locked_as_2019_attribute(board, loop):
    # 2019's uasyncio.synchro.Lock had a bool attribute `locked`; today's Lock a method.
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.synchro import Lock

        def show(lock):
            print('held' if lock.locked else 'free', lock.locked, lock.locked(),
                  lock.locked == False, not lock.locked)

        async def main():
            lock = Lock()
            show(lock)
            await lock.acquire()
            show(lock)
            lock.release()
            print('free' if not lock.locked else 'held', isinstance(lock, asyncio.Lock))

        asyncio.run(main())
        """,
        """
        free False False True True
        held True True False False
        free True
        """,
    )


def test_semaphores(board, loop):
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.synchro import Semaphore, BoundedSemaphore

        async def user(sem, n):
            async with sem:
                print(n, 'acquired')
                # 100 ms steps: releases this far apart stay in order on a stalled host
                await asyncio.sleep_ms(100 * (n + 1))
                print(n, 'releasing')

        async def main():
            sem = Semaphore(2)
            await asyncio.gather(*[user(sem, n) for n in range(4)])
            print('locked', sem.locked())
            sem = Semaphore(0)
            t = asyncio.create_task(sem.acquire())
            await asyncio.sleep(0)
            t.cancel()
            try:
                await asyncio.wait_for_ms(sem.acquire(), 20)
            except asyncio.TimeoutError:
                print('timed out')
            sem.release()
            print('acquired', await sem.acquire())
            bounded = BoundedSemaphore(1)
            await bounded.acquire()
            bounded.release()
            try:
                bounded.release()
            except ValueError as e:
                print('ValueError', e)
            try:
                Semaphore(-1)
            except ValueError as e:
                print('ValueError', e)

        asyncio.run(main())
        """,
        """
        0 acquired
        1 acquired
        0 releasing
        2 acquired
        1 releasing
        3 acquired
        2 releasing
        3 releasing
        locked False
        timed out
        acquired True
        ValueError BoundedSemaphore released too many times
        ValueError Semaphore value must be >= 0
        """,
    )


def test_condition(board, loop):
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.synchro import Condition

        async def waiter(cond, n):
            async with cond:
                await cond.wait()
                print('waiter', n)

        async def main():
            cond = Condition()
            try:
                cond.notify()
            except RuntimeError as e:
                print('RuntimeError', e)
            try:
                await cond.wait()
            except RuntimeError as e:
                print('RuntimeError', e)
            tasks = [asyncio.create_task(waiter(cond, n)) for n in range(4)]
            await asyncio.sleep_ms(5)
            tasks[0].cancel()  # withdraws: the notifications go to the others, oldest first
            await asyncio.sleep(0)
            async with cond:
                cond.notify(2)
            await asyncio.sleep_ms(5)
            async with cond:
                cond.notify_all()
            await asyncio.sleep_ms(5)
            state = [0]

            async def until3():
                async with cond:
                    print('wait_for', await cond.wait_for(lambda: state[0] >= 3))

            t = asyncio.create_task(until3())
            for n in range(5):
                state[0] = n
                async with cond:
                    cond.notify()
                await asyncio.sleep_ms(1)
            await t
            await cond.acquire()
            try:
                await asyncio.wait_for_ms(cond.wait(), 20)
            except asyncio.TimeoutError:
                print('timed out, locked', cond.locked())
            cond.release()

        asyncio.run(main())
        """,
        """
        RuntimeError cannot notify on un-acquired lock
        RuntimeError cannot wait on un-acquired lock
        waiter 1
        waiter 2
        waiter 3
        wait_for True
        timed out, locked True
        """,
    )


def test_queue(board, loop):
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.queues import Queue, QueueEmpty, QueueFull

        async def consumer(q):
            while True:
                item = await q.get()
                print('got', item)
                if item is None:
                    return

        async def main():
            q = Queue(2)
            print(q.empty(), q.full(), q.qsize(), Queue().full())
            try:
                q.get_nowait()
            except QueueEmpty:
                print('QueueEmpty')
            q.put_nowait(1)
            q.put_nowait(2)
            try:
                q.put_nowait(3)
            except QueueFull:
                print('QueueFull')
            print(q.full(), q.qsize())
            t = asyncio.create_task(q.put(3))  # waits while full
            await asyncio.sleep(0)
            print('waiting', not t.done(), q.get_nowait())
            await t
            c = asyncio.create_task(consumer(q))
            for item in ('a', 'b', 'c', None):
                await q.put(item)
            await c
            t = asyncio.create_task(q.get())
            await asyncio.sleep(0)
            t.cancel()
            try:
                await asyncio.wait_for_ms(q.get(), 20)
            except asyncio.TimeoutError:
                print('timed out')
            q.put_nowait('x')
            print(q.get_nowait(), q.empty())

        asyncio.run(main())
        """,
        """
        True False 0 False
        QueueEmpty
        QueueFull
        True 2
        waiting True 1
        got 2
        got 3
        got a
        got b
        got c
        got None
        timed out
        x True
        """,
    )


def test_readme_example(board, loop):
    readme = (REPO / "micropython" / "uasyncio.synchro" / "README.md").read_text()
    example = readme.split("```python\n")[1].split("```")[0]
    out = board.output(example, loop=loop)
    assert out == "worker 0 did job0\nworker 1 did job1\nworker 2 did job2\n"


def test_condition_passes_on_a_notification_its_cancelled_waiter_got(board, loop):
    check(
        board,
        loop,
        """
        import asyncio
        from fast_io.synchro import Condition

        async def waiter(cond, n):
            try:
                async with cond:
                    await cond.wait()
                    print(n, 'triggered')
            except asyncio.CancelledError:
                print(n, 'cancelled')

        async def main():
            cond = Condition()
            tasks = [asyncio.create_task(waiter(cond, n)) for n in range(3)]
            await asyncio.sleep_ms(5)
            async with cond:
                cond.notify(1)
            tasks[0].cancel()
            await asyncio.sleep_ms(100)  # ample time for 0 to pass the notification on to 1
            print([t.done() for t in tasks], cond.locked())

        asyncio.run(main())
        """,
        """
        0 cancelled
        1 triggered
        [True, True, False] False
        """,
    )
