# fast_io: the scheduler (tasks, timers, prompt cancellation, I/O priority)
# MIT license
#
# Queues, in the order the scheduler serves them:
#   _urgent  FIFO of tasks woken by I/O, cancelled or timed out (and of the tasks awaiting them
#            when they end): they run before the round-robin tasks. Streams are polled at most
#            once between two round-robin steps, so an always-ready device cannot starve the
#            others (the starvation bound);
#   _ready   FIFO ring of round-robin tasks (a zero-delay yield costs the same at 10 or 1000
#            tasks, unlike a heap); due timers join it in wake-time order;
#   _timers  heap of sleeping tasks ordered by wake time (ticks_diff, so right across the wrap);
#   _lp      low-priority queue, created by the lowprio module on first use.
# Waits use reusable awaitables, so a task step, a timed wake and an Event, Lock,
# ThreadSafeFlag or stream wait allocate nothing on the heap.

import sys
from collections import deque
from time import sleep_ms as _sleep_ms
from time import ticks_add, ticks_diff
from time import ticks_ms as ticks

try:
    # The firmware's pairing heap orders the timers; its Task serves as the heap node.
    from _asyncio import Task as _Node
    from _asyncio import TaskQueue as _Heap
except ImportError:
    from .task import Heap as _Heap
    from .task import Node as _Node


################################################################################
# Exceptions


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


# Used when calling Loop.call_exception_handler
_exc_context = {"message": "Task exception wasn't retrieved", "exception": None, "future": None}

# Yielded to the scheduler by every fast_io awaitable: "the task is queued already". Any other
# value comes from a 2019-style coroutine (bare yield, yield <ms>, yield False, yield <coro>).
_Q = object()

# A stopped reusable awaitable raises one of these (traceback reset before each raise).
_stop = StopIteration()
_stop_true = StopIteration(True)


################################################################################
# Round-robin ring


def _bigger(q):
    # A full queue, doubled (only as the number of tasks in it grows).
    new = deque((), 2 * len(q), 1)
    while q:
        new.append(q.popleft())
    return new


def _grow(t):
    global _ready
    _ready = _bigger(_ready)
    _ready.append(t)


def _schedule(t):
    # Queue task t round-robin, with nothing pending for it.
    t.data = None
    try:
        _ready.append(t)
    except IndexError:
        _grow(t)


def _expedite(t):
    # Queue t ahead of the round-robin tasks (I/O readiness, cancellation, timeout).
    global _urgent
    try:
        _urgent.append(t)
    except IndexError:
        _urgent = _bigger(_urgent)
        _urgent.append(t)


################################################################################
# Timers


class _Timers:
    # The data of a task on the timer heap (Task.cancel() calls remove() to take it off); also
    # the run queue as seen by code written for the built-in asyncio (core._task_queue.push).
    def remove(self, t):
        if t.data is self:
            _timers.remove(t._node)

    def push(self, t, key=None):
        if key is None or ticks_diff(key, ticks()) <= 0:
            _schedule(t)
        else:
            _sleep_until(t, key)


_task_queue = _Sleeping = _Timers()  # A sleeping task
_Deadline = _Timers()  # A task sleeping until a timeout (wait_for): it wakes ahead of the others


def _node(t):
    # The heap node of task t: its data is the task (set after each push, which clears it).
    n = t._node
    if n is None:
        n = t._node = _spare.pop() if _spare else _Node(None)
    return n


def _sleep_until(t, when):
    n = _node(t)
    _timers.push(n, when)
    n.data = t
    t.data = _Sleeping


# Methods shared by the reusable awaitables (sleep, Event, Lock, ThreadSafeFlag, readinto)


def _self(self):
    return self


def _send(self, _):
    # So that the awaitable can also run as a task (create_task, gather, wait_for)
    return self.__next__()


def _throw(self, er):
    raise er


# "Yield" once, then raise StopIteration: one shared instance, so sleeping allocates nothing.
class SingletonGenerator:
    __iter__ = _self

    def __init__(self):
        self.state = None

    def __next__(self):
        s = self.state
        if s is True:
            self.state = None
            try:
                _ready.append(cur_task)
            except IndexError:
                _grow(cur_task)
            return _Q
        if s is not None:
            self.state = None
            _sleep_until(cur_task, s)
            return _Q
        _stop.__traceback__ = None
        raise _stop


