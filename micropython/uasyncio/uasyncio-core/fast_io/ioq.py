# fast_io: the poller for stream I/O, and the waits on ThreadSafeFlag
# MIT license
#
# Nothing here allocates once a stream or flag has been waited on before: map entries are
# recycled, a stream with a file descriptor stays registered with the poller between waits
# (with an empty mask), and a ThreadSafeFlag is checked by the scheduler at each pass instead
# of being polled. Objects without a file descriptor leave the poller when nobody waits on
# them, because on the unix port any such object makes every poll take at least 1 ms.

import select

from . import core

_POLLIN = const(1)
_POLLPRI = const(2)
_POLLOUT = const(4)
_POLLERR = const(8)
_POLLHUP = const(16)
_SPARE_FLAGS = const(8)  # Registered flags nobody waits on, kept for the next idle wait


class IOQueue:
    def __init__(self):
        self.poller = select.poll()
        # Maps id(stream) to [task_waiting_read, task_waiting_pri, task_waiting_write, stream].
        # Separate slots and an additive mask: one task may read while another writes.
        self.map = {}
        self.spare = []  # Recycled map entries
        self.waiting = 0  # Streams with a waiting task
        self.flags = []  # ThreadSafeFlags with a waiting task
        self.active = 0  # Streams and flags with a waiting task: the scheduler polls if > 0
        self.flag_poller = None  # Made on the first idle wait on a flag
        self.flag_regs = []  # Flags registered with flag_poller

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
            sm = self.spare.pop() if self.spare else [None, None, None, None]
            sm[3] = s
            sm[idx] = t
            self.map[id(s)] = sm
            self.poller.register(s, self._ev_mask(sm))
            self.waiting += 1
            self.active += 1
        else:
            assert sm[idx] is None
            if sm[0] is None and sm[1] is None and sm[2] is None:
                # Registered, idle since its last wait
                self.waiting += 1
                self.active += 1
            sm[idx] = t
            self.poller.modify(s, self._ev_mask(sm))
        # Link task to this IOQueue so it can be removed if needed
        t.data = self
        return core._Q

    def _idle(self, sm):
        # Nobody waits on this stream any more.
        self.waiting -= 1
        self.active -= 1
        s = sm[3]
        if hasattr(s, "fileno"):
            # A file descriptor costs nothing to poll: stay registered, with nothing asked.
            self.poller.modify(s, 0)
        else:
            self._dequeue(s)

    def _dequeue(self, s):
        sm = self.map.pop(id(s))
        sm[3] = None
        self.spare.append(sm)
        self.poller.unregister(s)

    def queue_read(self, s):
        return self._enqueue(s, 0)

    def queue_pri(self, s):
        return self._enqueue(s, 1)

    def queue_write(self, s):
        return self._enqueue(s, 2)

    def wait_flag(self, f):
        t = core.cur_task
        f._waiter = t
        self.flags.append(f)
        self.active += 1
        t.data = self
        return core._Q

    def _flag_done(self, i):
        f = self.flags.pop(i)
        t = f._waiter
        f._waiter = None
        self.active -= 1
        return t

    def remove(self, task):
        # Take the task off its stream; a task using the same stream the other way stays.
        for i in range(len(self.flags)):
            if self.flags[i]._waiter is task:
                self._flag_done(i)
                return
        for k in self.map:  # Iterate without allocating on the heap
            sm = self.map[k]
            for i in range(3):
                if sm[i] is task:
                    sm[i] = None
                    if sm[0] is None and sm[1] is None and sm[2] is None:
                        self._idle(sm)
                    else:
                        self.poller.modify(sm[3], self._ev_mask(sm))
                    return

    def _wake(self, t):
        t.data = None
        if core._io_priority:
            core._expedite(t)
        else:
            core._schedule(t)

    def _check_flags(self):
        woke = False
        i = 0
        while i < len(self.flags):
            if self.flags[i].state:
                self._wake(self._flag_done(i))
                woke = True
            else:
                i += 1
        return woke

    def _wait_flags(self, dt):
        # Idle with only flags waited on: block on them (each stays registered afterwards).
        p = self.flag_poller
        if p is None:
            p = self.flag_poller = select.poll()
        regs = self.flag_regs
        for f in self.flags:
            if f not in regs:
                if len(regs) >= _SPARE_FLAGS:
                    for g in regs:
                        p.unregister(g)
                    regs.clear()
                p.register(f, _POLLIN)
                regs.append(f)
        for _ in p.ipoll(dt):
            break

    def wait_io_event(self, dt):
        if self.flags:
            if self._check_flags():
                dt = 0
            elif dt and self.flags:
                if not self.waiting:
                    self._wait_flags(dt)
                    self._check_flags()
                    return
                # Streams and flags: poll the streams, looking at the flags every ms.
                dt = 1 if dt < 0 else min(dt, 1)
        if not self.waiting:
            return
        for s, ev in self.poller.ipoll(dt):
            sm = self.map[id(s)]
            if sm[0] is None and sm[1] is None and sm[2] is None:
                # An error or hang-up on a stream nobody waits on: let it go.
                self._dequeue(s)
                continue
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
                self._idle(sm)
            else:
                self.poller.modify(s, self._ev_mask(sm))
