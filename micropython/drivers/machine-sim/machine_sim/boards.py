"""Several simulated boards in one process, wired together: the two ends of a link.

``Board(name, main)`` is one board: ``board.Pin(id)`` names its pins (``Pin`` objects of its
own, apart from another board's pin of the same id). Its program is ``main(board)``, a
coroutine function: ``board.start()`` runs it as a task, and every task created by a task of
the board (at any depth) is the board's too.

``wire(pin, pin, ...)`` joins pins of any boards: a level one drives (an output, an open drain
pulling low) is what the others read, with their pulls when nobody drives, and an edge fires
their ``irq`` handlers. ``board.RESET`` is the board's reset input (pulled up): held low, the
board stops (its tasks are cancelled, its pins float, its pending interrupts are dropped);
released, its program starts again, and ``board.boots`` counts that.

One process has one CPU: a board runs while the others wait. An interrupt that a wire brings
to another board is held until the board that caused it reads a wired pin or yields to the
event loop; then the handler runs. So a handler never runs between two statements of the
other board that no real peer could tell apart, and a board that busy-waits on a wire lets
the other board's interrupts run.
"""

import asyncio
import sys

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
    """One simulated board: its pins, program and reset input."""

    def __init__(self, name, main=None):
        global _bell
        self.name = name
        self._main = main
        self._tasks = []
        self._held = False
        self.boots = 0
        self.Pin = _pin_class(self)
        self.RESET = self.Pin("RESET", _pin.Pin.IN, _pin.Pin.PULL_UP)
        _boards.append(self)
        _hook(sys.modules["asyncio"])
        if _bell is None:
            a, b = socket_pair()
            b.setblocking(False)
            _bell = (a, b)
            asyncio.create_task(_doorbell())

    def __repr__(self):
        return "Board(%r)" % self.name

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
