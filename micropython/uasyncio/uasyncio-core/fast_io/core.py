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
# builtin_order(True) (module order) queues every task round-robin instead: the built-in's order.
# Waits use reusable awaitables, so a task step, a timed wake and an Event, Lock,
# ThreadSafeFlag or stream wait allocate nothing on the heap.

import sys
from collections import deque
from select import poll as _poll

try:
    # The low-power timebase (package uasyncio-lowpower), when the application enabled it
    # (it raises ImportError otherwise). Its ticks wrap at a week, which the firmware's heap
    # does not know of: timers then go on the Python heap, which compares with its ticks_diff.
    from rtc_time import ticks_add, ticks_diff
    from rtc_time import ticks_ms as ticks

    from .task import Heap as _Heap
    from .task import Node as _Node
except ImportError:
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


# Yielded to the scheduler by every fast_io awaitable: "the task is queued already". Any other
# value comes from a 2019-style coroutine (bare yield, yield <ms>, yield False, yield <coro>).
_Q = object()

# A stopped reusable awaitable raises one of these (traceback reset before each raise).
_stop = StopIteration()
_stop_true = StopIteration(True)


################################################################################
# Round-robin ring


def _resized(q, size):
    # A new ring of size slots (at least twice as many as q's tasks) with q's tasks, in order
    new = deque((), max(size, 2 * len(q)), 1)
    while q:
        new.append(q.popleft())
    return new


def _bigger(q, t):
    # The full queue q doubled, then t queued. create_task() keeps room in the rings for every
    # task; this is for one beyond it (an ended task run once more to report its failure).
    new = _resized(q, 0)
    new.append(t)
    return new


def _ring(t):
    # Queue t round-robin, as it is. (Its own function: the try block in _due() would make
    # that frame too big for the C stack, so each call would take it from the heap.)
    global _ready
    try:
        _ready.append(t)
    except IndexError:
        _ready = _bigger(_ready, t)


def _schedule(t):
    # Queue task t round-robin, with nothing pending for it.
    t.data = None
    if _in_order:
        _due(ticks())
    _ring(t)


def _expedite(t):
    # Queue t ahead of the round-robin tasks (I/O readiness, cancellation, timeout); in the
    # built-in's order, behind them like any other task.
    global _urgent
    if _in_order:
        d = t.data
        _schedule(t)
        t.data = d
        return
    try:
        _urgent.append(t)
    except IndexError:
        _urgent = _bigger(_urgent, t)


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


def _due(now):
    # Wake the timers due by now, in wake-time order: a timeout takes effect at once, the others
    # join the ring behind the tasks that became ready before they fell due, as in the
    # built-in's heap. In the built-in's order a task queued during a step calls this first.
    n = _timers.peek()
    while n is not None and ticks_diff(n.ph_key, now) <= 0:
        _timers.pop()
        t = n.data
        if t.data is _Deadline and not _in_order:
            t.data = None
            _expedite(t)
        else:
            t.data = None
            _ring(t)
        n = _timers.peek()


# Put task t to sleep until when: on the timer heap, or on another heap (low priority), with
# data as what it waits on (whose remove() takes it off, for cancel()). The task's heap node
# was made with the task, so a first sleep allocates nothing.
def _sleep_until(t, when, data=_Sleeping, heap=None):
    n = t._node
    if heap is None:
        heap = _timers
    heap.push(n, when)
    n.data = t  # the node's data is its task (set after each push, which clears it)
    t.data = data


# Methods shared by the reusable awaitables (sleep, Event, Lock, ThreadSafeFlag, readinto)


def _self(self):
    return self


def _send(self, _):
    # So that the awaitable can also run as a task (create_task, gather, wait_for)
    return self.__next__()


def _throw(self, er):
    raise er


