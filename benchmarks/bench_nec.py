# NEC IR decoder (nec-ir) on a simulated pin (machine-sim).
# - edges_per_s: edges the interrupt path sustains, back to back (the simulated pin's own
#   overhead, heap lock and clock, included; sim_edge_us is that overhead alone).
# - decode_us: the task's work per data block (decode, validate, callback).
# - Under load (ten tasks, each busy 1 ms between yields), NEC frames with repeat codes at
#   the protocol's 108 ms period: how many decode right, and how late after the block time
#   (73 ms from the first edge) the callback runs. "--quick" sends fewer frames.
import machine_sim

machine_sim.install()  # before the driver imports time

import array  # noqa: E402
import asyncio  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from aremote import NEC_IR, REPEAT  # noqa: E402
from load import busy  # noqa: E402
from machine_sim import Pin, play, pulses  # noqa: E402

EDGES = 20_000
FRAMES = 4 if "--quick" in sys.argv else 24
LOAD_TASKS = 10


def frame(addr, cmd):
    val = addr | (addr ^ 0xFF) << 8 | cmd << 16 | (cmd ^ 0xFF) << 24
    d = [9000, 4500]
    for i in range(32):
        d += [562, 1687 if val >> i & 1 else 562]
    return d + [562]


def edge_rate():
    count = array.array("i", [0])

    def bare(pin):
        count[0] += 1

    def run(pin):
        level = 1
        t = time.ticks_us()
        for _ in range(EDGES):
            level ^= 1
            pin.external(level)
        return time.ticks_diff(time.ticks_us(), t) / EDGES

    def blocks(pin, ir):
        total = 0
        for _ in range(EDGES // 64):  # full blocks only: past 69 edges the handler only counts
            t = time.ticks_us()
            level = 1
            for _ in range(64):
                level ^= 1
                pin.external(level)
            total += time.ticks_diff(time.ticks_us(), t)
            ir._edge = 0
        return total / (EDGES // 64 * 64)

    bare_pin = Pin("bare", Pin.IN)
    bare_pin.irq(bare, hard=True)
    ir_pin = Pin("rate", Pin.IN)
    ir = NEC_IR(ir_pin, lambda *a: None, False)
    # Best of three: the host's other work only ever adds time.
    sim_us = min(run(bare_pin) for _ in range(3))
    per_edge = min(blocks(ir_pin, ir) for _ in range(3))
    ir.deinit()
    return sim_us, per_edge


def decode_time():
    got = []
    ir = NEC_IR(Pin("decode", Pin.IN), lambda d, a: got.append(d), False)
    t0 = 0
    d = frame(0x40, 0x2A)
    for i, w in enumerate([0] + d):
        t0 += w
        ir._times[i] = t0
    n = 500
    t = time.ticks_us()
    for _ in range(n):
        ir._edge = 68
        data, addr = ir._decode()
        ir._callback(data, addr)
    us = time.ticks_diff(time.ticks_us(), t) / n
    ir.deinit()
    assert got[-1] == 0x2A
    return us


async def loaded():
    pin = Pin("ir", Pin.IN, Pin.PULL_UP)
    results = []
    stamps = []

    def callback(data, addr):
        results.append((data, addr))
        stamps.append(time.ticks_diff(time.ticks_us(), ir._t0) // 1000 - ir.block_time)

    ir = NEC_IR(pin, callback, False)
    load = [asyncio.create_task(busy()) for _ in range(LOAD_TASKS)]
    sent = []
    edges = []
    gap = 20_000
    for i in range(FRAMES):
        addr, cmd = (i * 37) & 0xFF, (i * 91) & 0xFF
        block = frame(addr, cmd)
        edges += pulses(0, block, gap_us=gap)
        edges += pulses(0, [9000, 2250, 562], gap_us=108_000 - sum(block))
        gap = 108_000 - 11_812
        sent += [(cmd, addr), (REPEAT, addr)]
    await play(pin, edges)
    await asyncio.sleep_ms(200)
    for t in load:
        t.cancel()
    ir.deinit()
    right = sum(1 for i, r in enumerate(results[: len(sent)]) if sent[i] == r)
    return right, len(sent), stamps


sim_us, per_edge = edge_rate()
print("RESULT sim_edge_us %.2f us" % sim_us)
print("RESULT edge_us %.2f us" % per_edge)
print("RESULT edges_per_s %.0f edges/s" % (1e6 / per_edge))
print("RESULT decode_us %.1f us" % decode_time())
right, sent, late = asyncio.run(loaded())
late.sort()
print("RESULT loaded_blocks_right %d of_%d" % (right, sent))
print("RESULT loaded_callback_late_mean_ms %.1f ms" % (sum(late) / len(late)))
print("RESULT loaded_callback_late_worst_ms %d ms" % late[-1])
