"""machine-sim: the simulated Pin, its interrupts, timed edge sequences, and the I2C bus."""

from harness import REPO

PIN_BASICS = """
import machine_sim
from machine_sim import Pin

p = Pin(1, Pin.IN, Pin.PULL_UP)
print(p.value(), p(), Pin(1) is p)
p.external(0)
print(p.value())
p.external(None)
print(p.value())
Pin(1, pull=Pin.PULL_DOWN)
print(p.value(), p.mode() == Pin.IN, p.pull() == Pin.PULL_DOWN)
p.value(1)  # latch only: an input does not drive the pin
print(p.value())
p.init(Pin.OUT)
print(p.value())
p.off(); print(p())
p.on(); print(p())
p.toggle(); print(p())
p(1); print(p.value())

od = Pin("X2", Pin.OPEN_DRAIN, Pin.PULL_UP, value=1)
print(od.value())
od.external(0)  # another device pulls the line low
print(od.value())
od.external(None)
od.value(0)
print(od.value())

machine_sim.install()
import machine
from machine import Signal

print(machine.Pin is Pin, machine.UART is machine_sim.UART, machine.I2C is machine_sim.I2C)
led = Pin("LED", Pin.OUT, value=0)
s = Signal(led, invert=True)
s.on()
print(led.value(), s.value())
"""


def test_pin_levels_modes_and_install(board, loop):
    out = board.output(PIN_BASICS, loop=loop).split()
    assert (
        out
        == (
            "1 1 True 0 1 0 True True 0 1 0 1 0 1 "  # IN/pulls, then OUT
            "1 0 0 "  # open drain
            "True True True 0 1"  # install() and Signal
        ).split()
    )


PIN_IRQ = """
import array, sys, time
import micropython
from machine_sim import Pin, disable_irq, enable_irq

log = []

def record(pin):
    log.append((pin.value(), pin.irq().flags()))

p = Pin(2, Pin.IN, Pin.PULL_UP)
p.irq(record)  # default: both edges, soft
for level in (0, 0, 1, 1, 0, 1):
    p.external(level)
print(log)

log.clear()
p.irq(record, trigger=Pin.IRQ_FALLING)
for level in (0, 1, 0, 1):
    p.external(level)
print(log)

log.clear()
p.irq(record, trigger=Pin.IRQ_RISING)
for level in (0, 1, 0, 1):
    p.external(level)
print(log)

log.clear()
p.irq(None)
p.external(0); p.external(1)
print(log)

# Hard handler: runs at once with the heap locked, so it must not allocate.
stamps = array.array("i", [0, 0])
count = [0]

def hard(pin):
    stamps[count[0] & 1] = pin.value()
    count[0] += 1

p.irq(hard, hard=True)
p.external(0)
print(count[0], stamps[0])

# A handler that allocates under the hard IRQ lock is reported and disabled.
def allocates(pin):
    log.append([pin])

p.irq(allocates, hard=True)
p.external(1)
p.external(0)
print(len(log))

# An output pin interrupts too; the handler sees the new level.
o = Pin(3, Pin.OUT, value=0)
o.irq(record, trigger=Pin.IRQ_RISING)
o.on(); o.off(); o.on()
print(log)

# disable_irq() holds edges back, enable_irq() services them in order.
# (A soft handler runs a little after its edge, so it records the edge's flags, not the level.)
log.clear()
q = Pin(4, Pin.IN)
q.irq(lambda pin: log.append(pin.irq().flags()))
state = disable_irq()
q.external(1); q.external(0)
print(log)
enable_irq(state)
print(log)
"""


def test_pin_irq_triggers_hard_soft_and_faults(board, loop):
    proc = board.run(PIN_IRQ, loop=loop)
    out = proc.stdout.splitlines()
    assert out[0] == "[(0, 2), (1, 1), (0, 2), (1, 1)]"
    assert out[1] == "[(0, 2), (0, 2)]"
    assert out[2] == "[(1, 1), (1, 1)]"
    assert out[3] == "[]"
    assert out[4] == "1 0"
    assert out[5] == "0"  # the allocating handler never ran to completion, and was disabled
    assert out[6] == "[(1, 1), (1, 1)]"
    assert out[7] == "[]"
    assert out[8] == "[1, 2]"
    assert proc.stderr.count("Uncaught exception in IRQ callback handler") == 1
    assert "MemoryError" in proc.stderr


