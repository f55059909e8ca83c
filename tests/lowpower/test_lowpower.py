"""uasyncio-lowpower: rtc_time and Latency on fast_io, against the simulated Pyboard (pyb).

Programs run on the unix port with ``machine_sim.pyb`` installed as ``pyb``. The simulated RTC
runs in real time and stop() sleeps until the next wakeup tick, so the checks compare RTC
readings with the wake-ups the simulation logged: they hold however slowly the host runs.
"""

import os
import re
import subprocess
import sys

import manifest
from harness import MICROPYTHON, REPO

PACKAGE = REPO / "micropython" / "uasyncio" / "uasyncio-lowpower"
FAST_IO_MANIFEST = REPO / "micropython" / "uasyncio" / "uasyncio-fast-io" / "manifest.py"

SIM = 'import sys\nimport machine_sim.pyb as pyb\nsys.modules["pyb"] = pyb\n'
ENABLE = "import rtc_time_cfg\nrtc_time_cfg.enabled = True\n"
INSTALL = "import fast_io\nfast_io.install()\n"
D = "PYBD-SF2W"


def on_sim(code, model=None, setup=""):
    """A program on the simulated board with rtc_time enabled before fast_io is imported."""
    board = f"pyb.model({model!r})\n" if model else ""
    return SIM + board + setup + ENABLE + INSTALL + code


# An RTC datetime as rtc_time's ticks, computed independently (the oracle of the checks), and
# the RTC's resolution in ms.
RTC_MS = """
def rtc_ms(d):
    if pyb.model().startswith("PYBD"):
        sub = d[7] // 1000
    else:
        sub = (255 - d[7]) * 1000 // 256
    return (d[3] - 1) * 86400000 + d[4] * 3600000 + d[5] * 60000 + d[6] * 1000 + sub

STEP = 1 if pyb.model().startswith("PYBD") else 4
"""

# A timer due at `due` that ran at `fired` was on time if it did not run early, and no wake-up
# before the one it ran after was already past its due time (to the RTC's resolution).
ON_TIME = """
late = []

def check(name, due, fired):
    w = pyb.wakes
    before = rtc_ms(w[-2]) if len(w) > 1 else None
    early = rtc_time.ticks_diff(fired, due) < 0
    skipped = before is not None and rtc_time.ticks_diff(before, due) >= STEP
    if early or skipped:
        late.append((name, due, fired, before))
"""


# ---------------------------------------------------------------------------------------------
# Import behaviour


def test_not_enabled_the_loop_uses_time(board):
    out = board.output(
        SIM
        + INSTALL
        + """
import time
from fast_io import core
print(core.ticks is time.ticks_ms, core.ticks_diff is time.ticks_diff)
try:
    import rtc_time
except ImportError as e:
    print("ImportError", e)
print(pyb.usb_mode(), pyb.Pin("X1").pull() == pyb.Pin.PULL_NONE)
"""
    )
    assert out.splitlines() == [
        "True True",
        "ImportError rtc_time is not enabled.",
        "VCP+MSC True",  # USB and pins left alone
    ]


def test_enabled_without_a_pyboard_raises_oserror(board):
    code = ENABLE + "import fast_io\n"
    proc = board.run(code, check=False)
    assert proc.returncode == 1
    assert "OSError: rtc_time.py is Pyboard-specific." in proc.stdout + proc.stderr
    out = board.output(ENABLE + "try:\n    import rtc_time\nexcept OSError as e:\n    print(e)\n")
    assert out == "rtc_time.py is Pyboard-specific.\n"


TIMEBASE = (
    RTC_MS
    + """
import time
import rtc_time
from fast_io import core

print(rtc_time.__version__, rtc_time.use_utime, rtc_time.d_series, pyb.usb_mode())
print(core.ticks is rtc_time.ticks_ms, core.ticks_add is rtc_time.ticks_add,
      core.ticks_diff is rtc_time.ticks_diff, rtc_time.sleep_ms is time.sleep_ms)
rtc = pyb.RTC()
rtc.datetime((2024, 3, 17, 7, 23, 59, 58, 0))  # Sunday
a = rtc_ms(rtc.datetime())
t = rtc_time.ticks_ms()
b = rtc_ms(rtc.datetime())
print(a <= t <= b, 604_798_000 <= t < 604_799_000)
P = 604_800_000
ta, td = rtc_time.ticks_add, rtc_time.ticks_diff
print(ta(P - 100, 300), ta(100, -300), td(200, P - 100), td(P - 100, 200), td(5, 5))
print(td(P // 2 - 1, 0), td(P // 2, 0), td(0, P // 2))
"""
)


