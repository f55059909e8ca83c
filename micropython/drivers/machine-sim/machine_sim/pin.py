"""A simulated ``machine.Pin`` with edge interrupts, for the unix port.

A pin's level comes from its own output driver (modes ``OUT`` and ``OPEN_DRAIN``) or from the
simulated world outside the chip: ``pin.external(level)``, or ``machine_sim.play`` for timed
edge sequences. Every change of level is an edge, and an edge fires the pin's ``irq`` handler
at once, so a handler that reads ``time.ticks_us()`` sees the edge's time, as on a board.

Like the firmware: ``Pin(id)`` names one physical pin, so two ``Pin`` objects made with the same
id are the same pin; a hard handler runs with the heap locked (an allocation raises
``MemoryError``); a soft handler is queued with ``micropython.schedule``; a handler that raises
is reported on stderr and disabled.
"""

import sys

import machine

import micropython

from . import clock

_pins = {}  # id -> Pin: one object per physical pin
_UNCHANGED = const(-1)

# machine.disable_irq() state: while disabled, edges are latched and serviced on enable_irq().
_irq_enabled = True
_irq_pending = []
# True while machine_sim runs a handler from a scheduled callback (the scheduler is locked).
_in_callback = False
# Edges that raised an interrupt request, counted whether or not interrupts are enabled: what
# wakes a sleeping MCU (pyb.stop() in the simulated Pyboard ends on a change).
_requests = 0


def disable_irq():
    """Hold back pin interrupts (they are serviced by ``enable_irq``); return the old state."""
    global _irq_enabled
    state = _irq_enabled
    _irq_enabled = False
    return state


def enable_irq(state=True):
    """Restore the state ``disable_irq`` returned, servicing the edges that were held back."""
    global _irq_enabled
    _irq_enabled = state
    while _irq_enabled and _irq_pending:
        pin, level = _irq_pending.pop(0)
        pin._service(level, clock._now())  # serviced late, as on a board


def _report(exc):
    print("Uncaught exception in IRQ callback handler", file=sys.stderr)
    sys.print_exception(exc, sys.stderr)


class _PinIRQ:
    """What ``Pin.irq()`` returns: ``trigger()`` and ``flags()``, as on the boards."""

    def __init__(self, pin):
        self._pin = pin

    def trigger(self, trigger=None):
        old = self._pin._trigger
        if trigger is not None:
            self._pin._trigger = trigger
        return old

    def flags(self):
        # The edge being serviced, as the firmware reports it inside the handler.
        return self._pin._flags


