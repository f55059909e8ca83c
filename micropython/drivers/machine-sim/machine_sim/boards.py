"""Several simulated boards in one process, wired together: the two ends of a link.

``Board(name, main)`` is one board: ``board.Pin(id)`` names its pins (``Pin`` objects of its
own, apart from another board's pin of the same id). Its program is ``main(board)``, a
coroutine function: ``board.start()`` runs it as a task, and every task created by a task of
the board (at any depth) is the board's too.

``wire(pin, pin, ...)`` joins pins of any boards: a level one drives (an output, an open drain
pulling low) is what the others read, with their pulls when nobody drives, and an edge fires
their ``irq`` handlers. ``board.RESET`` is the board's reset input (pulled up): held low, the
board stops (its tasks are cancelled, its pins float, its pending interrupts are dropped, its
I2C targets leave the bus); released, its program starts again, and ``board.boots`` counts it.

``board.I2C(id)`` is the board's ``machine.I2C``; ``bus((board, id), ...)`` joins buses of
several boards into one. ``board.pyb_I2C(bus, mode, addr=0x12)`` is a Pyboard's ``pyb.I2C``:
``MASTER``, or ``SLAVE``, a target at ``addr`` whose ``send(buf, timeout=5000)`` and
``recv(n_or_buf, timeout=5000)`` block until a controller reads (all of) ``buf`` or writes
the bytes asked for; ``OSError(ETIMEDOUT)`` when the timeout passes, ``EIO`` when the
controller took or gave too few. A controller that reads or writes while no ``send()`` or
``recv()`` waits gets ``ETIMEDOUT`` (the target stretched the clock).

One process has one CPU: a board runs while the others wait. An interrupt that a wire brings
to another board is held until the board that caused it reads a wired pin or yields to the
event loop; then the handler runs (a blocked ``send()``/``recv()`` reads the bus so). So a handler never runs between two statements of the
other board that no real peer could tell apart, and a board that busy-waits on a wire lets
the other board's interrupts run.
"""

import asyncio
import errno
import sys
import time

from . import clock
from . import i2c as _i2c
from . import pin as _pin
from .loopback import socket_pair

_boards = []
_create = None  # the loop's own create_task
_pending = []  # (pin, level, edge time): interrupts a wire brought, not yet serviced
_flushing = False
_bell = None  # (write end, read end): rings the loop when an interrupt is held
_rung = False


def _owner(task):
    for b in _boards:
        if task in b._tasks:
            return b
    return None


def _hook(mod):
    # Tasks a board's task creates are the board's: wrap the loop's create_task (the module's,
    # its core's that gather and wait_for use, and the Loop object's).
    global _create
    if _create is not None:
        return
    core = sys.modules.get(mod.__name__ + ".core", mod)
    _create = create = core.create_task

    def create_task(coro, *args):
        t = create(coro, *args)
        try:
            cur = mod.current_task()
        except RuntimeError:
            return t  # outside the loop (or in an interrupt)
        b = _owner(cur)
        if b is not None:
            b._own(t)
        return t

    mod.create_task = core.create_task = create_task
    core.Loop.create_task = create_task


def _ring():
    global _rung
    if not _rung and _bell is not None:
        _rung = True
        _bell[0].write(b"\x00")


def _flush():
    # Run the interrupts wires brought to the boards: a board waits on the outside world.
    global _flushing
    if _flushing or not _pending:
        return
    _flushing = True
    try:
        while _pending:
            pin, level, at_us = _pending.pop(0)
            if pin._board._held or pin._handler is None:
                continue
            if pin._hard:
                _pin.Pin._service(pin, level, at_us)
            else:
                pin._flags = _pin.Pin.IRQ_RISING if level else _pin.Pin.IRQ_FALLING
                pin._run_soft(pin)
    finally:
        _flushing = False


async def _doorbell():
    # Interrupts held while a board ran run when it yields to the loop.
    rx = asyncio.StreamReader(_bell[1])
    global _rung
    while True:
        await rx.read(64)
        _rung = False
        _flush()


