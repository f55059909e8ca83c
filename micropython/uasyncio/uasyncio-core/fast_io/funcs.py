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
                core._sleep_until(t, s)
                t.data = core._Deadline
            return core._Q
        core._stop.__traceback__ = None
        raise core._stop


# Sleep until a timeout: the task wakes ahead of the round-robin tasks.
def _deadline_ms(t, sgen=_DeadlineGenerator()):  # noqa: B008 (one shared instance)
    assert sgen.wake is None
    sgen.wake = core.ticks_add(core.ticks(), t) if t > 0 else True
    return sgen


class _Stub:
    # The data of a gathering task: Task.cancel() calls remove().
    def remove(_):
        pass


def _hurry(t):
    # If t waits in the round-robin ring, move it ahead of the round-robin tasks (the ring is
    # turned once, keeping its order: this happens only when a timeout comes before t ran).
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


# Thrown into wait_for's task when aw ends before the timeout (aw holds the outcome)
_ended = core.CancelledError()


async def _run(waiter, aw):
    try:
        await aw
    except BaseException:
        pass
    if waiter.data is None or waiter.data is core._Deadline:
        # The waiter is still waiting: wake it, to take aw's result or exception from aw.
        # If the wait_for task subsequently gets cancelled externally then this marker is
        # replaced by a CancelledError of its own.
        if waiter.cancel():
            _ended.__traceback__ = None
            waiter.data = _ended


async def _wait_for(aw, timeout):
    aw = core._as_task(aw)
    if timeout is None:
        return await aw

    # Run aw in a separate runner task that manages its exceptions.
    runner_task = core.create_task(_run(core.cur_task, aw))

    try:
        # Wait for the timeout to elapse: the deadline wakes this task ahead of the
        # round-robin tasks, so the timeout takes effect at once.
        await _deadline_ms(timeout)
        # aw and the runner would have started before the deadline in the built-in's order:
        # if either still waits its turn, it goes first.
        if _hurry(aw) + _hurry(runner_task):
            await _deadline_ms(0)
    except core.CancelledError as er:
        if er is not _ended:
            # This wait_for was cancelled externally, so cancel aw and re-raise.
            runner_task.cancel()
            raise er
        # aw ended first: return its result, or raise its exception.
        er = aw.data
        if isinstance(er, StopIteration):
            return er.value
        raise er  # noqa: B904 (the exception of aw itself)

    # The sleep finished before aw, so cancel aw and raise TimeoutError.
    runner_task.cancel()
    await runner_task
    raise core.TimeoutError


# async
def wait_for(aw, timeout):
    return _wait_for(aw, None if timeout is None else int(timeout * 1000))


# async
def wait_for_ms(aw, timeout):
    return _wait_for(aw, timeout)


# async
def gather(*aws, return_exceptions=False):
    def done(t, er):
        # Sub-task "t" has finished, with exception "er".
        nonlocal state
        if gather_task.data is not _Stub:
            # The main gather task has already been scheduled, so do nothing.
            # This happens if another sub-task already raised an exception and
            # woke the main gather task (via this done function), or if the main
            # gather task was cancelled externally.
            return
        elif not return_exceptions and not isinstance(er, StopIteration):
            # A sub-task raised an exception, indicate that to the gather task.
            state = er
        else:
            state -= 1
            if state:
                # Still some sub-tasks running.
                return
        # Gather waiting is done, schedule the main gather task.
        core._schedule(gather_task)

    # Prepare the sub-tasks. "state" counts the tasks to wait for; it is negative when the
    # gather must not wait at all (a task already ended with an exception).
    ts = [core._as_task(aw) for aw in aws]
    state = 0
    for i in range(len(ts)):
        if ts[i].state is True:
            # Task is running, register the callback to call when the task is done.
            ts[i].state = done
            state += 1
        elif not ts[i].state:
            # Task finished already.
            if not isinstance(ts[i].data, StopIteration) and not return_exceptions:
                # It raised: do not wait at all.
                state = -len(ts)
        else:
            # Task being waited on, gather not currently supported for this case.
            raise RuntimeError("can't gather")

    # Set the state for execution of the gather.
    gather_task = core.cur_task
    cancel_all = False

    # Wait for a sub-task to need attention (if there are any to wait for).
    if state > 0:
        gather_task.data = _Stub
        try:
            yield core._Q
        except core.CancelledError as er:
            cancel_all = True
            state = er

    # Clean up tasks.
    for i in range(len(ts)):
        if ts[i].state is done:
            # Sub-task is still running, deregister the callback and cancel if needed.
            ts[i].state = True
            if cancel_all:
                ts[i].cancel()
        elif isinstance(ts[i].data, StopIteration):
            # Sub-task ran to completion, get its return value.
            ts[i] = ts[i].data.value
        elif return_exceptions:
            # Sub-task had an exception: return it in the list of results.
            ts[i] = ts[i].data
        elif isinstance(state, int):
            # Raise the sub-task exception, if there is not already an exception to raise.
            state = ts[i].data

    # Either this gather was cancelled, or one of the sub-tasks raised an exception with
    # return_exceptions==False, so reraise the exception here.
    if state:
        raise state

    # Return the list of return values of each sub-task.
    return ts
