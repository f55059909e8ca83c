# Button and LED (aswitch): a click toggles the LED, a double click flashes it three times,
# a long press turns it off.
# Wire: a push button from BUTTON to GND (the internal pull-up holds it high), an LED with a
# 330 ohm resistor from LED to GND. Pin names are a Pyboard's: change them for your board.
# Prints each event: "click", "double", "long".
import asyncio

from aswitch import Pushbutton
from machine import Pin

BUTTON = "X1"
LED = "X2"


async def flash(led, times):
    for _ in range(times):
        led.on()
        await asyncio.sleep_ms(100)
        led.off()
        await asyncio.sleep_ms(100)


def event(name, led, action):
    print(name)
    action(led)


async def main():
    led = Pin(LED, Pin.OUT, value=0)
    pb = Pushbutton(Pin(BUTTON, Pin.IN, Pin.PULL_UP), suppress=True)
    pb.release_func(event, ("click", led, lambda led: led.toggle()))
    pb.double_func(event, ("double", led, lambda led: asyncio.create_task(flash(led, 3))))
    pb.long_func(event, ("long", led, lambda led: led.off()))
    while True:
        await asyncio.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())
