# fast_io: Event and ThreadSafeFlag
# MIT license

from . import core


# wait() returns the event itself as a reusable awaitable, so waiting allocates nothing.
class Event:
    def __init__(self):
        self.state = False
        self.waiting = core.TaskQueue()

    def is_set(self):
        return self.state

    def set(self):
        # Only from the loop's own thread: an IRQ or another thread uses ThreadSafeFlag.
        while self.waiting.peek():
            t = self.waiting.pop()
            core._schedule(t)
            t.data = False  # Tells wait() it was woken, even if the event is cleared since
        self.state = True

    def clear(self):
        self.state = False

    __iter__ = wait = core._self
    send = core._send
    throw = core._throw

    def __next__(self):
        t = core.cur_task
        # data False: set() woke this task (the event may have been cleared since)
        if t.data is False or self.state:
            t.data = None
            core._stop_true.__traceback__ = None
            raise core._stop_true
        self.waiting.push(t)
        t.data = self.waiting  # cancel() takes the task off this queue
        return core._Q


_POLL = const(3)  # The stream ioctl request "which of these events are ready?"


# set() may come from an IRQ or another thread: the loop polls the flag as a stream, so no
# scheduler state is touched outside the loop. A completed wait() clears it.
try:
    import io

    class ThreadSafeFlag(io.IOBase):
        def __init__(self):
            self.state = 0
            self.woken = False  # the poller found it set: the wait ends at the next step

        def ioctl(self, req, flags):
            if req == _POLL:
                return self.state * flags
            return -1

        def set(self):
            self.state = 1

        def clear(self):
            self.state = 0

        __iter__ = wait = core._self
        send = core._send

        def __next__(self):
            # Called when the wait starts and again when the poller found the flag set: then
            # the wait ends even if the flag was cleared in between, as on the built-in.
            if self.state or self.woken:
                self.state = 0
                self.woken = False
                core._stop.__traceback__ = None
                raise core._stop
            self.woken = True
            # The scheduler asks the flag at each pass (see ioq): no 1 ms poll on unix.
            return core._io_queue().queue_read(self)

        def throw(self, er):
            self.woken = False  # cancelled while waiting
            raise er

except ImportError:
    pass
