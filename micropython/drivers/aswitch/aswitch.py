"""Debounced switches and pushbuttons, and a retriggerable delay, for asyncio.

``Switch`` and ``Pushbutton`` poll any Pin-like object (something with ``value()``) every
``debounce_ms`` and take a new level once two polls in a row read it: contact bounce and
glitches shorter than ``debounce_ms`` never make an event, and an event comes between one and
two ``debounce_ms`` after the contact settles.
``Delay_ms`` is a software monostable (or watchdog) built on one long-lived task.

Each event is a function (called), a coroutine function (run as a task), or, when given as
``None``, an ``asyncio.Event`` attribute (``sw.close``, ``pb.press``, ``pb.long``, ...) that
the event sets and the user clears. ``False`` removes the event.
"""

import asyncio
import time

_ticks_add = time.ticks_add
_ticks_diff = time.ticks_diff
_ticks_ms = time.ticks_ms
_generator = type((lambda: (yield))())


def launch(func, args=()):
    """Call ``func(*args)``; a coroutine it returns is started as a task, which is returned."""
    res = func(*args)
    if isinstance(res, _generator):
        res = asyncio.create_task(res)
    return res


class Delay_ms:
    """A retriggerable delay: ``func(*args)`` runs ``duration`` ms after the last ``trigger``.

    ``trigger()`` never allocates. With ``can_alloc=False`` it only stores the end time and
    sets a ``ThreadSafeFlag``, so it may be called from a hard interrupt handler; the default
    wakes the timer with an ``Event`` (for triggers from tasks and callbacks), which costs
    nothing while idle. (On the unix port, a task waiting on a ThreadSafeFlag makes every
    scheduler poll take 1 ms; boards have no such cost.)
    """

    def __init__(self, func=None, args=(), can_alloc=True, duration=1000):
        self._func = func
        self._args = args
        self._durn = duration
        self._tend = 0  # ticks_ms at which the period ends
        self._busy = False
        self._retn = None
        self._timer = None  # the task sleeping until the end of the period
        self._tsleep = 0  # when that task wakes up
        self._done = asyncio.Event()
        self._isr = not can_alloc
        self._wake = asyncio.ThreadSafeFlag() if self._isr else asyncio.Event()
        self._main = asyncio.create_task(self._run())

    def trigger(self, duration=0):
        """Start or restart the period: it ends ``duration`` ms from now (default: the
        constructor's). A shorter period than the one running takes effect too."""
        if self._main is None:
            raise RuntimeError("Delay_ms was deinitialised")
        self._tend = _ticks_add(_ticks_ms(), duration if duration > 0 else self._durn)
        self._busy = True
        self._done.clear()
        self._wake.set()

    def stop(self):
        """Cancel the period: ``func`` does not run and ``running()`` is False."""
        self._busy = False
        self._done.clear()
        timer = self._timer
        if timer is not None:
            self._timer = None
            timer.cancel()

    def running(self):
        return self._busy

    __call__ = running

    def rvalue(self):
        """What ``func`` returned last time it ran (its task, for a coroutine)."""
        return self._retn

    def callback(self, func=None, args=()):
        self._func = func
        self._args = args

    # The Event interface: set at the end of each period, cleared by trigger() and stop().

    def wait(self):
        return self._done.wait()

    def set(self):
        self._done.set()

    def clear(self):
        self._done.clear()

    def is_set(self):
        return self._done.is_set()

    def deinit(self):
        """Stop and end the tasks; a later ``trigger()`` raises RuntimeError."""
        self.stop()
        if self._main is not None:
            self._main.cancel()
            self._main = None

    async def _run(self):
        wake = self._wake
        while True:
            await wake.wait()
            if not self._isr:
                wake.clear()
            if not self._busy:
                continue  # stopped since the trigger
            timer = self._timer
            if timer is not None and _ticks_diff(self._tend, self._tsleep) < 0:
                timer.cancel()  # shortened: the timer would wake up too late
                timer = None
            if timer is None:
                self._timer = asyncio.create_task(self._time())

    async def _time(self):
        while True:
            rem = _ticks_diff(self._tend, _ticks_ms())
            if rem > 0:
                self._tsleep = self._tend
                await asyncio.sleep_ms(rem)
                continue
            self._busy = False
            # An interrupt handler may have triggered again between the test and the store.
            if _ticks_diff(self._tend, _ticks_ms()) <= 0:
                break
            self._busy = True
        self._timer = None
        self._done.set()
        if self._func is not None:
            self._retn = launch(self._func, self._args)


