# asyn: Gather and Gatherable
import asyncio

from . import _awaitable


def _time_out(task, exc, again=True):
    # Cancel task with exc (a TimeoutError) thrown in place of CancelledError, as 2019's
    # wait_for did: a member catches its timeout as TimeoutError. The MicroPython loops throw
    # what the innermost awaited task holds in Task.data once cancel() has run; CPython's Task
    # waits on a Future, which can take the exception instead.
    if hasattr(task, "data"):
        while isinstance(task.data, asyncio.Task):
            task = task.data
        if task.cancel():
            task.data = exc
        return
    waiter = task._fut_waiter
    while isinstance(waiter, asyncio.Task):
        task, waiter = waiter, waiter._fut_waiter
    if waiter is not None and not waiter.done():
        waiter.set_exception(exc)
    elif again:
        # Woken (or not started) and queued to run: try again once its step has run
        asyncio.get_event_loop().call_soon(_time_out, task, exc, False)
    else:
        task.cancel()


class Gatherable:
    """A coroutine function with its arguments, for Gather. A ``timeout`` keyword (seconds)
    bounds that coroutine alone: when it expires the coroutine gets TimeoutError where it
    waits; it may catch it and return a value."""

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
        await asyncio.sleep(timeout)
        # If the member lets it through (or ends otherwise), the Gather raises it
        self._errors[index] = exc = asyncio.TimeoutError()
        _time_out(task, exc)

    async def wait(self):
        await self._done.wait()
        if self._errors:
            raise self._errors[min(self._errors)]
        return self._results

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__