# The awaitable of sleep_ms(): one shared instance, so sleeping allocates nothing. The first
# step queues the task (round-robin, or on the timer heap); the next one ends the await.
class _Pause:
    __iter__ = _self

    def __init__(self):
        self.wake = None  # ticks_ms() to wake at, True for "next turn", None when idle

    def __next__(self):
        global _ready
        s = self.wake
        if s is True:
            self.wake = None
            if _in_order:
                _due(ticks())
            try:
                _ready.append(cur_task)
            except IndexError:
                _ready = _bigger(_ready, cur_task)
            return _Q
        if s is not None:
            self.wake = None
            # _sleep_until(cur_task, s) inlined: the step of every timed sleep (with no more
            # locals: the frame must fit the C stack, or each call would take it from the heap)
            _timers.push(cur_task._node, s)
            cur_task._node.data = cur_task
            cur_task.data = _Sleeping
            return _Q
        _stop.__traceback__ = None
        raise _stop


# t <= 0 only yields the turn: the task goes to the back of the round-robin ring.
# A sleep made and never awaited (a missing "await") is overwritten by the next, as on the
# built-in.
def sleep_ms(t, one=_Pause()):  # noqa: B008 (one shared instance)
    one.wake = ticks_add(ticks(), t) if t > 0 else True
    return one


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
# Heap nodes of finished tasks, for the next tasks made: a chain through their data (a list
# that shrinks on pop() would allocate, which fails with the heap locked)
_spare = None
_n_spare = 0
_SPARE_NODES = const(16)


def _new_node():
    global _spare, _n_spare
    n = _spare
    if n is None:
        return _Node(None)
    _spare = n.data
    _n_spare -= 1
    return n


# A coroutine run by the scheduler; awaiting it gives its result, cancel() stops it.
class Task:
    _name = None  # Name, given or made by the first get_name(): kept in the class until then

    def __init__(self, coro, name=None):
        self.coro = coro
        self.data = None  # What it waits on (a queue), or the exception to throw into it
        self.state = True  # None, False, True, a callable, or a TaskQueue of waiting tasks
        # Set here, so that the task's first sleep or wait allocates nothing: its timer heap
        # node (made now, or one of a finished task), and its link in a TaskQueue (an
        # attribute set later could grow the instance's table).
        self._node = _new_node()
        self._next = None
        if name is not None:
            self._name = name

    def __iter__(self):
        st = self.state
        if st is True:
            self.state = TaskQueue()  # the first awaiter: make the queue of waiters
        elif not st:
            self.state = False  # already ended: its outcome is now claimed
        elif type(st) is not TaskQueue:
            raise RuntimeError("can't wait")  # a done-callback holds the slot
        return self

    def __next__(self):
        if self.state:
            # Still running: wait in its queue; data links back, so cancel() can follow.
            self.state.push(cur_task)
            cur_task.data = self
            return _Q
        raise self.data  # ended: StopIteration(result) or its exception

    def done(self):
        return not self.state

    def cancel(self):
        if not self.state:
            return False  # ended already
        if self is cur_task:
            raise RuntimeError("can't cancel self")
        # The exception goes to the innermost awaited task: it unwinds the chain of awaiters.
        while isinstance(self.data, Task):
            self = self.data
        # A task waiting on a queue (timer, I/O, Event, Lock...) leaves it and runs next:
        # prompt cancellation (in the built-in's order, after the ready tasks). A queued task
        # just gets the exception when it runs.
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


def _io_queue():
    global _io
    if _io is None:
        from .ioq import IOQueue

        _io = IOQueue()
    return _io


################################################################################
# Scheduler


def _as_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def create_task(coro, name=None):
    global _ready, _urgent, _room
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro, name)
    _tasks.add(t)
    if len(_tasks) > _room:
        # Room in both rings for every task, made with the task (which allocates anyway): then
        # waking many tasks at once grows no ring, which would fail with the heap locked.
        _room *= 2
        _ready = _resized(_ready, _room)
        _urgent = _resized(_urgent, _room)
    _schedule(t)
    return t


def all_tasks():
    return set(_tasks)


