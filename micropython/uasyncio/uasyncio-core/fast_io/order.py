# fast_io: the switch to the built-in asyncio's order, loaded by its first use
# MIT license

from . import core


# True: every wake-up (I/O, cancellation, timeout, a task's end) queues the task behind the
# ready ones, and a task queued during a step runs after the timers that fell due before it:
# the built-in asyncio's order, for programs that depend on it. For the whole program (new
# loops too), from the next wake-up on. Returns the setting.
def builtin_order(on=None):
    if on is not None:
        core._in_order = bool(on)
    return core._in_order
