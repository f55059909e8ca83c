# asyn: synchronisation primitives and named, cancellable tasks for asyncio.
#
# Runs on MicroPython's built-in asyncio, on fast_io (call fast_io.install() before importing
# this module) and on CPython 3.10+. Waiting is event driven: no primitive polls.
import asyncio
import sys

try:
    from micropython import const
except ImportError:
    const = lambda x: x  # noqa: E731

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
_CYCLE_MASK = const(0xFFFFF)  # Barrier cycle numbers stay small ints


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


class Lock(asyncio.Lock):
    """The loop's Lock with the 2019 interface: ``delay_ms`` is accepted and not needed
    (waiters are woken, not polling), ``async with`` yields the lock."""

    def __init__(self, delay_ms=0):
        super().__init__()

    def release(self):
        if not self.locked():
            raise RuntimeError("Attempt to release a lock which has not been set")
        super().release()

    async def __aenter__(self):
        await self.acquire()
        return self

    async def __aexit__(self, *exc):
        self.release()
        await asyncio.sleep(0)  # let a waiter take it before this task can re-acquire


class Event(asyncio.Event):
    """The loop's Event carrying a value: ``set(data)``, ``value()``, ``await event``.

    Not cleared automatically. ``set()`` is not safe in an interrupt handler: use Message.
    """

    def __init__(self, delay_ms=0):
        super().__init__()
        self._data = None

    def set(self, data=None):
        self._data = data
        super().set()

    def clear(self):
        self._data = None
        super().clear()

    def value(self):
        return self._data

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__


class Message:
    """An Event carrying a value whose ``set(data)`` is safe in an interrupt handler.

    ``await msg`` (or ``await msg.wait()``) returns the data. Like Event, it stays set until
    ``clear()``. Any number of tasks may wait: one waits on the interrupt-safe flag and wakes
    the others through an Event.
    """

    def __init__(self):
        self._flag = _Flag()
        self._wake = asyncio.Event()
        self._data = None
        self._is_set = False
        self._relay = False  # a task is waiting on the flag for all the others

    def set(self, data=None):
        # Assignments and ThreadSafeFlag.set() only: safe in a hard interrupt handler.
        self._data = data
        self._is_set = True
        self._flag.set()

    def clear(self):
        self._is_set = False
        self._data = None
        self._flag.clear()

    def is_set(self):
        return self._is_set

    def value(self):
        return self._data

    async def wait(self):
        while not self._is_set:
            if self._relay:
                await self._wake.wait()
            else:
                self._relay = True
                try:
                    await self._flag.wait()
                finally:
                    self._relay = False
                    _pulse(self._wake)  # with the message, or for another waiter to relay
        return self._data

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__


if hasattr(asyncio, "ThreadSafeFlag"):
    _Flag = asyncio.ThreadSafeFlag
else:

    class _Flag(asyncio.Event):
        # CPython: no interrupts. From another thread, use loop.call_soon_threadsafe(msg.set).
        async def wait(self):
            await super().wait()
            self.clear()


class Barrier:
    """Rendezvous of ``participants`` passes; the last one runs ``launch(func, args)`` before
    the others resume. Pass with ``await barrier`` (wait for the others) or ``trigger()``
    (do not wait). Reusable."""

    def __init__(self, participants, func=None, args=()):
        if participants < 1:
            raise ValueError("Barrier needs at least one participant")
        self._participants = participants
        self._func = func
        self._args = args
        self._count = 0  # passes counted in this cycle
        self._cycle = 0
        self._done = asyncio.Event()

    def busy(self):
        return self._count > 0

    def trigger(self):
        self._count += 1
        if self._count == self._participants:
            self._count = 0
            self._cycle = (self._cycle + 1) & _CYCLE_MASK
            if self._func is not None:
                launch(self._func, self._args)
            _pulse(self._done)

    async def wait(self):
        cycle = self._cycle
        self.trigger()
        while cycle == self._cycle:
            try:
                await self._done.wait()
            except asyncio.CancelledError:
                if cycle == self._cycle:
                    self._count -= 1  # cancelled before the rendezvous: this task did not pass
                raise

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__


class Semaphore:
    """A counter that ``acquire()`` waits on while zero; any task may ``release()``."""

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("Semaphore value must be >= 0")
        self._count = value
        self._released = asyncio.Event()

    def locked(self):
        return self._count == 0

    async def acquire(self):
        while not self._count:
            await self._released.wait()
        self._count -= 1
        return True

    def release(self):
        self._count += 1
        _pulse(self._released)

    async def __aenter__(self):
        await self.acquire()
        return self

    async def __aexit__(self, *exc):
        self.release()
        await asyncio.sleep(0)


