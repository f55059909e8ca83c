# fast_io: low-priority tasks (after, after_ms, call_after, max_overdue_ms)
# MIT license
#
# A low-priority task runs only when no other task is ready to run, or once it is overdue by
# more than max_overdue_ms (0, the default, means never forced). At most one low-priority task
# is admitted per scheduler pass. Loaded on first use: until then it costs nothing.

from . import core
from .core import ticks, ticks_add, ticks_diff


class LowPriority:
    def __init__(self):
        self.heap = core._Heap()
        self.max_od = 0

    def remove(self, t):
        self.heap.remove(t._node)

    def admit(self):
        # Called by the scheduler before it chooses a task.
        n = self.heap.peek()
        if n is None:
            return
        late = ticks_diff(ticks(), n.ph_key)
        if (self.max_od > 0 and late > self.max_od) or (
            late >= 0 and not core._ready and not core._urgent
        ):
            self.heap.pop()
            core._schedule(n.data)

    def idle_ms(self, dt):
        n = self.heap.peek()
        if n is None:
            return dt
        lp = max(0, ticks_diff(n.ph_key, ticks()))
        return lp if dt < 0 or lp < dt else dt


def _queue():
    if core._lp is None:
        core._lp = LowPriority()
    return core._lp


class _After(core._Pause):
    def __next__(self):
        s = self.wake
        if s is not None:
            self.wake = None
            q = _queue()
            core._sleep_until(core.cur_task, s, q, q.heap)  # cancel() calls q.remove()
            return core._Q
        core._stop.__traceback__ = None
        raise core._stop


# Low-priority sleep: wake no sooner than ms from now, and only when the scheduler is idle (or
# the task is overdue by more than max_overdue_ms). One never awaited is overwritten by the next.
def after_ms(t, sgen=_After()):  # noqa: B008 (one shared instance)
    sgen.wake = ticks_add(ticks(), max(0, t))
    return sgen


def after(t):
    return after_ms(int(t * 1000))


async def _call(delay, callback, args):
    await after_ms(delay)
    callback(*args)


def call_after_ms(delay, callback, *args):
    return core.create_task(_call(delay, callback, args))


def call_after(delay, callback, *args):
    return call_after_ms(int(delay * 1000), callback, *args)


# Get (and with t not None, set) the overdue limit in ms; 0 means no limit.
def max_overdue_ms(t=None):
    q = _queue()
    if t is not None:
        q.max_od = int(t)
    return q.max_od
