# fast_io: the loop object's methods beyond the scheduler's own, and the 2019 uasyncio API
# (callbacks, cancel(coro), ...). Loaded when the program asks for the loop object or uses
# the 2019 API: a program that only uses asyncio.run() does not pay for them.
# MIT license

from . import core


# A 2019-style coroutine yielded r to the scheduler (fast_io awaitables yield core._Q).
def yielded(t, r):
    if r is None:
        # Bare yield: round-robin, unless the task parked itself on a queue.
        if t.data is None:
            core._schedule(t)
    elif r is False:
        # Parked: something else requeues it.
        pass
    elif isinstance(r, int):
        # yield <ms>: sleep.
        if r > 0:
            core._sleep_until(t, core.ticks_add(core.ticks(), r))
        else:
            core._schedule(t)
    elif isinstance(r, core._Pause):
        # yield sleep_ms(ms) (or after_ms): the awaitable schedules the task
        r.__next__()
    elif hasattr(r, "send"):
        # yield <coro>: run it as a new task, and continue this one.
        core.create_task(r)
        core._schedule(t)
    else:
        t.data = RuntimeError("bad yield: %r" % (r,))
        core._expedite(t)


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
    if isinstance(coro, core.Task):
        coro.cancel()
        return
    for t in core._tasks:
        if t.coro is coro:
            t.cancel()
            return
    coro.pend_throw(core.CancelledError())


_TimeoutErrorV3 = core.TimeoutError  # today's, while 2019's timeouts are off


# 2019's TimeoutError, a CancelledError (named TimeoutError too, as it prints). Made here, not
# in core: a program that does not switch it on (or use the 2019 API) does not hold it in RAM.
class TimeoutError(core.CancelledError):
    pass


# True: 2019's timeouts, for 2019 programs. TimeoutError is then a CancelledError, and a
# wait_for/wait_for_ms timeout throws it (instead of CancelledError) where the timed-out
# coroutine waits, which may catch it as either; the caller still gets TimeoutError. The cost:
# "except Exception" no longer catches a timeout, and "except CancelledError" takes it when
# written first. For the whole program (new loops too): call it before any "from asyncio import
# TimeoutError", which would keep the class of the moment. Returns the setting.
def legacy_timeouts(on=None):
    if on is not None:
        import fast_io  # the package namespace, where programs find TimeoutError

        fast_io.TimeoutError = core.TimeoutError = TimeoutError if on else _TimeoutErrorV3
    return core.TimeoutError is TimeoutError


def got_event_loop():
    return core._got_loop


def coroutine(f):
    return f


def ensure_future(coro, loop=None):
    return core._as_task(coro)


# The loop object's methods, added to Loop when the program asks for it (get_event_loop)


async def _idle_main():
    pass


_forever = None  # run_forever()'s main task: it is queued by stop() and ends at once


def _run_forever():
    global _forever
    _forever = core.Task(_idle_main())
    core.run_until_complete(_forever)
    # Like the built-in asyncio: returns when stop() is called or no task is left


def _stop():
    global _forever
    if _forever is not None:  # a second stop() finds None: nothing to do
        core._schedule(_forever)
        _forever = None


def _close():
    pass


def _set_exception_handler(handler):
    Loop._exc_handler = handler


def _get_exception_handler():
    return Loop._exc_handler


def _io_priority(on=None):
    # True (the default): tasks woken by I/O run before the round-robin tasks.
    if on is not None:
        core._io_priority = bool(on)
    return core._io_priority


# The 2019 EventLoop methods


def _time():
    return core.ticks()  # looked up at each call: the timebase can be replaced (tests, RTC)


def _call_at_(time, callback, args=()):
    return call_later_ms(core.ticks_diff(time, core.ticks()), callback, *args)


def _call_after(delay, callback, *args):
    from .lowprio import call_after_ms

    return call_after_ms(int(delay * 1000), callback, *args)


def _call_after_ms(delay, callback, *args):
    from .lowprio import call_after_ms

    return call_after_ms(delay, callback, *args)


def _max_overdue_ms(t=None):
    from .lowprio import max_overdue_ms

    return max_overdue_ms(t)


async def _sleep_until(when):
    await core.sleep_ms(0 if when is True else core.ticks_diff(when, core.ticks()))


def _run_until_complete(aw):
    if isinstance(aw, core._Pause):
        # loop.run_until_complete(asyncio.sleep(t)) pauses the loop. Take the wake time off
        # the shared sleep object now: the tasks use it before this one runs.
        when = aw.wake
        aw.wake = None
        aw = _sleep_until(when)
    return core.run_until_complete(aw)


Loop = core.Loop
Loop.run_forever = _run_forever
Loop.stop = _stop
Loop.close = _close
Loop.set_exception_handler = _set_exception_handler
Loop.get_exception_handler = _get_exception_handler
Loop.io_priority = _io_priority
Loop.run_until_complete = _run_until_complete
Loop.time = _time
Loop.call_soon = call_soon
Loop.call_later = call_later
Loop.call_later_ms = call_later_ms
Loop.call_at_ = _call_at_
Loop.call_after = _call_after
Loop.call_after_ms = _call_after_ms
Loop.max_overdue_ms = _max_overdue_ms
