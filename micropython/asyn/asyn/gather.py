# asyn: Gather and Gatherable
import asyncio

from . import _awaitable


class Gatherable:
    """A coroutine function with its arguments, for Gather. A ``timeout`` keyword (seconds)
    bounds that coroutine alone: when it expires the coroutine is cancelled; it may catch
    CancelledError and return a value."""

    def __init__(self, func, *args, **kwargs):
        self.arguments = (func, args, kwargs)

    def __call__(self):
        return self.arguments


class Gather:
    """Run Gatherables concurrently from construction; ``await`` gives their results in list
    order once all have ended. If any raised (a TimeoutError included), ``await`` raises the
    first one's exception in list order, after the others have ended."""

    def __init__(self, gatherables):
        self._results = [None] * len(gatherables)
        self._errors = {}  # index: exception
        self._pending = len(gatherables)
        self._done = asyncio.Event()
        if not self._pending:
            self._done.set()
        for index, gatherable in enumerate(gatherables):
            asyncio.create_task(self._run(index, *gatherable()))

    async def _run(self, index, func, args, kwargs):
        timeout = kwargs.get("timeout")
        timer = None
        if timeout is not None:
            kwargs = {k: v for k, v in kwargs.items() if k != "timeout"}
            timer = asyncio.create_task(self._expire(asyncio.current_task(), index, timeout))
        try:
            result = await func(*args, **kwargs)
        except (Exception, asyncio.CancelledError) as exc:
            self._errors.setdefault(index, exc)  # kept for the Gather, not lost in the loop
        else:
            self._results[index] = result
            self._errors.pop(index, None)  # it caught its timeout and returned a value
        finally:
            if timer is not None:
                timer.cancel()
            self._pending -= 1
            if not self._pending:
                self._done.set()

    async def _expire(self, task, index, timeout):
        # The member sees CancelledError; if it lets it through, the Gather raises this.
        await asyncio.sleep(timeout)
        self._errors[index] = asyncio.TimeoutError()
        task.cancel()

    async def wait(self):
        await self._done.wait()
        if self._errors:
            raise self._errors[min(self._errors)]
        return self._results

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__