class Pin(machine.PinBase):
    IN = const(0)
    OUT = const(1)
    OPEN_DRAIN = const(2)
    PULL_UP = const(1)
    PULL_DOWN = const(2)
    IRQ_RISING = const(1)
    IRQ_FALLING = const(2)

    def __new__(cls, id, *args, **kw):
        pin = _pins.get(id)
        if pin is None:
            pin = super().__new__(cls)
            pin._id = id
            pin._mode = Pin.IN
            pin._pull = None
            pin._out = 0
            pin._ext = None
            pin._level = 0
            pin._handler = None
            pin._trigger = 0
            pin._hard = False
            pin._flags = 0
            pin._irq = None
            pin._soft = pin._run_soft  # bound once: the edge path does not allocate
            pin._hard_cb = pin._run_hard
            pin._hard_done = True
            pin._edge_us = 0
            _pins[id] = pin
        return pin

    def __init__(self, id, mode=_UNCHANGED, pull=_UNCHANGED, *, value=None, **kw):
        self.init(mode, pull, value=value)

    def init(self, mode=_UNCHANGED, pull=_UNCHANGED, *, value=None, **kw):
        """Reconfigure; arguments left out keep their setting (``drive``, ``alt``: ignored)."""
        if value is not None:
            self._out = 1 if value else 0
        if mode != _UNCHANGED:
            self._mode = mode
        if pull != _UNCHANGED:
            self._pull = pull
        self._update()

    def __repr__(self):
        return "Pin(%r, mode=%d, pull=%r, level=%d)" % (
            self._id,
            self._mode,
            self._pull,
            self._level,
        )

    def value(self, x=None):
        """Read the level, or set the output latch (it shows on the pin in OUT/OPEN_DRAIN)."""
        if x is None:
            return self._level
        self._out = 1 if x else 0
        self._update()

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    high = on
    low = off

    def toggle(self):
        self.value(not self._out)

    def mode(self, mode=None):
        if mode is None:
            return self._mode
        self.init(mode)

    def pull(self, pull=_UNCHANGED):
        if pull == _UNCHANGED:
            return self._pull
        self.init(pull=pull)

    def irq(self, *args, **kw):
        """``irq(handler=None, trigger=IRQ_FALLING | IRQ_RISING, *, hard=False)``.

        Call ``handler(pin)`` on each edge named by ``trigger``; ``handler=None`` disables.
        With no arguments, only return the IRQ object (``flags()``, ``trigger()``).
        """
        if args or kw:
            self._configure(*args, **kw)
        if self._irq is None:
            self._irq = _PinIRQ(self)
        return self._irq

    def _configure(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, *, hard=False, **kw):
        self._handler = handler
        self._trigger = trigger if handler is not None else 0
        self._hard = hard

    # The simulated world outside the chip.

    def external(self, level, at_us=None):
        """Drive the pin from outside: 0 or 1, or ``None`` to let it float to its pull.

        ``at_us``: the ``ticks_us()`` time the edge was due, as the program reads it (moved
        by ``clock.set_ticks_us`` too), which a hard handler reads through
        ``machine_sim.clock`` however late the simulation runs.
        """
        self._drive(level, None if at_us is None else clock.real_us(at_us))

    def _drive(self, level, real_us=None):
        # external() with the edge's time on the real clock, which play() keeps time on.
        self._ext = level if level is None else (1 if level else 0)
        self._update(real_us)

    def _update(self, at_us=None):
        mode = self._mode
        if mode == Pin.OUT:
            level = self._out
        elif mode == Pin.OPEN_DRAIN and not self._out:
            level = 0
        elif self._ext is not None:
            level = self._ext
        else:
            level = 1 if self._pull == Pin.PULL_UP else 0
        if level == self._level:
            return
        self._level = level
        if self._handler is None or not self._trigger & (
            Pin.IRQ_RISING if level else Pin.IRQ_FALLING
        ):
            return
        if at_us is None:
            at_us = clock._now()
        global _requests
        _requests += 1
        if _irq_enabled:
            self._service(level, at_us)
        else:
            _irq_pending.append((self, level))

    def _service(self, level, at_us):
        self._flags = Pin.IRQ_RISING if level else Pin.IRQ_FALLING
        if not self._hard:
            try:
                micropython.schedule(self._soft, self)
            except RuntimeError:
                pass  # schedule queue full: the firmware drops the event too
            return
        self._edge_us = at_us
        if _in_callback:
            # Already inside a scheduled callback (the scheduler is locked): run it here.
            self._run_hard(self)
            return
        # Run the handler as a scheduled callback, and wait here until it has run, so that
        # the scheduler is locked while it runs, as in a real interrupt: what the handler
        # passes to micropython.schedule() runs after it, with the heap unlocked.
        self._hard_done = False
        try:
            micropython.schedule(self._hard_cb, self)
        except RuntimeError:
            self._run_hard(self)  # schedule queue full: service the edge directly
            return
        while not self._hard_done:
            pass  # each backward jump lets the VM run pending callbacks

    def _run_hard(self, pin):
        global _in_callback
        handler = self._handler
        self._hard_done = True
        if handler is None:
            return
        outer = _in_callback
        _in_callback = True
        clock._enter(self._edge_us)
        micropython.heap_lock()
        try:
            handler(pin)
        except Exception as exc:
            micropython.heap_unlock()
            clock._leave()
            _in_callback = outer
            self._fail(exc)
            return
        micropython.heap_unlock()
        clock._leave()
        _in_callback = outer

    def _run_soft(self, pin):
        global _in_callback
        handler = self._handler
        if handler is None:
            return
        outer = _in_callback
        _in_callback = True
        try:
            handler(pin)
        except Exception as exc:
            self._fail(exc)
        _in_callback = outer

    def _fail(self, exc):
        self._handler = None
        self._trigger = 0
        _report(exc)
