# A FIFO Queue for the asyncio loop in use.
#
# `from uasyncio.queues import Queue` after fast_io.install(); `from fast_io.queues import
# Queue` on any loop. Waiting tasks are woken by the put or get they wait for, not by polling.
import asyncio


class QueueEmpty(Exception):
    pass


class QueueFull(Exception):
    pass


def _pulse(event):
    event.set()
    event.clear()


class Queue:
    def __init__(self, maxsize=0):
        self.maxsize = maxsize  # 0 or less: unbounded
        self._items = []
        self._put = asyncio.Event()  # pulsed by each put
        self._got = asyncio.Event()  # pulsed by each get

    def qsize(self):
        return len(self._items)

    def empty(self):
        return not self._items

    def full(self):
        return 0 < self.maxsize <= len(self._items)

    def put_nowait(self, item):
        if self.full():
            raise QueueFull()
        self._items.append(item)
        _pulse(self._put)

    def get_nowait(self):
        if not self._items:
            raise QueueEmpty()
        item = self._items.pop(0)
        _pulse(self._got)
        return item

    async def put(self, item):
        while self.full():
            await self._got.wait()
        self.put_nowait(item)

    async def get(self):
        while not self._items:
            await self._put.wait()
        return self.get_nowait()
