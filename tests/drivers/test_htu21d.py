"""htu21d (``htu21d_mc``) on the unix port, through machine-sim's HTU21D model on a simulated bus.

The model converts for the datasheet's maximum time, NACKs its address meanwhile, and sends
each result with its status bits and CRC. The programs set what the sensor measures, wait for
the driver's ``readings`` count to show a pair measured wholly after that, and print what the
driver holds; the checks here apply the datasheet's formulae to the codes the model sent.
"""

import pytest
from harness import REPO

PRELUDE = """
import machine_sim

machine_sim.install()
import asyncio, time
from machine import I2C
from machine_sim.htu21d import HTU21D as Sensor
from htu21d_mc import HTU21D


async def until(cond, ms=5000):
    # Until cond() is true (False if it is not within ``ms``).
    end = time.ticks_add(time.ticks_ms(), ms)
    while not cond():
        if time.ticks_diff(end, time.ticks_ms()) < 0:
            return False
        await asyncio.sleep_ms(5)
    return True


async def fresh(htu, pairs=2, ms=5000):
    # Until ``pairs`` more pairs are read: the last began after this call (False: never).
    n = htu.readings
    return await until(lambda: htu.readings >= n + pairs, ms)
"""

# (deg C, %RH): the datasheet's range and the codes' ends (0 and 0xfffc are -46.85 deg C and
# 128.87 deg C, -6 %RH and 118.99 %RH).
POINTS = [
    (-46.85, -6.0),
    (-40.0, 0.0),
    (-20.5, 5.0),
    (-0.01, 12.5),
    (0.0, 20.0),
    (12.34, 32.338),
    (24.686, 45.0),
    (37.0, 50.0),
    (50.5, 66.6),
    (70.0, 75.0),
    (85.0, 88.8),
    (100.0, 95.0),
    (110.25, 99.0),
    (125.0, 100.0),
    (128.8, 110.0),
    (130.0, 119.0),
]
SENSORS = 4  # at 0x40 to 0x43 on one bus, each reading its share of the points

RANGE = (
    PRELUDE
    + f"""
POINTS = {POINTS!r}
i2c = I2C(0)


async def sweep(addr, points, user):
    sensor = i2c.attach(Sensor(addr))
    sensor.user_register = user
    htu = HTU21D(i2c, read_delay=0, address=addr)
    for t, rh in points:
        sensor.temperature, sensor.humidity = t, rh
        ok = await fresh(htu)
        print(addr, user, t, rh, sensor.code(False), sensor.code(True), ok,
              repr(htu.temperature), repr(htu.humidity), htu.errors)


async def main():
    await asyncio.gather(
        *(sweep(0x40 + i, POINTS[i::{SENSORS}], 0x02) for i in range({SENSORS})),
        # 11-bit results: shorter conversions, coarser codes
        sweep(0x48, POINTS[::5], 0x83),
    )


asyncio.run(main())
"""
)


def t_formula(code):
    return -46.85 + 175.72 * (code & 0xFFFC) / 65536


def rh_formula(code):
    return -6 + 125 * (code & 0xFFFC) / 65536


def test_readings_over_the_whole_range(board, loop):
    out = board.output(RANGE, loop=loop).splitlines()
    assert len(out) == len(POINTS) + len(POINTS[::5])
    seen = set()
    for line in out:
        addr, user, t, rh, t_code, rh_code, ok, temp, hum, errors = line.split()
        t, rh, temp, hum = float(t), float(rh), float(temp), float(hum)
        t_code, rh_code = int(t_code), int(rh_code)
        assert ok == "True" and errors == "0", line
        # The status bits: 0b00 after a temperature, 0b10 after a humidity.
        assert t_code & 3 == 0 and rh_code & 3 == 2
        assert temp == pytest.approx(t_formula(t_code), abs=1e-9)
        assert hum == pytest.approx(rh_formula(rh_code), abs=1e-9)
        # Within a step of the resolution (14/12 bits, or 11/11) of the value set, inside the
        # codes' range.
        t_step, rh_step = (
            (175.72 / 2**14, 125 / 2**12) if user == "2" else (175.72 / 2**11, 125 / 2**11)
        )
        if t_formula(0) <= t <= t_formula(0xFFFC):
            assert abs(temp - t) <= t_step, line
        if rh_formula(2) <= rh <= rh_formula(0xFFF2):
            assert abs(hum - rh) <= rh_step, line
        seen.add((t_code, rh_code))
    assert (0, 2) in seen and (0xFFFC, 0xFFF2) in seen  # both ends of the codes (12-bit RH)


