"""The 2019 fast_io stream behaviours, each run on fast_io alone: I/O priority (and switching
it off), the Python device driver protocol (``ioctl``, ``readinto(buf[, n])``, ``readline``
returning None, one byte per ``write``), ``awrite``/``awritestr``/``aclose``, prompt
cancellation and timeout of tasks blocked on a device, and one device read and written by two
tasks at once. Real sockets come from ``machine_sim.loopback.socket_pair()``.
"""

import textwrap

import pytest

DEVICE = """
import io
import time

from micropython import const

_MP_STREAM_POLL = const(3)
_RD = const(1)
_WR = const(4)


class Device(io.IOBase):
    # A Python stream driver. Readable while rx holds data; writable once write_gap_ms has
    # passed since the last byte written (one byte per write, like slow hardware); a device
    # that is never writable has write_gap_ms None.
    def __init__(self, rx=b"", write_gap_ms=0):
        self.rx = rx
        self.tx = b""
        self.gap = write_gap_ms
        self.next_write = time.ticks_ms()
        self.readinto_args = []
        self.none_first = False

    def _writable(self):
        return self.gap is not None and time.ticks_diff(time.ticks_ms(), self.next_write) >= 0

    def ioctl(self, req, arg):
        if req != _MP_STREAM_POLL:
            return -1
        return (arg & _RD if self.rx else 0) | (arg & _WR if self._writable() else 0)

    def read(self, n=-1):
        n = len(self.rx) if n < 0 else n
        d, self.rx = self.rx[:n], self.rx[n:]
        return d

    def readinto(self, buf, *n):
        self.readinto_args.append(1 + len(n))
        d = self.read(n[0] if n else len(buf))
        buf[: len(d)] = d
        return len(d)

    def readline(self):
        if self.none_first:
            self.none_first = False
            return None
        i = self.rx.find(b"\\n") + 1 or len(self.rx)
        d, self.rx = self.rx[:i], self.rx[i:]
        return d

    def write(self, buf):
        if not self._writable():
            return None
        self.tx += bytes(buf[:1])
        self.next_write = time.ticks_add(time.ticks_ms(), self.gap)
        return 1
"""


def run(board, code, device=False):
    code = textwrap.dedent(code)
    return board.output((DEVICE + code) if device else code, "fast_io")


IO_ORDER = """
import uasyncio as asyncio
from machine_sim.loopback import socket_pair

SPINNERS = 4
out = []


async def spinner(n, wake):
    for i in range(5):
        out.append("s%d" % n)
        if n == 0 and i == 2:
            wake()
            out.append("woken")
        await asyncio.sleep_ms(0)


async def waiter(wait):
    await wait()
    out.append("waiter")


async def main(kind):
    if kind == "socket":
        wire, sock = socket_pair()
        sock.setblocking(False)
        sreader = asyncio.StreamReader(sock)
        buf = bytearray(1)
        wait = lambda: sreader.readinto(buf)
        wake = lambda: wire.write(b"x")
    else:
        flag = asyncio.ThreadSafeFlag()
        wait, wake = flag.wait, flag.set
    w = loop.create_task(waiter(wait))
    await asyncio.sleep_ms(0)
    await asyncio.gather(w, *(spinner(n, wake) for n in range(SPINNERS)))
    i = out.index("woken")
    print(kind, "steps before the waiter ran:", out.index("waiter") - i - 1)
    out.clear()


loop = asyncio.get_event_loop({args})
{setup}
loop.run_until_complete(main("socket"))
loop.run_until_complete(main("threadsafeflag"))
"""


def test_io_ready_task_runs_before_round_robin_tasks(board):
    out = run(board, IO_ORDER.format(args="", setup=""))
    assert out == (
        "socket steps before the waiter ran: 0\nthreadsafeflag steps before the waiter ran: 0\n"
    )


@pytest.mark.parametrize(
    "args,setup", [("16, 16, 0", ""), ("", "loop.io_priority(False)")], ids=["ioq_len_0", "off"]
)
def test_io_priority_switched_off_is_round_robin(board, args, setup):
    # Without I/O priority the woken task queues behind the other spinners, as on the
    # built-in asyncio: all SPINNERS of them step (the waker included) before it runs.
    out = run(board, IO_ORDER.format(args=args, setup=setup))
    lines = out.splitlines()
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "socket steps before the waiter ran:",
        "threadsafeflag steps before the waiter ran:",
    ]
    assert all(int(line.rsplit(" ", 1)[1]) >= 3 for line in lines), out


