"""The ``time`` module as simulated hardware sees it: edges happen on time.

On a board an edge happens when the signal changes and its interrupt handler runs a few
microseconds later, so a handler that reads ``ticks_us()`` gets the edge's time. On the unix
port the simulation can itself be late (the host deschedules the process for milliseconds
under load), which would move the edge. ``install()`` puts this module in place of ``time``:
outside interrupt handlers it is the real clock; inside a hard handler, ``ticks_us()`` and
``ticks_ms()`` start from the edge's scheduled time and advance with the handler's own run
time, leaving out any pause of more than 200 us between two readings (the host, not the
handler). Every other name is the real ``time``'s.
"""

import time as _time

_real_us = _time.ticks_us
_ticks_add = _time.ticks_add
_ticks_diff = _time.ticks_diff
_MAX_STEP_US = const(200)  # a longer pause between two readings is the host, not the handler

_in_irq = 0  # depth of hard handlers running
_irq_us = 0  # the clock a handler sees
_irq_real = 0  # real time when it was last read


def ticks_us():
    global _irq_us, _irq_real
    if not _in_irq:
        return _real_us()
    real = _real_us()
    step = _ticks_diff(real, _irq_real)
    _irq_real = real
    _irq_us = _ticks_add(_irq_us, step if step < _MAX_STEP_US else 1)
    return _irq_us


def ticks_ms():
    if not _in_irq:
        return _time.ticks_ms()
    behind = _ticks_diff(_real_us(), ticks_us())
    return _ticks_add(_time.ticks_ms(), -(behind // 1000))


def _enter(edge_us):
    # A hard handler for the edge due at ``edge_us`` starts now.
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
