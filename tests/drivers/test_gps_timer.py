"""as_tGPS: time from the PPS edge on a simulated pin, NMEA through a simulated UART.

The PPS handler runs as a hard interrupt, which machine_sim runs with the heap locked: an
allocation in it would be reported on stderr and switch the handler off.
"""

PROGRAM = r"""
import asyncio
import time
import micropython
import as_tGPS
from machine_sim import UART, Pin


def rmc(hms, date="311224"):
    body = "GPRMC,%s,A,3348.0000,S,15112.0000,E,0.00,,%s,,,A" % (hms, date)
    crc = 0
    for c in body.encode():
        crc ^= c
    return ("$%s*%02X\r\n" % (body, crc)).encode()


async def rmc_arrives(uart, gps, hms):
    n = gps.clean_sentences
    uart.wire.write(rmc(hms))
    while gps.clean_sentences == n:
        await asyncio.sleep_ms(1)


async def pps(pin):
    pin.external(1)
    pin.external(0)
    await asyncio.sleep_ms(0)


async def main():
    uart = UART()
    pin = Pin("pps", Pin.IN)
    seen = [0] * 8  # the PPS callback runs in the interrupt: it stores, never allocates

    def on_pps(g, log, tag):
        log[0] += 1
        log[log[0]] = g.t_ms

    gps = as_tGPS.GPS_Timer(asyncio.StreamReader(uart), pin, pps_cb=on_pps,
                            pps_cb_args=(seen, "pps"))
    await pps(pin)  # no handler until a date has arrived
    await rmc_arrives(uart, gps, "123456.000")
    await asyncio.wait_for(gps._starter, 5)
    print("before ready", gps.acquired, seen[0])
    await pps(pin)
    await asyncio.wait_for(gps.ready(), 5)
    print("edge", seen[:2], 0 <= gps.get_ms() - 45297000 < 1000, gps.get_t_split()[:3])

    # get_ms runs on ticks_us from the edge, and neither reader allocates. Each reading is
    # bracketed by two clock readings: the time between the two readings lies between the
    # inner and the outer bracket, however long the host pauses the process meanwhile.
    t0 = time.ticks_us()
    ms0 = gps.get_ms()
    t1 = time.ticks_us()
    await asyncio.sleep_ms(120)
    t2 = time.ticks_us()
    ms1 = gps.get_ms()
    t3 = time.ticks_us()
    inner = time.ticks_diff(t2, t1) // 1000
    outer = time.ticks_diff(t3, t0) // 1000
    print("follows ticks", inner - 1 <= ms1 - ms0 <= outer + 1)
    micropython.heap_lock()
    ms = gps.get_ms()
    split = gps.get_t_split()
    same = split is gps.get_t_split()
    micropython.heap_unlock()
    print("no allocation", ms >= ms1, same, split[0:3], 0 <= split[3] < 1000000)

    await pps(pin)  # no new RMC: the edge tells nothing, the time runs on from the last one
    print("no new RMC", seen[0], gps.t_ms)
    await rmc_arrives(uart, gps, "123457.000")
    await pps(pin)
    print("next second", seen[:3])
    await rmc_arrives(uart, gps, "235959.000")
    await pps(pin)
    print("midnight", seen[3], gps.get_t_split()[:3])
    gps.local_offset = 10
    await rmc_arrives(uart, gps, "235959.000")  # the same RMC time: changed by the offset
    await pps(pin)
    print("local", seen[4])
    gps.close()
    await rmc_arrives(uart, gps, "120000.000")
    await pps(pin)
    print("closed", seen[0])

    # The writing driver: the PPS follows the last RMC by the update interval it set
    uart2 = UART()
    pin2 = Pin("pps2", Pin.IN)
    gps = as_tGPS.GPS_RWTimer(asyncio.StreamReader(uart2), asyncio.StreamWriter(uart2, {}), pin2)
    await gps.update_interval(100)
    print("sent", uart2.wire.readline())
    await rmc_arrives(uart2, gps, "120000.900")
    await asyncio.wait_for(gps._starter, 5)
    await pps(pin2)
    await gps.ready()
    print("10 Hz", gps.t_ms, gps.get_t_split()[:3])


asyncio.run(main())
"""

EXPECTED = """\
before ready None 0
edge [1, 45297000] True [12, 34, 57]
follows ticks True
no allocation True True [12, 34, 57] True
no new RMC 1 45297000
next second [2, 45297000, 45298000]
midnight 0 [0, 0, 0]
local 36000000
closed 4
sent b'$PMTK220,100*2F\\r\\n'
10 Hz 43201000 [12, 0, 1]
"""


def test_pps_time(board, loop):
    proc = board.run(PROGRAM, loop=loop)
    assert proc.stderr == ""  # no exception in the interrupt handler
    assert proc.stdout == EXPECTED
