"""nec-ir on the unix port: NEC frames played on a simulated pin into the decoder.

Each program sends a sequence of transmissions (valid frames with seeded random timing jitter
inside the NEC tolerance, repeat codes, and faults: noise, truncated or overlong blocks, bad
check bytes) and prints, per transmission, what it sent and what the callback received.
"""

import pytest
from harness import REPO

NEC = """
import asyncio, random
import machine_sim

machine_sim.install()  # before the driver imports time: handlers read each edge's time
import time
from machine_sim import Pin, play, pulses
from aremote import (NEC_IR, REPEAT, BADSTART, BADBLOCK, BADREP, OVERRUN, BADDATA,
                     BADADDR)

EXTENDED = {extended}
random.seed({seed})

def frame(addr, cmd, extended=False, check=None):
    # Durations (us), mark first, of a data block: address (8 bits and its complement, or
    # 16 bits), command and its complement (``check`` overrides it), LSB first.
    lo, hi = (addr & 0xFF, addr >> 8) if extended else (addr, addr ^ 0xFF)
    check = cmd ^ 0xFF if check is None else check
    val = lo | hi << 8 | cmd << 16 | check << 24
    d = [9000, 4500]
    for i in range(32):
        d += [562, 1687 if val >> i & 1 else 562]
    d.append(562)
    return d

REPEAT_CODE = [9000, 2250, 562]

def jitter(durations, skew, edge_us):
    # A transmitter clock off by ``skew`` and each edge moved by up to ``edge_us``: inside
    # the NEC tolerance for every width the decoder tells apart.
    out = []
    err = 0
    for d in durations:
        e = random.randint(-edge_us, edge_us)
        out.append(int(d * skew) + e - err)
        err = e
    return out

# (durations starting with a mark, start-to-start period in ms, results expected)
sent = []

def send(durations, expected, period=150):
    # The next transmission starts ``period`` ms after this one, once this one is over. The
    # protocol's period is 108 ms; more leaves the decoder room for a loaded host's delays.
    period = max(period, sum(durations) // 1000 + 20)
    sent.append((durations, period, expected))

def valid(addr, cmd, skew=1.0, edge_us=0, repeats=0, period=150):
    ext = addr > 0xFF
    d = frame(addr, cmd, ext)
    if skew != 1.0 or edge_us:
        d = jitter(d, skew, edge_us)
    send(d, [(cmd, addr)], period)
    for i in range(repeats):
        r = REPEAT_CODE if not edge_us else jitter(REPEAT_CODE, skew, edge_us)
        send(r, [(REPEAT, addr)], period)

send(REPEAT_CODE, [(REPEAT, 0)])  # a repeat before any block: no address yet
valid(0x40, 0x01, repeats=2, period=108)  # a key held, at the protocol's pace
for _ in range({frames}):
    addr = random.randint(0, 0xFFFF if EXTENDED else 0xFF)
    if EXTENDED and random.randint(0, 3) == 0:
        addr &= 0xFF  # an extended decoder takes 8 bit addresses too
    if EXTENDED and addr > 0xFF and (addr >> 8) == (addr & 0xFF) ^ 0xFF:
        addr ^= 0x100  # its high byte would read as the complement of an 8 bit address
    cmd = random.randint(0, 0xFF)
    skew = 1 + random.randint(-40, 40) / 1000
    valid(addr, cmd, skew, 100, repeats=random.randint(0, 1))

# Faults
good = frame(0x12, 0x34)
send([3000] + good[1:], [(BADSTART, 0)])  # short leading mark
send([200], [(BADSTART, 0)])  # a 200 us spike from the demodulator
send([9000, 1200, 562], [(BADSTART, 0)])  # neither a data nor a repeat space
send(good[:39], [(BADBLOCK, 0)])  # truncated block
send(REPEAT_CODE + [560, 560], [(BADREP, 0)])  # a repeat code with an extra pulse
noisy = good[:30] + [100, 100] + good[30:]  # a spike inside a block: 70 edges
send(noisy, [(OVERRUN, 0)])
send([2] * 499, [(OVERRUN, 0)])  # edges faster than the handler can stamp them
send(frame(0x12, 0x34, check=0x35), [(BADDATA, 0x12)])
valid(0x12, 0x34)
if EXTENDED:
    send(frame(0x1234, 0x56, True, check=0x57), [(BADDATA, 0x1234)])
else:
    send(frame(0x1234, 0x56, True), [(BADADDR, 0x1234)])
    send(REPEAT_CODE, [(REPEAT, 0x12)])  # the last *valid* address
wrong_bit = list(good)
# A 0 bit's space outside the tolerance: the command bit flips. (1400 us: above the decoder's
# 1120 us limit even if a host's pause moves a stamp by 200 us, the most machine_sim.clock
# counts as the handler's own time; 1300 could fall below it.)
wrong_bit[37] = 1400
send(wrong_bit, [(BADDATA, 0x12)])
# A second burst (a 200 ms mark, then a block) starting before the first block is decoded:
# the first overruns, the rest of the second is no block; then decoding goes on as usual.
# (The decoder looks 3 to 10 ms into the mark, while the remote sleeps through it: a long
# mark, so that the decoder still gets its turn first if the host stalls the process then.)
send(good + [2000, 200_000] + good[1:], [(OVERRUN, 0), (BADSTART, 0)], period=400)
# Noise: random bursts of edges with random widths below a start mark, each over before the
# decoder looks (longer noise is two bursts, hence two errors).
for _ in range(6):
    noise = [random.randint(20, 3000)]
    while sum(noise) < random.randint(1, 60_000):
        noise += [random.randint(20, 3000), random.randint(20, 3000)]
    send(noise, ["error"])
valid(0x40, 0x02)

got = []
def callback(data, addr, tag):
    got.append((data, addr))

pin = Pin(1, Pin.IN, Pin.PULL_UP)

async def main():
    ir = NEC_IR(pin, callback, EXTENDED, "tag")
    start = time.ticks_add(time.ticks_us(), 50_000)
    for durations, period, _ in sent:
        # On a board the remote sends whatever the program does; here it is a task of the
        # same process, which a loaded host stalls with the decoder. So that a stall cannot
        # put them out of step, each transmission is played whole (burst_us: past the 9 ms
        # start mark, so the decoder never looks into half a block), and between two, two
        # yields let the decoder that the last block woke take it (the firmware's asyncio
        # queues that wake-up behind any timer already due) before the next block starts,
        # ``period`` ms after the one before (or at once, if a stall made it late).
        gap = max(0, time.ticks_diff(start, time.ticks_us()))
        await play(pin, pulses(0, durations, gap_us=gap), burst_us=10_000)
        await asyncio.sleep_ms(0)
        await asyncio.sleep_ms(0)
        start = time.ticks_add(start, period * 1000)
    await asyncio.sleep_ms(200)
    ir.deinit()
    results = iter(got)
    for durations, period, expected in sent:
        for e in expected:
            r = next(results, None)
            if e == "error" and r is not None and r[0] < REPEAT:
                r = "error"
            print(e, "->", r)
    print("left", list(results))

asyncio.run(main())
"""


