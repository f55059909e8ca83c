"""fast_io's priorities: I/O-woken tasks before round-robin tasks (switchable), the bound that
keeps an always-ready device from starving the others, prompt cancellation and timeouts.

Orderings are checked, never times: each program logs which task ran when.
"""

import textwrap

SOCKETS = """
import asyncio
import fast_io
from machine_sim.loopback import socket_pair

log = []

async def spinner(name, n):
    for i in range(n):
        log.append(name)
        await asyncio.sleep_ms(0)

async def reader(sock):
    r = asyncio.StreamReader(sock)
    data = await r.read(1)
    log.append("READ")
"""


def run(board, body):
    return board.output(textwrap.dedent(SOCKETS) + textwrap.dedent(body), loop="fast_io")


def test_io_ready_task_runs_before_round_robin_tasks(board):
    out = run(
        board,
        """
        async def main():
            a, b = socket_pair()
            a.setblocking(False)
            rd = asyncio.create_task(reader(a))
            await asyncio.sleep_ms(0)  # the reader waits on the socket
            spin = [asyncio.create_task(spinner(i, 5)) for i in range(3)]
            await asyncio.sleep_ms(0)
            b.send(b"x")  # ready from now on: the reader runs before the next spinner
            log.append("SENT")
            await rd
            await asyncio.gather(*spin)
            print(log[log.index("SENT") + 1])
            print(asyncio.get_event_loop().io_priority())

        asyncio.run(main())
        """,
    )
    assert out.split() == ["READ", "True"]


def test_io_priority_switched_off_waits_its_turn(board):
    out = run(
        board,
        """
        async def main():
            loop = asyncio.get_event_loop()
            print(loop.io_priority(False))
            a, b = socket_pair()
            a.setblocking(False)
            rd = asyncio.create_task(reader(a))
            await asyncio.sleep_ms(0)
            spin = [asyncio.create_task(spinner(i, 5)) for i in range(3)]
            await asyncio.sleep_ms(0)
            b.send(b"x")
            log.append("SENT")
            await rd
            await asyncio.gather(*spin)
            after = log[log.index("SENT") + 1 :]
            # Round-robin: the spinners queued ahead of it run first
            print(after.index("READ") >= 3)
            print(loop.io_priority(True))

        asyncio.run(main())
        """,
    )
    assert out.split() == ["False", "True", "True"]


def test_get_event_loop_ioq_len_zero_switches_priority_off(board):
    # As in 2019, the arguments of the first call count; io_priority() switches at any time.
    out = board.output(
        """
import asyncio
loop = asyncio.get_event_loop(16, 16, 0, 0)
print(loop.io_priority())
loop = asyncio.get_event_loop(16, 16, 8)
print(loop.io_priority(), loop.io_priority(True))
""",
        loop="fast_io",
    )
    assert out.split() == ["False", "False", "True"]


def test_always_ready_device_does_not_starve_others(board):
    # The socket always has data: its reader is woken at every poll. Between two round-robin
    # steps it runs at most once (the documented bound), so the spinner keeps its pace.
    out = run(
        board,
        """
        async def hog(sock):
            r = asyncio.StreamReader(sock)
            while True:
                await r.read(1)
                log.append("H")

        async def main():
            a, b = socket_pair()
            a.setblocking(False)
            b.send(b"x" * 4000)
            h = asyncio.create_task(hog(a))
            await spinner("S", 50)
            h.cancel()
            run = 0
            worst = 0
            for x in log:
                run = run + 1 if x == "H" else 0
                worst = max(worst, run)
            print(log.count("S"), worst)

        asyncio.run(main())
        """,
    )
    assert out.split() == ["50", "1"]


def test_cancelled_sleeping_task_runs_before_round_robin(board):
    out = run(
        board,
        """
        async def sleeper():
            try:
                await asyncio.sleep(100)
            except asyncio.CancelledError:
                log.append("CANCELLED")

        async def main():
            s = asyncio.create_task(sleeper())
            spin = [asyncio.create_task(spinner(i, 4)) for i in range(4)]
            await asyncio.sleep_ms(0)
            print(s.cancel())
            log.append("CANCEL")
            await asyncio.sleep_ms(0)
            await asyncio.gather(*spin)
            print(log[log.index("CANCEL") + 1], s.done())

        asyncio.run(main())
        """,
    )
    assert out.split() == ["True", "CANCELLED", "True"]


def test_cancelled_io_and_low_priority_waiters_run_next(board):
    out = run(
        board,
        """
        async def io_waiter(sock):
            try:
                await asyncio.StreamReader(sock).read(1)
            except asyncio.CancelledError:
                log.append("IO-CANCELLED")

        async def lp_waiter():
            try:
                await asyncio.after(100)
            except asyncio.CancelledError:
                log.append("LP-CANCELLED")

        async def main():
            a, b = socket_pair()
            a.setblocking(False)
            waiters = [asyncio.create_task(io_waiter(a)), asyncio.create_task(lp_waiter())]
            spin = [asyncio.create_task(spinner(i, 4)) for i in range(4)]
            await asyncio.sleep_ms(0)
            for w in waiters:
                w.cancel()
            log.append("CANCEL")
            await asyncio.gather(*spin)
            i = log.index("CANCEL")
            print(*sorted(log[i + 1 : i + 3]))
            b.send(b"late")  # the cancelled reader left the socket: nothing wakes
            await asyncio.sleep_ms(5)
            print(log.count("IO-CANCELLED"), waiters[0].done(), waiters[1].done())

        asyncio.run(main())
        """,
    )
    assert out.split() == ["IO-CANCELLED", "LP-CANCELLED", "1", "True", "True"]