# Pause task execution for the given time (integer in milliseconds, MicroPython extension)
def sleep_ms(t, sgen=SingletonGenerator()):  # noqa: B008 (one shared instance)
    assert sgen.state is None
    sgen.state = ticks_add(ticks(), t) if t > 0 else True
    return sgen


# Pause task execution for the given time (in seconds)
def sleep(t):
    return sleep_ms(int(t * 1000))


################################################################################
# Wait queues and tasks


# FIFO of tasks waiting on something (Event, Lock, a Task), linked through the tasks.
class TaskQueue:
    def __init__(self):
        self.head = None
        self.tail = None

    def peek(self):
        return self.head

    def push(self, t, key=None):
        t.data = None
        if t._next is not None:
            t._next = None
        if self.head is None:
            self.head = t
        else:
            self.tail._next = t
        self.tail = t

    def pop(self):
        t = self.head
        if t is None:
            raise IndexError("empty queue")
        self.head = t._next
        if t._next is not None:
            t._next = None
        return t

    def remove(self, t):
        prev = None
        n = self.head
        while n is not None:
            if n is t:
                if prev is None:
                    self.head = n._next
                else:
                    prev._next = n._next
                    if n is self.tail:
                        self.tail = prev
                if n._next is not None:
                    n._next = None
                return
            prev = n
            n = n._next


_task_count = 0
_spare = []  # Heap nodes of finished tasks
_SPARE_NODES = const(16)


# Task class representing a coroutine, can be waited on and cancelled.
class Task:
    # Defaults kept in the class: an instance holds them only once set (RAM per task)
    _node = None  # Timer heap node, made on the first timed sleep
    _next = None  # Link in a TaskQueue
    _name = None  # Name, given or made by the first get_name()

    def __init__(self, coro, name=None):
        self.coro = coro  # Coroutine of this Task
        self.data = None  # What it waits on (a queue), or the exception to throw into it
        self.state = True  # None, False, True, a callable, or a TaskQueue of waiting tasks
        if name is not None:
            self._name = name

    def __iter__(self):
        if not self.state:
            # Task finished, signal that is has been await'ed on.
            self.state = False
        elif self.state is True:
            # Allocated head of linked list of Tasks waiting on completion of this task.
            self.state = TaskQueue()
        elif type(self.state) is not TaskQueue:
            # Task has state used for another purpose, so can't also wait on it.
            raise RuntimeError("can't wait")
        return self

    def __next__(self):
        if not self.state:
            # Task finished, raise return value to caller so it can continue.
            raise self.data
        # Put calling task on waiting queue, and link it to this task for cancellation.
        self.state.push(cur_task)
        cur_task.data = self
        return _Q

    def done(self):
        return not self.state

    def cancel(self):
        # Check if task is already finished.
        if not self.state:
            return False
        # Can't cancel self (not supported yet).
        if self is cur_task:
            raise RuntimeError("can't cancel self")
        # If Task waits on another task then forward the cancel to the one it's waiting on.
        while isinstance(self.data, Task):
            self = self.data
        # A task waiting on a queue (timer, I/O, Event, Lock...) leaves it and runs next:
        # prompt cancellation. A queued task just gets the exception when it runs.
        if hasattr(self.data, "remove"):
            self.data.remove(self)
            _expedite(self)
        self.data = CancelledError
        return True

    def get_name(self):
        global _task_count
        if self._name is None:
            _task_count += 1
            self._name = "Task-%d" % _task_count
        return self._name

    def set_name(self, name):
        self._name = str(name)

    def __repr__(self):
        return "<Task>"  # As the firmware's Task prints


################################################################################
# I/O: created on first use (see _io_queue())

_io = None  # The IOQueue, or None while nothing has waited on I/O


def _io_queue():
    global _io
    if _io is None:
        from .ioq import IOQueue

        _io = IOQueue()
    return _io


################################################################################
# Main run loop


