# fast_io: wait_for, wait_for_ms, gather
# MIT license

from . import core


class _DeadlineGenerator(core._Pause):
    def __next__(self):
        s = self.wake
        if s is not None:
            self.wake = None
            t = core.cur_task
            if s is True:
                core._expedite(t)
            else:
                core._sleep_until(t, s, core._Deadline)
            return core._Q
        core._stop.__traceback__ = None
        raise core._stop


# Sleep until a timeout: the task wakes ahead of the round-robin tasks.
def _deadline_ms(t, sgen=_DeadlineGenerator()):  # noqa: B008 (one shared instance)
    assert sgen.wake is None
    sgen.wake = core.ticks_add(core.ticks(), t) if t > 0 else True
    return sgen


# The data of a gathering task: an empty queue, so the remove() that Task.cancel() calls on it
# does nothing (the done-callbacks wake the gather).
_gathering = core.TaskQueue()


def _hurry(t):
    # If t waits in the round-robin ring, move it ahead of the round-robin tasks (the ring is
    # turned once, keeping its order: this happens only when a timeout comes before t ran).
    # A task waiting on a queue (timer, I/O, Event...) or on another task is not in the ring.
    # In the built-in's order, t keeps its place.
    d = t.data
    if core._in_order or not t.state or isinstance(d, core.Task) or hasattr(d, "remove"):
        return False
    q = core._ready
    found = False
    for _ in range(len(q)):
        x = q.popleft()
        if x is t:
            found = True
        else:
            q.append(x)
    if found:
        core._expedite(t)
    return found


def _stop(t, er):
    # Cancel task t: the task that gets the exception (the innermost one t awaits) gets er, an
    # instance made beforehand (a timeout allocates nothing) or one passed on from outside.
    if t.cancel():
        while isinstance(t.data, core.Task):
            t = t.data
        t.data = er


def _outcome(aw):
    # What awaiting the ended task aw gives: its result, or its exception raised
    er = aw.data
    if isinstance(er, StopIteration):
        return er.value
    raise er


async def _watch(waiter, aw):
    # Runs beside wait_for's task: when aw ends first, it wakes wait_for from its deadline
    # sleep, ahead of the round-robin tasks (as a timeout would).
    try:
        await aw
    except BaseException:
        pass  # the outcome stays in aw, where wait_for_ms reads it
    # (A watcher let go, its state cleared, has nothing left to do: waiter may be in a later
    # wait_for's deadline sleep, which is none of its business.)
    if waiter.data is core._Deadline and core.cur_task.state:
        core._Deadline.remove(waiter)
        waiter.data = None
        core._expedite(waiter)


async def wait_for_ms(aw, timeout):
    aw = core._as_task(aw)
    if timeout is None:
        return await aw
    watcher = core.create_task(_watch(core.cur_task, aw))
    # Made now, so that a timeout allocates nothing (with the heap locked too): the exception
    # raised here, the one thrown into aw (a CancelledError; 2019's timeouts,
    # legacy.legacy_timeouts(), throw the TimeoutError itself), and the queue this task joins
    # to await the watcher. Shared instances would not do: the traceback of an instance of a
    # Python exception class cannot be reset, it would grow at each timeout.
    er = core.TimeoutError()
    thrown = er if isinstance(er, core.CancelledError) else core.CancelledError()
    watcher.state = core.TaskQueue()
    try:
        # A deadline sleep: at the timeout this task runs ahead of the round-robin tasks.
        await _deadline_ms(timeout)
        # In the built-in's order aw and the watcher would have run before the deadline:
        # if either still waits its turn, let it go first.
        if _hurry(aw) + _hurry(watcher):
            await _deadline_ms(0)
            if not aw.state:
                # aw ended in that step, before its watcher could say so: its outcome counts.
                watcher.state = False  # let go: it must not wake this task later
    except core.CancelledError as e:
        # wait_for itself was cancelled (or timed out, by an outer wait_for or a Gatherable: a
        # 2019 TimeoutError goes on): aw goes with it (directly too, as the watcher may not
        # have started: then it would never reach aw)
        _stop(watcher, e)
        _stop(aw, e)
        watcher.state = False  # let go: when aw has unwound, it must not wake this task
        raise e
    if watcher.state:
        # Timed out: the watcher has not seen aw end (aw still runs, or it ended at the deadline
        # but its watcher had no turn since, as on the built-in). Stop aw, wait until it has
        # unwound, then report the timeout.
        _stop(watcher, thrown)
        await watcher
        raise er
    return _outcome(aw)  # aw ended first


# async
def wait_for(aw, timeout):
    return wait_for_ms(aw, None if timeout is None else int(timeout * 1000))


# async
def gather(*aws, return_exceptions=False):
    def done(t, er):
        # Each sub-task's done-callback (it sits in the sub-task's state while it runs).
        nonlocal pending
        if me.data is not _gathering:
            return  # the gather is woken already (an earlier failure, or its own cancel)
        if return_exceptions or isinstance(er, StopIteration):
            pending -= 1
            if pending:
                return
        else:
            pending = er  # the first failure ends the gather
        core._schedule(me)

    ts = [core._as_task(aw) for aw in aws]
    # The count of sub-tasks to wait for, later the exception to raise. Negative: a sub-task
    # failed before the gather began, so it does not wait.
    pending = 0
    for i in range(len(ts)):
        t = ts[i]
        st = t.state
        if st is True:
            t.state = done
            pending += 1
        elif st:
            raise RuntimeError("can't gather")  # awaited already, or in another gather
        elif not return_exceptions and not isinstance(t.data, StopIteration):
            pending = -len(ts)

    me = core.cur_task
    cancelled = False
    if pending > 0:
        me.data = _gathering
        try:
            yield core._Q
        except core.CancelledError as er:
            cancelled = True
            pending = er

    # Collect the results in place; detach (and on cancellation stop) what still runs.
    for i in range(len(ts)):
        t = ts[i]
        if t.state is done:
            t.state = True
            if cancelled:
                t.cancel()
        elif isinstance(t.data, StopIteration):
            ts[i] = t.data.value
        elif return_exceptions:
            ts[i] = t.data
        elif isinstance(pending, int):
            pending = t.data  # a failure that ended before the gather waited
    if pending:
        raise pending
    return ts