def test_enabled_on_a_pyboard_1_the_rtc_is_the_timebase(board):
    out = board.output(on_sim(TIMEBASE)).splitlines()
    assert out == [
        "Running on Pyboard 1.x",
        "1.0.0 False False None",  # USB switched off
        "True True True True",
        "True True",
        "200 604799800 300 -300 0",
        "302399999 -302400000 -302400000",
    ]


def test_enabled_on_a_pyboard_d_the_rtc_is_the_timebase(board):
    out = board.output(on_sim(TIMEBASE, model=D)).splitlines()
    assert out[:3] == ["Running on Pyboard D", "1.0.0 False True None", "True True True True"]
    assert out[3] == "True True"


def test_rtc_ticks_resolution_follows_the_board(board):
    code = """
import rtc_time
seen = set()
t = rtc_time.ticks_ms()
while rtc_time.ticks_diff(rtc_time.ticks_ms(), t) < 60:
    seen.add(rtc_time.ticks_ms())
steps = sorted(seen)
print(min(b - a for a, b in zip(steps, steps[1:])))
"""
    assert int(board.output(on_sim(code)).split()[-1]) >= 3  # 1/256 s
    assert int(board.output(on_sim(code, model=D)).split()[-1]) == 1


USB = """
import rtc_time
from fast_io import core
print(rtc_time.use_utime, core.ticks is rtc_time.ticks_ms, pyb.usb_mode())
"""


def test_usb_host_on_the_vcp_keeps_time_and_usb(board):
    out = board.output(
        on_sim(USB + "import time\nprint(core.ticks is time.ticks_ms)\n", setup="pyb.host(True)\n")
    )
    assert out.splitlines() == [
        "USB connection: rtc_time disabled.",
        "Running on Pyboard 1.x",
        "True True VCP+MSC",
        "True",
    ]


def test_usb_off_or_without_vcp_uses_the_rtc(board):
    off = board.output(on_sim(USB, setup="pyb.usb_mode(None)\n"))
    assert off.splitlines()[-1] == "False True None"
    msc = board.output(on_sim(USB, setup="pyb.host(True)\npyb.usb_mode('MSC')\n"))
    assert msc.splitlines()[-1] == "False True None"  # no VCP: switched off


# ---------------------------------------------------------------------------------------------
# Pins powered down at import


PINS = """
import rtc_time
P = pyb.Pin
xy = sorted(n for n in dir(P.board) if n[0] in "XY")
print(len(xy), all(P(n).mode() == P.IN and P(n).pull() == P.PULL_UP for n in xy))
print(P("LED_RED").pull() == P.PULL_NONE, P("MMA_INT").pull() == P.PULL_NONE)
"""


def test_pyboard_1_pulls_every_x_and_y_pin_up(board):
    for setup in ("", "pyb.host(True)\n"):  # in either timebase
        out = board.output(on_sim(PINS, setup=setup)).splitlines()
        assert out[-2:] == ["30 True", "True True"]


PINS_D = """
import rtc_time
P = pyb.Pin
def show(names):
    return [(P(n).mode(), P(n).pull()) for n in names]
print(show(["X1", "A15", "C6", "E15", "I1", "D14", "H15", "I3"]))
print(show(["EN_3V3"]), show(["LED_RED", "LED_GREEN", "LED_BLUE"]))
print(show(["D2", "G9", "I8"]))  # WiFi, SD card: left alone
"""
DOWN, UP, NONE = "(0, 2)", "(0, 1)", "(0, 0)"


def test_pyboard_d_pulls_pins_down_in_low_power_mode(board):
    out = board.output(on_sim(PINS_D, model=D)).splitlines()
    assert out[1] == "[" + ", ".join([DOWN] * 8) + "]"
    assert out[2] == f"[{DOWN}] [{DOWN}, {DOWN}, {DOWN}]"
    assert out[3] == f"[{NONE}, {NONE}, {NONE}]"


