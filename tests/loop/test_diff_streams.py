"""Differential tests: streams over real loopback TCP sockets.

Every program starts a server with ``start_server`` on 127.0.0.1 (on the first free port from a
random start, as the unix port cannot report a bound port) and talks to it through
``open_connection``. Each runs on the built-in asyncio (the reference) and on fast_io, twice
(on the firmware's C task queue, then on its pure-Python fallback); both must
print the same lines, and the reference must print the literal expected here. The programs
order their steps with awaits and never race two peers against the clock.
"""

import textwrap

import harness
import pytest

PRELUDE = """
import asyncio
import time


async def serve(handler):
    base = 10000 + time.ticks_us() % 20000
    for port in range(base, base + 200):
        try:
            return await asyncio.start_server(handler, "127.0.0.1", port), port
        except OSError:
            pass
    raise OSError("no free port")
"""


def program(name, code, expected):
    return harness.program(name, code, expected, prelude=PRELUDE)


PROGRAMS = [
    program(
        "echo_readline_write_drain",
        """
        async def echo(r, w):
            while line := await r.readline():
                w.write(line.upper())
                await w.drain()
            w.close()
            await w.wait_closed()
            print("server: client gone")
            finished.set()

        async def main():
            global finished
            finished = asyncio.Event()
            srv, port = await serve(echo)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            for word in (b"hello\\n", b"fast io\\n"):
                w.write(word)
                await w.drain()
                print(await r.readline())
            w.close()
            await w.wait_closed()
            await finished.wait()
            srv.close()
            await srv.wait_closed()
            print("done")

        asyncio.run(main())
        """,
        """
        b'HELLO\\n'
        b'FAST IO\\n'
        server: client gone
        done
        """,
    ),
    program(
        "readline_whole_split_long_and_unterminated_lines",
        # fast_io's connections peek at the socket and take one line at a time: the bytes
        # after a line stay for the next read, whichever read it is
        """
        async def handler(r, w):
            w.write(b"par")
            await w.drain()
            await asyncio.sleep_ms(20)
            w.write(b"tial")
            await w.drain()
            await asyncio.sleep_ms(20)
            w.write(b"\\nnext\\n")
            await w.drain()
            await asyncio.sleep_ms(20)
            w.write(b"one\\ntwo\\n" + b"x" * 600 + b"\\nrest\\nlast, unterminated")
            await w.drain()
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(handler)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            print(await r.readline(), await r.readline())
            await asyncio.sleep_ms(50)  # the rest has come, and the server has closed
            print(await r.readline(), await r.readline())
            line = await r.readline()
            print(len(line), line[-2:])
            print(await r.read(5))
            print(await r.readline())
            print(await r.readline())
            w.close()
            await w.wait_closed()
            srv.close()
            await srv.wait_closed()

        asyncio.run(main())
        """,
        """
        b'partial\\n' b'next\\n'
        b'one\\n' b'two\\n'
        601 b'x\\n'
        b'rest\\n'
        b'last, unterminated'
        b''
        """,
    ),
    program(
        "read_n_and_read_to_eof",
        """
        async def send(r, w):
            w.write(b"0123456789" * 3)
            await w.drain()
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(send)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            first = await r.readexactly(4)
            rest = await r.read(-1)
            print(first, len(rest), rest[-4:])
            print(await r.read(10))
            w.close()
            srv.close()
            await srv.wait_closed()

        asyncio.run(main())
        """,
        """
        b'0123' 26 b'6789'
        b''
        """,
    ),
    program(
        "read_returns_at_most_n",
        """
        async def send(r, w):
            w.write(b"abcdefgh")
            await w.drain()
            await r.read(1)
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(send)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            got = b""
            while len(got) < 8:
                part = await r.read(3)
                print(len(part) <= 3, len(part) > 0)
                got += part
                if len(got) >= 6:
                    break
            got += await r.readexactly(8 - len(got))
            print(got)
            w.write(b"x")
            await w.drain()
            print(await r.read(5))
            w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        True True
        True True
        b'abcdefgh'
        b''
        """,
    ),
    program(
        "readexactly_eof_raises",
        """
        async def send(r, w):
            w.write(b"short")
            await w.drain()
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(send)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            try:
                print(await r.readexactly(10))
            except EOFError:
                print("EOFError")
            w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        EOFError
        """,
    ),
    program(
        "readinto_fills_buffer",
        """
        async def send(r, w):
            w.write(b"abcdefghij")
            await w.drain()
            await r.read(1)
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(send)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            buf = bytearray(4)
            got = b""
            while len(got) < 10:
                n = await r.readinto(buf)
                got += buf[:n]
            print(got, n <= 4)
            mv = memoryview(bytearray(8))
            w.write(b"!")
            await w.drain()
            print(await r.readinto(mv))
            w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        b'abcdefghij' True
        0
        """,
    ),
    program(
        "readline_without_final_newline",
        """
        async def send(r, w):
            w.write(b"one\\ntwo\\nthree")
            await w.drain()
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(send)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(4):
                print(await r.readline())
            w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        b'one\\n'
        b'two\\n'
        b'three'
        b''
        """,
    ),
    program(
        "large_write_with_drain",
        """
        SIZE = 200_000

        async def sink(r, w):
            total = 0
            while data := await r.read(4096):
                total += len(data)
            print("server read", total)
            w.close()
            await w.wait_closed()
            finished.set()

        async def main():
            global finished
            finished = asyncio.Event()
            srv, port = await serve(sink)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            block = bytes(range(256)) * 40
            sent = 0
            while sent < SIZE:
                w.write(block)
                await w.drain()
                sent += len(block)
            print("client sent", sent)
            w.close()
            await w.wait_closed()
            await finished.wait()
            srv.close()

        asyncio.run(main())
        """,
        """
        client sent 204800
        server read 204800
        """,
    ),
    program(
        "client_close_gives_server_eof",
        """
        async def handler(r, w):
            print("server read", await r.read(10))
            print("server read", await r.read(10))
            w.close()
            await w.wait_closed()
            print("server closed")
            finished.set()

        async def main():
            global finished
            finished = asyncio.Event()
            srv, port = await serve(handler)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(b"bye")
            await w.drain()
            await asyncio.sleep_ms(5)
            w.close()
            await w.wait_closed()
            await finished.wait()
            srv.close()
            await srv.wait_closed()

        asyncio.run(main())
        """,
        """
        server read b'bye'
        server read b''
        server closed
        """,
    ),
    program(
        "close_twice_and_wait_closed_twice",
        """
        async def handler(r, w):
            await r.read(10)
            w.close()

        async def main():
            srv, port = await serve(handler)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            await w.wait_closed()
            w.close()
            await w.wait_closed()
            print("closed twice")
            srv.close()
            await srv.wait_closed()
            srv.close()
            await srv.wait_closed()
            print("server closed twice")

        asyncio.run(main())
        """,
        """
        closed twice
        server closed twice
        """,
    ),
    program(
        "peer_reset_gives_oserror",
        """
        import errno

        EPIPE = 32  # Linux; the errno module of the unix port does not name it

        async def handler(r, w):
            print("server got", await r.readline())
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(handler)
            for how in ("read", "readline"):
                r, w = await asyncio.open_connection("127.0.0.1", port)
                w.write(b"line\\nunread bytes make close send a reset")
                await w.drain()
                try:
                    print(await (r.read(10) if how == "read" else r.readline()))
                except OSError as e:
                    print(how, e.errno == errno.ECONNRESET)
                print(await r.readline())  # after the reset: EOF
                try:
                    for _ in range(3):
                        w.write(b"x")
                        await w.drain()
                    print("write ok")
                except OSError as e:
                    print("write", e.errno == EPIPE)
                w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        server got b'line\\n'
        read True
        b''
        write True
        server got b'line\\n'
        readline True
        b''
        write True
        """,
    ),
    program(
        "server_close_refuses_new_clients",
        """
        import errno

        async def handler(r, w):
            w.close()

        async def main():
            srv, port = await serve(handler)
            srv.close()
            await srv.wait_closed()
            try:
                r, w = await asyncio.open_connection("127.0.0.1", port)
                await r.read(1)
                print("connected")
            except OSError as e:
                print("refused", e.errno == errno.ECONNREFUSED)

        asyncio.run(main())
        """,
        """
        refused True
        """,
    ),
    program(
        "many_clients_served_concurrently",
        """
        async def handler(r, w):
            name = await r.readline()
            await asyncio.sleep_ms(5)
            w.write(b"hi " + name)
            await w.drain()
            w.close()
            await w.wait_closed()

        async def client(port, name):
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(name + b"\\n")
            await w.drain()
            line = await r.readline()
            w.close()
            await w.wait_closed()
            return line

        async def main():
            srv, port = await serve(handler)
            lines = await asyncio.gather(*[client(port, b"c%d" % i) for i in range(8)])
            for line in lines:
                print(line)
            srv.close()
            await srv.wait_closed()

        asyncio.run(main())
        """,
        """
        b'hi c0\\n'
        b'hi c1\\n'
        b'hi c2\\n'
        b'hi c3\\n'
        b'hi c4\\n'
        b'hi c5\\n'
        b'hi c6\\n'
        b'hi c7\\n'
        """,
    ),
    program(
        "cancel_task_blocked_in_read",
        """
        async def silent(r, w):
            await r.read(10)
            w.close()

        async def reader(r):
            try:
                await r.read(10)
                print("read returned")
            except asyncio.CancelledError:
                print("reader cancelled")
                raise

        async def main():
            srv, port = await serve(silent)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            t = asyncio.create_task(reader(r))
            await asyncio.sleep_ms(5)
            t.cancel()
            try:
                await t
            except asyncio.CancelledError:
                print("main sees cancel")
            w.write(b"still usable\\n")
            await w.drain()
            w.close()
            await w.wait_closed()
            srv.close()

        asyncio.run(main())
        """,
        """
        reader cancelled
        main sees cancel
        """,
    ),
    program(
        "read_with_timeout_then_data",
        """
        async def slow(r, w):
            await r.readline()
            w.write(b"late\\n")
            await w.drain()
            w.close()

        async def main():
            srv, port = await serve(slow)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            try:
                await asyncio.wait_for_ms(r.readline(), 10)
            except asyncio.TimeoutError:
                print("timeout")
            w.write(b"go\\n")
            await w.drain()
            print(await asyncio.wait_for_ms(r.readline(), 2000))
            w.close()
            srv.close()

        asyncio.run(main())
        """,
        """
        timeout
        b'late\\n'
        """,
    ),
    program(
        "concurrent_reader_and_writer_on_one_stream",
        """
        N = 20

        async def echo(r, w):
            while line := await r.readline():
                w.write(line)
                await w.drain()
            w.close()

        async def writer(w):
            for i in range(N):
                w.write(b"%d\\n" % i)
                await w.drain()
                await asyncio.sleep_ms(0)

        async def reader(r):
            total = 0
            for _ in range(N):
                total += int(await r.readline())
            return total

        async def main():
            srv, port = await serve(echo)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            rt = asyncio.create_task(reader(r))
            await writer(w)
            print(await rt)
            w.close()
            await w.wait_closed()
            srv.close()

        asyncio.run(main())
        """,
        """
        190
        """,
    ),
    program(
        "stream_classes_and_extra_info",
        """
        async def handler(r, w):
            peer = w.get_extra_info("peername")
            print("server peer", type(peer).__name__)
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(handler)
            r, w = await asyncio.open_connection("127.0.0.1", port)
            print(await r.read(10))
            print(isinstance(r, asyncio.StreamReader), isinstance(w, asyncio.StreamWriter))
            print(asyncio.StreamReader is asyncio.StreamWriter, r is w)
            w.close()
            srv.close()
            await srv.wait_closed()

        asyncio.run(main())
        """,
        """
        server peer bytearray
        b''
        True True
        True True
        """,
    ),
    program(
        "server_as_async_context_manager",
        """
        async def handler(r, w):
            w.write(await r.readline())
            await w.drain()
            w.close()
            await w.wait_closed()

        async def main():
            srv, port = await serve(handler)
            async with srv:
                r, w = await asyncio.open_connection("127.0.0.1", port)
                w.write(b"inside\\n")
                await w.drain()
                print(await r.readline())
                w.close()
                await w.wait_closed()
            print("server closed on exit")
            try:
                r, w = await asyncio.open_connection("127.0.0.1", port)
                await r.read(1)
                print("connected")
            except OSError:
                print("refused")

        asyncio.run(main())
        """,
        """
        b'inside\\n'
        server closed on exit
        refused
        """,
    ),
]


