"""HD44780 character LCD on six pins (4-bit interface, R/W tied low), refreshed by a task.

``lcd[row] = text`` stores the row and marks it for the task, which writes changed rows to
the display one character at a time. With R/W tied low the busy flag cannot be read, so the
driver waits each instruction's execution time at the slowest oscillator the datasheet allows
(190 kHz), measured from the last write: between characters it yields meanwhile, commands
sent back to back spin it out (60 us at most), longer waits (power-up, Clear) are slept.
"""

import asyncio
from time import ticks_diff, ticks_us

import machine

PINLIST = ("Y1", "Y2", "Y6", "Y5", "Y4", "Y3")  # Rs, E, D4, D5, D6, D7 on a Pyboard (2019)

_POWER_MS = const(50)  # > 40 ms from Vcc at 2.7 V to the first instruction
_FIRST_US = const(4500)  # > 4.1 ms after the first function set of the power-up sequence
_SECOND_US = const(150)  # > 100 us after the second
_EXEC_US = const(60)  # 37 us at 270 kHz, 53 us at 190 kHz
_CLEAR_US = const(2300)  # 1.52 ms at 270 kHz, 2.16 ms at 190 kHz
_CURSOR = const(1 << 16)  # in _dirty: the cursor moved (bits 0-3: rows, 8-15: characters)