def test_pyboard_d_options_switch_3v3_off_and_leds_off(board):
    setup = (
        "import rtc_time_cfg\nrtc_time_cfg.disable_3v3 = True\nrtc_time_cfg.disable_leds = True\n"
    )
    out = board.output(on_sim(PINS_D, model=D, setup=setup)).splitlines()
    assert out[2] == f"[{NONE}] [{UP}, {UP}, {UP}]"


def test_pyboard_d_with_usb_host_leaves_pins_alone(board):
    out = board.output(on_sim(PINS_D, model=D, setup="pyb.host(True)\n")).splitlines()
    assert out[0] == "USB connection: rtc_time disabled."
    assert out[2] == "[" + ", ".join([NONE] * 8) + "]"


# ---------------------------------------------------------------------------------------------
# Latency


LATENCY = """
import asyncio
from rtc_time import Latency
try:
    Latency(100)
except OSError as e:
    print("OSError", e)
loop = asyncio.get_event_loop()
lat = Latency(100)
print(callable(lat), Latency(), Latency(50), lat(), Latency(-5), Latency(), Latency(None))

async def main():
    Latency(100)
    await asyncio.sleep_ms(0)
    n = pyb.stats()[0]
    for _ in range(6):
        await asyncio.sleep_ms(0)
    print("stopped", pyb.stats()[0] - n)
    print(Latency(0))
    await asyncio.sleep_ms(0)  # the low-power task sees 0: wakeup off
    n = pyb.stats()[0]
    for _ in range(20):
        await asyncio.sleep_ms(0)
    await asyncio.sleep_ms(30)
    print("full speed", pyb.stats()[0] - n, pyb.RTC()._period)
    Latency(40)
    await asyncio.sleep_ms(0)
    await asyncio.sleep_ms(0)
    print("stopped again", pyb.stats()[0] > n, pyb.RTC()._period)

loop.run_until_complete(main())
"""


def test_latency_is_a_functor_returning_the_previous_value(board):
    out = board.output(on_sim(LATENCY)).splitlines()
    assert out == [
        "Running on Pyboard 1.x",
        "OSError Event loop not instantiated.",
        "True 100 100 50 50 0 0",
        "Low power mode is ON.",
        "stopped 3",  # a sleep_ms(0) loop turns twice per wake-up
        "100",
        "full speed 0 None",
        "stopped again True 40000",
    ]


def test_latency_starts_from_a_running_task(board):
    code = """
import asyncio
from rtc_time import Latency

async def main():
    Latency(30)
    await asyncio.sleep_ms(100)
    print(pyb.stats()[0] >= 2, Latency())

asyncio.run(main())
"""
    assert board.output(on_sim(code)).splitlines()[-1] == "True 30"


def test_latency_in_utime_mode_stays_zero(board):
    code = """
import asyncio
from rtc_time import Latency
lat = Latency(100)  # no event loop needed
print(Latency(), Latency(50), Latency())

async def main():
    await asyncio.sleep_ms(50)
    print(pyb.stats())

asyncio.run(main())
"""
    out = board.output(on_sim(code, setup="pyb.host(True)\n")).splitlines()
    assert out[-2:] == ["0 0 0", "(0, 0, 0)"]
    assert "Low power mode is ON." not in out


def test_enabled_after_the_loop_was_imported_is_refused(board):
    code = (
        SIM
        + INSTALL
        + ENABLE
        + """
import asyncio
from rtc_time import Latency
asyncio.get_event_loop()
try:
    Latency(100)
except OSError as e:
    print(e)
"""
    )
    assert board.output(code).splitlines()[-1] == (
        "rtc_time enabled after the event loop was imported."
    )


# ---------------------------------------------------------------------------------------------
# A 2019 low-power program: LED flashers at Latency(50), then idle at Latency(200) when a button
# on X1 is pressed. Only the lines marked "test" are added to it.