def test_reader_and_writer_on_one_socket_both_progress(board):
    # The 2019 bidirectional fix: one task reads while another writes the same socket.
    out = run(
        board,
        """
        async def main():
            a, b = socket_pair()
            a.setblocking(False)
            b.setblocking(False)
            s = asyncio.StreamReader(a)
            peer = asyncio.StreamReader(b)
            got = []

            async def read_side():
                while len(got) < 3:
                    got.append(await s.readline())

            async def write_side():
                for i in range(200):
                    s.write(b"y" * 1000)
                    await s.drain()
                log.append("WROTE")

            async def peer_side():
                n = 0
                while n < 200000:
                    n += len(await peer.read(4096))
                    if n > 100000 and not got:
                        peer.write(b"one\\ntwo\\nthree\\n")
                        await peer.drain()
                log.append("DRAINED")

            rt = asyncio.create_task(read_side())
            await asyncio.gather(write_side(), peer_side(), rt)
            print(got, log.count("WROTE"), log.count("DRAINED"))

        asyncio.run(main())
        """,
    )
    assert out.strip() == "[b'one\\n', b'two\\n', b'three\\n'] 1 1"


DRIVER = """
import asyncio
import io
import time
from machine_sim.loopback import socket_pair

class Timer(io.IOBase):
    # A Python stream driver without a file descriptor: readable once its time has come.
    def __init__(self):
        self.end = time.ticks_ms()
        self.polls = 0

    def arm(self, ms):
        self.end = time.ticks_add(time.ticks_ms(), ms)

    def ioctl(self, req, arg):
        if req != 3:
            return -1
        self.polls += 1
        return arg & 1 if time.ticks_diff(time.ticks_ms(), self.end) >= 0 else 0

    def readline(self):
        return b"\\n"
"""


def test_python_driver_priority_and_idle_waits(board):
    out = board.output(
        DRIVER
        + """
log = []

async def spinner(n):
    for i in range(n):
        t = time.ticks_ms()
        while time.ticks_diff(time.ticks_ms(), t) < 2:
            pass
        log.append("S")
        await asyncio.sleep_ms(0)

async def main():
    tm = Timer()
    r = asyncio.StreamReader(tm)
    # Busy loop: the driver is asked at each pass and its task runs before the spinners.
    spin = [asyncio.create_task(spinner(20)) for _ in range(3)]
    tm.arm(10)
    await r.readline()
    log.append("T")
    await asyncio.gather(*spin)
    i = log.index("T")
    print(i < 9, len(log))
    # Idle loop: nothing else to run, the driver alone wakes the loop.
    t0 = time.ticks_ms()
    tm.arm(20)
    await r.readline()
    print(time.ticks_diff(time.ticks_ms(), t0) >= 20)
    # Idle with a socket and the driver both waited on: either wakes its task.
    a, b = socket_pair()
    a.setblocking(False)

    async def sock_reader():
        return await asyncio.StreamReader(a).read(1)

    st = asyncio.create_task(sock_reader())
    tm.arm(15)
    await r.readline()
    print(st.done())
    b.send(b"z")
    print(await st)

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["True 61", "True", "False", "b'z'"]


def test_cancelled_primitive_waiters_run_next(board):
    out = run(
        board,
        """
        async def waiter(name, aw):
            try:
                await aw
            except asyncio.CancelledError:
                log.append(name)

        async def main():
            ev = asyncio.Event()
            lock = asyncio.Lock()
            await lock.acquire()
            flag = asyncio.ThreadSafeFlag()
            ws = [
                asyncio.create_task(waiter("EVENT", ev.wait())),
                asyncio.create_task(waiter("LOCK", lock.acquire())),
                asyncio.create_task(waiter("FLAG", flag.wait())),
            ]
            spin = [asyncio.create_task(spinner(i, 4)) for i in range(4)]
            await asyncio.sleep_ms(0)
            for w in ws:
                w.cancel()
            log.append("CANCEL")
            await asyncio.gather(*spin)
            i = log.index("CANCEL")
            print(*log[i + 1 : i + 4])
            print(lock.locked(), all(w.done() for w in ws))

        asyncio.run(main())
        """,
    )
    assert out.splitlines() == ["EVENT LOCK FLAG", "True True"]


def test_many_drivers_idle_and_a_failing_driver(board):
    # Twelve drivers waited on at once with the loop idle (more than the poller keeps), and a
    # driver whose ioctl raises: its task is woken and meets the error, the loop runs on.
    out = board.output(
        DRIVER
        + """
class Broken(Timer):
    def ioctl(self, req, arg):
        raise OSError(5)

    def readline(self):
        raise OSError(5)

async def wait(tm, i, got):
    await asyncio.StreamReader(tm).readline()
    got.append(i)

async def main():
    got = []
    timers = [Timer() for _ in range(12)]
    for i, tm in enumerate(timers):
        tm.arm(5 + 2 * i)
    await asyncio.gather(*[wait(tm, i, got) for i, tm in enumerate(timers)])
    print(got == list(range(12)))
    try:
        await asyncio.StreamReader(Broken()).readline()
    except OSError as e:
        print("error", e.errno)
    await asyncio.sleep_ms(1)
    print("loop runs on")

asyncio.run(main())
""",
        loop="fast_io",
    )
    assert out.splitlines() == ["True", "error 5", "loop runs on"]