class Wire:
    """Pins joined by a wire. ``external(level)`` drives it from outside (``None``: let go)."""

    def __init__(self, pins):
        self.pins = pins
        self._ext = None
        self.level = None
        for p in pins:
            if p._net is not None:
                raise ValueError("%r is already wired" % p)
            p._net = self
        self.settle()

    def external(self, level):
        """Force the wire to ``level`` (a glitch, a short), or ``None`` to let the pins drive."""
        self._ext = None if level is None else (1 if level else 0)
        self.settle()

    def settle(self, source=None):
        # The level: the outside world's, else a driver's (a 0 wins a conflict), else a pull.
        level = self._ext
        if level is None:
            pull = None
            for p in self.pins:
                if p._board._held:
                    continue  # a board in reset drives nothing
                m = p._mode
                if m == _pin.Pin.OUT or (m == _pin.Pin.OPEN_DRAIN and not p._out):
                    if not p._out:
                        level = 0
                        break
                    level = 1
                elif p._pull == _pin.Pin.PULL_UP:
                    pull = 1
                elif p._pull == _pin.Pin.PULL_DOWN and pull is None:
                    pull = 0
            if level is None:
                level = pull
        self.level = level
        for p in self.pins:
            p._ext = level
            was = p._level
            p._wired = p is not source
            try:
                p._update()
            finally:
                p._wired = False
            if p._level != was and p is p._board.RESET:
                p._board._reset_level(p._level)


def wire(*pins):
    """Join ``pins`` (of any boards) by one wire; return the ``Wire``."""
    return Wire(list(pins))


def bus(*ends):
    """Make the I2C buses ``(board, id), ...`` one bus (the boards' SCL and SDA wired)."""
    devices = {}
    for board, id in ends:
        key = "%s.%s" % (board.name, id)
        devices.update(_i2c._buses.get(key, {}))
        _i2c._buses[key] = devices
    return devices


class _Target(_i2c.I2CDevice):
    # A pyb.I2C in slave mode as the controller sees it: a read takes what a blocked send()
    # offers, a write fills a blocked recv(); at any other time the target stretches the
    # clock until the controller gives up (ETIMEDOUT).
    def __init__(self, addr):
        super().__init__(addr)
        self.tx = None  # bytes a send() offers
        self.rx = None  # bytes a recv() waits for (how many: self.want)
        self.want = 0
        self.taken = -1  # what the controller took or gave; -1: nothing yet

    def read(self, nbytes):
        tx = self.tx
        if tx is None or self.taken >= 0 or nbytes > len(tx):
            raise OSError(errno.ETIMEDOUT)
        self.taken = nbytes
        return tx[:nbytes]

    def write(self, data):
        if self.rx is None or self.taken >= 0:
            raise OSError(errno.ETIMEDOUT)
        n = min(len(data), self.want)
        self.rx[:n] = data[:n]
        self.taken = n
        return n


class _PybI2C:
    # pyb.I2C(bus, mode, addr=0x12, ...) of one board: MASTER as machine.I2C does it; SLAVE
    # with the blocking send()/recv() of the firmware, each with its timeout (ms).
    MASTER = const(0)
    SLAVE = const(1)

    def __init__(self, board, bus, mode=MASTER, addr=0x12, **kw):
        self._board = board
        self._mode = mode
        self._bus = _i2c.I2C("%s.%s" % (board.name, bus))
        self._target = None
        if mode == _PybI2C.SLAVE:
            self._target = self._bus.attach(_Target(addr))

    def deinit(self):
        if self._target is not None:
            self._bus.detach(self._target.addr)
            self._target = None

    def _wait(self, t, timeout):
        # Blocked, the board looks at the bus: the other boards' interrupts run meanwhile.
        t0 = clock._real_us()
        while t.taken < 0:
            _flush()
            if time.ticks_diff(clock._real_us(), t0) >= timeout * 1000:
                raise OSError(errno.ETIMEDOUT)
            if self._target is not t:
                raise OSError(errno.EIO)  # the board was reset

    def send(self, send, addr=0, timeout=5000):
        t = self._target
        if t is None:
            return self._bus.writeto(addr, bytes([send]) if isinstance(send, int) else send)
        t.tx = bytes([send]) if isinstance(send, int) else bytes(send)
        t.taken = -1
        try:
            self._wait(t, timeout)
            if t.taken != len(t.tx):
                raise OSError(errno.EIO)  # the controller stopped reading early
        finally:
            t.tx = None

    def recv(self, recv, addr=0, timeout=5000):
        t = self._target
        buf = bytearray(recv) if isinstance(recv, int) else recv
        if t is None:
            self._bus.readfrom_into(addr, buf)
            return buf
        t.rx = buf
        t.want = len(buf)
        t.taken = -1
        try:
            self._wait(t, timeout)
            if t.taken != len(buf):
                raise OSError(errno.EIO)  # the controller wrote too few bytes
        finally:
            t.rx = None
        return buf


