# I/O latency, stream timer: a 100 ms timer device polled through ioctl (as a UART driver is)
# while ten tasks each block 5 ms between yields. The task waiting on the timer should resume
# as soon as the device reports ready, not when its turn in the round comes.
#
# Unix-port trap: this device has no file descriptor, so while it is registered every poll
# takes at least 1 ms (the port polls non-fd objects on a 1 ms period). Each loop's figure
# includes that cost wherever it polls; load_round_ms shows how much it slows the load.
# "--quick" (the smoke test) runs tiny sizes.
import asyncio
import io
import sys
import time

from micropython import const

_MP_STREAM_POLL = const(3)
_MP_STREAM_POLL_RD = const(1)
PERIOD_MS = 100
LOAD_TASKS = 10
BLOCK_MS = 5
RUNS = 1 if "--quick" in sys.argv else 5


class MillisecTimer(io.IOBase):
    """Reports readable once the time set by ``arm`` has come; read by ``readline``."""

    def __init__(self):
        self.end = time.ticks_us()
        self.sreader = asyncio.StreamReader(self)

    async def wait(self, ms):
        self.end = time.ticks_add(time.ticks_us(), ms * 1000)
        await self.sreader.readline()

    def readline(self):
        return b"\n"

    def ioctl(self, req, arg):
        if req != _MP_STREAM_POLL:
            return -1
        if arg & _MP_STREAM_POLL_RD and time.ticks_diff(time.ticks_us(), self.end) >= 0:
            return _MP_STREAM_POLL_RD
        return 0


rounds = 0


async def blocker(first):
    global rounds
    while True:
        t = time.ticks_us()
        while time.ticks_diff(time.ticks_us(), t) < BLOCK_MS * 1000:
            pass
        if first:
            rounds += 1
        await asyncio.sleep_ms(0)


async def main():
    load = [asyncio.create_task(blocker(i == 0)) for i in range(LOAD_TASKS)]
    await asyncio.sleep_ms(0)
    timer = MillisecTimer()
    worst = total = 0
    t_load = time.ticks_ms()
    r0 = rounds
    for _ in range(RUNS):
        t0 = time.ticks_us()
        await timer.wait(PERIOD_MS)
        dt = time.ticks_diff(time.ticks_us(), t0)
        total += dt
        worst = max(worst, dt)
    round_ms = time.ticks_diff(time.ticks_ms(), t_load) / max(1, rounds - r0)
    for t in load:
        t.cancel()
    print("RESULT timer_100ms_mean_ms %.2f ms" % (total / RUNS / 1000))
    print("RESULT timer_100ms_worst_ms %.2f ms" % (worst / 1000))
    print("RESULT load_round_ms %.2f ms" % round_ms)


asyncio.run(main())
