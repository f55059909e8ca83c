"""The ``time`` module as simulated hardware sees it: edges happen on time.

On a board an edge happens when the signal changes and its interrupt handler runs a few
microseconds later, so a handler that reads ``ticks_us()`` gets the edge's time. On the unix
port the simulation can itself be late (the host deschedules the process for milliseconds
under load), which would move the edge. ``install()`` puts this module in place of ``time``:
outside interrupt handlers it is the real clock; inside a hard handler, ``ticks_us()`` and
``ticks_ms()`` start from the edge's scheduled time and advance with the handler's own run
time, leaving out any pause of more than 200 us between two readings (the host, not the
handler). Every other name is the real ``time``'s.

``set_ticks_us(value)`` moves what ``ticks_us()`` and ``ticks_ms()`` read (by the same
amount), so that a test can run a driver through the ticks wrap-around, or at ticks values
beyond 2**31, without waiting for them.
"""

import time as _time

_real_us = _time.ticks_us
_real_ms = _time.ticks_ms
_ticks_add = _time.ticks_add
_ticks_diff = _time.ticks_diff
_MAX_STEP_US = const(200)  # a longer pause between two readings is the host, not the handler

_offset_us = 0  # set_ticks_us(): added to what the clock reads
_in_irq = 0  # depth of hard handlers running
_irq_us = 0  # the real-clock time a handler sees
_irq_real = 0  # real time when it was last read


def _now():
    # The real clock's time, as the code running now sees it (an edge's time in a handler).
    global _irq_us, _irq_real
    if not _in_irq:
        return _real_us()
    real = _real_us()
    step = _ticks_diff(real, _irq_real)
    _irq_real = real
    _irq_us = _ticks_add(_irq_us, step if step < _MAX_STEP_US else 1)
    return _irq_us


def ticks_us():
    return _ticks_add(_now(), _offset_us)


def ticks_ms():
    behind_us = _ticks_diff(_real_us(), _now()) if _in_irq else 0
    return _ticks_add(_real_ms(), (_offset_us - behind_us) // 1000)


def set_ticks_us(value):
    """From now on ``ticks_us()`` counts on from ``value`` (and ``ticks_ms()`` alike)."""
    global _offset_us
    _offset_us = _ticks_diff(value, _real_us())


def real_us(us):
    """The real clock's time for ``us``, a time read from this clock (see set_ticks_us)."""
    return _ticks_add(us, -_offset_us)


def _enter(edge_us):
    # A hard handler for the edge due at ``edge_us`` (real clock) starts now.
    global _in_irq, _irq_us, _irq_real
    if not _in_irq:
        _irq_us = edge_us
        _irq_real = _real_us()
    _in_irq += 1


def _leave():
    global _in_irq
    _in_irq -= 1


def __getattr__(name):
    return getattr(_time, name)