DEVICE = """
import asyncio
import io

_MP_STREAM_POLL = const(3)
_RD = const(1)
_WR = const(4)


class Device(io.IOBase):
    # A Python stream driver: always writable, one byte per write, readable while it has data.
    def __init__(self, data):
        self.data = data
        self.written = b""

    def ioctl(self, req, arg):
        if req != _MP_STREAM_POLL:
            return -1
        return (arg & _RD if self.data else 0) | (arg & _WR)

    def read(self, n=-1):
        n = len(self.data) if n < 0 else n
        d, self.data = self.data[:n], self.data[n:]
        return d

    def readinto(self, buf):
        d = self.read(len(buf))
        buf[: len(d)] = d
        return len(d)

    def readline(self):
        i = self.data.find(b"\\n") + 1 or len(self.data)
        d, self.data = self.data[:i], self.data[i:]
        return d

    def write(self, buf):
        self.written += bytes(buf[:1])
        return 1
"""

DEVICE_PROGRAMS = [
    pytest.param(
        DEVICE
        + textwrap.dedent(
            """
            async def main():
                dev = Device(b"line one\\nline two\\nlast\\n")
                r = asyncio.StreamReader(dev)
                w = asyncio.StreamWriter(dev, {})
                print(await r.readline())
                print(await r.read(4))
                buf = bytearray(3)
                print(await r.readinto(buf), buf)
                print(await r.readexactly(2))
                print(await r.readline())
                w.write(b"hello")
                await w.drain()
                print(dev.written)
                try:
                    w.get_extra_info("peername")
                except KeyError:
                    print("KeyError")

            asyncio.run(main())
            """
        ),
        textwrap.dedent(
            """\
            b'line one\\n'
            b'line'
            3 bytearray(b' tw')
            b'o\\n'
            b'last\\n'
            b'hello'
            KeyError
            """
        ),
        id="python_stream_device",
    ),
]


@pytest.mark.parametrize("code,expected", PROGRAMS + DEVICE_PROGRAMS)
def test_same_output_as_builtin(board, code, expected):
    board.assert_same_everywhere(code, expected)
