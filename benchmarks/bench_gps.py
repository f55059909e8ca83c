# as_GPS: sentences parsed per second and heap bytes per sentence, on one second's traffic of a
# typical receiver (RMC, VTG, GGA, GSA, three GSV, GLL). Two ways: the parser alone
# (AS_GPS._update on each line), and the whole driver reading a simulated UART (a loopback
# socket, so the poller waits on a real file descriptor).
import asyncio
import gc
import sys
import time

import as_GPS
from machine_sim import UART

BODIES = (
    "GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A",
    "GPVTG,232.9,T,,M,002.3,N,004.3,K,A",
    "GPGGA,092751.000,5321.6802,N,00630.3371,W,1,07,1.1,397.4,M,-32.5,M,,0000",
    "GPGSA,A,3,07,11,28,24,26,08,17,,,,,,2.0,1.1,1.7",
    "GPGSV,3,1,12,28,72,355,39,01,52,063,33,17,51,272,44,08,46,184,38",
    "GPGSV,3,2,12,24,42,058,33,11,34,053,33,07,20,171,40,20,15,116,",
    "GPGSV,3,3,12,04,12,204,34,27,11,324,35,32,11,089,,26,10,264,40",
    "GPGLL,5321.6802,N,00630.3371,W,092751.000,A,A",
)
QUICK = "--quick" in sys.argv  # tiny sizes, for the test that keeps this program running
TIMED_ROUNDS = 20 if QUICK else 1000  # seconds of traffic for the rates
HEAP_ROUNDS = 5 if QUICK else 50  # for the heap figures, with the collector off


def nmea(body):
    crc = 0
    for c in body.encode():
        crc ^= c
    return b"$%s*%02X\r\n" % (body.encode(), crc)


LINES = [nmea(b) for b in BODIES]


def parse(rounds):
    gps = as_GPS.AS_GPS(None)
    update = gps._update
    for line in LINES:
        update(line)
    t0 = time.ticks_us()
    for _ in range(rounds):
        for line in LINES:
            update(line)
    assert gps.parsed_sentences == (rounds + 1) * len(LINES)
    return time.ticks_diff(time.ticks_us(), t0)


async def stream(rounds):
    uart = UART()
    gps = as_GPS.AS_GPS(asyncio.StreamReader(uart))
    data = b"".join(LINES) * rounds
    t0 = time.ticks_us()
    uart.wire.write(data)
    uart.wire.close()
    await gps._task
    dt = time.ticks_diff(time.ticks_us(), t0)
    assert gps.parsed_sentences == rounds * len(LINES)
    uart.deinit()
    return dt


def heap(fn, *args):
    gc.collect()
    gc.disable()
    m0 = gc.mem_alloc()
    fn(*args)
    used = gc.mem_alloc() - m0
    gc.enable()
    return used / (HEAP_ROUNDS * len(LINES))


n = TIMED_ROUNDS * len(LINES)
print("RESULT gps_parse_rate %.0f sentences/s" % (n * 1e6 / parse(TIMED_ROUNDS)))
print("RESULT gps_parse_heap %.0f bytes/sentence" % heap(parse, HEAP_ROUNDS))
print("RESULT gps_stream_rate %.0f sentences/s" % (n * 1e6 / asyncio.run(stream(TIMED_ROUNDS))))
print("RESULT gps_stream_heap %.0f bytes/sentence" % heap(asyncio.run, stream(HEAP_ROUNDS)))
