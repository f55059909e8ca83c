# asyn: Barrier
import asyncio

from . import _awaitable, _pulse, launch

try:
    from micropython import const
except ImportError:
    const = lambda x: x  # noqa: E731

_CYCLE_MASK = const(0xFFFFF)  # cycle numbers stay small ints


class Barrier:
    """Rendezvous of ``participants`` passes; the last one runs ``launch(func, args)`` before
    the others resume. Pass with ``await barrier`` (wait for the others) or ``trigger()``
    (do not wait). Reusable."""

    def __init__(self, participants, func=None, args=()):
        if participants < 1:
            raise ValueError("Barrier needs at least one participant")
        self._participants = participants
        self._func = func
        self._args = args
        self._count = 0  # passes counted in this cycle
        self._cycle = 0
        self._done = asyncio.Event()

    def busy(self):
        return self._count > 0

    def trigger(self):
        self._count += 1
        if self._count == self._participants:
            self._count = 0
            self._cycle = (self._cycle + 1) & _CYCLE_MASK
            if self._func is not None:
                launch(self._func, self._args)
            _pulse(self._done)

    async def wait(self):
        cycle = self._cycle
        self.trigger()
        while cycle == self._cycle:
            try:
                await self._done.wait()
            except asyncio.CancelledError:
                if cycle == self._cycle:
                    self._count -= 1  # cancelled before the rendezvous: this task did not pass
                raise

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__
