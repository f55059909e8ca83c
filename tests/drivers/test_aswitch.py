"""aswitch on the unix port: Pushbutton, Switch and Delay_ms driven by simulated pins.

Button tests take real time, so each program runs many scenarios at once, one simulated pin
and one driver each, with every contact transition chattering (seeded random bounce shorter
than the debounce time). Timing constants are per instance: 20 ms debounce, 250 ms double
click, 600 ms long press, so that the margins stay wide and the programs short.
"""

import pytest

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
D, DC, LP = 20, 250, 600
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
button("slow_two", "prld", [(50, up), (80, dn), (400, up), (80, dn)])
button("long", "prld", [(50, up), (1000, dn)])
button("short_hold", "prl", [(50, up), (300, dn)])
pb, _ = button("held_minutes", "prld", [(50, up), (2500, dn)])
pb.long_press_ms = 50  # held 50 times the long-press time
button("double_then_hold", "prld", [(50, up), (80, dn), (70, up), (1000, dn)])
button("s1_no_double", "prl", [(50, up), (80, dn)], suppress=True)
button("s2_double_waits", "prld", [(50, up), (80, dn)], suppress=True)
button("s3_long", "prld", [(50, up), (1000, dn)], suppress=True)
button("s3_long_no_double", "prl", [(50, up), (1000, dn)], suppress=True)
button("s4_double", "prld", [(50, up), (80, dn), (70, up), (80, dn)], suppress=True)
button("s_past_double", "prld", [(50, up), (400, dn)], suppress=True)
button("s_no_release_func", "pld", [(50, up), (80, dn)], suppress=True)
button("s_triple", "prld", [(50, up), (80, dn), (70, up), (80, dn), (70, up), (80, dn)],
       suppress=True)
button("active_high", "prld", [(50, dn), (100, up)], pull=Pin.PULL_DOWN)
button("glitch_released", "prld", None, edges=glitches(1, 8, 100, 15))
button("glitch_held", "prld", None,
       edges=contact([(50, up)]) + glitches(0, 8, 100, 15) + contact([(100, dn)]))
button("defaults_double", "prld", [(50, up), (120, dn), (150, up), (120, dn)], fast=False)
button("defaults_long", "prld", [(50, up), (1500, dn)], fast=False)

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
steps = [(50, up), (80, dn), (70, up), (80, dn), (200, up), (800, dn)]
scenarios.append(("events", pin, pb, log, contact(steps)))

async def main():
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
                # 250 ms double-click time.
                ev = (
                    "release"
                    if expected.count("release")
                    else ("release<" if ms < 200 else "release>")
                )
            events.append(ev)
        assert events == expected, (name, got[name])
