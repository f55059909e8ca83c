# Echo throughput: an echo server and C clients in one process on loopback TCP. Each client
# sends lines and checks every echo, 10,000 lines in all, split between the clients; figures
# are messages per second of wall time and per second of the process's CPU time (less
# sensitive to the host's other load), counted from when every client is connected (a ratio
# above 1 means fast_io serves more). benchmarks/run.py runs it ROUNDS times per loop, the loops
# taking turns, and reports medians. What it shows: the cost of an I/O wait and wake as the
# number of streams grows (C = 1, 20, 100, 400: 2 C + 1 sockets), and the Python cost of each
# message. "echo" reads with readline() (on the built-in one system call per byte, on fast_io's
# connections two per line); "exact" reads the same 24-byte messages with readexactly(24), one
# read each on both loops, so its ratio is the loops' own cost alone. A wrong or missing echo
# fails the run. "--quick" (the smoke test) runs tiny sizes.
import asyncio
import gc
import sys
import time

QUICK = "--quick" in sys.argv
LINES = 1000 if QUICK else 10_000  # quick: long enough for the CPU clock to move
CLIENTS = (1, 5) if QUICK else (1, 20, 100, 400)
HOST = "127.0.0.1"
ROUNDS = 5


SIZE = 24  # of every message: b"client %5d line %5d\n"


async def echo(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def echo_exact(reader, writer):
    try:
        while True:
            writer.write(await reader.readexactly(SIZE))
            await writer.drain()
    except EOFError:
        pass
    writer.close()
    await writer.wait_closed()


async def client(port, n, go, wrong, exact):
    reader, writer = await asyncio.open_connection(HOST, port)
    go[0] += 1  # connected
    await go[1].wait()
    for i in range(n):
        line = b"client %5d line %5d\n" % (id(writer) & 0xFFFF, i)
        writer.write(line)
        await writer.drain()
        if await (reader.readexactly(SIZE) if exact else reader.readline()) != line:
            wrong[0] += 1
    writer.close()
    await writer.wait_closed()


async def serve(handler):
    # A free port: others may run beside this benchmark.
    start = time.ticks_us() % 20000
    for i in range(20000):
        port = 30000 + (start + i) % 20000
        try:
            return port, await asyncio.start_server(handler, HOST, port, backlog=512)
        except OSError:
            pass
    raise OSError("no free port")


def cpu_ns():
    with open("/proc/self/schedstat") as f:
        return int(f.read().split()[0])


async def measure(c, exact):
    port, server = await serve(echo_exact if exact else echo)
    go = [0, asyncio.Event()]
    wrong = [0]
    n = LINES // c
    tasks = [asyncio.create_task(client(port, n, go, wrong, exact)) for _ in range(c)]
    while go[0] < c:
        await asyncio.sleep_ms(1)
    t0, c0 = time.ticks_us(), cpu_ns()
    go[1].set()
    await asyncio.gather(*tasks)
    dt = time.ticks_diff(time.ticks_us(), t0)
    cpu = cpu_ns() - c0
    server.close()
    await server.wait_closed()
    if wrong[0]:
        raise AssertionError("%d wrong echoes at C=%d" % (wrong[0], c))
    return n * c * 1_000_000 / dt, n * c * 1_000_000_000 / cpu


for exact in (False, True):
    name = "exact" if exact else "echo"
    for c in CLIENTS:
        gc.collect()
        wall, cpu = asyncio.run(measure(c, exact))
        print("RESULT %s_c%d_msgs_per_s %.0f msgs/s" % (name, c, wall))
        print("RESULT %s_c%d_msgs_per_cpu_s %.0f msgs/s" % (name, c, cpu))
