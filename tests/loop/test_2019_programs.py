"""Whole programs as 2019 users wrote them, run unchanged on fast_io: ``import uasyncio``,
``loop = asyncio.get_event_loop(...)``, ``loop.create_task``, ``run_forever`` ended by a
``stop``, ``run_until_complete`` of a killer coroutine, stream servers started as tasks,
``awrite``/``aclose``, and a ``MillisecTimer`` driver awaited through ``yield from``.
"""

import textwrap


def run(board, code):
    return board.output(textwrap.dedent(code), "fast_io")


def test_tutorial_counters_with_a_killer(board):
    out = run(
        board,
        """
        import time
        import uasyncio as asyncio

        counts = {}

        async def bar(x):
            count = 0
            while True:
                count += 1
                counts[x] = count
                await asyncio.sleep_ms(10)

        async def killer():
            await asyncio.sleep_ms(55)

        loop = asyncio.get_event_loop()
        t0 = time.ticks_ms()
        for x in range(3):
            loop.create_task(bar(x))
        loop.run_until_complete(killer())
        # Each counter sleeps at least 10 ms between counts: at most 1 + ms // 10 counts in the
        # ms the run took (6 in 55 ms; more if the host stalled the process meanwhile).
        ms = time.ticks_diff(time.ticks_ms(), t0)
        print(sorted(counts), all(1 <= c <= 1 + ms // 10 for c in counts.values()))
        """,
    )
    assert out == "[0, 1, 2] True\n"


def test_run_forever_ended_by_stop_from_a_task(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        turns = {"x": 0, "y": 0, "z": 0}

        async def roundrobin(name, log):
            while True:
                turns[name] += 1
                if len(log) < 30:  # the first turns show the order (and keep the heap small)
                    log.append(name)
                await asyncio.sleep(0)

        async def stopper(loop, log):
            # Long enough for a few turns each, even if the host stalls the process meanwhile
            await asyncio.sleep_ms(200)
            loop.stop()

        log = []
        loop = asyncio.get_event_loop(runq_len=40, waitq_len=40)
        for name in "xyz":
            loop.create_task(roundrobin(name, log))
        loop.create_task(stopper(loop, log))
        loop.run_forever()
        first = "".join(log)
        print(len(first) > 9, first[:9], turns["x"] - turns["z"] in (0, 1))
        """,
    )
    assert out == "True xyzxyzxyz True\n"


def test_run_until_complete_of_sleep(board):
    # 2019 programs paused the loop with run_until_complete(asyncio.sleep(t)): sleep was a
    # generator, so the loop ran it as a task.
    out = run(
        board,
        """
        import time
        import uasyncio as asyncio

        ticks = 0

        async def tick():
            global ticks
            while True:
                ticks += 1
                await asyncio.sleep_ms(30)

        loop = asyncio.get_event_loop()
        loop.create_task(tick())
        t0 = time.ticks_ms()
        loop.run_until_complete(asyncio.sleep(0.2))
        loop.run_until_complete(asyncio.sleep_ms(10))
        # The other task ran meanwhile: at 0 ms and at 30 ms, long before the 200 ms sleep ended
        # (however the host stalls the process).
        print("slept", time.ticks_diff(time.ticks_ms(), t0) >= 210, "ticked", ticks >= 2)
        """,
    )
    assert out == "slept True ticked True\n"


def test_call_soon_and_call_later_with_coroutines(board):
    out = run(
        board,
        """
        import uasyncio as asyncio

        async def job(name):
            print("job", name)

        def callback(name):
            print("callback", name)

        async def main():
            loop.call_later_ms(20, job("later"))
            loop.call_soon(job("soon"))
            loop.call_soon(callback, "soon")
            await asyncio.sleep_ms(200)  # long after 20 ms, however late the host runs

        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())
        """,
    )
    assert out == "job soon\ncallback soon\njob later\n"


def test_echo_server_and_client(board):
    out = run(
        board,
        """
        import socket
        import time
        import uasyncio as asyncio


        def free_port():
            # 2019 programs used a fixed port; a test must find a free one.
            base = 10000 + time.ticks_us() % 20000
            for port in range(base, base + 200):
                s = socket.socket()
                try:
                    s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
                    return port
                except OSError:
                    pass
                finally:
                    s.close()


        async def serve(reader, writer):
            while True:
                line = await reader.readline()
                if not line:
                    break
                await writer.awrite(line.upper())
            await writer.aclose()
            print("server closed the connection")
            served.set()


        async def client(port):
            await asyncio.sleep_ms(20)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for msg in ("hello\\n", "world\\n"):
                await writer.awritestr(msg)
                print(await reader.readline())
            await writer.aclose()
            # Until the server has seen the end (however late the host lets it run)
            await asyncio.wait_for_ms(served.wait(), 10_000)


        served = asyncio.Event()
        PORT = free_port()
        loop = asyncio.get_event_loop()
        loop.create_task(asyncio.start_server(serve, "127.0.0.1", PORT))
        loop.run_until_complete(client(PORT))
        """,
    )
    assert out == "b'HELLO\\n'\nb'WORLD\\n'\nserver closed the connection\n"


def test_millisecond_timer_driver_under_load(board):
    out = run(
        board,
        """
        import io
        import utime
        import uasyncio as asyncio

        MP_STREAM_POLL_RD = const(1)
        MP_STREAM_POLL = const(3)
        MP_STREAM_ERROR = const(-1)


        class MillisecTimer(io.IOBase):
            def __init__(self):
                self.end = 0
                self.sreader = asyncio.StreamReader(self)

            def __iter__(self):
                yield from self.sreader.readline()

            def __call__(self, ms):
                self.end = utime.ticks_add(utime.ticks_ms(), ms)
                return self

            def readline(self):
                return b"\\n"

            def ioctl(self, req, arg):
                ret = MP_STREAM_ERROR
                if req == MP_STREAM_POLL:
                    ret = 0
                    if arg & MP_STREAM_POLL_RD:
                        if utime.ticks_diff(utime.ticks_ms(), self.end) >= 0:
                            ret |= MP_STREAM_POLL_RD
                return ret


        async def blocker():
            while True:
                t = utime.ticks_ms()
                while utime.ticks_diff(utime.ticks_ms(), t) < 5:
                    pass
                yield


        async def timer_test(n):
            timer = MillisecTimer()
            ok = []
            for _ in range(n):
                t = utime.ticks_ms()
                await timer(30)
                ok.append(utime.ticks_diff(utime.ticks_ms(), t) >= 30)
            return ok


        loop = asyncio.get_event_loop(16, 16, 8)
        for _ in range(3):
            loop.create_task(blocker())
        print(loop.run_until_complete(timer_test(3)))
        """,
    )
    assert out == "[True, True, True]\n"
