# asyn: RingbufQueue
import asyncio

from . import _pulse


class RingbufQueue:
    """A FIFO in a pre-allocated buffer (``buf``: a size, or a list or array to use).

    ``put_nowait`` on a full queue overwrites the oldest item and raises IndexError;
    ``get_nowait`` on an empty one raises IndexError. ``put``/``get`` wait instead.
    ``async for item in q`` reads forever.
    """

    def __init__(self, buf):
        self._buf = [None] * buf if isinstance(buf, int) else buf
        self._size = len(self._buf)
        if not self._size:
            raise ValueError("RingbufQueue needs a buffer of at least one item")
        self._head = 0  # index of the oldest item
        self._len = 0
        self._put = asyncio.Event()  # pulsed by each put
        self._got = asyncio.Event()  # pulsed by each get

    def qsize(self):
        return self._len

    def empty(self):
        return not self._len

    def full(self):
        return self._len == self._size

    def put_nowait(self, v):
        self._buf[(self._head + self._len) % self._size] = v
        if self._len == self._size:
            self._head = (self._head + 1) % self._size
            _pulse(self._put)
            raise IndexError("RingbufQueue full: oldest item overwritten")
        self._len += 1
        _pulse(self._put)

    def peek(self):
        if not self._len:
            raise IndexError("RingbufQueue empty")
        return self._buf[self._head]

    def get_nowait(self):
        v = self.peek()
        self._head = (self._head + 1) % self._size
        self._len -= 1
        _pulse(self._got)
        return v

    async def put(self, v):
        while self._len == self._size:
            await self._got.wait()
        self.put_nowait(v)

    async def get(self):
        while not self._len:
            await self._put.wait()
        return self.get_nowait()

    def __aiter__(self):
        return self

    __anext__ = get
