# Sensor and display drivers on machine-sim's device models: hd44780 (alcd) and htu21d.
# - lcd_row_refresh_ms: from lcd[row] = text to the 20th character on the glass (20x4 model).
# - htu_reading_ms: one temperature and humidity pair (read_delay=0), mostly the conversions.
# - *_longest_block_us: the longest a task stepping on sleep_ms(0) waited for its next step
#   while the driver worked (best of three runs: the host only ever adds to it), and
#   *_block_p99_us the 99th percentile of those waits, which leaves out the host's pauses;
#   idle_* is the same task alone, the floor.
# On the simulation each E edge runs the model's pin interrupt: the LCD times include it.
# "--quick" runs tiny sizes.
import machine_sim

machine_sim.install()  # before the drivers import time

import array  # noqa: E402
import asyncio  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from alcd import LCD  # noqa: E402
from htu21d_mc import HTU21D  # noqa: E402
from machine import I2C  # noqa: E402
from machine_sim.hd44780 import HD44780  # noqa: E402
from machine_sim.htu21d import HTU21D as Sensor  # noqa: E402

QUICK = "--quick" in sys.argv
ROWS = 4 if QUICK else 40  # row refreshes per run
PAIRS = 1 if QUICK else 5  # sensor readings per run
IDLE_MS = 20 if QUICK else 200
RUNS = 3
GAPS = 4096  # waits kept per run


class Watch:
    """A task that steps on sleep_ms(0) and keeps each wait between two of its steps."""

    def __init__(self):
        self._gaps = array.array("i", bytes(4 * GAPS))
        self._n = 0
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        gaps = self._gaps
        t = time.ticks_us()
        while True:
            await asyncio.sleep_ms(0)
            now = time.ticks_us()
            gaps[self._n % GAPS] = time.ticks_diff(now, t)
            self._n += 1
            t = now

    def stop(self):
        # The longest wait, and the 99th percentile (which leaves out the host's own pauses).
        self._task.cancel()
        gaps = sorted(self._gaps[: min(self._n, GAPS)])
        return gaps[-1], gaps[len(gaps) * 99 // 100]


written = [0]


async def lcd_run(lcd, glass):
    watch = Watch()
    total = 0
    for i in range(ROWS):
        written[0] += 1
        text = "%c" % (65 + written[0] % 26) * 20  # never the text the row has
        target = glass.instructions + 21  # the DDRAM address, then 20 characters
        t = time.ticks_us()
        lcd[i % 4] = text
        while glass.instructions < target:
            await asyncio.sleep_ms(0)
        total += time.ticks_diff(time.ticks_us(), t)
    return total / ROWS / 1000, watch.stop()


async def htu_run(htu):
    watch = Watch()
    n = htu.readings
    await asyncio.sleep_ms(0)
    while htu.readings == n:  # start at the end of a pair
        await asyncio.sleep_ms(1)
    t = time.ticks_us()
    while htu.readings < n + 1 + PAIRS:
        await asyncio.sleep_ms(1)
    return time.ticks_diff(time.ticks_us(), t) / PAIRS / 1000, watch.stop()


async def idle_run():
    watch = Watch()
    await asyncio.sleep_ms(IDLE_MS)
    return watch.stop()


async def main():
    pins = ("rs", "e", "d4", "d5", "d6", "d7")
    glass = HD44780(pins, 20, 4)
    lcd = LCD(pins, 20, 4)
    await asyncio.sleep_ms(100)  # past power-up
    lcd_runs = []
    for _ in range(RUNS):
        lcd_runs.append(await lcd_run(lcd, glass))
    assert not glass.violations(), glass.violations()
    i2c = I2C(0)
    i2c.attach(Sensor())
    htu = HTU21D(i2c, read_delay=0)
    await htu
    htu_runs = []
    idle = []
    for _ in range(RUNS):
        htu_runs.append(await htu_run(htu))
        idle.append(await idle_run())
    print("RESULT lcd_row_refresh_ms %.3f ms" % min(r[0] for r in lcd_runs))
    print("RESULT htu_reading_ms %.2f ms" % min(r[0] for r in htu_runs))
    for name, runs in (("lcd", [r[1] for r in lcd_runs]), ("htu", [r[1] for r in htu_runs])):
        print("RESULT %s_longest_block_us %d us" % (name, min(r[0] for r in runs)))
        print("RESULT %s_block_p99_us %d us" % (name, min(r[1] for r in runs)))
    print("RESULT idle_longest_block_us %d us" % min(r[0] for r in idle))
    print("RESULT idle_block_p99_us %d us" % min(r[1] for r in idle))


asyncio.run(main())
