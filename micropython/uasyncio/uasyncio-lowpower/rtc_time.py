# rtc_time: the Pyboard's RTC as the event loop's timebase, and stop mode between passes
# MIT license
#
# fast_io's core takes ticks_ms, ticks_add and ticks_diff from this module when the application
# set rtc_time_cfg.enabled = True before importing the loop; otherwise this module raises
# ImportError and the loop uses time's. In stop mode the CPU clock and SysTick halt, so time's
# counts stand still, while the RTC keeps counting. Latency(ms) then runs a task that stops the
# MCU after each scheduler pass until the next RTC wakeup, every ms milliseconds.
#
# The RTC timebase is the time of week: ticks wrap at 7 days, so the longest sleep is half of
# that less 1 ms (302_399_999 ms). The application must not set the RTC, call pyb.stop() or
# use rtc.wakeup() itself while it runs.

import rtc_time_cfg

if not rtc_time_cfg.enabled:
    raise ImportError("rtc_time is not enabled.")  # the loop falls back to time

try:
    import pyb
except ImportError:
    # Not an ImportError: importing the loop fails rather than run without saving power
    raise OSError("rtc_time.py is Pyboard-specific.") from None

from time import sleep_ms  # noqa: F401 (no power saving: kept for code that imports it)

# With a host on the USB VCP, stop mode would break the connection (and the REPL): keep time's
# counts. Otherwise USB is switched off to save power.
use_utime = False
_usb = pyb.usb_mode()
if _usb is not None:
    if "VCP" in _usb and pyb.USB_VCP().isconnected():
        use_utime = True
        print("USB connection: rtc_time disabled.")
    else:
        pyb.usb_mode(None)

# The D series is the Pyboard with a switchable 3.3 V output, the board pin EN_3V3
d_series = hasattr(pyb.Pin.board, "EN_3V3")

# Unused pins draw least as inputs held at a level. The application sets up the pins it uses
# after importing this module.
_D_PINS = (
    # user I/O
    "A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 "
    "B0 B1 B3 B4 B5 B7 B8 B9 B10 B11 B12 B13 C0 C1 C2 C3 C4 C5 C6 D0 D3 D8 D9 "
    "E0 E1 E12 E14 E15 F1 F2 F3 F4 F5 F6 H2 H3 H5 H6 H7 H8 I0 I1 "
    # internal, not connected
    "D1 D14 D15 F0 F12 F13 F14 F15 H9 H10 H11 H12 H13 H14 H15 I2 I3"
)
_D_LEDS = ("F3", "F4", "F5")  # on when low

if d_series:
    print("Running on Pyboard D")
    if not use_utime:
        for _name in _D_PINS.split():
            pyb.Pin(_name, pyb.Pin.IN, pyb.Pin.PULL_DOWN)
        if rtc_time_cfg.disable_3v3:
            pyb.Pin("EN_3V3", pyb.Pin.IN, None)  # floats low: the regulator is off
        if rtc_time_cfg.disable_leds:
            for _name in _D_LEDS:
                pyb.Pin(_name, pyb.Pin.IN, pyb.Pin.PULL_UP)
else:
    print("Running on Pyboard 1.x")
    for _name in dir(pyb.Pin.board):
        if _name[0] in "XY":
            pyb.Pin(_name, pyb.Pin.IN, pyb.Pin.PULL_UP)

if use_utime:
    from time import ticks_add, ticks_diff, ticks_ms
else:
    _PERIOD = const(604_800_000)  # a week of ms: less than 2**30, so the sums stay small ints
    _HALF = const(302_400_000)
    _rtc = pyb.RTC()

    # datetime(): (year, month, day, weekday 1..7, hours, minutes, seconds, subseconds)
    if d_series:

        def ticks_ms():
            d = _rtc.datetime()  # subseconds in us
            return (
                (d[3] - 1) * 86_400_000
                + d[4] * 3_600_000
                + d[5] * 60_000
                + d[6] * 1000
                + (d[7] // 1000)
            )

    else:

        def ticks_ms():
            d = _rtc.datetime()  # subseconds count down 255..0: steps of about 4 ms
            return (
                (d[3] - 1) * 86_400_000
                + d[4] * 3_600_000
                + d[5] * 60_000
                + d[6] * 1000
                + ((255 - d[7]) * 1000 >> 8)
            )

    def ticks_add(ticks, delta):
        return (ticks + delta) % _PERIOD

    def ticks_diff(end, start):
        return (end - start + _HALF) % _PERIOD - _HALF


class _Latency:
    def __init__(self, t_ms):
        self._t_ms = 0  # 0: full speed (always so in utime mode)
        if use_utime:
            return
        import fast_io
        from fast_io import core

        try:
            fast_io.get_running_loop()
        except RuntimeError:
            raise OSError("Event loop not instantiated.") from None
        if core.ticks is not ticks_ms:
            # The loop was imported before rtc_time_cfg.enabled was set: its clock would stand
            # still in stop mode.
            raise OSError("rtc_time enabled after the event loop was imported.")
        self._t_ms = max(t_ms, 0)
        fast_io.create_task(self._run(fast_io.sleep_ms))

    async def _run(self, pause):
        print("Low power mode is ON.")
        rtc = pyb.RTC()
        t_ms = self._t_ms
        rtc.wakeup(t_ms or None)
        while True:
            if t_ms > 0:
                pyb.stop()
                # The timers that fell due while stopped join the ring behind this task (at the
                # next step): one more turn lets them run before the next stop.
                await pause(0)
            await pause(0)  # every other task runs (at least) once
            if t_ms != self._t_ms:
                t_ms = self._t_ms
                rtc.wakeup(t_ms or None)

    def __call__(self, t_ms=None):
        old = self._t_ms
        if t_ms is not None and not use_utime:
            self._t_ms = max(t_ms, 0)
        return old


_latency = None


# Latency(ms): the scheduler's latency in low-power mode, 0 for full speed (default 100 ms).
# The first call starts low-power mode (it needs the event loop: get_event_loop() was called,
# or a task is running) and returns the functor; later calls set a new value and return the
# previous one (Latency() only reads it).
def Latency(t_ms=None):
    global _latency
    if _latency is None:
        _latency = _Latency(100 if t_ms is None else t_ms)
        return _latency
    return _latency(t_ms)