FAULTS = (
    PRELUDE
    + """
i2c = I2C(1)
sensor = i2c.attach(Sensor(temperature=21.0, humidity=40.0))
sensor.user_register = 0x83  # 11-bit results: 7 and 8 ms conversions, a quicker test
htu = HTU21D(i2c, read_delay=0.05)


def show(what, ok):
    print(what, ok, "%.1f %.1f" % (htu.temperature, htu.humidity), htu.errors)


async def main():
    await htu
    show("first", htu.readings == 1)

    sensor.bad_crc()  # one corrupted result: counted, the values keep the last good pair
    before = (htu.temperature, htu.humidity)
    sensor.temperature, sensor.humidity = 0.0, 0.0
    n = htu.errors
    show("bad crc", await until(lambda: htu.errors > n) and (htu.temperature, htu.humidity) == before)
    sensor.temperature, sensor.humidity = 22.0, 41.0
    show("after crc", await fresh(htu))

    sensor.nack(3)  # NACKs for 15 ms more: retried, not an error
    sensor.temperature, sensor.humidity = 23.0, 42.0
    show("nack", await fresh(htu))

    sensor.extra_ms = 20  # a slow part: still converting when the driver reads
    sensor.temperature, sensor.humidity = 24.0, 43.0
    show("slow", await fresh(htu))
    sensor.extra_ms = 0

    sensor.nack(12)  # NACKs for longer than the driver waits (10 reads): counted, tried again
    sensor.temperature, sensor.humidity = 25.0, 44.0
    show("long nack", await fresh(htu))

    i2c.detach(0x40)  # the sensor vanishes
    n = htu.errors
    await asyncio.sleep_ms(400)
    print("gone", htu.errors - n >= 2, htu.age_ms() >= 350, "%.1f" % htu.temperature)
    sensor.temperature, sensor.humidity = 26.0, 45.0
    i2c.attach(sensor)  # and comes back
    show("back", await fresh(htu))
    print("age", htu.age_ms() < 300)


asyncio.run(main())
"""
)


def test_faults_are_counted_and_survived(board, loop):
    out = board.output(FAULTS, loop=loop).splitlines()
    assert out[0] == "first True 21.0 40.0 0"
    assert out[1] == "bad crc True 21.0 40.0 1"
    assert out[2] == "after crc True 22.0 41.0 1"
    assert out[3] == "nack True 23.0 42.0 1"
    assert out[4] == "slow True 24.0 43.0 1"
    assert out[5] == "long nack True 25.0 44.0 2"
    assert out[6] == "gone True True 25.0"
    assert out[7].startswith("back True 26.0 45.0 ")
    assert out[8] == "age True"


NO_DEVICE = (
    PRELUDE
    + """
i2c = I2C(2)
sensor = Sensor(0x41, temperature=30.0, humidity=60.0)
for attach in (False, True):
    if attach:
        i2c.attach(sensor)
    try:
        HTU21D(i2c)
    except OSError as e:
        print("OSError", e)


async def main():
    htu = HTU21D(i2c, 10, address=0x41, compensate=True)
    print(htu.temperature, htu.humidity, htu.age_ms(), htu.user_register())
    t = time.ticks_ms()
    await htu
    print(sensor.code(False), sensor.code(True), repr(htu.temperature), repr(htu.humidity))
    print(htu.age_ms() < 100, htu.readings, time.ticks_diff(time.ticks_ms(), t) >= 66)


asyncio.run(main())
"""
)


def test_no_device_address_and_compensation(board, loop):
    out = board.output(NO_DEVICE, loop=loop).splitlines()
    assert out[:3] == [
        "OSError No HTU21D device found at 0x40",
        "OSError No HTU21D device found at 0x40",
        "None None None 2",
    ]
    t_code, rh_code, temp, hum = out[3].split()
    temp, hum = float(temp), float(hum)
    assert temp == pytest.approx(t_formula(int(t_code)), abs=1e-9)
    # The datasheet's compensation: RH + (25 - T) * -0.15
    assert hum == pytest.approx(rh_formula(int(rh_code)) + (25 - temp) * -0.15, abs=1e-9)
    assert abs(hum - (60 + 5 * 0.15)) < 0.05
    assert out[4] == "True 1 True"


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "htu21d" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    expected = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop) == expected


MODEL = """
import time
from machine_sim import I2C
from machine_sim.htu21d import HTU21D, _crc8

# The datasheet's CRC examples
print(hex(_crc8(b"\\xdc")), hex(_crc8(b"\\x68\\x3a")), hex(_crc8(b"\\x4e\\x85")))
i2c = I2C(3)
sensor = i2c.attach(HTU21D(temperature=24.686, humidity=32.338))


def nack(f):
    try:
        f()
        return "acked"
    except OSError as e:
        return "NACK %d" % e.errno


# No hold master: refused until the conversion (50 ms) ends.
i2c.writeto(0x40, b"\\xf3")
print(nack(lambda: i2c.readfrom(0x40, 3)), nack(lambda: i2c.writeto(0x40, b"\\xe7")))
time.sleep_ms(51)
data = i2c.readfrom(0x40, 3)
print(data.hex(), hex(sensor.code(False)), nack(lambda: i2c.readfrom(0x40, 3)))
# Hold master: the read waits for the conversion (16 ms).
t = time.ticks_us()
i2c.writeto(0x40, b"\\xe5")
data = i2c.readfrom(0x40, 2)
print(data.hex(), hex(sensor.code(True)), time.ticks_diff(time.ticks_us(), t) >= 16000)
# The user register: resolution and heater written, the rest kept; a soft reset restores it.
print(i2c.readfrom_mem(0x40, 0xE7, 1)[0])
i2c.writeto(0x40, b"\\xe6\\xff")
print(i2c.readfrom_mem(0x40, 0xE7, 1)[0], hex(sensor.code(False)))
i2c.writeto(0x40, b"\\xfe")
print(nack(lambda: i2c.readfrom_mem(0x40, 0xE7, 1)))
time.sleep_ms(16)
print(i2c.readfrom_mem(0x40, 0xE7, 1)[0], i2c.writeto(0x40, b"\\x12"))
"""


def test_model_follows_the_datasheet(board):
    assert board.output(MODEL).splitlines() == [
        "0x79 0x7c 0x6b",
        "NACK 19 NACK 19",
        "68381e 0x6838 NACK 19",
        "4e82 0x4e82 True",
        "2",
        "135 0x6840",
        "NACK 19",
        "6 0",
    ]