# Ensure the awaitable is a task
def _promote_to_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


# Create and schedule a new task from a coroutine
def create_task(coro, name=None):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro, name)
    _tasks.add(t)
    _schedule(t)
    return t


def all_tasks():
    return set(_tasks)


def _forget(t):
    _tasks.discard(t)
    if not _tasks:
        # Release the table a burst of tasks grew (clearing allocates nothing).
        _tasks.clear()


# Keep scheduling tasks until there are none left to schedule
def run_until_complete(main_task=None):
    global cur_task
    excs_all = (CancelledError, Exception)  # To prevent heap allocation in loop
    excs_stop = (CancelledError, StopIteration)  # To prevent heap allocation in loop
    polled = False  # I/O was polled since the last round-robin step
    while True:
        # Wake the due timers (and low-priority tasks), then poll I/O: at most once between
        # two round-robin steps, so an always-ready device cannot starve the others.
        n = _timers.peek()
        if n is not None and ticks_diff(n.ph_key, ticks()) <= 0:
            _expire_timers()
        if _lp is not None:
            _lp.admit()
        if _io is not None and _io.active and not (polled and _ready):
            _io.wait_io_event(0 if (_ready or _urgent) else _idle_ms())
            polled = True
        # Expedited tasks first (woken by I/O, cancelled, timed out), then round-robin.
        if _urgent:
            t = _urgent.popleft()
            hurried = True
        elif _ready:
            t = _ready.popleft()
            hurried = polled = False
        else:
            if (
                _timers.peek() is None
                and (_io is None or not _io.active)
                and (_lp is None or _lp.empty())
            ):
                # No tasks can be woken
                cur_task = None
                if not main_task or not main_task.state:
                    # no main_task, or main_task is done so finished running
                    return
                # Nothing could wake the scheduler, but it may not exit either: keep
                # running (as the built-in asyncio does) so a debugger can look in.
                _idle(3)
            elif _io is None or not _io.active:
                _idle(_idle_ms())
            continue

        # Run the task: it is responsible for rescheduling itself
        cur_task = t
        try:
            exc = t.data
            if not exc:
                r = t.coro.send(None)
                if r is not _Q:
                    # A 2019-style coroutine (bare yield, yield <ms>, ...)
                    from .legacy import yielded

                    yielded(t, r)
            else:
                # If the task is finished and on the run queue and gets here, then it
                # had an exception and was not await'ed on.  Throwing into it now will
                # raise StopIteration and the code below will catch this and run the
                # call_exception_handler function.
                t.data = None
                t.coro.throw(exc)
        except excs_all as er:
            # Check the task is not on any event queue
            assert t.data is None
            _forget(t)
            if t._node is not None:
                # Its heap node serves the next task that sleeps
                if len(_spare) < _SPARE_NODES:
                    _spare.append(t._node)
                t._node = None
            # If it's the main task, it is considered as awaited by the caller
            awaited = t is main_task
            if awaited:
                cur_task = None
                if not isinstance(er, StopIteration):
                    t.state = False
                    raise er
                if t.state is None:
                    t.state = False
            if t.state:
                # Task was running but is now finished.
                if t.state is True:
                    # "None" indicates that the task is complete and not await'ed on (yet).
                    t.state = False if awaited else None
                elif callable(t.state):
                    # The task has a callback registered to be called on completion.
                    t.state(t, er)
                    t.state = False
                    awaited = True
                else:
                    # Schedule any other tasks waiting on the completion of this task: ahead
                    # of the round-robin if this one ran so (a cancellation or timeout goes
                    # through a chain of awaiting tasks at once).
                    while t.state.peek():
                        w = t.state.pop()
                        if hurried:
                            w.data = None
                            _expedite(w)
                        else:
                            _schedule(w)
                        awaited = True
                    # "False" indicates that the task is complete and has been await'ed on.
                    t.state = False
                if not awaited and not isinstance(er, excs_stop):
                    # An exception ended this detached task, so queue it for later
                    # execution to handle the uncaught exception if no other task retrieves
                    # the exception in the meantime (this is handled by Task.throw).
                    _schedule(t)
                # Save return value of coro to pass up to caller.
                t.data = er
            elif t.state is None:
                # Task is already finished and nothing await'ed on the task,
                # so call the exception handler.

                # Save exception raised by the coro for later use.
                t.data = exc

                # Create exception context and call the exception handler.
                _exc_context["exception"] = exc
                _exc_context["future"] = t
                Loop.call_exception_handler(_exc_context)
            # If it's the main task then the loop should stop
            if t is main_task:
                return er.value


