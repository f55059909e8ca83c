# fast_io: Lock
# MIT license

from . import core


# acquire() returns the lock itself as a reusable awaitable, so waiting allocates nothing.
class Lock:
    def __init__(self):
        # 0 free, 1 held, or the Task release() handed it to (until that task runs)
        self.state = 0
        self.waiting = core.TaskQueue()

    def locked(self):
        return self.state == 1

    def release(self):
        if self.state != 1:
            raise RuntimeError("Lock not acquired")
        nxt = self.waiting.pop() if self.waiting.peek() else 0
        self.state = nxt  # handed over in FIFO order, or free
        if nxt:
            core._schedule(nxt)

    __iter__ = acquire = core._self
    send = core._send

    def __next__(self):
        t = core.cur_task
        if self.state == 0 or self.state is t:
            # Lock available (or handed over to this task by release): take it
            self.state = 1
            core._stop_true.__traceback__ = None
            raise core._stop_true
        self.waiting.push(t)
        t.data = self.waiting  # cancel() takes the task off this queue
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
