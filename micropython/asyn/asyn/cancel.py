# asyn: named and grouped cancellable tasks
import asyncio

from . import StopTask, _awaitable, _pulse

try:
    from micropython import const
except ImportError:
    const = lambda x: x  # noqa: E731


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
        """Cancel every live task of ``group``; unless ``nowait``, wait until all have ended.
        Called by a member of the group, it ends that member last, with StopTask."""
        me = asyncio.current_task()
        numbers = []
        in_group = False
        for n, entry in cls.tasks.items():
            if entry[_GROUP] == group:
                entry[_CANCEL] = True
                task = entry[_TASK]
                if task is me:
                    in_group = True
                    continue
                numbers.append(n)
                if task is not None and not task.done():
                    task.cancel()  # a second cancel of the same task is harmless
        if not nowait:
            ended = asyncio.Event()
            cls._watchers.append(ended)
            try:
                while any(n in cls.tasks for n in numbers):
                    await ended.wait()
            finally:
                cls._watchers.remove(ended)
        if in_group:
            raise StopTask

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

    def __init__(self, name, gf, *args, barrier=None, **kwargs):
        if name in NamedTask.instances:
            raise ValueError('Task name "{}" already exists.'.format(name))
        super().__init__(gf, *args, group=name, **kwargs)
        self.name = name
        self.barrier = barrier
        NamedTask.instances[name] = self

    def _ended_hook(self):
        del NamedTask.instances[self.name]
        if self.barrier is not None:
            self.barrier.trigger()

    @classmethod
    def is_running(cls, name):
        return name in cls.instances

    @classmethod
    async def cancel(cls, name, nowait=True):
        """True if ``name`` was live and is cancelled; False if its task has ended or was never
        made (2019: "there is no need to check if the task is still running")."""
        if name in cls.instances:
            await Cancellable.cancel_all(name, nowait)
            return True
        return False