# Runs tasks until main_task (a task, or an awaitable run as one) ends, returning its result;
# with no main_task, until nothing is left to run or to wake.
def run_until_complete(main_task=None):
    global cur_task, _spare, _n_spare
    if main_task is not None:
        main_task = _as_task(main_task)
    # Built once here: a tuple written in an except clause would be allocated at every step.
    ends = (CancelledError, Exception)
    unreported = (CancelledError, StopIteration)  # endings that are never "not retrieved"
    polled = False  # I/O was polled since the last round-robin step
    # Constants read at every pass, as locals: a global is a dict lookup at each use
    now_ms, diff, due, queued = ticks, ticks_diff, _due, _Q
    while True:
        # Wake the due timers (and low-priority tasks), then poll I/O: at most once between
        # two round-robin steps, so an always-ready device cannot starve the others.
        # (_due()'s own test first: the call is made only when a timer is due)
        n = _timers.peek()
        if n is not None:
            now = now_ms()
            dt = diff(n.ph_key, now)
            if dt <= 0:
                due(now)
        if _lp is not None:
            _lp.admit()
        # Expedited tasks pending after a poll run before the next one: a poll finds nothing
        # new that would run ahead of them.
        io = _io is not None and _io.active
        if io:
            if not polled:
                _io.wait_io_event(0 if (_ready or _urgent) else _idle_ms())
                polled = True
            elif not (_ready or _urgent):
                _io.wait_io_event(_idle_ms())
        # Expedited tasks first (woken by I/O, cancelled, timed out), then round-robin.
        if _urgent:
            t = _urgent.popleft()
            hurried = True
        elif _ready:
            t = _ready.popleft()
            hurried = polled = False
        else:
            if not io:
                # Nothing to run, and no stream to poll (that poll would have waited)
                if n is not None and _lp is None:
                    # Every task asleep: block until the first timer, which was not due above
                    # (else it would be queued now), so dt > 0. The usual idle path, kept short.
                    _idle_wait(dt)
                elif n is None and (_lp is None or _lp.heap.peek() is None):
                    # Nothing queued, sleeping or waiting on I/O
                    cur_task = None
                    if not main_task or not main_task.state:
                        return  # main_task (if any) has ended
                    # Nothing could wake the scheduler, but it may not exit either: keep
                    # running (as the built-in asyncio does) so a debugger can look in.
                    _idle_wait(3)
                else:
                    dt = _idle_ms()
                    if dt > 0:
                        _idle_wait(dt)
            continue

        # One step; whatever the task awaits next queues it again
        cur_task = t
        try:
            exc = t.data
            if not exc:
                r = t.coro.send(None)
                if r is not queued:
                    # A 2019-style coroutine (bare yield, yield <ms>, ...)
                    from .legacy import yielded

                    yielded(t, r)
            else:
                # An exception to deliver; or the second visit of a detached task that failed
                # (see below): its ended coroutine raises StopIteration and, if nobody claimed
                # the exception meanwhile, the handler reports it.
                t.data = None
                t.coro.throw(exc)
        except ends as er:
            assert t.data is None  # an ended task is on no queue
            _tasks.discard(t)
            if not _tasks:
                # Release the table a burst of tasks grew (clearing allocates nothing).
                _tasks.clear()
            n = t._node
            if n is not None:
                # Its heap node serves the next task made
                t._node = None
                if _n_spare < _SPARE_NODES:
                    n.data = _spare
                    _spare = n
                    _n_spare += 1
            # Task states: True running, a TaskQueue of awaiters, or a done-callback; after the
            # end None (outcome unclaimed) or False (claimed).
            st = t.state
            main = t is main_task
            if main:
                # The caller of run_until_complete() claims the main task's outcome.
                cur_task = None
                if not isinstance(er, StopIteration):
                    t.state = False
                    raise er
                if st is None:
                    st = t.state = False
            if st is None:
                # The second visit of a failed task that nobody claimed: report it.
                t.data = exc
                _report["exception"] = exc
                _report["future"] = t
                Loop.call_exception_handler(_report)
            elif st:
                claimed = main
                if st is True:
                    t.state = False if main else None
                elif callable(st):
                    st(t, er)
                    t.state = False
                    claimed = True
                else:
                    # Wake the awaiters: if this task ran ahead of the round-robin, they do too,
                    # so a cancellation or timeout unwinds a whole chain of awaits at once.
                    while st.peek():
                        w = st.pop()
                        if hurried:
                            w.data = None
                            _expedite(w)
                        else:
                            _schedule(w)
                        claimed = True
                    t.state = False
                if not claimed and not isinstance(er, unreported):
                    # Failed with no awaiter: run it once more later, to report the exception
                    # unless someone awaits the task before then.
                    _schedule(t)
                t.data = er  # what awaiting the task returns or raises
            if main:
                return er.value