def _expire_timers():
    now = ticks()
    while True:
        n = _timers.peek()
        if n is None or ticks_diff(n.ph_key, now) > 0:
            return
        _timers.pop()
        t = n.data
        if t.data is _Deadline:
            # A timeout: it takes effect at once
            t.data = None
            _expedite(t)
        else:
            # Behind the tasks that became ready before it was due, as in the built-in's heap
            _schedule(t)


def _idle_ms():
    # How long the scheduler may wait for I/O: until the next timer (or low-priority task).
    if _ready or _urgent:
        return 0
    n = _timers.peek()
    dt = -1 if n is None else max(0, ticks_diff(n.ph_key, ticks()))
    if _lp is not None:
        dt = _lp.idle_ms(dt)
    return dt


def _idle(dt):
    if dt > 0:
        _sleep_ms(dt)


# Create a new task from a coroutine and run it until it finishes
def run(coro):
    return run_until_complete(create_task(coro))


################################################################################
# Event loop wrapper


async def _stopper():
    pass


cur_task = None
_stop_task = None
_lp = None  # Low-priority queue (lowprio module), created on first use


class Loop:
    _exc_handler = None

    def create_task(coro, name=None):
        return create_task(coro, name)

    def run_forever():
        global _stop_task
        _stop_task = Task(_stopper())
        run_until_complete(_stop_task)
        # Like the built-in asyncio: returns when stop() is called or no task is left

    def run_until_complete(aw):
        return run_until_complete(_promote_to_task(aw))

    def stop():
        global _stop_task
        if _stop_task is not None:
            _schedule(_stop_task)
            # If stop() is called again, do nothing
            _stop_task = None

    def close():
        pass

    def set_exception_handler(handler):
        Loop._exc_handler = handler

    def get_exception_handler():
        return Loop._exc_handler

    def default_exception_handler(loop, context):
        print(context["message"], file=sys.stderr)
        print("future:", context["future"], "coro=", context["future"].coro, file=sys.stderr)
        sys.print_exception(context["exception"], sys.stderr)

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)

    def io_priority(on=None):
        # True (the default): tasks woken by I/O run before the round-robin tasks.
        global _io_priority
        if on is not None:
            _io_priority = bool(on)
        return _io_priority


_io_priority = True
_got_loop = False


# The 2019 arguments count on the first call only, as in 2019: ioq_len=0 switches I/O priority
# off and >0 leaves it on; runq_len, waitq_len and lp_len are accepted (the queues grow as
# needed, and the low-priority queue is made on first use).
def get_event_loop(runq_len=16, waitq_len=16, ioq_len=None, lp_len=0):
    global _got_loop
    from .legacy import call_soon  # noqa: F401 (loading it adds the 2019 methods to Loop)

    if not _got_loop:
        _got_loop = True
        if ioq_len is not None:
            Loop.io_priority(ioq_len > 0)
    return Loop


def get_running_loop():
    if cur_task is None and not _got_loop:
        raise RuntimeError("Event loop not instantiated")
    from .legacy import call_soon  # noqa: F401 (loading it adds the 2019 methods to Loop)

    return Loop


def current_task():
    if cur_task is None:
        raise RuntimeError("no running event loop")
    return cur_task


def _new_queues():
    global _ready, _urgent, _timers, _tasks, _io, _lp, _io_priority
    _ready = deque((), 16, 1)
    _urgent = deque((), 8, 1)
    _timers = _Heap()
    _tasks = set()
    _io = None
    _lp = None
    _io_priority = True


def new_event_loop():
    global _got_loop
    _got_loop = True
    _new_queues()
    return Loop


# Initialise default event loop
_new_queues()
