"""aswitch on the unix port: Pushbutton, Switch and Delay_ms driven by simulated pins.

Button tests take real time, so each program runs many scenarios at once, one simulated pin
and one driver each, with every contact transition chattering (seeded random bounce shorter
than the debounce time). Timing constants are per instance: 20 ms debounce, 500 ms double
click, 1200 ms long press, so that the programs stay short and the margins wide (200 ms or more
between what a scenario does and the time that decides it): a loaded host may stall the
process, and so the simulated user, whose next edge then comes late, for 100 ms.
"""

import pytest
from harness import REPO

SIM = """
import asyncio, random, time
from machine_sim import Pin, play
from aswitch import Delay_ms, Pushbutton, Switch

rng = random.Random(SEED) if hasattr(random, "Random") else None
if rng is None:
    random.seed(SEED)
    rng = random

def contact(steps, bounce_ms=12):
    # Edges for contact transitions: ``(ms after the previous transition, level)`` each, the
    # contact chattering for up to ``bounce_ms`` after the transition.
    edges = []
    debt = 0
    for ms, level in steps:
        edges.append((ms * 1000 - debt, level))
        debt = 0
        pairs = rng.randint(0, 4) if bounce_ms else 0
        for _ in range(pairs):
            span = bounce_ms * 1000 // (2 * pairs + 1)
            a, b = rng.randint(50, span), rng.randint(50, span)
            edges.append((a, level ^ 1))
            edges.append((b, level))
            debt += a + b
    return edges

def glitches(level, count, gap_ms, max_ms):
    # Short spikes away from ``level``, ``gap_ms`` apart, each shorter than ``max_ms``.
    edges = []
    for _ in range(count):
        width = rng.randint(300, max_ms * 1000)
        edges.append((gap_ms * 1000, level ^ 1))
        edges.append((width, level))
    return edges

class Log:
    # Event names in order; a release carries the ms since the last press event.
    def __init__(self):
        self.events = []
        self.pressed = time.ticks_ms()

    def __call__(self, what):
        now = time.ticks_ms()
        if what == "press":
            self.pressed = now
        if what == "release":
            what = "release:%d" % time.ticks_diff(now, self.pressed)
        self.events.append(what)

    async def coro(self, what):
        await asyncio.sleep_ms(0)
        self(what)
"""

