# fast_io: waiting on streams (sockets, UARTs, Python stream drivers) and ThreadSafeFlag
# MIT license
#
# Two kinds of stream:
# - a stream with a file descriptor, or a native one, is registered with select.poll and
#   stays registered between waits (with an empty mask), so waiting allocates nothing;
# - a Python stream driver (an io.IOBase with ioctl, such as ThreadSafeFlag) is asked for
#   readiness by calling its ioctl at each scheduler pass. Polling such objects costs at least
#   1 ms a poll on the unix port; asking them directly costs microseconds. When the loop is
#   idle it blocks on them with a second poller, where they stay registered.

import select

from . import core

_POLLIN = const(1)
_POLLPRI = const(2)
_POLLOUT = const(4)
_POLLERR = const(8)
_POLLHUP = const(16)
_MP_STREAM_POLL = const(3)
_MP_STREAM_GET_FILENO = const(10)
_IDLE_REGS = const(8)  # Python drivers kept registered for idle waits with nobody waiting


def _mask(sm):
    mask = 0
    if sm[0] is not None:
        mask |= _POLLIN
    if sm[1] is not None:
        mask |= _POLLPRI
    if sm[2] is not None:
        mask |= _POLLOUT
    return mask


class IOQueue:
    def __init__(self):
        self.poller = select.poll()
        # id(stream) -> entry [reader, urgent-data reader, writer, stream, is_driver]: a slot per
        # direction, so one task may read a stream while another writes it.
        self.map = {}
        self.spare = []  # Recycled map entries
        self.polled = 0  # Streams in the poller with a waiting task
        self.drivers = []  # Entries of Python drivers with a waiting task
        self.active = 0  # Streams with a waiting task: the scheduler calls wait_io_event
        self.idle_poller = None  # Made on the first idle wait on a driver
        self.idle_regs = []  # Drivers registered with idle_poller

    def _wait_on(self, s, idx):
        t = core.cur_task
        sm = self.map.get(id(s))
        new = sm is None
        if new:
            sm = self.spare.pop() if self.spare else [None, None, None, None, False]
            sm[3] = s
            # A Python stream driver without a file descriptor is asked through its ioctl.
            driver = False
            if not hasattr(s, "fileno") and hasattr(s, "ioctl"):
                try:
                    driver = s.ioctl(_MP_STREAM_GET_FILENO, 0) < 0
                except Exception:
                    driver = True
            sm[4] = driver
            self.map[id(s)] = sm
        assert sm[idx] is None
        if sm[0] is None and sm[1] is None and sm[2] is None:
            # First waiter on this stream
            self.active += 1
            if sm[4]:
                self.drivers.append(sm)
            else:
                self.polled += 1
        sm[idx] = t
        if not sm[4]:
            if new:
                self.poller.register(s, _mask(sm))
            else:
                self.poller.modify(s, _mask(sm))
        t.data = self  # cancel() calls remove()
        return core._Q

    def queue_read(self, s):
        return self._wait_on(s, 0)

    def queue_pri(self, s):
        return self._wait_on(s, 1)

    def queue_write(self, s):
        return self._wait_on(s, 2)

    def _drop(self, sm):
        # Forget a stream nobody waits on.
        del self.map[id(sm[3])]
        if not sm[4]:
            self.poller.unregister(sm[3])
        sm[3] = None
        self.spare.append(sm)

    def _idle(self, sm):
        # The last waiter left the stream.
        self.active -= 1
        if sm[4]:
            self.drivers.remove(sm)
            self._drop(sm)
        else:
            self.polled -= 1
            if core._in_order:
                # As the built-in does: the poller then reports streams ready at once in the
                # order of their latest waits.
                self._drop(sm)
            else:
                # Stays registered, with nothing asked: the next wait allocates nothing.
                self.poller.modify(sm[3], 0)

    def forget(self, s):
        # The stream is closed: let it go if nobody waits on it.
        sm = self.map.get(id(s))
        if sm is not None and sm[0] is None and sm[1] is None and sm[2] is None:
            self._drop(sm)

    def remove(self, task):
        # Take the task off its stream; a task using the same stream the other way stays.
        for k in self.map:  # keys, not items(): no tuple per entry
            sm = self.map[k]
            for i in range(3):
                if sm[i] is task:
                    sm[i] = None
                    if sm[0] is None and sm[1] is None and sm[2] is None:
                        self._idle(sm)
                    elif not sm[4]:
                        self.poller.modify(sm[3], _mask(sm))
                    return

    def _wake(self, sm, ev):
        # Wake the tasks waiting for the events ev; an error or hang-up wakes all of them, so
        # none waits forever. Returns True when nobody waits any more.
        if ev & (_POLLERR | _POLLHUP):
            ev |= _POLLIN | _POLLPRI | _POLLOUT
        for i in range(3):
            t = sm[i]
            if t is not None and ev & (_POLLIN, _POLLPRI, _POLLOUT)[i]:
                sm[i] = None
                t.data = None
                if core._io_priority:
                    core._expedite(t)
                else:
                    core._schedule(t)
        return sm[0] is None and sm[1] is None and sm[2] is None

    def _ask_drivers(self):
        woke = False
        drivers = self.drivers
        i = 0
        while i < len(drivers):
            sm = drivers[i]
            try:
                ev = sm[3].ioctl(_MP_STREAM_POLL, _mask(sm))
            except Exception:
                # A failing driver wakes its tasks, which meet the error when they use it
                ev = -1
            if ev:
                woke = True
                if ev < 0:
                    ev = _POLLERR
                if self._wake(sm, ev):
                    self._idle(sm)
                    continue
            i += 1
        return woke

    def _wait_drivers(self, dt):
        # Idle with only drivers waited on: block on them (each stays registered afterwards).
        p = self.idle_poller
        if p is None:
            p = self.idle_poller = select.poll()
        regs = self.idle_regs
        if len(regs) > _IDLE_REGS:
            # Let go of the drivers registered before (the waiting ones come back below)
            for s in regs:
                p.unregister(s)
            regs.clear()
        for sm in self.drivers:
            s = sm[3]
            if s in regs:
                p.modify(s, _mask(sm))
            else:
                p.register(s, _mask(sm))
                regs.append(s)
        for _ in p.ipoll(dt):
            break
        for s in regs:
            p.modify(s, 0)

    def wait_io_event(self, dt):
        if self.drivers:
            if self._ask_drivers():
                dt = 0
            elif dt and self.drivers:
                if not self.polled:
                    self._wait_drivers(dt)
                    self._ask_drivers()
                    return
                # Both kinds waited on: poll the others, asking the drivers every ms.
                dt = 1 if dt < 0 else min(dt, 1)
        if not self.polled:
            return
        for s, ev in self.poller.ipoll(dt):
            sm = self.map[id(s)]
            if sm[0] is None and sm[1] is None and sm[2] is None:
                # An error or hang-up on a stream nobody waits on: let it go.
                self._drop(sm)
            elif self._wake(sm, ev):
                self._idle(sm)
            else:
                self.poller.modify(s, _mask(sm))
