# Primitives (asyn, uasyncio.synchro): a Barrier lines up three workers, a Message carries a
# value from an interrupt handler (here a timer callback) to a task, a Queue feeds a
# consumer, Gather collects results, and a NamedTask is cancelled by name.
# Wire: nothing. Runs on any board, on the built-in asyncio or on fast_io.
# Prints the lines shown at the end of this file.
import asyncio

import asyn
from fast_io.queues import Queue


async def worker(n, barrier, queue):
    await asyncio.sleep_ms(100 * n)  # they arrive at different times...
    await barrier  # ...and leave together (the last to arrive does not wait: it is first)
    await queue.put("job from %d" % n)


@asyn.cancellable
async def listener(msg):
    while True:
        print("message", await msg)
        msg.clear()


async def double(n):
    await asyncio.sleep_ms(10 * n)
    return 2 * n


async def main():
    barrier = asyn.Barrier(3, print, ("all three at the barrier",))
    queue = Queue()
    for n in range(3):
        asyncio.create_task(worker(n, barrier, queue))
    for _ in range(3):
        print(await queue.get())
    msg = asyn.Message()
    asyncio.create_task(asyn.NamedTask("listener", listener, msg)())
    await asyncio.sleep_ms(0)
    msg.set(42)  # interrupt-safe: what a pin or timer handler would call
    await asyncio.sleep_ms(100)
    print("cancelled", await asyn.NamedTask.cancel("listener", nowait=False))
    print("gathered", await asyn.Gather([asyn.Gatherable(double, n) for n in range(4)]))


if __name__ == "__main__":
    asyncio.run(main())

# Prints:
# all three at the barrier
# job from 2
# job from 0
# job from 1
# message 42
# cancelled True
# gathered [0, 2, 4, 6]