PROGRAM_2019 = """
import rtc_time_cfg
rtc_time_cfg.enabled = True

from pyb import LED, Pin
import aswitch
import uasyncio as asyncio
try:
    if asyncio.version[0] != 'fast_io':
        raise AttributeError
except AttributeError:
    raise OSError('This requires fast_io fork of uasyncio.')
import rtc_time  # test
from rtc_time import Latency

class Button(aswitch.Switch):
    def __init__(self, pin):
        super().__init__(pin)
        self.close_func(self._sw_close)
        self._flag = False

    def pressed(self):
        f = self._flag
        self._flag = False
        return f

    def _sw_close(self):
        self._flag = True

running = False
def start(loop, leds, tims):
    global running
    running = True
    coros = []
    Latency(50)
    for x, led in enumerate(leds):
        coros.append(toggle(led, tims[x]))
        loop.create_task(coros[-1])
    return coros

def stop(leds, coros):
    global running
    running = False
    while coros:
        coro = coros.pop()
        asyncio.cancel(coro)
    for led in leds:
        led.off()
    Latency(200)

async def monitor(loop, button):
    leds = [LED(x) for x in (1, 2, 3)]
    tims = [200, 700, 1200]
    coros = start(loop, leds, tims)
    while True:
        if button.pressed():
            if running:
                stop(leds, coros)
                stopped.append(list(toggles))  # test
            else:
                coros = start(loop, leds, tims)
        await asyncio.sleep_ms(0)

async def toggle(objLED, time_ms):
    while True:
        due = rtc_time.ticks_add(rtc_time.ticks_ms(), time_ms)  # test
        await asyncio.sleep_ms(time_ms)
        check(time_ms, due, rtc_time.ticks_ms())  # test
        toggles[time_ms // 500] += 1  # test
        objLED.toggle()

# test: the world outside (a press of the button), then the results
toggles = [0, 0, 0]
stopped = []

async def world():
    x1 = Pin('X1')
    await asyncio.sleep_ms(2500)
    x1.external(0)
    await asyncio.sleep_ms(600)
    x1.external(None)
    n = pyb.stats()[0]
    await asyncio.sleep_ms(1500)
    print("toggles", toggles, stopped == [toggles])
    print("late", late)
    print("stopped", n > 10, pyb.stats()[0] - n)
    w = [rtc_ms(d) for d in pyb.wakes[-min(pyb.stats()[0] - n, 6):]]  # idle wake-ups
    print("periods", [rtc_time.ticks_diff(b, a) for a, b in zip(w, w[1:])])
    print("leds", [LED(x).intensity() for x in (1, 2, 3)], Pin("X1").pull() == Pin.PULL_UP)

loop = asyncio.get_event_loop()
button = Button(Pin('X1', Pin.IN, Pin.PULL_UP))
loop.create_task(monitor(loop, button))
loop.run_until_complete(world())
"""


def test_2019_low_power_program_runs_unchanged(board):
    program = PROGRAM_2019.replace(
        "import rtc_time  # test\n", "import rtc_time  # test\n" + RTC_MS + ON_TIME
    )
    out = board.output(SIM + ENABLE + INSTALL + program).splitlines()
    assert out[:2] == ["Running on Pyboard 1.x", "Low power mode is ON."]
    results = dict(line.split(" ", 1) for line in out[2:])
    counts, same = re.fullmatch(r"\[(.*)\] (\w+)", results["toggles"]).groups()
    counts = [int(n) for n in counts.split(",")]
    assert counts[0] >= 8 and counts[1] >= 2 and counts[2] >= 1, counts  # 2.5 s at 200/700/1200
    assert same == "True"  # no LED toggled once idle
    assert results["late"] == "[]"
    stopped, idle_stops = results["stopped"].split()
    # Idle: a wake-up every 200 ms at most (1500 ms, and up to 200 ms more to the last one)
    assert stopped == "True" and 2 <= int(idle_stops) <= 9
    periods = eval(results["periods"])
    assert periods and all(p > 0 and (p + 4) % 200 <= 8 for p in periods), periods
    assert results["leds"] == "[0, 0, 0] True"


# ---------------------------------------------------------------------------------------------
# A UART in low-power mode (the 2019 lp_uart demo's pattern): lines from a peer on UART4 are
# echoed on UART1 at Latency(50). The peer is a thread, the world outside the MCU: it sends
# whether or not the MCU is stopped, and what arrives during stop() waits in the receiver.