class BoundedSemaphore(Semaphore):
    """A Semaphore whose ``release()`` raises ValueError beyond its initial value."""

    def __init__(self, value=1):
        super().__init__(value)
        self._initial = value

    def release(self):
        if self._count >= self._initial:
            raise ValueError("Semaphore released more than acquired")
        super().release()


class Condition:
    """Wait for a notification while holding ``lock`` (an asyn Lock by default).

    ``with await cond:`` and ``async with cond:`` both hold the lock. Waiters are woken
    oldest first.
    """

    def __init__(self, lock=None):
        self.lock = lock or Lock()
        self._waiters = []  # one Event per waiting task, oldest first

    def locked(self):
        return self.lock.locked()

    async def acquire(self):
        await self.lock.acquire()
        return True

    def release(self):
        self.lock.release()

    async def _acquire_self(self):
        await self.lock.acquire()
        return self

    def __await__(self):
        return _awaitable(self._acquire_self())

    __iter__ = __await__

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lock.release()

    __aenter__ = _acquire_self

    async def __aexit__(self, *exc):
        self.lock.release()

    def notify(self, n=1):
        if not self.lock.locked():
            raise RuntimeError("Condition notify with lock not acquired.")
        for _ in range(min(n, len(self._waiters))):
            self._waiters.pop(0).set()

    def notify_all(self):
        self.notify(len(self._waiters))

    async def wait(self):
        if not self.lock.locked():
            raise RuntimeError("Condition wait with lock not acquired.")
        woken = asyncio.Event()
        self._waiters.append(woken)
        self.lock.release()
        try:
            await woken.wait()
        except asyncio.CancelledError:  # cancelled or timed out
            if woken.is_set():
                woken = None  # notified as well: hand the notification on below
            else:
                self._waiters.remove(woken)
            raise
        finally:
            await self.lock.acquire()
            if woken is None:
                self.notify()
        return True

    async def wait_for(self, predicate):
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result


class Gatherable:
    """A coroutine function with its arguments, for Gather. A ``timeout`` keyword (seconds)
    bounds that coroutine alone: when it expires the coroutine is cancelled; it may catch
    CancelledError and return a value."""

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
        # The member sees CancelledError; if it lets it through, the Gather raises this.
        await asyncio.sleep(timeout)
        self._errors[index] = asyncio.TimeoutError()
        task.cancel()

    async def wait(self):
        await self._done.wait()
        if self._errors:
            raise self._errors[min(self._errors)]
        return self._results

    def __await__(self):
        return _awaitable(self.wait())

    __iter__ = __await__


async def sleep(t, granularity=100):
    """Sleep ``t`` seconds. Cancellation is prompt on today's loops, so ``granularity`` (ms)
    is only checked, for compatibility."""
    if granularity <= 0:
        raise ValueError("sleep granularity must be > 0")
    await asyncio.sleep(t)


class TaskId:
    """The hidden first argument Cancellable passes to a @cancellable coroutine function."""

    def __init__(self, n):
        self._n = n

    def __call__(self):
        return self._n


# A Cancellable registry entry: [group, Task or None until it runs, cancel requested, owner]
_GROUP = const(0)
_TASK = const(1)
_CANCEL = const(2)
_OWNER = const(3)


def cancellable(f):
    """Decorate a coroutine function run by Cancellable or NamedTask (also a bound method)."""

    async def run(*args, **kwargs):
        if args and isinstance(args[0], TaskId):
            task_id = args[0]
            args = args[1:]
        elif len(args) > 1 and isinstance(args[1], TaskId):  # bound method: (self, id, ...)
            task_id = args[1]
            args = (args[0],) + args[2:]
        else:
            raise TypeError("a @cancellable function must be run by Cancellable or NamedTask")
        entry = Cancellable.tasks[task_id()]
        entry[_TASK] = asyncio.current_task()
        try:
            if entry[_CANCEL]:
                raise StopTask  # cancelled before it first ran
            return await f(*args, **kwargs)
        finally:
            Cancellable._stopped(task_id())

    return run


namedtask = cancellable


