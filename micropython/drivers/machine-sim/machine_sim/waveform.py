"""Timed edge sequences for simulated pins: the waveform a sensor, a button or a remote makes.

``await play(pin, [(delay_us, level), ...])`` drives ``pin`` to each ``level`` ``delay_us``
after the previous edge (the first one: after the call). Edges closer together than
``burst_us`` form a burst, played by busy-waiting on the real clock: the player keeps the
CPU as interrupts would, so each edge lands within a few microseconds of its time and the
pin's handler sees that time. Across longer gaps the player sleeps and the other tasks run,
waking ``spin_us`` early to busy-wait to the edge; if the tasks make it late, the sequence
carries on from the late edge, so a gap is never shorter than asked. Many players at once
(one per simulated button, say) should pass ``spin_us=0``: edges then land to about a
millisecond and the players leave the CPU to the tasks under test.
"""

import asyncio
import time

from . import clock

BURST_US = 20_000
SPIN_US = 2000


async def play(pin, edges, burst_us=BURST_US, spin_us=SPIN_US):
    """Drive ``pin`` through ``edges``, an iterable of ``(delay_us, level)``."""
    # The real clock, whether or not machine_sim.install() has put the simulated one in place
    # of time (or moved it): handlers get each edge's time through the simulated clock.
    ticks_us = clock._real_us
    ticks_diff = time.ticks_diff
    t = ticks_us()
    for delay, level in edges:
        due = time.ticks_add(t, delay)
        if delay > burst_us:
            wait = ticks_diff(due, ticks_us()) - spin_us
            if wait > 0:
                await asyncio.sleep_ms(wait // 1000)
            if ticks_diff(ticks_us(), due) > 0:
                due = ticks_us()  # woke up late: the edge happens now
        while ticks_diff(due, ticks_us()) > 0:
            pass
        pin._drive(level, due)
        t = due


def pulses(level, durations_us, gap_us=0):
    """Edges for a pulse train: ``level`` first, toggling after each of ``durations_us``.

    The first edge comes ``gap_us`` after the start, the last one ends the last duration.
    """
    edges = [(gap_us, level)]
    for d in durations_us:
        level ^= 1
        edges.append((d, level))
    return edges