BUTTONS = (
    SIM
    + """
D, DC, LP = 20, 500, 1200
scenarios = []

def button(name, funcs, steps, suppress=False, pull=Pin.PULL_UP, edges=None, fast=True, **kw):
    pin = Pin(name, Pin.IN, pull)
    pb = Pushbutton(pin, suppress=suppress, **kw)
    if fast:
        pb.debounce_ms, pb.double_click_ms, pb.long_press_ms = D, DC, LP
    log = Log()
    for f in funcs:
        getattr(pb, {"p": "press_func", "r": "release_func", "l": "long_func",
                     "d": "double_func"}[f])(log, ({"p": "press", "r": "release",
                     "l": "long", "d": "double"}[f],))
    scenarios.append((name, pin, pb, log, edges or contact(steps)))
    return pb, log

up, dn = 0, 1  # levels on a pulled-up pin: pressed pulls it down
button("click", "prld", [(50, up), (100, dn)])
button("double", "prld", [(50, up), (80, dn), (70, up), (80, dn)])
button("slow_two", "prld", [(50, up), (80, dn), (700, up), (80, dn)])
button("long", "prld", [(50, up), (1500, dn)])
button("short_hold", "prl", [(50, up), (300, dn)])
pb, _ = button("held_minutes", "prld", [(50, up), (2500, dn)])
pb.long_press_ms = 50  # held 50 times the long-press time
button("double_then_hold", "prld", [(50, up), (80, dn), (70, up), (1500, dn)])
button("s1_no_double", "prl", [(50, up), (80, dn)], suppress=True)
button("s2_double_waits", "prld", [(50, up), (80, dn)], suppress=True)
button("s3_long", "prld", [(50, up), (1500, dn)], suppress=True)
button("s3_long_no_double", "prl", [(50, up), (1500, dn)], suppress=True)
button("s4_double", "prld", [(50, up), (80, dn), (70, up), (80, dn)], suppress=True)
button("s_past_double", "prld", [(50, up), (850, dn)], suppress=True)
button("s_no_release_func", "pld", [(50, up), (80, dn)], suppress=True)
button("s_triple", "prld", [(50, up), (80, dn), (70, up), (80, dn), (70, up), (80, dn)],
       suppress=True)
button("active_high", "prld", [(50, dn), (100, up)], pull=Pin.PULL_DOWN)
button("glitch_released", "prld", None, edges=glitches(1, 8, 100, 15))
button("glitch_held", "prld", None,
       edges=contact([(50, up)]) + glitches(0, 8, 100, 15) + contact([(700, dn)]))
# The class's double-click time (400 ms), with a short debounce: the default 50 ms one would
# leave a second click less than 100 ms of margin (defaults_long has the default debounce).
pb, _ = button("defaults_double", "prld", [(50, up), (80, dn), (70, up), (80, dn)], fast=False)
pb.debounce_ms = D
button("defaults_long", "prld", [(50, up), (1500, dn)], fast=False)

# 2019 DRIVERS example: a Delay_ms retriggered by each press fires once, after the last one.
pin = Pin("lamp", Pin.IN, Pin.PULL_UP)
pb = Pushbutton(pin)
pb.debounce_ms = D
log = Log()
lamp = Delay_ms(log, ("lamp",))
pb.press_func(lamp.trigger, (500,))
steps = [(50, up), (60, dn), (90, up), (60, dn), (90, up), (60, dn)]
scenarios.append(("lamp", pin, pb, log, contact(steps)))

# Coroutines with arguments
pin = Pin("coro", Pin.IN, Pin.PULL_UP)
pb = Pushbutton(pin)
pb.debounce_ms, pb.double_click_ms, pb.long_press_ms = D, DC, LP
log = Log()
pb.press_func(log.coro, ("press",))
pb.release_func(log.coro, ("release",))
pb.double_func(log.coro, ("double",))
scenarios.append(("coro", pin, pb, log, contact([(50, up), (80, dn), (70, up), (80, dn)])))

# The Event interface: no function given
pin = Pin("events", Pin.IN, Pin.PULL_UP)
pb = Pushbutton(pin)
pb.debounce_ms, pb.double_click_ms, pb.long_press_ms = D, DC, LP
for f in ("press_func", "release_func", "double_func", "long_func"):
    getattr(pb, f)()
log = Log()

async def watch(event, what):
    while True:
        await event.wait()
        event.clear()
        log(what)

for ev, what in ((pb.press, "press"), (pb.release, "release"), (pb.double, "double"),
                 (pb.long, "long")):
    asyncio.create_task(watch(ev, what))
steps = [(50, up), (80, dn), (70, up), (80, dn), (200, up), (1600, dn)]
scenarios.append(("events", pin, pb, log, contact(steps)))

async def main():
    # A button set up while the loop runs, with an explicit sense (released reads 1)
    pin = Pin("late", Pin.IN, Pin.PULL_UP)
    pb = Pushbutton(pin, sense=1)
    pb.debounce_ms, pb.double_click_ms, pb.long_press_ms = D, DC, LP
    log = Log()
    await asyncio.sleep_ms(20)
    for f, what in (("press_func", "press"), ("release_func", "release"),
                    ("double_func", "double"), ("long_func", "long")):
        getattr(pb, f)(log, (what,))
    scenarios.append(("late", pin, pb, log, contact(steps)))
    for name, pin, pb, log, edges in scenarios:
        asyncio.create_task(play(pin, edges, burst_us=0, spin_us=0))
    await asyncio.sleep_ms(3000)
    for name, pin, pb, log, edges in scenarios:
        print(name, pb(), " ".join(log.events))
        pb.deinit()

asyncio.run(main())
"""
)