class Cancellable:
    """A @cancellable coroutine in a group that ``cancel_all(group)`` cancels.

    ``asyncio.create_task(Cancellable(f, x)())`` runs it as a task; ``await Cancellable(f, x)``
    runs it in the awaiting task (which a cancel then cancels).
    """

    task_no = 0
    tasks = {}  # task number: registry entry
    _watchers = []  # an Event per waiting cancel_all(), pulsed whenever a task ends

    def __init__(self, gf, *args, group=0, **kwargs):
        task_no = Cancellable.task_no
        Cancellable.task_no += 1
        self.task_no = task_no
        self._coro = gf(TaskId(task_no), *args, **kwargs)
        Cancellable.tasks[task_no] = [group, None, False, self]

    def __call__(self):
        return self._coro

    def __await__(self):
        return _awaitable(self._coro)

    __iter__ = __await__

    @classmethod
    async def cancel_all(cls, group=0, nowait=False):
        """Cancel every live task of ``group``; unless ``nowait``, wait until all have ended."""
        numbers = [n for n, entry in cls.tasks.items() if entry[_GROUP] == group]
        for n in numbers:
            entry = cls.tasks[n]
            entry[_CANCEL] = True
            task = entry[_TASK]
            if task is not None and not task.done():
                task.cancel()  # a second cancel of the same task is harmless
        if nowait:
            return
        ended = asyncio.Event()
        cls._watchers.append(ended)
        try:
            while any(n in cls.tasks for n in numbers):
                await ended.wait()
        finally:
            cls._watchers.remove(ended)

    @classmethod
    def _is_running(cls, group=0):
        return any(entry[_GROUP] == group for entry in cls.tasks.values())

    @classmethod
    def _stopped(cls, task_no):
        entry = cls.tasks.pop(task_no)
        entry[_OWNER]._ended_hook()
        for ended in cls._watchers:
            _pulse(ended)

    def _ended_hook(self):
        pass


class NamedTask(Cancellable):
    """A Cancellable known by name (a group of one). ``barrier`` is triggered when it ends."""

    instances = {}  # name: NamedTask, while its task has not ended
    _used = set()  # names whose tasks have ended

    def __init__(self, name, gf, *args, barrier=None, **kwargs):
        if name in NamedTask.instances:
            raise ValueError('Task name "{}" already exists.'.format(name))
        super().__init__(gf, *args, group=name, **kwargs)
        self.name = name
        self.barrier = barrier
        NamedTask.instances[name] = self

    def _ended_hook(self):
        del NamedTask.instances[self.name]
        NamedTask._used.add(self.name)
        if self.barrier is not None:
            self.barrier.trigger()

    @classmethod
    def is_running(cls, name):
        return name in cls.instances

    @classmethod
    async def cancel(cls, name, nowait=True):
        """True if ``name`` was live and is cancelled, False if it had already ended.
        Raises ValueError for a name never used."""
        if name in cls.instances:
            await Cancellable.cancel_all(name, nowait)
            return True
        if name in cls._used:
            return False
        raise ValueError('No task named "{}".'.format(name))


class RingbufQueue:
    """A FIFO in a pre-allocated buffer (``buf``: a size, or a list or array to use).

    ``put_nowait`` on a full queue overwrites the oldest item and raises IndexError;
    ``get_nowait`` on an empty one raises IndexError. ``put``/``get`` wait instead.
    ``async for item in q`` reads forever.
    """

    def __init__(self, buf):
        self._buf = [None] * buf if isinstance(buf, int) else buf
        self._size = len(self._buf)
        if not self._size:
            raise ValueError("RingbufQueue needs a buffer of at least one item")
        self._head = 0  # index of the oldest item
        self._len = 0
        self._put = asyncio.Event()  # pulsed by each put
        self._got = asyncio.Event()  # pulsed by each get

    def qsize(self):
        return self._len

    def empty(self):
        return not self._len

    def full(self):
        return self._len == self._size

    def put_nowait(self, v):
        self._buf[(self._head + self._len) % self._size] = v
        if self._len == self._size:
            self._head = (self._head + 1) % self._size
            _pulse(self._put)
            raise IndexError("RingbufQueue full: oldest item overwritten")
        self._len += 1
        _pulse(self._put)

    def peek(self):
        if not self._len:
            raise IndexError("RingbufQueue empty")
        return self._buf[self._head]

    def get_nowait(self):
        v = self.peek()
        self._head = (self._head + 1) % self._size
        self._len -= 1
        _pulse(self._got)
        return v

    async def put(self, v):
        while self._len == self._size:
            await self._got.wait()
        self.put_nowait(v)

    async def get(self):
        while not self._len:
            await self._put.wait()
        return self.get_nowait()

    def __aiter__(self):
        return self

    __anext__ = get