def test_readinto_passes_one_or_two_args_and_returns_the_count(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        async def main():
            dev = Device(b"abcdefghij")
            sreader = asyncio.StreamReader(dev)
            buf = bytearray(4)
            print(await sreader.readinto(buf), buf)
            print(await sreader.readinto(buf, 2), buf)
            print(dev.readinto_args)

        asyncio.get_event_loop().run_until_complete(main())
        """,
        device=True,
    )
    assert out == "4 bytearray(b'abcd')\n2 bytearray(b'efcd')\n[1, 2]\n"


def test_readline_retries_when_the_device_returns_none(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        async def main():
            dev = Device(b"first\\nsecond\\n")
            dev.none_first = True
            sreader = asyncio.StreamReader(dev)
            print(await sreader.readline(), await sreader.readline())

        asyncio.get_event_loop().run_until_complete(main())
        """,
        device=True,
    )
    assert out == "b'first\\n' b'second\\n'\n"


def test_awrite_completes_on_a_slow_one_byte_device(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        async def main():
            dev = Device(write_gap_ms=2)
            swriter = asyncio.StreamWriter(dev, {})
            t0 = time.ticks_ms()
            await swriter.awrite(b"hello world")
            print(dev.tx, time.ticks_diff(time.ticks_ms(), t0) >= 2 * 10)
            await swriter.awrite(b"0123456789", 2, 5)
            await swriter.awrite(b"0123456789", 7)
            print(dev.tx)

        asyncio.get_event_loop().run_until_complete(main())
        """,
        device=True,
    )
    assert out == "b'hello world' True\nb'hello world23456789'\n"


def test_awritestr_and_aclose_over_a_socket(board):
    out = run(
        board,
        """
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        async def main():
            wire, sock = socket_pair()
            sock.setblocking(False)
            swriter = asyncio.StreamWriter(sock, {})
            await swriter.awritestr("text\\n")
            await swriter.awrite(b"bytes\\n")
            await swriter.aclose()
            print(wire.read(100))
            print(wire.read(100))
            wire.close()

        asyncio.get_event_loop().run_until_complete(main())
        """,
    )
    assert out == "b'text\\nbytes\\n'\nb''\n"


def test_reader_polls_one_object_and_reads_another(board):
    # 2019's StreamReader(polls, ios): the poller watches the socket, the reads go to a wrapper
    # that cannot be polled itself (as an SSL socket would be); closing closes the wrapper.
    out = run(
        board,
        """
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        class Upper:
            # Reads through to the socket, upper-cased; no ioctl, no fileno.
            def __init__(self, sock):
                self.sock = sock
                self.closed = False

            def read(self, n):
                data = self.sock.read(n)
                return data if data is None else data.upper()

            def readinto(self, buf, n=0):
                data = self.read(n or len(buf))
                if data is None:
                    return None
                buf[: len(data)] = data
                return len(data)

            def readline(self):
                line = self.sock.readline()
                return line if line is None else line.upper()

            def close(self):
                self.closed = True
                self.sock.close()

        async def feed(wire):
            for part in (b"abc", b"defg\\n", b"hij\\n"):
                await asyncio.sleep_ms(20)
                wire.write(part)

        async def main():
            wire, sock = socket_pair()
            sock.setblocking(False)
            ios = Upper(sock)
            sreader = asyncio.StreamReader(sock, ios)
            asyncio.create_task(feed(wire))
            print(await sreader.read(3))
            buf = bytearray(2)
            print(await sreader.readinto(buf), buf)
            print(await sreader.readline())
            print(await sreader.readline())
            swriter = asyncio.StreamWriter(wire, {"peername": "wire"})
            print(swriter.get_extra_info("peername"), swriter.get_extra_info("x", None))
            await swriter.awriteiter([b"1", b"23"])
            print(sock.read(10))
            await sreader.aclose()
            print(ios.closed)
            wire.close()

        asyncio.get_event_loop().run_until_complete(main())
        """,
    )
    assert out == ("b'ABC'\n2 bytearray(b'DE')\nb'FG\\n'\nb'HIJ\\n'\nwire None\nb'123'\nTrue\n")


BLOCKED = """
import uasyncio as asyncio


async def blocked(op):
    try:
        await op()
        print("not reached")
    except asyncio.CancelledError:
        print("cancelled")


async def main():
    dev = Device(write_gap_ms=None)  # never readable, never writable
    sreader = asyncio.StreamReader(dev)
    swriter = asyncio.StreamWriter(dev, {})
    for name, op in (("readline", sreader.readline), ("awrite", lambda: swriter.awrite(b"x"))):
        t = loop.create_task(blocked(op))
        await asyncio.sleep_ms(5)
        t.cancel()
        await asyncio.sleep(0)
        print(name, "done after sleep(0):", t.done())
        t0 = time.ticks_ms()
        try:
            await asyncio.wait_for_ms(op(), 20)
        except asyncio.TimeoutError:
            print(name, "timed out promptly:", time.ticks_diff(time.ticks_ms(), t0) < 2000)
        swriter.out_buf = b""
    # The device is still usable after its waiters were cancelled.
    dev.rx = b"later\\n"
    print(await asyncio.wait_for_ms(sreader.readline(), 1000))


loop = asyncio.get_event_loop(16, 16, IOQ_LEN)
loop.run_until_complete(main())
"""


@pytest.mark.parametrize("ioq", [0, 8])
def test_cancel_and_timeout_of_tasks_blocked_on_a_device(board, ioq):
    out = run(board, BLOCKED.replace("IOQ_LEN", str(ioq)), device=True)
    assert out == (
        "cancelled\n"
        "readline done after sleep(0): True\n"
        "readline timed out promptly: True\n"
        "cancelled\n"
        "awrite done after sleep(0): True\n"
        "awrite timed out promptly: True\n"
        "b'later\\n'\n"
    )


def test_one_device_read_and_written_by_two_tasks(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        async def feeder(dev):
            for line in (b"one\\n", b"two\\n", b"three\\n"):
                await asyncio.sleep_ms(3)
                dev.rx += line

        async def reader(sreader):
            lines = []
            for _ in range(3):
                lines.append(await sreader.readline())
            return lines

        async def writer(swriter):
            await swriter.awrite(b"a message written one byte at a time")
            return "written"

        async def main():
            dev = Device(write_gap_ms=1)
            sreader = asyncio.StreamReader(dev)
            swriter = asyncio.StreamWriter(dev, {})
            loop.create_task(feeder(dev))
            print(await asyncio.gather(reader(sreader), writer(swriter)))
            print(dev.tx)

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())
        """,
        device=True,
    )
    assert out == (
        "[[b'one\\n', b'two\\n', b'three\\n'], 'written']\n"
        "b'a message written one byte at a time'\n"
    )


