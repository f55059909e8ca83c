# asyn: Semaphore and BoundedSemaphore
import asyncio

from . import _pulse


class Semaphore:
    """A counter that ``acquire()`` waits on while zero; any task may ``release()``."""

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
        await self.acquire()
        return self

    async def __aexit__(self, *exc):
        self.release()
        await asyncio.sleep(0)


class BoundedSemaphore(Semaphore):
    """A Semaphore whose ``release()`` raises ValueError beyond its initial value."""

    def __init__(self, value=1):
        super().__init__(value)
        self._initial = value

    def release(self):
        if self._count >= self._initial:
            raise ValueError("Semaphore released more than acquired")
        super().release()