UART_PROGRAM = (
    RTC_MS
    + """
import _thread
import time
import pyb
import uasyncio as asyncio
import rtc_time
from rtc_time import Latency

uart4 = pyb.UART(4, 9600)
uart1 = pyb.UART(1, 115200)
received = []  # RTC ms at which each line was read

async def echo():
    sreader = asyncio.StreamReader(uart4)
    swriter = asyncio.StreamWriter(uart1, {})
    while True:
        line = await sreader.readline()
        received.append(rtc_time.ticks_ms())
        await swriter.awrite(line)

# test: the peer, then the results
N = 30
sent = []  # (line, RTC ms after it was written)
done = []

def peer():
    rtc = pyb.RTC()
    for i in range(N):
        time.sleep_ms(37)  # not in step with the latency
        line = b"line %d %s\\n" % (i, b"x" * (i % 7))
        uart4.wire.write(line)
        sent.append((line, rtc_ms(rtc.datetime())))
    done.append(True)

async def main():
    loop = asyncio.get_event_loop()
    loop.create_task(echo())
    Latency(50)
    n = pyb.stats()[0]
    _thread.start_new_thread(peer, ())
    while not done or len(received) < N:
        await asyncio.sleep_ms(100)
    uart1.wire.setblocking(False)
    echoed = b""
    while len(echoed) < sum(len(line) for line, _ in sent):
        await asyncio.sleep_ms(10)
        echoed += uart1.wire.read() or b""
    print("echoed", echoed == b"".join(line for line, _ in sent))
    stops = pyb.stats()[0] - n
    print("stopped", stops > 10, stops <= len(pyb.wakes))  # all in the log
    wakes = [rtc_ms(d) for d in pyb.wakes]
    # Wake-ups after each line was written, up to when it was read: the first one serves it
    print("waits", max(sum(s < w <= r for w in wakes) for (_, s), r in zip(sent, received)))

asyncio.run(main())
"""
)


def test_uart_lines_in_low_power_mode(board):
    out = board.output(on_sim(UART_PROGRAM, model=D)).splitlines()
    assert out[:2] == ["Running on Pyboard D", "Low power mode is ON."]
    assert out[2:] == ["echoed True", "stopped True True", "waits 1"]


# ---------------------------------------------------------------------------------------------
# A button on a pin interrupt wakes the board from stop() at once, even at Latency(1000): its
# handler sets a ThreadSafeFlag, and the task waiting on it runs before the next RTC tick. The
# user is a thread (the world outside the MCU), who presses while the MCU is stopped. A flasher
# checks that its timers stay right across the early wake-ups.

BUTTON_PROGRAM = (
    RTC_MS
    + ON_TIME
    + """
import _thread
import time
import asyncio
import rtc_time
from rtc_time import Latency

PRESSES = 3
flag = asyncio.ThreadSafeFlag()
button = pyb.Pin("X1", pyb.Pin.IN, pyb.Pin.PULL_UP)
button.irq(lambda pin: flag.set(), trigger=pyb.Pin.IRQ_FALLING, hard=True)
pressed = []  # RTC ms just before each press
served = []  # RTC ms when the waiting task ran

def user():
    rtc = pyb.RTC()
    for i in range(PRESSES):
        time.sleep_ms(600)
        while not pyb.stopped():
            time.sleep_ms(1)
        pressed.append(rtc_ms(rtc.datetime()))
        button.external(0)
        time.sleep_ms(30)
        button.external(None)

async def flasher():
    while True:
        due = rtc_time.ticks_add(rtc_time.ticks_ms(), 450)
        await asyncio.sleep_ms(450)
        check(450, due, rtc_time.ticks_ms())

async def main():
    asyncio.create_task(flasher())
    Latency(1000)
    _thread.start_new_thread(user, ())
    for i in range(PRESSES):
        try:
            # Pressed 600 ms apart: a press left for the next RTC tick would merge with the next
            await asyncio.wait_for_ms(flag.wait(), 3000)
        except asyncio.TimeoutError:
            break
        served.append(rtc_time.ticks_ms())
    stops, _, pin_wakes = pyb.stats()
    print("served", len(served), "pin wake-ups", 1 <= pin_wakes <= PRESSES)
    wakes = [rtc_ms(d) for d in pyb.wakes]
    # At most the one wake-up the press made between a press and its service: no RTC tick
    print("waits", [sum(p <= w <= s for w in wakes) <= 1 for p, s in zip(pressed, served)])
    print("late", late, stops <= len(pyb.wakes))

asyncio.run(main())
"""
)


