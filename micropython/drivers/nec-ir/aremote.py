"""NEC infra-red remote decoder, driven by pin interrupts.

The demodulator's output pin (a TSOP4838 or similar: low while the carrier is on) interrupts on
both edges; the handler only stores each edge's time (``ticks_us()``, from the first edge of
the burst) into a preallocated array.
A task sleeps until the whole block can have arrived, decodes it and calls
``callback(data, addr, *args)``, never from the interrupt handler.

``data >= 0`` is a command, ``REPEAT`` means the last key is held (``addr`` is the last valid
address) and lower values are errors.
"""

import asyncio
from array import array
from time import ticks_diff, ticks_us

REPEAT = const(-1)
BADSTART = const(-2)
BADBLOCK = const(-3)
BADREP = const(-4)
OVERRUN = const(-5)
BADDATA = const(-6)
BADADDR = const(-7)

_EDGECOUNT = const(68)  # edges in a data block: 9 ms mark, 4.5 ms space, 32 bits, stop mark
# Widths (us) that tell the parts of a block apart.
_MIN_START = const(4000)  # the leading mark is 9 ms
_MIN_DATA_SPACE = const(3000)  # 4.5 ms before a data block
_MIN_REPEAT_SPACE = const(1700)  # 2.25 ms before a repeat code
_MIN_ONE = const(1120)  # a 1 bit's space is 1.6875 ms, a 0 bit's 0.5625 ms
# ms from the first edge to decoding: past the end of the longest block (67.5 ms standard,
# 76.5 ms extended), before a repeat code (108 ms after the block starts).
_BLOCK_MS = const(73)
_BLOCK_MS_EXTENDED = const(80)


class NEC_IR:
    def __init__(self, pin, callback, extended, *args):
        self._pin = pin
        self._callback = callback
        self._args = args
        self._extended = extended
        self.block_time = _BLOCK_MS_EXTENDED if extended else _BLOCK_MS
        self._addr = 0  # last valid address, reported with REPEAT
        # One slot more than a block holds: an edge stored there means overrun.
        self._times = array("i", (0 for _ in range(_EDGECOUNT + 1)))
        self._edge = 0
        self._t0 = 0  # ticks_us() of the first edge
        self._flag = asyncio.ThreadSafeFlag()
        self._task = asyncio.create_task(self._run())
        pin.irq(handler=self._isr, trigger=pin.IRQ_FALLING | pin.IRQ_RISING, hard=True)

    def _isr(self, _):
        n = self._edge
        if n <= _EDGECOUNT:
            # Times relative to the first edge: small numbers, whatever the ticks period
            # (2**30 on boards, 2**62 on the unix port), so they fit the 32-bit array.
            if n:
                self._times[n] = ticks_diff(ticks_us(), self._t0)
            else:
                self._t0 = ticks_us()
                self._times[0] = 0
                self._flag.set()
            self._edge = n + 1

    async def _run(self):
        while True:
            await self._flag.wait()
            # Sleep until block_time after the first edge, whatever the wake-up latency was.
            wait = self.block_time - ticks_diff(ticks_us(), self._t0) // 1000
            if wait > 0:
                await asyncio.sleep_ms(wait)
            data, addr = self._decode()
            self._edge = 0
            self._callback(data, addr, *self._args)

    def _decode(self):
        n = self._edge
        if n > _EDGECOUNT:
            return OVERRUN, 0
        t = self._times
        if n < 3 or t[1] - t[0] <= _MIN_START:
            return BADSTART, 0
        space = t[2] - t[1]
        if space > _MIN_DATA_SPACE:
            if n < _EDGECOUNT:
                return BADBLOCK, 0
            val = 0
            for i in range(3, _EDGECOUNT - 2, 2):  # the space after each bit's mark
                val >>= 1
                if t[i + 1] - t[i] > _MIN_ONE:
                    val |= 0x80000000
            return self._validate(val)
        if space > _MIN_REPEAT_SPACE:
            return (REPEAT, self._addr) if n == 4 else (BADREP, 0)
        return BADSTART, 0

    def _validate(self, val):
        # Bytes, first sent first: address, ~address (or the address' high byte), command,
        # ~command.
        addr = val & 0xFF
        cmd = (val >> 16) & 0xFF
        data = cmd if cmd == (val >> 24) ^ 0xFF else BADDATA
        if addr != ((val >> 8) ^ 0xFF) & 0xFF:
            addr |= val & 0xFF00  # a 16 bit address
            if not self._extended:
                return BADADDR, addr
        self._addr = addr
        return data, addr

    def deinit(self):
        self._pin.irq(handler=None)
        self._task.cancel()
