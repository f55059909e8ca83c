"""A simulated HD44780 character LCD controller, wired to six simulated pins.

The controller latches RS and D4..D7 on each falling edge of E, as the part does (the model
watches E with a hard pin interrupt, so it sees the levels at that instant). It powers up in
the 8-bit interface, display off, its display memory undefined (0xff: a block on the screen),
as a part whose internal reset did not run; D0..D3 are not wired, so in the 8-bit interface
they read 1 (the controller's pull-ups). It decodes the instructions of the datasheet's
table 6 into its display memory (DDRAM), character generator memory (CGRAM), address counter,
cursor and display shift.

It records every datasheet timing the driver broke, measured from the falling edge of E that
completed an instruction to the rising edge of E that starts the next write:

- the first write less than 40 ms after power-on (the model's creation);
- in the power-up sequence (initialisation by instruction), less than 4.1 ms after the first
  function set and 100 us after the second;
- a write while the controller is busy: 37 us for most instructions, 1.52 ms for Clear and
  Return home, at a 270 kHz oscillator (``fosc_khz``: the slowest part, 190 kHz, is slower);
- the power-up sequence itself (function set 0x3 three times, then 0x2) and DDRAM addresses
  the display mode does not have.

The E pulse width, setup and hold times (hundreds of nanoseconds) are below the clock's
resolution and below what two pin writes from Python take; they are not checked.
"""

from array import array

from . import clock
from .pin import Pin

_POWER_US = const(40_000)  # after Vcc rises to 2.7 V
_FIRST_US = const(4_100)  # after the first function set of the power-up sequence
_SECOND_US = const(100)  # after the second
_EXEC_US = 37  # at 270 kHz
_LONG_US = 1520  # Clear, Return home at 270 kHz
_LINE = const(40)  # characters of a line in the 2-line mode (80 in the 1-line mode)
_KEEP = const(16)  # violations kept in detail (all are counted)
# Violation kinds
_TIMING = const(0)
_POWER = const(1)
_SEQUENCE = const(2)
_ADDRESS = const(3)


