# fast_io: waiting on streams (sockets, UARTs, Python stream drivers) and ThreadSafeFlag
# MIT license
#
# Two kinds of stream:
# - a stream with a file descriptor, or a native one, is registered with select.poll while a
#   task waits on it. When its last waiter leaves it stays registered (asking for nothing), so
#   a task that waits on the same stream again soon (a read loop) costs one modify(). But the
#   kernel looks at every registered stream at each poll, waited on or not (0.1 us each on a
#   PC), so one idle for _CHECK_POLLS polls or more is parked: unregistered, its entry kept,
#   so that a later wait registers it again and does nothing else (registering allocates 32
#   bytes for the poller's record on the unix port). A poll then costs in proportion to the
#   streams waited on now or lately, not to every stream known; a small program (at most
#   _IDLE_SLACK idle streams) parks nothing. A parked entry is kept while its stream is in
#   use, however many streams there are (entries forgotten and added again at each wait would
#   wear the hash table of the map, whose deleted slots slow every later lookup); one parked
#   for a whole long period of _AGE_CHECKS checks is forgotten. A closed stream
#   (Stream.wait_closed) or one in error is forgotten at once;
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
_ONESHOT = const(1)  # ipoll flag: an object reported ready asks for nothing afterwards
_MP_STREAM_POLL = const(3)
_MP_STREAM_GET_FILENO = const(10)
_IDLE_REGS = const(8)  # Python drivers kept registered for idle waits with nobody waiting
_IDLE_SLACK = const(8)  # Registered streams nobody waits on, never parked
_CHECK_POLLS = const(8)  # Polls between two checks for streams to park
_AGE_CHECKS = const(128)  # Checks between two checks for parked streams to forget
_SPARE = const(8)  # Unused entries kept for reuse


# The tasks waiting on one stream: a slot per direction, so one task may read a stream while
# another writes it. It is the data of its waiting tasks: Task.cancel() calls remove().
class _Entry:
    def __init__(self):
        self.rd = None  # Reader
        self.pr = None  # Urgent-data reader
        self.wr = None  # Writer
        self.s = None  # The stream (the next spare entry while unused)
        self.drv = False  # A Python driver, asked through its ioctl
        self.reg = False  # Registered with the poller (else parked, or a driver)
        self.gen = -1  # The check period in which its last waiter left
        self.lgen = -1  # The long period in which it was last parked

    def remove(self, t):
        # Take the task off the stream; a task using it the other way stays.
        if self.rd is t:
            self.rd = None
        elif self.pr is t:
            self.pr = None
        elif self.wr is t:
            self.wr = None
        else:
            return
        core._io._left(self)


class _Periods:
    # Entries listed during a period, at most once each (the caller keeps the period it was
    # listed in), and looked at when the period after next begins. The lists never shrink: a
    # list shrinking on pop() would allocate, failing with the heap locked.
    def __init__(self):
        self.now = 0  # The period (wrapping, a small int on any board)
        self.lists = ([], [])  # Of this period (now & 1) and of the one before
        self.counts = [0, 0]  # Listed in each: its first items
        self.due = None  # After turn(): the list to look at, its first n_due items
        self.n_due = 0

    def add(self, e):
        i = self.now & 1
        items = self.lists[i]
        n = self.counts[i]
        if n < len(items):
            items[n] = e
        else:
            items.append(e)
        self.counts[i] = n + 1

    def turn(self):
        # Begins the next period; returns the one before the last, whose list is now due.
        last = self.now
        p = (last + 1) & 0x3FFFFFFF
        self.now = p
        i = p & 1
        self.due = self.lists[i]
        self.n_due = self.counts[i]
        self.counts[i] = 0
        return (last - 1) & 0x3FFFFFFF


def _mask(e):
    mask = 0
    if e.rd is not None:
        mask |= _POLLIN
    if e.pr is not None:
        mask |= _POLLPRI
    if e.wr is not None:
        mask |= _POLLOUT
    return mask


def _ask(e):
    # The events of a Python driver (a function of its own: a try block in its caller would
    # make that frame too big for the C stack)
    try:
        ev = e.s.ioctl(_MP_STREAM_POLL, _mask(e))
    except Exception:
        return _POLLERR  # a failing driver wakes its tasks, which meet the error when they use it
    return _POLLERR if ev < 0 else ev