class LCD:
    def __init__(self, pinlist, cols, rows=2):
        """``pinlist``: Rs, E, D4, D5, D6, D7, as pin ids or ``Pin`` objects."""
        if len(pinlist) != 6:
            raise ValueError("pinlist: Rs, E, D4, D5, D6, D7")
        if not 1 <= rows <= 4 or not 1 <= cols <= (40 if rows <= 2 else 20):
            raise ValueError("%d x %d: not an HD44780 display" % (cols, rows))
        Pin = machine.Pin  # looked up here: the unix port's machine has none (machine_sim does)
        pins = []
        for p in pinlist:
            if isinstance(p, Pin):
                p.init(Pin.OUT, value=0)
            else:
                p = Pin(p, Pin.OUT, value=0)
            pins.append(p)
        self._rs, self._e, *self._data = pins
        self.cols = cols
        self.rows = rows
        self._text = [" " * cols] * rows  # what lcd[row] returns
        self._codes = [b" " * cols] * rows  # what the display shows once refreshed
        self._chars = bytearray(64)  # custom characters
        self._cursor = None  # (row, col, blink)
        self._dirty = 0
        self._t = ticks_us()  # the last write to the controller
        self._busy = 0  # how long (us) the controller executes it
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    def __getitem__(self, row):
        self._check_row(row)
        return self._text[row]

    def __setitem__(self, row, text):
        self._check_row(row)
        if isinstance(text, str):
            codes = text.encode()
            # ASCII, or the custom characters 0 to 7; bytes for other character ROM codes
            if len(codes) != len(text) or any(8 <= c < 32 for c in codes):
                raise ValueError("not ASCII text: %r (give bytes for ROM codes)" % text)
            pad = " "
        elif isinstance(text, (bytes, bytearray)):
            text = codes = bytes(text)
            pad = b" "
        else:
            raise TypeError("text: str or bytes")
        if len(codes) > self.cols:
            raise ValueError("%d characters in a row of %d" % (len(codes), self.cols))
        text += pad * (self.cols - len(codes))
        codes += b" " * (self.cols - len(codes))
        self._text[row] = text
        if codes != self._codes[row]:
            self._codes[row] = codes
            self._mark(1 << row)

    def custom_char(self, code, pattern):
        """Define character ``code`` (0-7) as ``pattern``: 8 rows, top first, of 5 bits."""
        if not 0 <= code < 8 or len(pattern) != 8:
            raise ValueError("custom_char(code 0-7, 8 rows)")
        self._chars[code * 8 : code * 8 + 8] = bytes(b & 0x1F for b in pattern)
        self._mark(1 << 8 + code)

    def cursor(self, row=None, col=0, blink=False):
        """Show a cursor at ``row``, ``col`` (a blinking block with ``blink``); no row: hide."""
        if row is not None:
            self._check_row(row)
            if not 0 <= col < self.cols:
                raise IndexError("column %d of %d" % (col, self.cols))
            row = (row, col, blink)
        self._cursor = row
        self._mark(_CURSOR)

    def _check_row(self, row):
        if not 0 <= row < self.rows:
            raise IndexError("row %d of %d" % (row, self.rows))

    def _mark(self, bits):
        self._dirty |= bits
        self._wake.set()

    def _address(self, row, col=0):
        # DDRAM: rows 0 and 2 are the first line (0x00), rows 1 and 3 the second (0x40).
        return (0x40 if row & 1 else 0) + (self.cols if row > 1 else 0) + col

    # The controller.

    def _nibble(self, bits):
        d4, d5, d6, d7 = self._data
        d4(bits & 1)
        d5(bits >> 1 & 1)
        d6(bits >> 2 & 1)
        d7(bits >> 3 & 1)
        self._e(1)
        self._e(0)  # the controller latches the nibble on this falling edge

    def _send(self, bits, rs=0, busy=_EXEC_US, eight=False):
        # Spin out what is left of the last instruction's execution time (_EXEC_US at most).
        while ticks_diff(ticks_us(), self._t) < self._busy:
            pass
        self._rs(rs)
        self._nibble(bits >> 4)
        if not eight:
            self._nibble(bits)
        self._t = ticks_us()
        self._busy = busy

    async def _idle(self):
        # Sleep out a long execution time; yield for the last millisecond.
        while (left := self._busy - ticks_diff(ticks_us(), self._t)) > 0:
            await asyncio.sleep_ms(left // 1000)

    async def _power_up(self):
        # The datasheet's initialisation by instruction, for the 4-bit interface: it works
        # whatever state the controller is in (its internal reset needs a fast supply rise).
        self._busy = _POWER_MS * 1000
        await self._idle()
        self._send(0x30, busy=_FIRST_US, eight=True)
        await self._idle()
        self._send(0x30, busy=_SECOND_US, eight=True)
        self._send(0x30, eight=True)
        self._send(0x20, eight=True)  # 4-bit interface
        self._send(0x28 if self.rows > 1 else 0x20)  # 2 lines (or 1), 5x8 dots
        self._send(0x08)  # display off
        self._send(0x01, busy=_CLEAR_US)  # clear
        await self._idle()
        self._send(0x06)  # entry mode: increment, no display shift
        self._send(0x0C)  # display on, cursor off

    async def _run(self):
        await self._power_up()
        while True:
            self._wake.clear()
            while self._dirty:
                await self._refresh()
            await self._wake.wait()

    async def _refresh(self):
        # Each bit is cleared before its write: a change during the write marks it again.
        wrote = False
        for code in range(8):
            if self._dirty & 1 << 8 + code:
                wrote = True
                self._dirty &= ~(1 << 8 + code)
                self._send(0x40 | code << 3)  # CGRAM address
                for b in self._chars[code * 8 : code * 8 + 8]:
                    self._send(b, 1)
                await asyncio.sleep_ms(0)
        for row in range(self.rows):
            if self._dirty & 1 << row:
                self._dirty &= ~(1 << row)
                wrote = True
                self._send(0x80 | self._address(row))
                for c in self._codes[row]:
                    # Other tasks run while the controller executes the last character.
                    await asyncio.sleep_ms(0)
                    while ticks_diff(ticks_us(), self._t) < self._busy:
                        await asyncio.sleep_ms(0)
                    self._send(c, 1)
        if self._dirty & _CURSOR or wrote and self._cursor:
            self._dirty &= ~_CURSOR
            cur = self._cursor
            if cur:
                self._send(0x80 | self._address(cur[0], cur[1]))
            self._send(0x0C | (3 if cur and cur[2] else 2 if cur else 0))