HARD_THEN_SOFT = """
import micropython
from machine_sim import Pin

pin = Pin("hs", Pin.IN)
log = []

def soft(level):  # runs after the hard handler, with the heap unlocked
    log.append(bytearray(level + 1))

def hard(p):  # the usual board pattern: defer the allocating work
    micropython.schedule(soft, p.value())

pin.irq(hard, trigger=Pin.IRQ_RISING | Pin.IRQ_FALLING, hard=True)
pin.external(1)
print(len(log))
pin.external(0)
print([len(b) for b in log])
"""


def test_hard_handler_defers_work_with_schedule(board, loop):
    proc = board.run(HARD_THEN_SOFT, loop=loop)
    assert proc.stdout.splitlines() == ["1", "[2, 1]"]
    assert proc.stderr == ""


PLAY = """
import machine_sim

machine_sim.install()  # handlers read their edge's time, however loaded the host is
import array, asyncio, time
from machine_sim import Pin, play, pulses

p = Pin(5, Pin.IN, Pin.PULL_UP)
stamps = array.array("i", range(16))  # us after t0
levels = bytearray(16)
n = [0]
t0 = time.ticks_us()

def isr(pin):
    i = n[0]
    stamps[i] = time.ticks_diff(time.ticks_us(), t0)
    levels[i] = pin.value()
    n[0] = i + 1

p.irq(isr, hard=True)
durations = [9000, 4500, 560, 560, 560, 1690, 560, 1690, 560]
others = [0]

async def other():
    while True:
        others[0] += 1
        await asyncio.sleep_ms(1)

async def main():
    asyncio.create_task(other())
    await play(p, pulses(0, durations, gap_us=30_000))
    first = stamps[0]
    gaps = [stamps[i + 1] - stamps[i] for i in range(n[0] - 1)]
    print(n[0], list(levels[: n[0]]))
    # Another task ran while play slept: its 1 ms sleep is due long before play's, so it
    # steps again whatever the host does (how many times depends on the host).
    print(first >= 30_000, others[0] > 1)
    print(max(abs(g - d) for g, d in zip(gaps, durations)))

asyncio.run(main())
"""


def test_play_edges_land_on_time(board, loop):
    out = board.output(PLAY, loop=loop).splitlines()
    assert out[0] == "10 [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]"
    # The 30 ms lead-in is slept through (other tasks run), then the burst is busy-waited.
    assert out[1] == "True True"
    # The handler's ticks_us() is the edge's time plus the handler's own run time, counted up
    # to 200 us (a longer pause is the host's): well inside any protocol's tolerance.
    assert int(out[2]) < 300


I2C_BUS = """
import errno
from machine_sim import I2C, I2CDevice, I2CMemory

class Sensor(I2CDevice):
    # Answers a read with a counter; refuses written bytes past the second.
    def __init__(self, addr):
        super().__init__(addr)
        self.n = 0
        self.got = []
        self.stops = 0

    def write(self, data):
        self.got.append(bytes(data))
        return min(len(data), 2)

    def read(self, nbytes):
        self.n += 1
        return bytes([self.n] * nbytes)

    def stop(self):
        self.stops += 1

class Stuck(I2CDevice):
    def read(self, nbytes):
        raise OSError(errno.ETIMEDOUT)

i2c = I2C(0, scl=1, sda=2, freq=100_000)
mem = i2c.attach(I2CMemory(0x50))
sensor = i2c.attach(Sensor(0x40))
wide = I2C(0).attach(I2CMemory(0x57, size=4096, addrsize=16))
i2c.attach(Stuck(0x10))
print(i2c.scan(), I2C(1).scan())

print(i2c.writeto(0x40, b"abc"), sensor.got, sensor.stops)
print(i2c.readfrom(0x40, 3), sensor.stops)
buf = bytearray(2)
i2c.readfrom_into(0x40, buf)
print(buf)
print(i2c.writevto(0x40, (b"x", b"y")), sensor.got[-1])

i2c.writeto_mem(0x50, 0x10, b"\\x01\\x02\\x03")
print(mem.mem[0x10:0x13], i2c.readfrom_mem(0x50, 0x11, 2))
buf = bytearray(3)
i2c.readfrom_mem_into(0x50, 0x10, buf)
print(buf)
i2c.writeto_mem(0x57, 0x0FFE, b"wxyz", addrsize=16)
print(wide.mem[0xFFE:], wide.mem[:2], i2c.readfrom_mem(0x57, 0x0FFF, 2, addrsize=16))

for op in (
    lambda: i2c.writeto(0x41, b"a"),
    lambda: i2c.readfrom(0x41, 1),
    lambda: i2c.readfrom_mem(0x41, 0, 1),
    lambda: i2c.writeto_mem(0x41, 0, b"a"),
    lambda: i2c.readfrom(0x10, 1),
):
    try:
        op()
    except OSError as e:
        print("OSError", e.errno)

i2c.detach(0x50)
print(i2c.scan())
"""