def test_a_pin_interrupt_wakes_the_board_from_stop(board):
    out = board.output(on_sim(BUTTON_PROGRAM, model=D)).splitlines()
    assert out[:2] == ["Running on Pyboard D", "Low power mode is ON."]
    assert out[2:] == [
        "served 3 pin wake-ups True",
        "waits [True, True, True]",
        "late [] True",
    ]


# ---------------------------------------------------------------------------------------------
# Timers across the RTC's weekly wrap


WRAP = (
    RTC_MS
    + ON_TIME
    + """
import asyncio
import rtc_time
from rtc_time import Latency, ticks_add, ticks_diff, ticks_ms

order = []

async def sleeper(ms):
    due = ticks_add(ticks_ms(), ms)
    await asyncio.sleep_ms(ms)
    fired = ticks_ms()
    check(ms, due, fired)
    order.append((ms, due, fired))

async def main(latency):
    pyb.RTC().datetime((2024, 3, 17, 7, 23, 59, 59, 0))  # the week ends in 1 s
    for ms in (1600, 250, 1100, 900, 1300, 600):
        asyncio.create_task(sleeper(ms))  # they start before the first stop
    if latency is not None:
        Latency(latency)
    await asyncio.sleep_ms(1800)
    print([ms for ms, _, _ in order])
    print("late", late)
    print("wrapped", [due < 1000 for _, due, _ in order], order[-1][2] < 1000)

asyncio.run(main(LATENCY))
"""
)


def wrap_test(board, model, latency):
    out = board.output(on_sim(WRAP.replace("LATENCY", repr(latency)), model=model)).splitlines()
    assert out[-3] == "[250, 600, 900, 1100, 1300, 1600]"
    assert out[-2] == "late []"
    # Due before the wrap (1 s after the start), then after it
    assert out[-1] == "wrapped [False, False, False, True, True, True] True"


def test_timers_cross_the_weekly_wrap_in_low_power_mode_1x(board):
    wrap_test(board, None, 100)


def test_timers_cross_the_weekly_wrap_in_low_power_mode_d(board):
    wrap_test(board, D, 100)


def test_timers_cross_the_weekly_wrap_without_latency(board):
    wrap_test(board, None, None)


# ---------------------------------------------------------------------------------------------
# Package: manifest and index (tests/docs runs the README example)


def fast_io_version():
    return re.search(r'version="([^"]+)"', FAST_IO_MANIFEST.read_text()).group(1)


def test_manifest_requires_the_current_fast_io():
    pkg = manifest.read_manifests(REPO)["uasyncio-lowpower"]
    assert pkg.version == "1.0.0"
    assert list(pkg.deps) == [("uasyncio-fast-io", fast_io_version())]
    assert sorted(target for target, _ in pkg.files) == ["rtc_time.py", "rtc_time_cfg.py"]


