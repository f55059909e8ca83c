# Starvation: a device that is always ready (a loopback socket holding far more bytes than the
# reader takes, one byte per wake) must still let other tasks run under I/O priority. Ten other
# tasks step on sleep_ms(0); the figure is how many of their steps run per 100 device wakes
# (round robin gives 1000: each of the ten runs once per wake). "--quick" runs tiny sizes.
import asyncio
import sys
import time

from machine_sim.loopback import socket_pair

OTHER_TASKS = 10
WAKES = 200 if "--quick" in sys.argv else 2000
FILL = 4000

steps = 0


async def other():
    global steps
    while True:
        steps += 1
        await asyncio.sleep_ms(0)


async def main():
    wire, sock = socket_pair()
    wire.write(bytes(FILL))
    sock.setblocking(False)
    sreader = asyncio.StreamReader(sock)
    buf = bytearray(1)
    others = [asyncio.create_task(other()) for _ in range(OTHER_TASKS)]
    await asyncio.sleep_ms(0)
    s0 = steps
    t0 = time.ticks_us()
    for _ in range(WAKES):
        await sreader.readinto(buf)
    dt = time.ticks_diff(time.ticks_us(), t0)
    other_steps = steps - s0
    for t in others:
        t.cancel()
    wire.close()
    sock.close()
    print("RESULT other_steps_per_100_device_wakes %.1f steps" % (other_steps * 100 / WAKES))
    print("RESULT device_wake_us %.2f us" % (dt / WAKES))


asyncio.run(main())