class IOQueue:
    def __init__(self):
        self.poller = select.poll()
        self.map = {}  # id(stream) -> _Entry, for every stream known
        self.spare = None  # Chain of unused entries (linked through .s)
        self.n_spare = 0
        self.n_regs = 0  # Streams registered with the poller
        self.polled = 0  # Registered streams with a waiting task
        self.idle = _Periods()  # Streams whose last waiter left, by check periods
        self.countdown = _CHECK_POLLS  # Polls until the next check
        self.parked = _Periods()  # Parked streams, by long periods of _AGE_CHECKS checks
        self.age_countdown = _AGE_CHECKS
        self.drivers = []  # Entries of Python drivers with a waiting task
        self.active = 0  # Streams with a waiting task: the scheduler calls wait_io_event
        self.idle_poller = None  # Made on the first idle wait on a driver
        self.idle_regs = []  # Drivers registered with idle_poller

    # The wait itself (idx: 0 read, 1 urgent data, 2 write). Streams call it directly, the
    # busiest wait in one call.
    def queue_read(self, s, idx=0):
        t = core.cur_task
        e = self.map.get(id(s))
        if e is None:
            e = self._add(s)
        first = e.rd is None and e.pr is None and e.wr is None
        if first:
            self.active += 1
            if e.drv:
                self.drivers.append(e)
            else:
                self.polled += 1
        if idx == 0:
            assert e.rd is None
            e.rd = t
            mask = _POLLIN
        elif idx == 1:
            assert e.pr is None
            e.pr = t
            mask = _POLLPRI
        else:
            assert e.wr is None
            e.wr = t
            mask = _POLLOUT
        if not first:
            mask = _mask(e)
        if e.reg:
            self.poller.modify(s, mask)
        elif not e.drv:
            # Parked or new: registered again (inlined, as it happens at each wait for a
            # stream that waits long between its waits)
            self.poller.register(s, mask)
            e.reg = True
            self.n_regs += 1
        t.data = e  # cancel() calls e.remove()
        return core._Q

    def queue_pri(self, s):
        return self.queue_read(s, 1)

    def queue_write(self, s):
        return self.queue_read(s, 2)

    def _add(self, s):
        # A stream new to the queue: its entry, parked (or a driver)
        e = self.spare
        if e is None:
            e = _Entry()
        else:
            self.spare = e.s
            self.n_spare -= 1
        e.s = s
        # A Python stream driver without a file descriptor is asked through its ioctl.
        driver = False
        if not hasattr(s, "fileno") and hasattr(s, "ioctl"):
            try:
                driver = s.ioctl(_MP_STREAM_GET_FILENO, 0) < 0
            except Exception:
                driver = True
        e.drv = driver
        self.map[id(s)] = e
        return e

    def _park(self, e):
        # Unregister a stream nobody waits on, listed once per long period: an age check
        # forgets it if still parked a whole long period later.
        self.poller.unregister(e.s)
        e.reg = False
        self.n_regs -= 1
        p = self.parked.now
        if e.lgen != p:
            e.lgen = p
            self.parked.add(e)

    def _drop(self, e):
        # Forget a stream nobody waits on.
        s = e.s
        del self.map[id(s)]
        if e.reg:
            self.poller.unregister(s)
            e.reg = False
            self.n_regs -= 1
        e.s = None
        e.gen = e.lgen = -1
        if self.n_spare < _SPARE:
            e.s = self.spare
            self.spare = e
            self.n_spare += 1

    def _check(self):
        # Every _CHECK_POLLS polls: park the streams idle since the previous check (unless
        # only a few are idle). Amortized, each wake-up costs at most one step of this loop.
        self.countdown = _CHECK_POLLS
        old = self.idle.turn()
        due = self.idle.due
        park = self.n_regs - self.polled > _IDLE_SLACK  # else only a few are idle: none parked
        i = self.idle.n_due
        while i:  # (a for loop would take 4 more slots of the frame)
            i -= 1
            e = due[i]
            due[i] = None
            # Skipped: a stream waited on again, idle again since, parked or forgotten
            if park and e.reg and e.gen == old and e.rd is None and e.pr is None and e.wr is None:
                self._park(e)
        self.age_countdown -= 1
        if self.age_countdown <= 0:
            self._age()

    def _age(self):
        # Every _AGE_CHECKS checks (a long period): forget the streams parked since the long
        # period before the last one. Streams in use keep their entries, however many there
        # are (forgetting and adding them again would also wear the map's hash table); one no
        # longer used (a socket closed without wait_closed()) is let go within two periods.
        self.age_countdown = _AGE_CHECKS
        old = self.parked.turn()
        due = self.parked.due
        i = self.parked.n_due
        while i:
            i -= 1
            e = due[i]
            due[i] = None
            # Skipped: registered again since, parked again later, or forgotten
            if e.lgen == old and not e.reg and e.s is not None:
                self._drop(e)

    def _idle(self, e, asked=True):
        # The last waiter left the stream (asked: its events are still asked of the poller).
        self.active -= 1
        if e.drv:
            self.drivers.remove(e)
            self._drop(e)
            return
        self.polled -= 1
        if core._in_order:
            # As the built-in does: the poller then reports streams ready at once in the
            # order of their latest waits.
            self._park(e)
            return
        # Stays registered, asking for nothing: a wait soon costs one modify().
        if asked:
            self.poller.modify(e.s, 0)
        p = self.idle.now
        if e.gen != p:
            # Listed once a period: the check after next looks at it
            e.gen = p
            self.idle.add(e)

    def _left(self, e):
        # A waiter left the stream without being woken (cancelled)
        if e.rd is None and e.pr is None and e.wr is None:
            self._idle(e)
        elif not e.drv:
            self.poller.modify(e.s, _mask(e))

    def forget(self, s):
        # The stream is closed: let it go if nobody waits on it.
        e = self.map.get(id(s))
        if e is not None and e.rd is None and e.pr is None and e.wr is None:
            self._drop(e)

    def remove(self, task):
        # Kept for code that called it on the queue: the task's data is its stream's entry.
        d = task.data
        if isinstance(d, _Entry):
            d.remove(task)

    def _wake(self, e, ev):
        # Wake the tasks waiting for the events ev; an error or hang-up wakes all of them, so
        # none waits forever. Returns True when nobody waits any more.
        if ev & (_POLLERR | _POLLHUP):
            ev |= _POLLIN | _POLLPRI | _POLLOUT
        # A task whose stream is ready runs next with I/O priority, else round-robin.
        ready = core._expedite if core._io_priority else core._schedule
        t = e.rd
        if t is not None and ev & _POLLIN:
            e.rd = None
            t.data = None
            ready(t)
        t = e.pr
        if t is not None and ev & _POLLPRI:
            e.pr = None
            t.data = None
            ready(t)
        t = e.wr
        if t is not None and ev & _POLLOUT:
            e.wr = None
            t.data = None
            ready(t)
        return e.rd is None and e.pr is None and e.wr is None

    def _ask_drivers(self):
        woke = False
        drivers = self.drivers
        i = 0
        while i < len(drivers):
            e = drivers[i]
            ev = _ask(e)
            if ev:
                woke = True
                if self._wake(e, ev):
                    self._idle(e)
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
        for e in self.drivers:
            s = e.s
            if s in regs:
                p.modify(s, _mask(e))
            else:
                p.register(s, _mask(e))
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
        self.countdown -= 1
        if self.countdown < 0:
            self._check()
        if self.polled:
            # One-shot: a stream reported ready asks for nothing more until modified.
            for r in self.poller.ipoll(dt, _ONESHOT):
                self._ready(r)

    def _ready(self, r):
        # A stream the poller reported (r: its shared (stream, events) tuple). A task whose
        # stream is ready runs next with I/O priority, else round-robin.
        s = r[0]
        e = self.map[id(s)]
        t = e.rd
        if t is not None and r[1] & _POLLIN and e.pr is None and e.wr is None:
            # The usual event, _wake() inlined: the stream's one waiter, a reader, is ready.
            e.rd = None
            t.data = None
            if core._io_priority:
                core._expedite(t)
            else:
                core._schedule(t)
            self._idle(e, False)
        elif t is None and e.pr is None and e.wr is None:
            # An error or hang-up on a stream nobody waits on: let it go.
            self._drop(e)
        elif self._wake(e, r[1]):
            self._idle(e, False)
        else:
            self.poller.modify(s, _mask(e))
