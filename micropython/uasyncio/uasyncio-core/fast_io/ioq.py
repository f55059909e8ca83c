# fast_io: the poller for stream I/O and ThreadSafeFlag
# MIT license

import select

from . import core

_POLLIN = const(1)
_POLLPRI = const(2)
_POLLOUT = const(4)
_POLLERR = const(8)
_POLLHUP = const(16)


class IOQueue:
    def __init__(self):
        self.poller = select.poll()
        # Maps id(stream) to [task_waiting_read, task_waiting_pri, task_waiting_write, stream].
        # Separate slots and an additive mask: one task may read while another writes.
        self.map = {}
        self.active = 0  # Number of streams registered with the poller

    @staticmethod
    def _ev_mask(sm):
        mask = 0
        if sm[0] is not None:
            mask |= _POLLIN
        if sm[1] is not None:
            mask |= _POLLPRI
        if sm[2] is not None:
            mask |= _POLLOUT
        return mask

    def _enqueue(self, s, idx):
        t = core.cur_task
        sm = self.map.get(id(s))
        if sm is None:
            sm = [None, None, None, s]
            sm[idx] = t
            self.map[id(s)] = sm
            self.poller.register(s, self._ev_mask(sm))
            self.active += 1
        else:
            assert sm[idx] is None
            sm[idx] = t
            self.poller.modify(s, self._ev_mask(sm))
        # Link task to this IOQueue so it can be removed if needed
        t.data = self
        return core._Q

    def _dequeue(self, s):
        del self.map[id(s)]
        self.poller.unregister(s)
        self.active -= 1

    def queue_read(self, s):
        return self._enqueue(s, 0)

    def queue_pri(self, s):
        return self._enqueue(s, 1)

    def queue_write(self, s):
        return self._enqueue(s, 2)

    def remove(self, task):
        # Take the task off its stream; a task using the same stream the other way stays.
        for k in self.map:  # Iterate without allocating on the heap
            sm = self.map[k]
            for i in range(3):
                if sm[i] is task:
                    sm[i] = None
                    if sm[0] is None and sm[1] is None and sm[2] is None:
                        self._dequeue(sm[3])
                    else:
                        self.poller.modify(sm[3], self._ev_mask(sm))
                    return

    def _wake(self, t):
        t.data = None
        if core._io_priority:
            core._expedite(t)
        else:
            core._schedule(t)

    def wait_io_event(self, dt):
        for s, ev in self.poller.ipoll(dt):
            sm = self.map[id(s)]
            # An error or hang-up wakes every waiter, so none of them waits forever.
            if ev & (_POLLIN | _POLLERR | _POLLHUP) and sm[0] is not None:
                self._wake(sm[0])
                sm[0] = None
            if ev & (_POLLPRI | _POLLERR | _POLLHUP) and sm[1] is not None:
                self._wake(sm[1])
                sm[1] = None
            if ev & (_POLLOUT | _POLLERR | _POLLHUP) and sm[2] is not None:
                self._wake(sm[2])
                sm[2] = None
            if sm[0] is None and sm[1] is None and sm[2] is None:
                self._dequeue(s)
            else:
                self.poller.modify(s, self._ev_mask(sm))
