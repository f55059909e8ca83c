"""HTU21D(F) humidity and temperature sensor on I2C, read by a background task.

``temperature`` (deg C) and ``humidity`` (%RH) hold the last good pair, read at once;
``age_ms()`` says how old it is, ``readings`` and ``errors`` count good pairs and failed
attempts. Each measurement is a no-hold-master command: the task sleeps through the
conversion (the datasheet's maximum for the sensor's resolution), then reads; the sensor
NACKs its address until it is done, so a NACK is retried after a short pause. A failed pair
(a bad CRC, an I2C error, a sensor that is gone) is counted and tried again, and the values
keep their last good reading.
"""

import asyncio
from time import ticks_diff, ticks_ms

_ADDRESS = const(0x40)
_T_CMD = b"\xf3"  # trigger temperature measurement, no hold master
_RH_CMD = b"\xf5"  # trigger humidity measurement, no hold master
_READ_USER = const(0xE7)
# Conversion time (ms, the datasheet's maximum) by resolution setting (user register bits 7, 0)
_T_MS = (50, 13, 25, 7)
_RH_MS = (16, 3, 5, 8)
_NACK_MS = const(5)  # pause before reading again while the sensor NACKs (still converting)
_NACK_TRIES = const(10)  # reads before giving up on a measurement
_RETRY_MS = const(1000)  # longest pause before trying a failed pair again
_DIVISOR = const(0x131 << 15)  # CRC-8 polynomial x^8 + x^5 + x^4 + 1, aligned to bit 23
_COMP = -0.15  # %RH per deg C: the datasheet's temperature coefficient of humidity


class HTU21D:
    def __init__(self, i2c, read_delay=10, address=_ADDRESS, compensate=False):
        """``read_delay``: seconds between readings. ``compensate``: correct humidity for
        temperatures other than 25 deg C, with the datasheet's coefficient."""
        if address not in i2c.scan():
            raise OSError("No HTU21D device found at 0x%02x" % address)
        self._i2c = i2c
        self._addr = address
        self._delay_ms = int(read_delay * 1000)
        self._compensate = compensate
        self._buf = bytearray(3)
        # The driver never writes the user register: read it once, before measuring.
        self._user = i2c.readfrom_mem(address, _READ_USER, 1)[0]
        res = (self._user >> 6 & 2) | (self._user & 1)
        # sleep_ms(n) may wake up to 1 ms short of n: one more ms.
        self._t_ms = _T_MS[res] + 1
        self._rh_ms = _RH_MS[res] + 1
        self.temperature = None
        self.humidity = None
        self.readings = 0
        self.errors = 0
        self._stamp = 0  # ticks_ms() of the last good pair
        self._ready = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    def __await__(self):
        # Until the first pair is there (MicroPython awaits the generator itself).
        return self._ready.wait()

    __iter__ = __await__

    def user_register(self):
        """The user register (2 by default: 12-bit humidity, 14-bit temperature)."""
        return self._user

    def age_ms(self):
        """Milliseconds since the values were measured, or None before the first pair."""
        return ticks_diff(ticks_ms(), self._stamp) if self.readings else None

    async def _run(self):
        while True:
            t = await self._measure(_T_CMD, self._t_ms)
            rh = await self._measure(_RH_CMD, self._rh_ms) if t >= 0 else -1
            if rh < 0:
                self.errors += 1
                await asyncio.sleep_ms(min(self._delay_ms, _RETRY_MS))
                continue
            temperature = -46.85 + 175.72 * t / 65536
            humidity = -6 + 125 * rh / 65536
            if self._compensate:
                humidity += (25 - temperature) * _COMP
            self.temperature = temperature
            self.humidity = humidity
            self._stamp = ticks_ms()
            self.readings += 1
            self._ready.set()
            await asyncio.sleep_ms(self._delay_ms)

    async def _measure(self, cmd, wait_ms):
        # The result with its status bits masked, or -1 if the measurement failed.
        try:
            self._i2c.writeto(self._addr, cmd)
        except OSError:
            return -1
        await asyncio.sleep_ms(wait_ms)
        buf = self._buf
        for _ in range(_NACK_TRIES):
            try:
                self._i2c.readfrom_into(self._addr, buf)
                break
            except OSError:
                await asyncio.sleep_ms(_NACK_MS)
        else:
            return -1
        # The remainder of the data and its CRC byte, divided by the polynomial, must be 0.
        rem = buf[0] << 16 | buf[1] << 8 | buf[2]
        div = _DIVISOR
        for bit in range(23, 7, -1):
            if rem >> bit & 1:
                rem ^= div
            div >>= 1
        if rem:
            return -1
        return (buf[0] << 8 | buf[1]) & 0xFFFC