# Every task sleeps and no stream is waited on: block in the kernel until the next timer with
# one poll of nothing, as the firmware's loop idles (on unix, time.sleep_ms() would wake every
# 0.5 ms). The poller is made at import and its result tuple by a first ipoll, so idling
# allocates nothing.
_idle_poller = _poll()
_idle_poller.ipoll(0)


def _idle_wait(dt):
    for _ in _idle_poller.ipoll(dt):
        pass


def _idle_ms():
    # How long the scheduler may wait for I/O: until the next timer (or low-priority task).
    if _ready or _urgent:
        return 0
    n = _timers.peek()
    dt = -1 if n is None else max(0, ticks_diff(n.ph_key, ticks()))
    if _lp is not None:
        dt = _lp.idle_ms(dt)
    return dt


def run(coro):
    return run_until_complete(create_task(coro))


################################################################################
# Loop: the asyncio loop object, one per program (its methods take no self). The functions
# that hand it to the program (get_event_loop, get_running_loop, new_event_loop) load the
# legacy module, which adds the rest of its methods: a program that only uses asyncio.run()
# does not pay for them.


cur_task = None

# The context of a failed task nobody awaits, made once (as on the built-in): it is reported
# with the heap locked too (a dict made then would end the loop with MemoryError).
_report = {"message": "Task exception wasn't retrieved", "exception": None, "future": None}


class Loop:
    _exc_handler = None

    # The module's own functions, where they take the same arguments
    create_task = create_task
    run_until_complete = run_until_complete

    def default_exception_handler(loop, context):
        print(context["message"], file=sys.stderr)
        print("future:", context["future"], "coro=", context["future"].coro, file=sys.stderr)
        sys.print_exception(context["exception"], sys.stderr)

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)


# The 2019 arguments count on the first call only, as in 2019: ioq_len=0 switches I/O priority
# off and >0 leaves it on; runq_len, waitq_len and lp_len are accepted (the queues grow as
# needed, and the low-priority queue is made on first use).
def get_event_loop(runq_len=16, waitq_len=16, ioq_len=None, lp_len=0):
    global _got_loop, _io_priority
    from .legacy import call_soon  # noqa: F401 (loading it adds the methods to Loop)

    if not _got_loop:
        _got_loop = True
        if ioq_len is not None:
            _io_priority = ioq_len > 0
    return Loop


def get_running_loop():
    if cur_task is None and not _got_loop:
        raise RuntimeError("Event loop not instantiated")
    from .legacy import call_soon  # noqa: F401 (loading it adds the methods to Loop)

    return Loop


def current_task():
    if cur_task is None:
        raise RuntimeError("no running event loop")
    return cur_task


def _new_queues():
    global _ready, _urgent, _room, _timers, _tasks, _io, _lp, _io_priority
    _room = 8  # Slots in each ring, kept above the number of tasks by create_task()
    _ready = deque((), _room, 1)
    _urgent = deque((), _room, 1)
    _timers = _Heap()
    _tasks = set()
    _io = None  # The IOQueue, made when a task first waits on I/O (see _io_queue())
    _lp = None  # The low-priority queue (lowprio module), made on first use
    _io_priority = True


def new_event_loop():
    _new_queues()
    return get_event_loop()


# The queues of the default loop, which the program has not asked for yet
_new_queues()
_got_loop = False
_in_order = False  # The built-in's order (order.builtin_order()), for every loop