def _event(owner, name, func):
    # The (callable or None) an event runs; func None gives the owner an Event attribute.
    if func is None:
        ev = asyncio.Event()
        setattr(owner, name, ev)
        return ev.set
    return func or None


class Switch:
    """A switch between a pin and ground (the pin pulled up): 0 is closed, 1 is open."""

    debounce_ms = 50

    def __init__(self, pin):
        self._pin = pin
        self._state = pin.value()
        self._close = self._open = None
        self._close_args = self._open_args = ()
        self._task = asyncio.create_task(self._poll())

    def close_func(self, func=None, args=()):
        self._close = _event(self, "close", func)
        self._close_args = args

    def open_func(self, func=None, args=()):
        self._open = _event(self, "open", func)
        self._open_args = args

    def __call__(self):
        """The debounced level: 0 closed, 1 open."""
        return self._state

    def deinit(self):
        self._task.cancel()

    async def _poll(self):
        last = self._state
        while True:
            await asyncio.sleep_ms(self.debounce_ms)
            state = self._pin.value()
            if state != self._state and state == last:
                self._state = state
                if state:
                    if self._open is not None:
                        launch(self._open, self._open_args)
                elif self._close is not None:
                    launch(self._close, self._close_args)
            last = state


class Pushbutton:
    """A pushbutton with press, release, double-click and long-press events.

    Works with buttons to ground or to 3V3, normally open or closed: the level read at
    construction (or ``sense``) is "released". With ``suppress=True`` the release event
    runs only for a single short press: not after a long press nor a double click, and, when
    a double-click event is set, only once the double-click time has passed.
    """

    debounce_ms = 50
    long_press_ms = 1000
    double_click_ms = 400

    def __init__(self, pin, suppress=False, sense=None):
        self._pin = pin
        self._supp = suppress
        self._sense = pin.value() if sense is None else sense
        self._state = self.rawstate()
        self._press = self._release = self._longf = self._double = None
        self._press_args = self._release_args = self._long_args = self._double_args = ()
        self._ld = None  # Delay_ms timing a long press
        self._dd = None  # Delay_ms timing the window for a second click
        self._dblpend = False  # a first click waits for a second
        self._dblran = False  # the double-click event ran for the current press
        self._longran = False  # the long-press event ran for the current press
        self._task = asyncio.create_task(self._poll())

    def press_func(self, func=None, args=()):
        self._press = _event(self, "press", func)
        self._press_args = args

    def release_func(self, func=None, args=()):
        self._release = _event(self, "release", func)
        self._release_args = args

    def long_func(self, func=None, args=()):
        self._longf = _event(self, "long", func)
        self._long_args = args
        if self._longf is not None and self._ld is None:
            self._ld = Delay_ms(self._long_timeout)

    def double_func(self, func=None, args=()):
        self._double = _event(self, "double", func)
        self._double_args = args
        if self._double is not None and self._dd is None:
            self._dd = Delay_ms(self._double_timeout)

    def rawstate(self):
        """True while the button is pressed, read now (not debounced)."""
        return bool(self._pin.value() ^ self._sense)

    def __call__(self):
        """True while the button is pressed, debounced."""
        return self._state

    def deinit(self):
        self._task.cancel()
        for delay in (self._ld, self._dd):
            if delay is not None:
                delay.deinit()

    async def _poll(self):
        last = self._state
        while True:
            await asyncio.sleep_ms(self.debounce_ms)
            state = self.rawstate()
            if state != self._state and state == last:
                self._state = state
                if state:
                    self._pressed()
                else:
                    self._released()
            last = state

    def _pressed(self):
        if self._press is not None:
            launch(self._press, self._press_args)
        double = self._double is not None
        second = double and self._dd()
        self._longran = False
        if self._longf is not None and not second:
            self._ld.trigger(self.long_press_ms)
        if second:
            self._dd.stop()
            self._dblpend = False
            self._dblran = True
            launch(self._double, self._double_args)
        elif double:
            self._dd.trigger(self.double_click_ms)
            self._dblpend = True

    def _released(self):
        if self._release is not None:
            if not self._supp or not (self._dblpend or self._dblran or self._longran):
                launch(self._release, self._release_args)
        if self._ld is not None:
            self._ld.stop()
        self._dblran = False

    def _long_timeout(self):
        if self._longf is not None and self._state:
            self._longran = True
            launch(self._longf, self._long_args)

    def _double_timeout(self):
        # No second click came: with suppress, a release held back for it is due now.
        self._dblpend = False
        if self._supp and self._release is not None and not self._state and not self._longran:
            launch(self._release, self._release_args)
