# asyn: Condition
import asyncio

from . import _awaitable
from .lock import Lock


class Condition:
    """Wait for a notification while holding ``lock`` (an asyn Lock by default).

    ``with await cond:`` and ``async with cond:`` both hold the lock. Waiters are woken
    newest first, as in 2019 (CPython's Condition, and uasyncio.synchro's, wake the oldest).
    """

    def __init__(self, lock=None):
        self.lock = lock or Lock()
        self._waiters = []  # one Event per waiting task, newest last

    def locked(self):
        return self.lock.locked()

    async def acquire(self):
        await self.lock.acquire()
        return True

    def release(self):
        self.lock.release()

    async def _acquire_self(self):
        await self.lock.acquire()
        return self

    def __await__(self):
        return _awaitable(self._acquire_self())

    __iter__ = __await__

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lock.release()

    __aenter__ = _acquire_self

    async def __aexit__(self, *exc):
        self.lock.release()

    def notify(self, n=1):
        if not self.lock.locked():
            raise RuntimeError("Condition notify with lock not acquired.")
        for _ in range(min(n, len(self._waiters))):
            self._waiters.pop().set()

    def notify_all(self):
        self.notify(len(self._waiters))

    async def wait(self):
        if not self.lock.locked():
            raise RuntimeError("Condition wait with lock not acquired.")
        woken = asyncio.Event()
        self._waiters.append(woken)
        self.lock.release()
        try:
            await woken.wait()
        except asyncio.CancelledError:  # cancelled or timed out
            if woken.is_set():
                woken = None  # notified as well: hand the notification on below
            else:
                self._waiters.remove(woken)
            raise
        finally:
            await self.lock.acquire()
            if woken is None:
                self.notify()
        return True

    async def wait_for(self, predicate):
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result
