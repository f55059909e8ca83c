# Switch and Pushbutton (aswitch) event latency on simulated pins (machine-sim), under load:
# ten tasks, each busy 1 ms between yields. Four switches and four pushbuttons are pressed
# and released at random moments; latency runs from the contact's edge (stamped by a pin
# interrupt) to the event's callback. It includes the debounce by design: the pin is read
# every debounce_ms and a level counts at the second read that sees it, so with no load it
# lies between one and two debounce_ms (50 ms by default; also measured at 10 ms, where the
# loop's share shows). delay_late: how late a Delay_ms(50) runs its callback. "--quick": fewer presses.
import array
import asyncio
import random
import sys
import time

from aswitch import Delay_ms, Pushbutton, Switch
from load import busy
from machine_sim import Pin, play

PRESSES = 3 if "--quick" in sys.argv else 8
BUTTONS = 4
LOAD_TASKS = 10


T0 = time.ticks_us()


def now_us():
    # us since T0: small enough for a 32-bit array, whatever the ticks period.
    return time.ticks_diff(time.ticks_us(), T0)


class Probe:
    # Stamps each edge of its pin (hard interrupt) and the latency of each event.
    def __init__(self, name):
        self.pin = Pin(name, Pin.IN, Pin.PULL_UP)
        self.edge = array.array("i", [0])
        self.pin.irq(self._edge, hard=True)
        self.lat = []

    def _edge(self, pin):
        self.edge[0] = now_us()

    def event(self):
        self.lat.append((now_us() - self.edge[0]) / 1000)

    def presses(self):
        edges = []
        for _ in range(PRESSES):
            edges.append((random.randint(150, 350) * 1000, 0))
            edges.append((random.randint(150, 350) * 1000, 1))
        return edges


async def latency(debounce_ms):
    Switch.debounce_ms = Pushbutton.debounce_ms = debounce_ms
    probes = []
    drivers = []
    for i in range(BUTTONS):
        p = Probe("sw%d" % i)
        sw = Switch(p.pin)
        sw.close_func(p.event)
        sw.open_func(p.event)
        probes.append(("switch", p))
        drivers.append(sw)
        p = Probe("pb%d" % i)
        pb = Pushbutton(p.pin)
        pb.press_func(p.event)
        pb.release_func(p.event)
        probes.append(("pushbutton", p))
        drivers.append(pb)
    load = [asyncio.create_task(busy()) for _ in range(LOAD_TASKS)]
    await asyncio.gather(*[play(p.pin, p.presses(), spin_us=0) for _, p in probes])
    await asyncio.sleep_ms(3 * debounce_ms + 50)
    for t in load:
        t.cancel()
    for d in drivers:
        d.deinit()
    return probes


async def delay_late():
    load = [asyncio.create_task(busy()) for _ in range(LOAD_TASKS)]
    late = []
    done = asyncio.Event()
    fired = array.array("i", [0])

    def timeout():
        fired[0] = now_us()
        done.set()

    d = Delay_ms(timeout, duration=50)
    for _ in range(PRESSES * 2):
        t = now_us()
        d.trigger()
        await done.wait()
        done.clear()
        late.append((fired[0] - t) / 1000 - 50)
    d.deinit()
    for t in load:
        t.cancel()
    return late


def report(name, lat):
    lat.sort()
    print("RESULT %s_mean_ms %.1f ms" % (name, sum(lat) / len(lat)))
    print("RESULT %s_worst_ms %.1f ms" % (name, lat[-1]))


random.seed(1)
missed = 0
for debounce in (50, 10):
    probes = asyncio.run(latency(debounce))
    for kind in ("switch", "pushbutton"):
        lat = [x for k, p in probes if k == kind for x in p.lat]
        missed += BUTTONS * PRESSES * 2 - len(lat)
        report("%s_%dms" % (kind, debounce), lat)
report("delay_late", asyncio.run(delay_late()))
# Presses the load hid (a press shorter than two polls, once the polls are late): 0 normally.
print("RESULT missed_events %d events" % missed)
