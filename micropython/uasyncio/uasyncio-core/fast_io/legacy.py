# fast_io: the 2019 uasyncio API (callbacks, cancel(coro), ...)
# MIT license

from . import core


async def _call(delay, callback, args):
    if delay > 0:
        await core.sleep_ms(delay)
    if hasattr(callback, "send"):
        await callback
    else:
        callback(*args)


# Run callback(*args) (or start a coroutine) as soon as possible, after the tasks queued now.
def call_soon(callback, *args):
    if hasattr(callback, "send"):
        return core.create_task(callback)
    return core.create_task(_call(0, callback, args))


def call_later_ms(delay, callback, *args):
    if not delay:
        return call_soon(callback, *args)
    return core.create_task(_call(delay, callback, args))


def call_later(delay, callback, *args):
    return call_later_ms(int(delay * 1000), callback, *args)


# Cancel a coroutine: the task running it, or (2019) a coroutine that a task awaits, which gets
# the CancelledError when its task next runs it.
def cancel(coro):
    for t in core._tasks:
        if t.coro is coro:
            t.cancel()
            return
    coro.pend_throw(core.CancelledError())


def got_event_loop():
    return core._got_loop


def coroutine(f):
    return f


def ensure_future(coro, loop=None):
    return core._promote_to_task(coro)