def test_i2c_bus_devices_and_errors(board, loop):
    out = board.output(I2C_BUS, loop=loop).splitlines()
    assert out == [
        "[16, 64, 80, 87] []",
        "2 [b'abc'] 1",
        "b'\\x01\\x01\\x01' 2",
        "bytearray(b'\\x02\\x02')",
        "2 b'xy'",
        "bytearray(b'\\x01\\x02\\x03') b'\\x02\\x03'",
        "bytearray(b'\\x01\\x02\\x03')",
        "bytearray(b'wx') bytearray(b'yz') b'xy'",
        "OSError 19",
        "OSError 19",
        "OSError 19",
        "OSError 19",
        "OSError 110",
        "[16, 64, 87]",
    ]


CLOCK = """
import machine_sim

machine_sim.install()
import array, time
from machine_sim import Pin, clock

print(time is clock, time.sleep_ms is not None, time.ticks_diff(5, 3))
stamps = array.array("i", [0, 0, 0])

def handler(pin):
    t = time.ticks_us()
    stamps[0] = time.ticks_diff(t, due)
    while time.ticks_diff(time.ticks_us(), t) < 300:  # a handler may time itself
        pass
    stamps[1] = time.ticks_diff(time.ticks_us(), t)
    stamps[2] = time.ticks_diff(time.ticks_ms(), ms)

p = Pin(7, Pin.IN)
p.irq(handler, hard=True)
now = time.ticks_us()
ms = time.ticks_ms()
due = time.ticks_add(now, -5000)  # the simulation got to this edge 5 ms late
p.external(1, due)
print(0 <= stamps[0] < 250)
print(300 <= stamps[1] < 500)
print(stamps[2] <= -4)  # ticks_ms() in the handler: the edge's time too
print(0 <= time.ticks_diff(time.ticks_us(), now) < 10_000_000)  # outside handlers: real time

# set_ticks_us(): the clock jumps (to test the ticks wrap-around without waiting for it).
# 100 ms before the wrap, and past it by 100 ms: far more than the host may stall the
# process between two readings.
period = time.ticks_add(0, -1) + 1
clock.set_ticks_us(period - 100_000)
t = time.ticks_us()
print(period - 100_100 < t < period, time.ticks_ms() > period - 103)
while time.ticks_diff(time.ticks_us(), t) < 200_000:
    pass
print(time.ticks_us() < 200_000, time.ticks_ms() < 200)
due = time.ticks_us()
p.external(0)  # a handler reads the moved clock too (the real one reads far from it)
print(0 <= stamps[0] < 100_000)
due = time.ticks_add(time.ticks_us(), -5000)
p.external(1, due)  # an edge time read from the moved clock
print(0 <= stamps[0] < 100_000)
"""


def test_clock_handlers_read_their_edge_time(board, loop):
    out = board.output(CLOCK, loop=loop).split()
    assert out == ["True", "True", "2"] + ["True"] * 10


def readme_example(package):
    """The example program in a package's README."""
    text = (REPO / "micropython" / "drivers" / package / "README.md").read_text()
    return text.split("```python\n", 1)[1].split("```", 1)[0]


def test_readme_example(board, loop):
    out = board.output(readme_example("machine-sim"), loop=loop).splitlines()
    first, gaps = out[0].split(" ", 1)
    assert first == "4"
    # To a few microseconds, the README says: the handler's own run time before it reads the
    # clock. The clock counts that time up to 200 us (a longer pause is the host's), so a host
    # that pauses the process for less than that there can move a stamp by up to 200 us.
    assert all(abs(g - w) < 200 for g, w in zip(eval(gaps), [1500, 500, 1500], strict=True))
    assert out[1:] == ["[80] bytearray(b'hi') b'hi'", "no device: 19"]
