# Sensor and display (htu21d, hd44780): an HTU21D's temperature and humidity on a 16x2 LCD,
# with the reading's age and the sensor's error count, read every READ_S, shown every REFRESH_MS.
# Wire: the HTU21D's SDA and SCL to I2C bus 1 (Pyboard X10, X9), 3.3 V and GND; the LCD's
# Rs, E, D4-D7 to Y1, Y2, Y6, Y5, Y4, Y3 (alcd.PINLIST), R/W and VSS to GND, VDD to 5 V.
# Prints each screen it shows, as "<row 0>|<row 1>"; with the sensor unplugged after its first
# reading, the values stay while the age and the error count grow:
#   24.7C  32.3%RH|age 0s err 0   ...   24.7C  32.3%RH|age 9s err 2
import asyncio

from alcd import LCD, PINLIST
from htu21d_mc import HTU21D
from machine import I2C

REFRESH_MS = 1000
READ_S = 5  # seconds between readings


async def main(i2c=None, screens=None, refresh_ms=REFRESH_MS, read_s=READ_S):
    htu = HTU21D(i2c or I2C(1), read_delay=read_s)
    lcd = LCD(PINLIST, 16, 2)
    lcd[0] = "Waiting..."
    await htu  # the first reading
    n = 0
    while screens is None or n < screens:
        # the last good pair stays while the sensor fails: its age and the error count tell
        rows = (
            "%5.1fC %5.1f%%RH" % (htu.temperature, htu.humidity),
            "age %ds err %d" % (htu.age_ms() // 1000, htu.errors),
        )
        lcd[0], lcd[1] = rows
        print("|".join(rows))
        n += 1
        await asyncio.sleep_ms(refresh_ms)


if __name__ == "__main__":
    asyncio.run(main())