PRESS_RELEASE = ["press", "release"]
EXPECTED = {
    "click": PRESS_RELEASE,
    "double": ["press", "release", "press", "double", "release"],
    "slow_two": PRESS_RELEASE * 2,
    "long": ["press", "long", "release"],
    "short_hold": PRESS_RELEASE,
    "held_minutes": ["press", "long", "release"],
    # The second press of a double click does not time a long press.
    "double_then_hold": ["press", "release", "press", "double", "release"],
    # suppress rule 1: no double func, the release runs at once
    "s1_no_double": ["press", "release<"],
    # rule 2: with a double func, the release runs when the double-click time is over
    "s2_double_waits": ["press", "release>"],
    # rule 3: not after a long press
    "s3_long": ["press", "long"],
    "s3_long_no_double": ["press", "long"],
    # rule 4: not after a double click
    "s4_double": ["press", "press", "double"],
    "s_past_double": PRESS_RELEASE,
    "s_no_release_func": ["press"],
    "s_triple": ["press", "press", "double", "press", "release>"],
    "active_high": PRESS_RELEASE,
    "glitch_released": [],
    "glitch_held": ["press", "long", "release"],
    "defaults_double": ["press", "release", "press", "double", "release"],
    "defaults_long": ["press", "long", "release"],
    "coro": ["press", "release", "press", "double", "release"],
    "events": ["press", "release", "press", "double", "release", "press", "long", "release"],
    "lamp": ["lamp"],
    "late": ["press", "release", "press", "double", "release", "press", "long", "release"],
}


def parse(out):
    got = {}
    for line in out.splitlines():
        name, state, *events = line.split()
        assert state == "False", line  # every button ends released
        got[name] = events
    return got


@pytest.mark.parametrize("seed", [1, 2])
def test_pushbutton_sequences_with_bounce(board, loop, seed):
    got = parse(board.output(BUTTONS.replace("SEED", str(seed)), loop=loop))
    assert set(got) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        events = []
        for ev in got[name]:
            if ev.startswith("release:"):
                ms = int(ev.split(":")[1])
                # "<": at the release (about 80 ms after the press); ">": at the end of the
                # 500 ms double-click time.
                ev = (
                    "release"
                    if expected.count("release")
                    else ("release<" if ms < 300 else "release>")
                )
            events.append(ev)
        assert events == expected, (name, got[name])


SWITCHES = (
    SIM
    + """
Switch.debounce_ms = 20  # class-wide, as in 2019; instances may override it too
rows = []

def switch(name, edges, coro=False):
    pin = Pin(name, Pin.IN, Pin.PULL_UP)
    sw = Switch(pin)
    log = Log()
    if coro:
        sw.close_func(log.coro, ("close",))
        sw.open_func(log.coro, ("open",))
    else:
        sw.close_func(log, ("close",))
        sw.open_func(log, ("open",))
    rows.append((name, pin, sw, log, edges))

closed, opened = 0, 1
toggles = [(50, closed), (150, opened), (150, closed), (150, opened)]
switch("bouncy", contact(toggles))
switch("coro", contact(toggles), coro=True)
switch("glitches", glitches(opened, 10, 60, 15))
switch("chatter_closed", contact([(50, closed)]) + glitches(closed, 10, 60, 15))

# The Event interface, and __call__ following the debounced level
pin = Pin("events", Pin.IN, Pin.PULL_UP)
sw = Switch(pin)
sw.close_func()
sw.open_func()
log = Log()
levels = []

async def watch(event, what):
    while True:
        await event.wait()
        event.clear()
        log(what)
        levels.append(sw())

asyncio.create_task(watch(sw.close, "close"))
asyncio.create_task(watch(sw.open, "open"))
rows.append(("events", pin, sw, log, contact(toggles)))

async def main():
    for name, pin, sw, log, edges in rows:
        asyncio.create_task(play(pin, edges, burst_us=0, spin_us=0))
    await asyncio.sleep_ms(900)
    for name, pin, sw, log, edges in rows:
        print(name, sw(), " ".join(log.events))
        sw.deinit()
    print("levels", levels)

asyncio.run(main())
"""
)


