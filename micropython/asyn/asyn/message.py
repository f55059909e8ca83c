# asyn: Message
import asyncio

from . import _awaitable, _pulse


class Message:
    """An Event carrying a value whose ``set(data)`` is safe in an interrupt handler.

    ``await msg`` (or ``await msg.wait()``) returns the data. Like Event, it stays set until
    ``clear()``. Any number of tasks may wait: one waits on the interrupt-safe flag and wakes
    the others through an Event.
    """

    def __init__(self):
        self._flag = _Flag()
        self._wake = asyncio.Event()
        self._data = None
        self._is_set = False
        self._relay = False  # a task is waiting on the flag for all the others

    def set(self, data=None):
        # Assignments and ThreadSafeFlag.set() only: safe in a hard interrupt handler.
        self._data = data
        self._is_set = True
        self._flag.set()

    def clear(self):
        self._is_set = False
        self._data = None
        self._flag.clear()

    def is_set(self):
        return self._is_set

    def value(self):
        return self._data

    async def wait(self):
        while not self._is_set:
            if self._relay:
                await self._wake.wait()
            else:
                self._relay = True
                try:
                    await self._flag.wait()
                finally:
                    self._relay = False
                    _pulse(self._wake)  # with the message, or for another waiter to relay
        return self._data

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__


if hasattr(asyncio, "ThreadSafeFlag"):
    _Flag = asyncio.ThreadSafeFlag
else:

    class _Flag(asyncio.Event):
        # CPython: no interrupts. From another thread, use loop.call_soon_threadsafe(msg.set).
        async def wait(self):
            await super().wait()
            self.clear()
