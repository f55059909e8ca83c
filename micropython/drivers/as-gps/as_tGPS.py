"""GPS time to about a millisecond, from the receiver's PPS (pulse per second) output.

The PPS edge starts each second; the RMC sentence naming that second arrives later, so at
each edge the time is the last RMC's time plus one update interval. A pin interrupt records
``ticks_us`` at the edge and the time it stands for; ``get_ms`` and ``get_t_split`` add the
microseconds elapsed since. The handler is a hard interrupt, and so is ``pps_cb``, called from
it: it must not allocate, and takes at most two ``pps_cb_args`` (a longer call would).
MicroPython only (pin interrupts, ``time.ticks_us``).
"""

import time

import as_GPS
import as_rwGPS

try:
    import asyncio
except ImportError:  # MicroPython before v1.21
    import uasyncio as asyncio

_MS_PER_DAY = const(86_400_000)


class GPS_Tbase:
    def _timer_setup(self, pps_pin, pps_cb, pps_cb_args):
        if len(pps_cb_args) > 2:
            raise ValueError("At most two pps_cb_args.")
        self._pps_pin = pps_pin
        self._pps_cb = pps_cb
        self._pps_cb_args = pps_cb_args
        self._update_ms = 1000  # as_rwGPS.GPS.update_interval() changes it
        # Written by the interrupt handler, which must not allocate: all exist already.
        self._rmc_ms = -1  # ms from local midnight to the last RMC's time
        self._pps_rmc_ms = -1  # the RMC time the last PPS edge was matched with
        self.t_ms = 0  # ms from local midnight at the last PPS edge
        self.acquired = None  # ticks_us() at the last PPS edge
        self._time = [0, 0, 0, 0]  # get_t_split's result, reused
        self._starter = asyncio.create_task(self._start())

    async def _start(self):
        await self.data_received(date=True)
        self._pps_pin.irq(self._isr, trigger=self._pps_pin.IRQ_RISING, hard=True)

    def _time_set(self):  # each RMC: the time in ms, computed here so the ISR does no float work
        local = self.epoch_time + int(3600 * self.local_offset)
        self._rmc_ms = local % 86400 * 1000 + self.msecs

    def _isr(self, _):  # hard interrupt: the edge's time must not wait
        acquired = time.ticks_us()
        rmc_ms = self._rmc_ms
        if rmc_ms == self._pps_rmc_ms:  # no RMC since the last edge: it tells nothing new
            return
        self._pps_rmc_ms = rmc_ms
        self.t_ms = (rmc_ms + self._update_ms) % _MS_PER_DAY
        self.acquired = acquired
        cb = self._pps_cb
        if cb is None:
            return
        # Still in the interrupt, where a call with *args would allocate
        args = self._pps_cb_args
        n = len(args)
        if n == 0:
            cb(self)
        elif n == 1:
            cb(self, args[0])
        else:
            cb(self, args[0], args[1])

    async def ready(self):
        """Wait for the first PPS edge matched with an RMC: then the time is known."""
        while self.acquired is None:
            await asyncio.sleep_ms(50)

    # get_ms and get_t_split read two values the interrupt writes: read again if it came
    # in between. Neither allocates, so they may run in an interrupt handler. Await ready()
    # first.
    def get_ms(self):
        """Local time as ms since midnight."""
        while True:
            acquired = self.acquired
            t_ms = self.t_ms
            now = time.ticks_us()
            if acquired == self.acquired:
                break
        return t_ms + time.ticks_diff(now, acquired) // 1000

    def get_t_split(self):
        """Local time as [hours, minutes, seconds, microseconds]; the same list each call."""
        while True:
            acquired = self.acquired
            t_ms = self.t_ms
            now = time.ticks_us()
            if acquired == self.acquired:
                break
        us = t_ms % 1000 * 1000 + time.ticks_diff(now, acquired)
        secs = t_ms // 1000 + us // 1_000_000
        t = self._time
        t[0] = secs // 3600 % 24
        t[1] = secs // 60 % 60
        t[2] = secs % 60
        t[3] = us % 1_000_000
        return t

    def close(self):
        """Stop using the PPS pin."""
        self._starter.cancel()
        self._pps_pin.irq(None)


class GPS_Timer(GPS_Tbase, as_GPS.AS_GPS):
    def __init__(self, sreader, pps_pin, local_offset=0, fix_cb=lambda *_: None,
                 cb_mask=as_GPS.RMC, fix_cb_args=(), pps_cb=None, pps_cb_args=()):  # fmt: skip
        as_GPS.AS_GPS.__init__(self, sreader, local_offset, fix_cb, cb_mask, fix_cb_args)
        self._timer_setup(pps_pin, pps_cb, pps_cb_args)


class GPS_RWTimer(GPS_Tbase, as_rwGPS.GPS):
    def __init__(self, sreader, swriter, pps_pin, local_offset=0, fix_cb=lambda *_: None,
                 cb_mask=as_GPS.RMC, fix_cb_args=(), msg_cb=lambda *_: None, msg_cb_args=(),
                 pps_cb=None, pps_cb_args=()):  # fmt: skip
        as_rwGPS.GPS.__init__(self, sreader, swriter, local_offset, fix_cb, cb_mask,
                              fix_cb_args, msg_cb, msg_cb_args)  # fmt: skip
        self._timer_setup(pps_pin, pps_cb, pps_cb_args)
