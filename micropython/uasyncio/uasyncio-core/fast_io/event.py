# fast_io: Event and ThreadSafeFlag
# MIT license

from . import core


# Event class for primitive events that can be waited on, set, and cleared.
# wait() returns the event itself as a reusable awaitable, so waiting allocates nothing.
class Event:
    def __init__(self):
        self.state = False  # False=unset; True=set
        self.waiting = core.TaskQueue()  # Queue of Tasks waiting on completion of this event

    def is_set(self):
        return self.state

    def set(self):
        # Event becomes set, schedule any tasks waiting on it
        # Note: This must not be called from anything except the thread running
        # the asyncio loop (i.e. neither hard or soft IRQ, or a different thread).
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
        # Event not set, put the calling task on the event's waiting queue
        self.waiting.push(t)
        # Set calling task's data to the event's queue so it can be removed if needed
        t.data = self.waiting
        return core._Q


# MicroPython-extension: This can be set from outside the asyncio event loop,
# such as other threads, IRQs or scheduler context. Implementation is a stream
# that asyncio will poll until a flag is set.
# Note: Unlike Event, this is self-clearing after a wait().
try:
    import io

    class ThreadSafeFlag(io.IOBase):
        def __init__(self):
            self.state = 0

        def ioctl(self, req, flags):
            if req == 3:  # MP_STREAM_POLL
                return self.state * flags
            return -1  # Other requests are unsupported

        def set(self):
            self.state = 1

        def clear(self):
            self.state = 0

        __iter__ = wait = core._self
        send = core._send
        throw = core._throw

        def __next__(self):
            # Called when the wait starts and again when the poller found the flag set.
            if self.state:
                self.state = 0
                core._stop.__traceback__ = None
                raise core._stop
            # The scheduler asks the flag at each pass (see ioq): no 1 ms poll on unix.
            return core._io_queue().queue_read(self)

except ImportError:
    pass
