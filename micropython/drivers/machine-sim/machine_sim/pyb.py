"""A simulated Pyboard ``pyb`` module for the unix port: RTC, stop mode, USB, Pin and LED.

Install it as ``pyb`` (``sys.modules["pyb"] = machine_sim.pyb``) before importing the code
under test. Like the firmware's:

- ``RTC()`` keeps the date and time in real time from where ``datetime()`` set it (the start
  is 2015-01-01, a Thursday, as after a board's first power-up). ``weekday`` is the stored
  1..7 count the chip advances at midnight. Subseconds count down 255..0 on a Pyboard 1.x
  (1/256 s: a resolution of about 4 ms) and are microseconds on a Pyboard D. Setting the time
  resets the fraction of the second (to 255 on a 1.x).
- ``RTC().wakeup(ms, callback=None)`` ticks every ``ms`` from the call (``None``: off); a tick
  ends ``stop()``, which then calls ``callback(22)`` (the RTC wakeup's interrupt line).
- ``stop()`` sleeps until the next wakeup tick, or until an edge on a pin with an ``irq``
  handler for it (an EXTI line): a world outside the MCU that runs in another thread (a
  ``_thread`` pressing a button) wakes it so, and the handler runs before ``stop()``
  returns. Code that reads the time through ``machine_sim.clock`` (after
  ``machine_sim.install()``) sees it stand still across ``stop()``, as the SysTick ``time``
  counts does on a board (a handler run during ``stop()`` reads it running). With no wakeup
  set, a board would sleep until reset: here ``stop()`` raises ``RuntimeError``.
- ``usb_mode()`` returns the mode (``"VCP+MSC"`` at start), ``usb_mode(None)`` turns USB off;
  ``USB_VCP().isconnected()`` is True while USB is on with a VCP and a host has it open.
- ``Pin(name, mode, pull)`` takes board names (``X1``..``Y12``, ``LED_RED``, ...; on a D also
  ``EN_3V3``) and CPU names (``A0``): two names of one CPU pin are one ``machine_sim.Pin``,
  whose ``mode()`` and ``pull()`` tell how the program left it. ``Pin.board`` lists the names.
- ``LED(n)`` drives its pin (1.x: red, green, yellow, blue, on when high; D: red, green, blue,
  on when low); ``intensity()`` reads 255 when on.
- ``UART(bus, baudrate)`` is a ``machine_sim.UART``: the far end of its wire is ``uart.wire``.
  What the far end sends while ``stop()`` sleeps waits in the receiver, as in the UART's
  buffer on a board.

Simulation controls: ``model(name)`` picks the board (``"PYBv1.1"``, the start, or
``"PYBD-SF2W"``: a name starting ``PYBD`` is a D), ``host(connected)`` opens or closes the USB
host's VCP, ``stats()`` returns ``(stop() calls, ms spent in stop(), stop() calls a pin
ended)``, ``stopped()`` is True while ``stop()`` sleeps (for a world thread), and ``wakes``
lists the RTC ``datetime()`` of every wake-up that ended a ``stop()`` (the last 64).
"""

import time

from . import clock
from . import pin as _pin
from .uart import UART  # noqa: F401 (pyb.UART)

_WAKE_LINE = const(22)  # the EXTI line of the RTC wakeup: what a wakeup callback receives
_SLICE_US = const(500)  # how often stop() looks for a pin interrupt
_DAY_US = const(86_400_000_000)
_LOG = const(64)