@pytest.mark.parametrize("extended", [False, True])
def test_nec_frames_repeats_and_faults(board, loop, extended):
    code = NEC.replace("{extended}", str(extended)).replace("{seed}", "5")
    code = code.replace("{frames}", "12")
    out = board.output(code, loop=loop).splitlines()
    assert out[-1] == "left []"
    bad = [line for line in out[:-1] if len(set(line.split(" -> "))) != 1]
    assert not bad, bad
    assert len(out) > 35


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "nec-ir" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop).splitlines() == [
        "remote: address 0x40 command 0x01",
        "remote: repeat, address 0x40",
        "remote: error -2",
    ]


def test_benchmark_runs(board, loop):
    # A smoke test of benchmarks/bench_nec.py with tiny sizes; the figures are not asserted.
    bench = REPO / "benchmarks" / "bench_nec.py"
    out = board.output(bench.read_text(), loop=loop, path=[bench.parent], args=["--quick"])
    results = [line.split() for line in out.splitlines() if line.startswith("RESULT ")]
    assert [r[1] for r in results] == [
        "sim_edge_us",
        "edge_us",
        "edges_per_s",
        "decode_us",
        "loaded_blocks_right",
        "loaded_callback_late_mean_ms",
        "loaded_callback_late_worst_ms",
    ]
    # Figures, not asserted; but each must be a plausible measure (not a ticks artefact).
    assert all(0 <= float(r[2]) < 1e7 for r in results), out


WRAP = """
import machine_sim

machine_sim.install()
import asyncio, time
from machine_sim import Pin, clock, play, pulses
from aremote import NEC_IR, REPEAT

def frame(addr, cmd):
    val = addr | (addr ^ 0xFF) << 8 | cmd << 16 | (cmd ^ 0xFF) << 24
    d = [9000, 4500]
    for i in range(32):
        d += [562, 1687 if val >> i & 1 else 562]
    return d + [562]

got = []
pin = Pin(1, Pin.IN, Pin.PULL_UP)

async def main():
    ir = NEC_IR(pin, lambda data, addr: got.append((data, addr)), False)
    # The clock passes 2**31 (beyond a 32-bit array's range), 2**30 (the boards' ticks
    # period) and wraps round to 0, 20 ms into a frame.
    for i, ticks in enumerate((2**31, 2**30, 0)):
        clock.set_ticks_us(time.ticks_add(ticks, -30_000))
        block = frame(0x10 + i, 0x20 + i)
        await play(pin, pulses(0, block, gap_us=10_000))
        # Two yields: the decoder woken by the block runs before the repeat code's player,
        # even if a stall of the host made both due (see the NEC program above).
        await asyncio.sleep_ms(0)
        await asyncio.sleep_ms(0)
        await play(pin, pulses(0, [9000, 2250, 562], gap_us=108_000 - sum(block)))
        await asyncio.sleep_ms(100)
    ir.deinit()
    print(got)

asyncio.run(main())
"""


def test_ticks_wrap_and_large_ticks(board, loop):
    out = board.output(WRAP, loop=loop).strip()
    assert out == "[(32, 16), (-1, 16), (33, 17), (-1, 17), (34, 18), (-1, 18)]"