def test_one_socket_read_and_written_by_two_tasks(board):
    # The writer fills the socket and waits for it to drain while the reader waits on the
    # same socket: neither registration may hide the other (the 2019 bidirectional fix).
    out = run(
        board,
        """
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        SIZE = 400_000

        async def far_end(wire):
            sreader = asyncio.StreamReader(wire)
            total = 0
            while total < SIZE:
                total += len(await sreader.read(8192))
            await asyncio.StreamWriter(wire, {}).awrite(b"got %d\\n" % total)

        async def main():
            wire, sock = socket_pair()
            wire.setblocking(False)
            sock.setblocking(False)
            sreader = asyncio.StreamReader(sock)
            swriter = asyncio.StreamWriter(sock, {})
            r = loop.create_task(sreader.readline())
            await asyncio.sleep_ms(1)
            loop.create_task(far_end(wire))
            await swriter.awrite(bytes(SIZE))
            print("writer done")
            print(await r)

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())
        """,
    )
    assert out == "writer done\nb'got 400000\\n'\n"


def test_readexactly_at_eof_raises_eoferror(board):
    # 2019 returned the short data at EOF; the project follows today's asyncio (EOFError),
    # which the differential tests hold it to.
    out = run(
        board,
        """
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        async def main():
            wire, sock = socket_pair()
            sock.setblocking(False)
            wire.write(b"abc")
            wire.close()
            sreader = asyncio.StreamReader(sock)
            print(await sreader.readexactly(2))
            try:
                print(await sreader.readexactly(5))
            except EOFError:
                print("EOFError")

        asyncio.get_event_loop().run_until_complete(main())
        """,
    )
    assert out == "b'ab'\nEOFError\n"


@pytest.mark.parametrize("order", ["ready_then_cancel", "cancel_then_ready"])
def test_cancel_kept_when_the_device_becomes_ready_at_once(board, order):
    # The pending CancelledError must survive the device turning ready before the task runs.
    out = run(
        board,
        f"""
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        async def reader(sreader):
            try:
                print("read", await sreader.read(1))
            except asyncio.CancelledError:
                print("cancelled")

        async def main():
            wire, sock = socket_pair()
            sock.setblocking(False)
            t = loop.create_task(reader(asyncio.StreamReader(sock)))
            await asyncio.sleep_ms(5)
            if "{order}" == "ready_then_cancel":
                wire.write(b"x")
                t.cancel()
            else:
                t.cancel()
                wire.write(b"x")
            await asyncio.sleep_ms(5)
            print(t.done(), sock.read(1))

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())
        """,
    )
    assert out == "cancelled\nTrue b'x'\n"


def test_always_ready_device_does_not_starve_other_tasks(board):
    # The bound: an I/O-woken task runs at most once between two round-robin steps, so the
    # other tasks keep stepping while a device stays ready.
    out = run(
        board,
        """
        import uasyncio as asyncio
        from machine_sim.loopback import socket_pair

        steps = 0

        async def other():
            global steps
            while True:
                steps += 1
                await asyncio.sleep_ms(0)

        async def main():
            wire, sock = socket_pair()
            wire.write(bytes(500))
            sock.setblocking(False)
            sreader = asyncio.StreamReader(sock)
            buf = bytearray(1)
            o = loop.create_task(other())
            await asyncio.sleep_ms(0)
            s0 = steps
            for _ in range(200):
                await sreader.readinto(buf)
            o.cancel()
            print("other task stepped at least once per wake:", steps - s0 >= 199)

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())
        """,
    )
    assert out == "other task stepped at least once per wake: True\n"