class HD44780:
    def __init__(self, pins, cols=16, rows=2, fosc_khz=270):
        """``pins``: Rs, E, D4, D5, D6, D7 (pin ids or ``Pin`` objects), as the driver has
        them. ``cols`` x ``rows``: the glass, which shows DDRAM 0x00, 0x40, 0x00 + cols and
        0x40 + cols on its rows."""
        self.cols = cols
        self.rows = rows
        rs, e, *data = (p if isinstance(p, Pin) else Pin(p) for p in pins)
        self._rs = rs
        self._d4, self._d5, self._d6, self._d7 = data
        self._exec_us = (_EXEC_US * 270 + fosc_khz - 1) // fosc_khz
        self._long_us = (_LONG_US * 270 + fosc_khz - 1) // fosc_khz
        self.ddram = bytearray(b"\xff" * 128)  # by address: 0x00-0x27, 0x40-0x67 (or 0x00-0x4f)
        self.cgram = bytearray(64)
        self.instructions = 0  # instructions and data writes executed
        self.violation_count = 0
        self._violations = array("i", bytes(4 * 4 * _KEEP))  # kind, byte, got, need
        self._eight = True  # the 8-bit interface
        self._half = -1  # the high nibble of a byte under way in the 4-bit interface
        self._stage = 0  # power-up sequence: function sets seen (4: done)
        self._lines = 1  # N
        self._on = False  # display on (D)
        self._cursor = 0  # C << 1 | B
        self._ac = 0  # address counter
        self._cg = False  # the address counter points into CGRAM
        self._inc = 1  # I/D: +1 or -1
        self._auto_shift = False  # S: shift the display on each write
        self._shift = 0  # display shift (positions left)
        self._last = -1  # the last instruction (RS in bit 8), -1: power-on
        self._t = clock.ticks_us()  # when the controller became busy
        self._need = _POWER_US  # how long it stays busy
        e.irq(self._edge, Pin.IRQ_RISING | Pin.IRQ_FALLING, hard=True)

    # What a user sees.

    def screen(self):
        """The glass, one string per row (blanks while the display is off)."""
        out = []
        for row in range(self.rows):
            if not self._on or (row and self._lines == 1):
                out.append(" " * self.cols)
            else:
                out.append("".join(chr(self.ddram[self._addr(row, c)]) for c in range(self.cols)))
        return out

    def cursor(self):
        """``(row, col, blink)`` where the cursor shows, or None (off, or off the glass)."""
        if not (self._on and self._cursor) or self._cg:
            return None
        for row in range(self.rows if self._lines == 2 else 1):
            for col in range(self.cols):
                if self._addr(row, col) == self._ac:
                    return row, col, bool(self._cursor & 1)
        return None

    def char(self, code):
        """The 5x8 pattern of custom character ``code`` (0-7): eight rows of 5 bits."""
        return bytes(b & 0x1F for b in self.cgram[code * 8 : code * 8 + 8])

    def violations(self):
        """The datasheet rules broken, one line each (the first 16; all are counted)."""
        out = []
        v = self._violations
        for i in range(min(self.violation_count, _KEEP)):
            kind, byte, got, need = v[4 * i : 4 * i + 4]
            what = "%s 0x%02x" % ("data" if byte >> 8 else "instruction", byte & 0xFF)
            if kind == _TIMING:
                out.append("write %d us after %s, needs %d us" % (got, what, need))
            elif kind == _POWER:
                out.append("write %d us after power-on, needs %d us" % (got, need))
            elif kind == _SEQUENCE:
                out.append("power-up: %s, not function set 0x%x" % (what, need))
            else:
                out.append("%s: no DDRAM address 0x%02x in the %d-line mode" % (what, got, need))
        return out

    # The pins.

    def _addr(self, row, col):
        if self._lines == 1:
            return (col + self._shift) % (2 * _LINE)
        pos = (self.cols if row > 1 else 0) + col
        return (0x40 if row & 1 else 0) + (pos + self._shift) % _LINE

    def _violate(self, kind, byte, got, need):
        n = self.violation_count
        if n < _KEEP:
            v = self._violations
            v[4 * n] = kind
            v[4 * n + 1] = byte
            v[4 * n + 2] = got
            v[4 * n + 3] = need
        self.violation_count = n + 1

    def _edge(self, e):
        # A hard interrupt handler: the heap is locked, nothing here allocates.
        now = clock.ticks_us()
        if e.value():  # E rises: a write starts, the controller must be ready for it
            got = clock.ticks_diff(now, self._t)
            if got < self._need:
                self._violate(_POWER if self._last < 0 else _TIMING, self._last, got, self._need)
            return
        nibble = self._d7.value() << 3 | self._d6.value() << 2 | self._d5.value() << 1
        nibble |= self._d4.value()
        rs = self._rs.value()
        if self._eight:
            self._execute(nibble << 4 | 0x0F, rs, now)
        elif self._half < 0:
            self._half = nibble
            self._need = 0  # the second nibble follows at once
        else:
            byte = self._half << 4 | nibble
            self._half = -1
            self._execute(byte, rs, now)

    def _execute(self, byte, rs, now):
        self.instructions += 1
        self._t = now
        self._need = self._exec_us
        if self._stage < 4 and not rs:
            self._power_up(byte)
        self._last = rs << 8 | byte
        if rs:
            self._write(byte)
        elif byte & 0x80:
            self._set_ddram(byte & 0x7F)
        elif byte & 0x40:
            self._cg = True
            self._ac = byte & 0x3F
        elif byte & 0x20:  # function set: DL, N (F, the font, changes nothing here)
            self._eight = bool(byte & 0x10)
            self._lines = 2 if byte & 0x08 else 1
        elif byte & 0x10:  # cursor or display shift
            step = 1 if byte & 0x04 else -1
            if byte & 0x08:
                self._shift = (self._shift - step) % (_LINE * (3 - self._lines))
            else:
                self._step(step)
        elif byte & 0x08:  # display on/off control
            self._on = bool(byte & 0x04)
            self._cursor = byte & 0x03
        elif byte & 0x04:  # entry mode set
            self._inc = 1 if byte & 0x02 else -1
            self._auto_shift = bool(byte & 0x01)
        elif byte & 0x02:  # return home
            self._set_ddram(0)
            self._shift = 0
            self._need = self._long_us
        elif byte:  # clear display
            for i in range(128):
                self.ddram[i] = 0x20
            self._set_ddram(0)
            self._shift = 0
            self._inc = 1
            self._need = self._long_us

    def _power_up(self, byte):
        # Initialisation by instruction: 0x3 three times (8-bit), then 0x2.
        want = 0x2 if self._stage == 3 else 0x3
        if not self._eight or byte >> 4 != want:
            self._violate(_SEQUENCE, byte, 0, want)
            self._stage = 4  # reported once
            return
        self._stage += 1
        if self._stage == 1:
            self._need = _FIRST_US
        elif self._stage == 2:
            self._need = _SECOND_US

    def _set_ddram(self, addr):
        self._cg = False
        if self._lines == 2 and addr % 0x40 >= _LINE or addr >= 2 * _LINE and self._lines == 1:
            self._violate(_ADDRESS, self._last, addr, self._lines)
        self._ac = addr

    def _write(self, byte):
        if self._cg:
            self.cgram[self._ac] = byte
            self._ac = (self._ac + self._inc) % 64
            return
        self.ddram[self._ac] = byte
        self._step(self._inc)
        if self._auto_shift:
            self._shift = (self._shift + self._inc) % (_LINE * (3 - self._lines))

    def _step(self, step):
        # The address counter, across the gap between the two lines' addresses.
        ac = self._ac + step
        if self._lines == 1:
            self._ac = ac % (2 * _LINE)
        elif ac == _LINE:
            self._ac = 0x40
        elif ac == 0x40 + _LINE:
            self._ac = 0
        elif ac == -1:
            self._ac = 0x40 + _LINE - 1
        elif ac == 0x3F:
            self._ac = _LINE - 1
        else:
            self._ac = ac