# Board pin name -> CPU pin name
_PYB1_PINS = {
    "X1": "A0", "X2": "A1", "X3": "A2", "X4": "A3", "X5": "A4", "X6": "A5", "X7": "A6",
    "X8": "A7", "X9": "B6", "X10": "B7", "X11": "C4", "X12": "C5", "X17": "B3", "X18": "C13",
    "X19": "C0", "X20": "C1", "X21": "C2", "X22": "C3",
    "Y1": "C6", "Y2": "C7", "Y3": "B8", "Y4": "B9", "Y5": "B12", "Y6": "B13", "Y7": "B14",
    "Y8": "B15", "Y9": "B10", "Y10": "B11", "Y11": "B0", "Y12": "B1",
    "SW": "B3", "LED_RED": "A13", "LED_GREEN": "A14", "LED_YELLOW": "A15", "LED_BLUE": "B4",
    "MMA_INT": "B2", "MMA_AVDD": "B5", "USB_VBUS": "A9", "USB_ID": "A10",
}  # fmt: skip
_PYBD_PINS = {
    "X1": "A0", "X2": "A1", "X3": "A2", "X4": "A3", "X5": "A4", "X6": "A5", "X7": "A6",
    "X8": "A7", "X9": "B8", "X10": "B9", "X11": "C4", "X12": "C5",
    "Y1": "A9", "Y2": "A10", "Y3": "B4", "Y4": "B5", "Y5": "B12", "Y6": "B13", "Y7": "C2",
    "Y8": "C3", "Y9": "B10", "Y10": "B11", "Y11": "B0", "Y12": "B1",
    "EN_3V3": "F2", "PULL_SCL": "F1", "PULL_SDA": "H5", "LED_RED": "F3", "LED_GREEN": "F4",
    "LED_BLUE": "F5", "USR": "H13",
}  # fmt: skip
_PYB1_LEDS = (("LED_RED", 1), ("LED_GREEN", 1), ("LED_YELLOW", 1), ("LED_BLUE", 1))
_PYBD_LEDS = (("LED_RED", 0), ("LED_GREEN", 0), ("LED_BLUE", 0))  # (pin, level when on)

_model = "PYBv1.1"
_pins = _PYB1_PINS
_leds = _PYB1_LEDS
_usb = "VCP+MSC"
_host = False
_stops = 0
_stopped_us = 0
_pin_wakes = 0
_sleeping = False
wakes = []


def _cpu(name):
    cpu = _pins.get(name)
    if cpu is not None:
        return cpu
    if isinstance(name, str) and len(name) > 1 and "A" <= name[0] <= "K" and name[1:].isdigit():
        return name
    raise ValueError("Pin(%s) doesn't exist" % name)


class Pin(_pin.Pin):
    IN = const(0)
    OUT = const(1)
    OUT_PP = const(1)
    OUT_OD = const(2)  # machine_sim's open drain
    ALT = const(4)
    AF_PP = const(4)
    ANALOG = const(3)
    PULL_NONE = const(0)
    PULL_UP = const(1)
    PULL_DOWN = const(2)
    board = None  # the board's pin names, set by model()

    def __new__(cls, id, *args, **kw):
        pin = _pin.Pin.__new__(cls, _cpu(id))
        if pin._pull is None:
            pin._pull = Pin.PULL_NONE  # what the firmware reports for a pin left alone
        return pin

    def __init__(self, id, mode=-1, pull=-1, *, value=None, **kw):
        # As the firmware's: a mode given without a pull means no pull.
        if pull is None or (pull == -1 and mode != -1):
            pull = Pin.PULL_NONE
        self.init(mode, pull, value=value)

    def name(self):
        return self._id

    def names(self):
        return [self._id] + [n for n, cpu in _pins.items() if cpu == self._id]


class LED:
    def __init__(self, n):
        if not 1 <= n <= len(_leds):
            raise ValueError("LED(%d) doesn't exist" % n)
        name, self._on_level = _leds[n - 1]
        self._pin = Pin(name)
        self._on = False

    def on(self):
        self._on = True
        self._pin.init(Pin.OUT, value=self._on_level)

    def off(self):
        self._on = False
        self._pin.init(Pin.OUT, value=1 - self._on_level)

    def toggle(self):
        self.off() if self._on else self.on()

    def intensity(self, value=None):
        if value is None:
            return 255 if self._on else 0
        self.on() if value else self.off()


def _days(y, m, d):
    # Days from 1970-01-01 to a date (proleptic Gregorian; eras of 400 years)
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _date(days):
    # The (year, month, day) of a _days() count
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, doy - (153 * mp + 2) // 5 + 1