def test_switch_events_bounce_and_glitches(board, loop):
    out = board.output(SWITCHES.replace("SEED", "3"), loop=loop).splitlines()
    assert out == [
        "bouncy 1 close open close open",
        "coro 1 close open close open",
        "glitches 1 ",
        "chatter_closed 0 close",
        "events 1 close open close open",
        "levels [0, 1, 0, 1]",
    ]


DELAYS = """
import asyncio, time
from machine_sim import Pin, play, pulses
from aswitch import Delay_ms

T0 = time.ticks_ms()
fired = {}

def cb(name):
    fired[name] = fired.get(name, 0) + 1
    return name.upper()

def count(name):
    return fired.get(name, 0)

async def retrigger():
    d = Delay_ms(cb, ("retrigger",), duration=300)
    d.trigger()
    await asyncio.sleep_ms(150)
    d.trigger()  # postpones the end from 300 to 450 ms
    await asyncio.sleep_ms(200)
    mid = (d.running(), count("retrigger"))
    await asyncio.sleep_ms(250)
    return mid, d.running(), count("retrigger"), d.rvalue()

async def shorten():
    d = Delay_ms(cb, ("shorten",))
    d.trigger(2000)
    await asyncio.sleep_ms(100)
    d.trigger(100)  # ends at 200 ms, not 2000
    await asyncio.sleep_ms(400)
    return d.running(), count("shorten")

async def stop():
    d = Delay_ms(cb, ("stop",), duration=200)
    d.trigger()
    await asyncio.sleep_ms(100)
    d.stop()
    stopped = d.running()
    await asyncio.sleep_ms(300)
    before = count("stop")
    d.trigger()  # restarts with the default duration
    again = d()
    await asyncio.sleep_ms(350)
    return stopped, before, again, d(), count("stop")

async def event_interface():
    d = Delay_ms(duration=150)
    d.trigger()
    t = time.ticks_ms()
    await d.wait()
    waited = time.ticks_diff(time.ticks_ms(), t) >= 150
    d.trigger()
    was_set = d.is_set()  # trigger() clears it
    d.stop()
    return waited, was_set, d.is_set(), d.rvalue()

async def coroutine_callback():
    done = []

    async def work(x):
        await asyncio.sleep_ms(10)
        done.append(x)
        return x * 2

    d = Delay_ms(work, (21,), duration=50)
    d.trigger()
    await asyncio.sleep_ms(300)
    task = d.rvalue()
    return done, await task

async def periodic():
    # A callback that triggers its own delay again runs every period, until stopped.
    d = Delay_ms(duration=60)

    def tick():
        fired["periodic"] = count("periodic") + 1
        if count("periodic") < 4:
            d.trigger()

    d.callback(tick)
    d.trigger()
    await asyncio.sleep_ms(600)
    return count("periodic"), d.running()

async def many_triggers():
    d = Delay_ms(cb, ("many",), duration=100)
    for _ in range(1000):
        d.trigger()
        await asyncio.sleep_ms(0) if _ % 100 == 0 else None
    await asyncio.sleep_ms(400)
    return count("many"), d.running()

async def from_hard_irq():
    # can_alloc=False: trigger() from a hard interrupt handler, where allocation fails.
    d = Delay_ms(cb, ("irq",), can_alloc=False, duration=100)
    pin = Pin("irq", Pin.IN)
    pin.irq(lambda p: d.trigger(), trigger=Pin.IRQ_RISING, hard=True)
    # 20 pulses 5 ms apart: retriggered from the handler each time, fires once at the end.
    await play(pin, pulses(1, [2000, 3000] * 20))
    mid = d.running(), count("irq")
    await asyncio.sleep_ms(300)
    d.deinit()
    try:
        d.trigger()
        raised = False
    except RuntimeError:
        raised = True
    return mid, d.running(), count("irq"), raised

async def main():
    results = await asyncio.gather(
        retrigger(), stop(), event_interface(), coroutine_callback(), periodic(),
        many_triggers(), from_hard_irq()
    )
    for r in results:
        print(r)

asyncio.run(main())
"""

