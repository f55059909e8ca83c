# IR remote (nec-ir): prints the keys of an NEC remote control, and "repeat" while one is held.
# Wire: an IR receiver (TSOP4838 or similar, 3.3 V) with its output on IR_PIN.
# Prints "key <name>" for each key (its command number for keys not in KEYS), "repeat" while
# a key is held, and "error <n>" for a block it could not decode.
import asyncio

from aremote import NEC_IR, REPEAT
from machine import Pin

IR_PIN = "X3"
KEYS = {0x45: "power", 0x46: "up", 0x15: "down", 0x44: "left", 0x43: "right"}  # your remote's


def key(data, addr):
    if data >= 0:
        print("key", KEYS.get(data, data), "address", addr)
    elif data == REPEAT:
        print("repeat")
    else:
        print("error", data)


async def main(extended=False):
    NEC_IR(Pin(IR_PIN, Pin.IN), key, extended)
    while True:
        await asyncio.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())