class RTC:
    _one = None

    def __new__(cls):
        if RTC._one is None:
            rtc = RTC._one = super().__new__(cls)
            rtc._period = None
            rtc._callback = None
            rtc._wake_at = 0
            rtc._set((2015, 1, 1, 4, 0, 0, 0, 0))
        return RTC._one

    def _set(self, dt):
        year, month, day, weekday, h, m, s = dt[:7]
        self._us0 = _days(year, month, day) * _DAY_US + ((h * 60 + m) * 60 + s) * 1_000_000
        self._weekday0 = weekday
        self._real0 = clock._real_us()

    def _at(self, real_us):
        # datetime() as the chip shows it at real_us (a time.ticks_us() reading)
        us = self._us0 + time.ticks_diff(real_us, self._real0)
        days = us // _DAY_US
        weekday = (self._weekday0 - 1 + days - self._us0 // _DAY_US) % 7 + 1
        s, us = divmod(us % _DAY_US, 1_000_000)
        m, s = divmod(s, 60)
        h, m = divmod(m, 60)
        sub = us if _model.startswith("PYBD") else 255 - us * 256 // 1_000_000
        return _date(days) + (weekday, h, m, s, sub)

    def datetime(self, dt=None):
        if dt is None:
            return self._at(clock._real_us())
        self._set(dt)

    def wakeup(self, timeout, callback=None):
        if timeout is None:
            self._period = None
            self._callback = None
            return
        if timeout <= 0:
            raise ValueError("wakeup period must be > 0")
        self._period = timeout * 1000
        self._callback = callback
        self._wake_at = clock._real_us()

    def _next_tick(self, now):
        # The first wakeup tick after real time now
        p = self._period
        n = time.ticks_diff(now, self._wake_at) // p + 1
        return time.ticks_add(self._wake_at, n * p)


def stop():
    """Sleep until the next RTC wakeup tick or a pin interrupt (the MCU's stop mode)."""
    global _stops, _stopped_us, _pin_wakes, _sleeping
    rtc = RTC()
    if rtc._period is None:
        raise RuntimeError("stop() with no RTC wakeup set: a board would sleep until reset")
    start = clock._real_us()
    frozen = clock.ticks_us()
    tick = rtc._next_tick(start)
    requests = _pin._requests
    _sleeping = True
    while True:
        # An edge from another thread is serviced while this one sleeps: its request ends stop()
        # (first, if the tick is due in the same slice).
        now = clock._real_us()
        by_pin = _pin._requests != requests
        left = time.ticks_diff(tick, now)
        if by_pin or left <= 0:
            break
        time.sleep_us(min(left, _SLICE_US))
    _sleeping = False
    clock.set_ticks_us(frozen)  # the SysTick stood still
    woke = now if by_pin else tick
    _stops += 1
    _pin_wakes += by_pin
    _stopped_us += time.ticks_diff(woke, start)
    wakes.append(rtc._at(woke))
    if len(wakes) > _LOG:
        wakes.pop(0)
    if not by_pin and rtc._callback is not None:
        rtc._callback(_WAKE_LINE)


def stopped():
    """True while ``stop()`` sleeps: a world thread can wait for it before acting."""
    return _sleeping


_KEEP = object()


def usb_mode(mode=_KEEP, **kw):
    global _usb
    if mode is _KEEP:
        return _usb
    _usb = mode


class USB_VCP:
    def __init__(self, id=0):
        pass

    def isconnected(self):
        return _host and _usb is not None and "VCP" in _usb


def host(connected):
    """A USB host opens (True) or closes (False) the VCP."""
    global _host
    _host = bool(connected)


def stats():
    """``(stop() calls, milliseconds spent in stop(), stop() calls a pin interrupt ended)``."""
    return _stops, _stopped_us // 1000, _pin_wakes


def model(name=None):
    """The simulated board's ``os.uname().machine`` prefix; ``model(name)`` picks the board."""
    global _model, _pins, _leds
    if name is None:
        return _model
    _model = name
    d_series = name.startswith("PYBD")
    _pins = _PYBD_PINS if d_series else _PYB1_PINS
    _leds = _PYBD_LEDS if d_series else _PYB1_LEDS

    class board:
        pass

    for pin_name in _pins:
        setattr(board, pin_name, Pin(pin_name))
    Pin.board = board


model(_model)