# Alone: nothing else delays the timer's first run, so it sleeps towards the long end before
# the shorter trigger comes, and that sleep must be cut short.
SHORTEN = DELAYS.split("async def main():")[0] + "print(asyncio.run(shorten()))\n"


def test_delay_ms(board, loop):
    out = board.output(DELAYS, loop=loop).splitlines()
    assert out == [
        "((True, 0), False, 1, 'RETRIGGER')",
        "(False, 0, True, False, 1)",
        "(True, False, False, None)",
        "([21], 42)",
        "(4, False)",
        "(1, False)",
        "((True, 0), False, 1, True)",
    ]


def test_delay_ms_shortened(board, loop):
    assert board.output(SHORTEN, loop=loop) == "(False, 1)\n"


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "aswitch" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    out = board.output(code, loop=loop).split()
    assert out == "press release press press double press long lamp off".split()


def test_benchmark_runs(board, loop):
    # A smoke test of benchmarks/bench_switch.py with tiny sizes; the figures are not asserted.
    bench = REPO / "benchmarks" / "bench_switch.py"
    out = board.output(bench.read_text(), loop=loop, path=[bench.parent], args=["--quick"])
    results = [line.split() for line in out.splitlines() if line.startswith("RESULT ")]
    assert len(results) == 11 and results[-3][1] == "delay_late_mean_ms", out
    # Figures, not asserted; but each must be a plausible latency (not a ticks artefact).
    assert all(-5 < float(r[2]) < 10_000 for r in results[:-1]), out


WRAP = """
import machine_sim

machine_sim.install()
import asyncio, time
from machine_sim import Pin, clock, play
from aswitch import Delay_ms, Pushbutton

log = []
period = time.ticks_add(0, -1) + 1
clock.set_ticks_us(time.ticks_add(0, -150_000))  # ticks wrap 150 ms from now
print(time.ticks_ms() > period - 160)

async def main():
    d = Delay_ms(log.append, ("delay",), duration=450)
    d.trigger()
    pin = Pin("wrap", Pin.IN, Pin.PULL_UP)
    pb = Pushbutton(pin)
    pb.debounce_ms, pb.double_click_ms, pb.long_press_ms = 20, 400, 300
    pb.press_func(log.append, ("press",))
    pb.long_func(log.append, ("long",))
    pb.double_func(log.append, ("double",))
    pb.release_func(log.append, ("release",))
    # Clicks across the wrap make a double click (the second press 120 ms after the first);
    # the delay ends about 200 ms after the release and 200 ms before the next press, a long
    # one. (Wide margins: a loaded host may stall the process for 100 ms.)
    await play(pin, [(50_000, 0), (60_000, 1), (60_000, 0), (60_000, 1), (400_000, 0),
                     (500_000, 1)], spin_us=0)
    await asyncio.sleep_ms(100)
    print(time.ticks_ms() < 60_000, d.running(), log)  # wrapped: small, not near the period

asyncio.run(main())
"""


def test_ticks_wrap(board, loop):
    out = board.output(WRAP, loop=loop).splitlines()
    assert out == [
        "True",
        "True False ['press', 'release', 'press', 'double', 'release', 'delay', 'press', "
        "'long', 'release']",
    ]
