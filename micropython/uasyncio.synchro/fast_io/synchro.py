# Lock, Event, Semaphore, BoundedSemaphore and Condition for the asyncio loop in use.
#
# `from uasyncio.synchro import Lock` after fast_io.install(); `from fast_io.synchro import
# Lock` on any loop. Lock and Event are the loop's own.
import asyncio

Event = asyncio.Event


class _Held:
    # What Lock.locked gives: a bool when read as 2019's attribute (`if lock.locked:`), and
    # the same bool when called as today's method (`lock.locked()`). Two shared instances.
    def __init__(self, held):
        self._held = held

    def __bool__(self):
        return self._held

    def __call__(self):
        return self._held

    def __eq__(self, other):
        return self._held == other

    def __repr__(self):
        return repr(self._held)


_HELD = _Held(True)
_FREE = _Held(False)


class Lock(asyncio.Lock):
    @property
    def locked(self):
        return _HELD if asyncio.Lock.locked(self) else _FREE


def _pulse(event):
    # Wake every task waiting on ``event`` now, and leave it clear for the next wait.
    event.set()
    event.clear()


class Semaphore:
    def __init__(self, value=1):
        if value < 0:
            raise ValueError("Semaphore value must be >= 0")
        self._count = value
        self._released = asyncio.Event()

    def locked(self):
        return self._count == 0

    async def acquire(self):
        while not self._count:
            await self._released.wait()
        self._count -= 1
        return True

    def release(self):
        self._count += 1
        _pulse(self._released)

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, *exc):
        self.release()


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1):
        super().__init__(value)
        self._initial = value

    def release(self):
        if self._count >= self._initial:
            raise ValueError("BoundedSemaphore released too many times")
        super().release()


class Condition:
    """Wait for a notification while holding ``lock``. Waiters are woken oldest first."""

    def __init__(self, lock=None):
        self._lock = lock or Lock()
        self._waiters = []  # one Event per waiting task, oldest first

    def locked(self):
        return self._lock.locked()

    async def acquire(self):
        return await self._lock.acquire()

    def release(self):
        self._lock.release()

    async def __aenter__(self):
        return await self._lock.acquire()

    async def __aexit__(self, *exc):
        self._lock.release()

    def notify(self, n=1):
        if not self._lock.locked():
            raise RuntimeError("cannot notify on un-acquired lock")
        for _ in range(min(n, len(self._waiters))):
            self._waiters.pop(0).set()

    def notify_all(self):
        self.notify(len(self._waiters))

    async def wait(self):
        if not self._lock.locked():
            raise RuntimeError("cannot wait on un-acquired lock")
        woken = asyncio.Event()
        self._waiters.append(woken)
        self._lock.release()
        try:
            await woken.wait()
        except asyncio.CancelledError:  # cancelled or timed out
            if woken.is_set():
                woken = None  # notified as well: hand the notification on below
            else:
                self._waiters.remove(woken)
            raise
        finally:
            await self._lock.acquire()
            if woken is None:
                self.notify()
        return True

    async def wait_for(self, predicate):
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result
