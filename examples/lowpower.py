# Low power (uasyncio-lowpower, Pyboard 1.x or D): the MCU sleeps in stop mode between passes
# of the scheduler, waking every LATENCY_MS, while the red LED flashes every second and a
# button wakes the board at once (its interrupt ends stop mode).
# Wire: a push button from X1 to GND. Power the board from a supply or battery, not a USB
# host: with the USB VCP open, rtc_time keeps the normal clock and the board never stops.
# Prints "Running on Pyboard ...", "Low power mode is ON." (from rtc_time) and "button" at
# each press.
import rtc_time_cfg

rtc_time_cfg.enabled = True  # before the event loop is imported

import fast_io  # noqa: E402

fast_io.install()

import asyncio  # noqa: E402

import pyb  # noqa: E402
from rtc_time import Latency  # noqa: E402

LATENCY_MS = 200


async def flash(led):
    while True:
        led.on()
        await asyncio.sleep_ms(50)
        led.off()
        await asyncio.sleep_ms(950)


async def button(flag):
    while True:
        await flag.wait()
        print("button")


async def main():
    Latency(LATENCY_MS)
    flag = asyncio.ThreadSafeFlag()
    pin = pyb.Pin("X1", pyb.Pin.IN, pyb.Pin.PULL_UP)
    pin.irq(lambda _: flag.set(), trigger=pyb.Pin.IRQ_FALLING)
    asyncio.create_task(button(flag))
    await flash(pyb.LED(1))


if __name__ == "__main__":
    asyncio.run(main())