def _pyb_i2c_class(board):
    class PybI2C(_PybI2C):
        """The board's ``pyb.I2C(bus, mode, addr)``: ``MASTER``, or ``SLAVE`` (a target)."""

        def __init__(self, bus, mode=_PybI2C.MASTER, addr=0x12, **kw):
            _PybI2C.__init__(self, board, bus, mode, addr, **kw)
            board._i2cs.append(self)

    return PybI2C


def _pin_class(board):
    class BoardPin(_pin.Pin):
        def __new__(cls, id, *args, **kw):
            pin = _pin.Pin.__new__(cls, "%s.%s" % (board.name, id))
            if not hasattr(pin, "_board"):
                pin._board = board
                pin._net = None
                pin._wired = False
            return pin

        def init(self, *args, **kw):
            if board._held and self is not board.RESET:
                return  # a board in reset runs no code
            _pin.Pin.init(self, *args, **kw)
            if self._net is not None:
                self._net.settle(self)

        def value(self, x=None):
            if x is None:
                if self._net is not None:
                    _flush()  # the board looks at the outside world: the others may act
                return self._level
            if board._held:
                return
            _pin.Pin.value(self, x)
            if self._net is not None:
                self._net.settle(self)

        def _service(self, level, at_us):
            if not self._wired:
                _pin.Pin._service(self, level, at_us)
                return
            # Another board changed the wire: its handler runs when that board waits.
            _pending.append((self, level, at_us))
            _ring()

    return BoardPin


class Board:
    """One simulated board: its pins, I2C buses, program and reset input."""

    def __init__(self, name, main=None):
        global _bell
        self.name = name
        self._main = main
        self._tasks = []
        self._held = False
        self.boots = 0
        self.Pin = _pin_class(self)
        self.RESET = self.Pin("RESET", _pin.Pin.IN, _pin.Pin.PULL_UP)
        self._i2cs = []  # its pyb.I2C objects (a reset takes their targets off the bus)
        self.pyb_I2C = _pyb_i2c_class(self)
        _boards.append(self)
        _hook(sys.modules["asyncio"])
        if _bell is None:
            a, b = socket_pair()
            b.setblocking(False)
            _bell = (a, b)
            asyncio.create_task(_doorbell())

    def __repr__(self):
        return "Board(%r)" % self.name

    def I2C(self, id=0, **kw):
        """The board's ``machine.I2C(id)`` (join it to other boards' with ``bus()``)."""
        return _i2c.I2C("%s.%s" % (self.name, id), **kw)

    def _own(self, task):
        self._tasks = [t for t in self._tasks if not t.done()]
        self._tasks.append(task)

    def start(self):
        """Run the board's program, ``main(board)``, as the board's first task."""
        if self._main is not None and not self._held:
            # The board's alone, whichever board's task (a reset wire's) starts it
            self._own(_create(self._main(self)))

    def hold(self):
        """Hold the board in reset (as its RESET pin low does)."""
        if self._held:
            return
        self._held = True
        for t in self._tasks:
            t.cancel()
        self._tasks = []
        _pending[:] = [p for p in _pending if p[0]._board is not self]
        for i2c in self._i2cs:
            i2c.deinit()
        self._i2cs = []
        prefix = self.name + "."
        for key, p in list(_pin._pins.items()):
            if isinstance(key, str) and key.startswith(prefix) and p is not self.RESET:
                p._handler = None
                p._trigger = 0
                p._mode = _pin.Pin.IN
                p._pull = None
                p._out = 0
                if p._net is not None:
                    p._net.settle(p)
                else:
                    p._update()

    def release(self):
        """Let the board out of reset: its program starts again."""
        if not self._held:
            return
        self._held = False
        self.boots += 1
        self.start()

    def _reset_level(self, level):
        if level:
            self.release()
        else:
            self.hold()
