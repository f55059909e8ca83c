# fast_io: Lock
# MIT license

from . import core


# Lock class for primitive mutex capability.
# acquire() returns the lock itself as a reusable awaitable, so waiting allocates nothing.
class Lock:
    def __init__(self):
        # The state can take the following values:
        # - 0: unlocked
        # - 1: locked
        # - <Task>: unlocked but this task has been scheduled to acquire the lock next
        self.state = 0
        # Queue of Tasks waiting to acquire this Lock
        self.waiting = core.TaskQueue()

    def locked(self):
        return self.state == 1

    def release(self):
        if self.state != 1:
            raise RuntimeError("Lock not acquired")
        if self.waiting.peek():
            # Task(s) waiting on lock, schedule next Task
            self.state = self.waiting.pop()
            core._schedule(self.state)
        else:
            # No Task waiting so unlock
            self.state = 0

    __iter__ = acquire = core._self
    send = core._send

    def __next__(self):
        t = core.cur_task
        if self.state == 0 or self.state is t:
            # Lock available (or handed over to this task by release): take it
            self.state = 1
            core._stop_true.__traceback__ = None
            raise core._stop_true
        # Lock unavailable, put the calling Task on the waiting queue
        self.waiting.push(t)
        # Set calling task's data to the lock's queue so it can be removed if needed
        t.data = self.waiting
        return core._Q

    def throw(self, er):
        # Cancelled while waiting: if the lock was already handed over, pass it on.
        if self.state is core.cur_task:
            self.state = 1
            self.release()
        raise er

    async def __aenter__(self):
        return await self

    async def __aexit__(self, exc_type, exc, tb):
        return self.release()
