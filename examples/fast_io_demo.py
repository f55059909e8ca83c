# fast_io demo: a device that needs prompt service beside busy tasks, with and without I/O
# priority. Wire: nothing (the "device" is a loopback TCP connection; unix port or a board
# with a network). Prints the median and worst delay for each setting.
#
# Ten tasks each compute for 0.3 ms and yield, round and round. A "device" (one end of a
# loopback TCP connection) sends a byte every few milliseconds, and a reader task answers it.
# With I/O priority (fast_io's default) the reader runs as soon as its byte arrives; without
# it, the reader waits its turn behind every busy task, as on the firmware's own asyncio.
import socket
import sys
import time

import fast_io as asyncio

BUSY_TASKS = 10
BUSY_US = 300
MESSAGES = 30


def socket_pair():
    # The unix port has no socketpair() and no getsockname(): find a free port by trying.
    for port in range(40000 + time.ticks_us() % 20000, 61000):
        addr = socket.getaddrinfo("127.0.0.1", port)[0][-1]
        listener = socket.socket()
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(addr)
            listener.listen(1)
        except OSError:
            listener.close()
            continue
        device = socket.socket()
        device.connect(addr)
        host, _ = listener.accept()
        listener.close()
        return device, host
    raise OSError("no free loopback port")


async def busy(stop):
    while not stop[0]:
        time.sleep_us(BUSY_US)  # stands for real work between two yields
        await asyncio.sleep(0)


async def device(out, sent):
    for _ in range(MESSAGES):
        await asyncio.sleep_ms(3)
        sent.append(time.ticks_us())
        out.write(b"!")


async def reader(stream, sent, waits):
    for _ in range(MESSAGES):
        await stream.read(1)
        waits.append(time.ticks_diff(time.ticks_us(), sent[len(waits)]))


async def run(io_priority):
    asyncio.get_event_loop().io_priority(io_priority)
    out, inp = socket_pair()
    inp.setblocking(False)
    stop, sent, waits = [False], [], []
    workers = [asyncio.create_task(busy(stop)) for _ in range(BUSY_TASKS)]
    asyncio.create_task(device(out, sent))
    await reader(asyncio.StreamReader(inp), sent, waits)
    stop[0] = True
    await asyncio.gather(*workers)
    out.close()
    inp.close()
    waits.sort()
    return waits[len(waits) // 2], waits[-1]


print("fast_io", asyncio.version[1], "from", asyncio.__file__)
release = "%d.%d.%d" % sys.implementation.version[:3]
print("MicroPython", release, "| busy tasks:", BUSY_TASKS, "x", BUSY_US, "us of work per step")
for on in (True, False):
    median, worst = asyncio.run(run(on))
    label = "I/O priority on " if on else "I/O priority off"
    print(f"{label}: device served after {median} us (median), {worst} us (worst) of {MESSAGES}")
