"""A simulated HTU21D(F) humidity and temperature sensor, a device model for the I2C bus.

It acts as the datasheet's part: a measurement command (``0xF3`` temperature, ``0xF5``
humidity, no hold master) starts a conversion that takes the datasheet's maximum time for the
resolution in the user register; until it ends the sensor NACKs its address, so a read
raises ``OSError(ENODEV)``. Then a read returns the 16-bit result (MSB first, the two status
bits in the LSB: bit 1 set for humidity) and its CRC-8 (polynomial 0x131). ``0xE3``/``0xE5``
(hold master) stretch the clock: the read blocks until the conversion ends. ``0xE7``/``0xE6``
read and write the user register, ``0xFE`` is a soft reset (15 ms).

A test sets ``temperature`` (deg C) and ``humidity`` (%RH, before any temperature
compensation), which the datasheet's formulae turn into the codes sent, rounded to the
resolution; ``bad_crc(n)`` and ``nack(n)`` (NACK the next ``n`` reads) make faults,
``extra_ms`` a slow part, ``i2c.detach(addr)`` a sensor gone from the bus.
"""

import errno

from . import clock
from .i2c import I2CDevice

_T_HOLD = const(0xE3)
_RH_HOLD = const(0xE5)
_T_NO_HOLD = const(0xF3)
_RH_NO_HOLD = const(0xF5)
_WRITE_USER = const(0xE6)
_READ_USER = const(0xE7)
_RESET = const(0xFE)
_USER_DEFAULT = const(0x02)  # 12-bit RH, 14-bit T, OTP reload off
_USER_WRITABLE = const(0x87)  # resolution (bits 7, 0) and heater (bit 2)
_RESET_MS = const(15)
# By resolution setting (user register bit 7, bit 0): bits of each result and the datasheet's
# maximum conversion time in ms.
_T_BITS = (14, 12, 13, 11)
_T_MS = (50, 13, 25, 7)
_RH_BITS = (12, 8, 10, 11)
_RH_MS = (16, 3, 5, 8)


def _crc8(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc << 1) ^ 0x131 if crc & 0x80 else crc << 1
    return crc


class HTU21D(I2CDevice):
    def __init__(self, addr=0x40, temperature=20.0, humidity=50.0):
        super().__init__(addr)
        self.temperature = temperature
        self.humidity = humidity
        self.user_register = _USER_DEFAULT
        self.extra_ms = 0  # each conversion takes this much longer than the datasheet says
        self.conversions = 0  # measurements started
        self._busy_us = None  # clock.ticks_us() when the conversion or reset under way ends
        self._result = None  # what the next read returns
        self._hold = False  # the conversion under way was asked for with hold master
        self._bad_crc = 0
        self._nack = 0

    # Faults a test injects.

    def bad_crc(self, n=1):
        """The next ``n`` results carry a wrong CRC (a bit flipped on the wire)."""
        self._bad_crc += n

    def nack(self, n=1):
        """NACK the next ``n`` reads, as the sensor does while it converts."""
        self._nack += n

    def code(self, humidity):
        """The 16-bit word (result and status bits) the sensor sends for the value set now."""
        res = (self.user_register >> 6 & 2) | (self.user_register & 1)
        if humidity:
            raw, bits = (self.humidity + 6) * 65536 / 125, _RH_BITS[res]
        else:
            raw, bits = (self.temperature + 46.85) * 65536 / 175.72, _T_BITS[res]
        step = 1 << 16 - bits  # a result of ``bits`` bits: the bits below are 0
        raw = min(int(max(raw, 0) / step + 0.5) * step, 0x10000 - step)
        return raw & 0xFFFC | (2 if humidity else 0)

    # The bus side.

    def _converting(self):
        if self._busy_us is not None and clock.ticks_diff(self._busy_us, clock.ticks_us()) > 0:
            return True
        self._busy_us = None
        return False

    def _refuse(self, reading=False):
        # The address is not acknowledged: while converting, or a NACK a test asked for.
        if reading and self._nack:
            self._nack -= 1
            raise OSError(errno.ENODEV)
        if self._converting():
            raise OSError(errno.ENODEV)

    def _start(self, ms, humidity, hold):
        self.conversions += 1
        self._hold = hold
        word = self.code(humidity)
        data = bytes((word >> 8, word & 0xFF))
        crc = _crc8(data)
        if self._bad_crc:
            self._bad_crc -= 1
            crc ^= 0x01
        self._result = data + bytes((crc,))
        self._busy_us = clock.ticks_add(clock.ticks_us(), (ms + self.extra_ms) * 1000)

    def write(self, data):
        self._refuse()
        if not data:
            return 0
        cmd = data[0]
        res = (self.user_register >> 6 & 2) | (self.user_register & 1)
        if cmd in (_T_NO_HOLD, _T_HOLD):
            self._start(_T_MS[res], False, cmd == _T_HOLD)
        elif cmd in (_RH_NO_HOLD, _RH_HOLD):
            self._start(_RH_MS[res], True, cmd == _RH_HOLD)
        elif cmd == _READ_USER:
            self._result = bytes((self.user_register,))
        elif cmd == _WRITE_USER:
            if len(data) > 1:
                keep = self.user_register & ~_USER_WRITABLE
                self.user_register = keep | data[1] & _USER_WRITABLE
        elif cmd == _RESET:
            self.user_register = _USER_DEFAULT | self.user_register & 0x04  # heater kept
            self._result = None
            self._hold = False
            self._busy_us = clock.ticks_add(clock.ticks_us(), _RESET_MS * 1000)
        else:
            return 0  # an unknown command byte is not acknowledged
        return len(data)

    def read(self, nbytes):
        if self._hold and not self._nack:
            # Hold master: the sensor stretches the clock until the conversion ends.
            self._hold = False
            while self._converting():
                pass
        self._refuse(True)
        if self._result is None:
            raise OSError(errno.ENODEV)  # nothing to send: the address is not acknowledged
        out = self._result + b"\xff" * nbytes
        self._result = None
        return out[:nbytes]
