# asyn: Lock
import asyncio


class Lock(asyncio.Lock):
    """The loop's Lock with the 2019 interface: ``delay_ms`` is accepted and not needed
    (waiters are woken, not polling), ``async with`` yields the lock."""

    def __init__(self, delay_ms=0):
        super().__init__()

    def release(self):
        if not self.locked():
            raise RuntimeError("Attempt to release a lock which has not been set")
        super().release()

    async def __aenter__(self):
        await self.acquire()
        return self

    async def __aexit__(self, *exc):
        self.release()
        await asyncio.sleep(0)  # let a waiter take it before this task can re-acquire
