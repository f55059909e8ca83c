# asyn: Event
import asyncio

from . import _awaitable


class Event(asyncio.Event):
    """The loop's Event carrying a value: ``set(data)``, ``value()``, ``await event``.

    Not cleared automatically. ``set()`` is not safe in an interrupt handler: use Message.
    """

    def __init__(self, delay_ms=0):
        super().__init__()
        self._data = None

    def set(self, data=None):
        self._data = data
        super().set()

    def clear(self):
        self._data = None
        super().clear()

    def value(self):
        return self._data

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__