def test_index_installs_it_and_it_runs(board, tmp_path):
    sys.path.insert(0, str(REPO / "tests" / "index"))
    from indexkit import StaticServer, build, mip_install

    index = tmp_path / "index"
    build(REPO, index)
    server = StaticServer(index)
    try:
        log = mip_install("uasyncio-lowpower", server.url, tmp_path / "lib")
    finally:
        server.close()
    assert "Installing uasyncio-lowpower (latest)" in log
    assert f"Installing uasyncio-fast-io ({fast_io_version()})" in log
    # The installed package, with the simulated board from the staged lib behind it
    code = on_sim("import rtc_time\nfrom fast_io import core\n")
    code += "print(rtc_time.__version__, rtc_time.__file__, core.ticks is rtc_time.ticks_ms)\n"
    env = dict(os.environ, MICROPYPATH=f"{tmp_path / 'lib'}:{board.lib}:.frozen")
    proc = subprocess.run(
        [MICROPYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"1.0.0 {tmp_path / 'lib' / 'rtc_time.mpy'} True"


# ---------------------------------------------------------------------------------------------
# The simulated Pyboard itself (machine_sim.pyb)


SIM_RTC = """
import time
import machine_sim.pyb as pyb
from machine_sim import clock

rtc = pyb.RTC()
# The subseconds count down from 255: above 100, under 0.6 s has passed (room for a stalled host)
print(rtc is pyb.RTC(), rtc.datetime()[:7], 100 < rtc.datetime()[7] <= 255)
rtc.datetime((2024, 2, 28, 3, 23, 59, 59, 123))  # the fraction restarts
print(rtc.datetime()[:7], 100 < rtc.datetime()[7] <= 255)
rtc.wakeup(300)
for _ in range(4):
    pyb.stop()
print(rtc.datetime()[:5], pyb.stats()[0], len(pyb.wakes))
ms = [((d[3] * 24 + d[4]) * 60 + d[5]) * 60000 + d[6] * 1000 + ((255 - d[7]) * 1000 >> 8) for d in pyb.wakes]
periods = [b - a for a, b in zip(ms, ms[1:])]
print([(p + 4) % 300 <= 8 for p in periods])
got = []
rtc.wakeup(50, got.append)
real, simulated, stopped = time.ticks_ms(), clock.ticks_ms(), pyb.stats()[1]
pyb.stop()
real = time.ticks_diff(time.ticks_ms(), real)
simulated = time.ticks_diff(clock.ticks_ms(), simulated)
stopped = pyb.stats()[1] - stopped
print(got, stopped > 0, simulated <= real - stopped + 1)  # SysTick stood still
rtc.wakeup(None)
try:
    pyb.stop()
except RuntimeError as e:
    print(e)
pyb.model("PYBD-SF2W")
d = rtc.datetime()
print(pyb.model(), d[:5], 0 <= d[7] < 1_000_000)
"""


def test_sim_rtc_wakeup_and_stop(board):
    out = board.output(SIM_RTC).splitlines()
    assert out == [
        "True (2015, 1, 1, 4, 0, 0, 0) True",  # a Thursday, as after the first power-up
        "(2024, 2, 28, 3, 23, 59, 59) True",
        "(2024, 2, 29, 4, 0) 4 4",  # midnight passed: the next day, and the next weekday
        "[True, True, True]",
        "[22] True True",
        "stop() with no RTC wakeup set: a board would sleep until reset",
        "PYBD-SF2W (2024, 2, 29, 4, 0) True",
    ]


SIM_PINS = """
import machine_sim.pyb as pyb
P = pyb.Pin
x1 = P("X1", P.IN, P.PULL_UP)
print(x1 is P("A0"), x1.name(), x1.names(), x1.value(), x1.pull() == P.PULL_UP)
x1.external(0)
print(x1.value(), P("Y1", P.IN).pull() == P.PULL_NONE, P("Y1").mode() == P.IN)
try:
    P("X23")
except ValueError as e:
    print(e)
led = pyb.LED(4)
led.on()
print(P("LED_BLUE").value(), led.intensity(), "EN_3V3" in dir(P.board))
print(pyb.usb_mode(), pyb.USB_VCP().isconnected())
pyb.host(True)
print(pyb.USB_VCP().isconnected())
pyb.usb_mode(None)
print(pyb.usb_mode(), pyb.USB_VCP().isconnected())
pyb.model("PYBD-SF2W")
print("EN_3V3" in dir(P.board), P("Y1").names())
led = pyb.LED(1)
led.toggle()
print(P("LED_RED").value(), led.intensity())  # on when low
try:
    pyb.LED(4)
except ValueError as e:
    print(e)
"""


def test_sim_pins_leds_and_usb(board):
    assert board.output(SIM_PINS).splitlines() == [
        "True A0 ['A0', 'X1'] 1 True",
        "0 True True",
        "Pin(X23) doesn't exist",
        "1 255 False",
        "VCP+MSC False",
        "True",
        "None False",
        "True ['A9', 'Y1']",
        "0 255",
        "LED(4) doesn't exist",
    ]
