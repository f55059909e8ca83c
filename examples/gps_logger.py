# GPS logger (as-gps): appends a line to LOG for every fix, at most every INTERVAL_S seconds.
# Wire: a GPS module's TX to the board's UART 4 RX (Pyboard X2), its RX to UART 4 TX (X1),
# 3.3 V and GND. Most modules send NMEA sentences at 9600 baud, one fix per second.
# Prints and logs "<date>,<time>,<latitude>,<longitude>,<altitude>" per logged fix.
import asyncio

import as_GPS
from machine import UART

LOG = "gps.csv"
INTERVAL_S = 10


async def main(uart=None, log=LOG, interval_s=INTERVAL_S):
    uart = uart or UART(4, 9600)
    gps = as_GPS.AS_GPS(asyncio.StreamReader(uart))
    while True:
        await gps.data_received(position=True, altitude=True, date=True)
        line = "%s,%s,%.6f,%.6f,%.1f" % (
            gps.date_string(as_GPS.MDY),
            gps.time_string(),
            gps.latitude(as_GPS.DD)[0] * (1 if gps.latitude()[1] == "N" else -1),
            gps.longitude(as_GPS.DD)[0] * (1 if gps.longitude()[1] == "E" else -1),
            gps.altitude,
        )
        print(line)
        with open(log, "a") as f:
            f.write(line + "\n")
        await asyncio.sleep(interval_s)


if __name__ == "__main__":
    asyncio.run(main())
