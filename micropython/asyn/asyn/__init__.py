# asyn: synchronisation primitives and named, cancellable tasks for asyncio.
#
# Runs on MicroPython's built-in asyncio, on fast_io (call fast_io.install() before importing
# this package) and on CPython 3.10+. Waiting is event driven: no primitive polls. Each class
# lives in a submodule imported on first use, so a program pays RAM only for what it uses.
import asyncio
import sys

if sys.implementation.name == "micropython":

    def _awaitable(coro):
        # MicroPython awaits a generator directly: no wrapper, no allocation.
        return coro

else:

    def _awaitable(coro):
        return coro.__await__()


async def _probe():
    pass


_probe_coro = _probe()
_CORO = type(_probe_coro)  # a generator on MicroPython, a coroutine on CPython
_probe_coro.close()
del _probe_coro

StopTask = asyncio.CancelledError


def launch(func, tup_args=()):
    """Call ``func(*tup_args)``; schedule the result if it is a coroutine.

    Returns the new Task for a coroutine function, else what ``func`` returned.
    """
    res = func(*tup_args)
    if isinstance(res, _CORO):
        return asyncio.create_task(res)
    return res


def _pulse(event):
    # Wake every task waiting on ``event`` now, and leave it clear for the next wait.
    event.set()
    event.clear()


async def sleep(t, granularity=100):
    """Sleep ``t`` seconds. Cancellation is prompt on today's loops, so ``granularity`` (ms)
    is only checked, for compatibility."""
    if granularity <= 0:
        raise ValueError("sleep granularity must be > 0")
    await asyncio.sleep(t)


# Name: the submodule that defines it, imported on first use.
_attrs = {
    "Lock": "lock",
    "Event": "event",
    "Message": "message",
    "Barrier": "barrier",
    "Semaphore": "semaphore",
    "BoundedSemaphore": "semaphore",
    "Condition": "condition",
    "Gather": "gather",
    "Gatherable": "gather",
    "TaskId": "cancel",
    "cancellable": "cancel",
    "namedtask": "cancel",
    "Cancellable": "cancel",
    "NamedTask": "cancel",
    "RingbufQueue": "ringbuf",
}


def __getattr__(attr):
    mod = _attrs.get(attr)
    if mod is None:
        raise AttributeError(attr)
    value = getattr(__import__(mod, globals(), None, (attr,), 1), attr)
    globals()[attr] = value
    return value
