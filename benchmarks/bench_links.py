# Links between two boards (two simulated boards in one process, machine_sim.boards): syncom.
# - syncom_kbps: SynCom throughput, both ways at once (characters of 7 bits, per direction).
# - syncom_rtt_ms: SynCom round trip of a short string (A sends, B echoes it).
# Every bit needs a step of each board's task, so these measure the loop's step with the
# simulated pins; 2019's figures, Pyboard to ESP8266 at 160 MHz, for scale: a peak of 1.6 kbps,
# ~800 bps mean (8.8 ms a character), ~656 bps for a round trip with pickling.
# "--quick" sends less.
import asyncio
import sys
import time

from machine_sim.boards import Board, wire
from syncom import SynCom

QUICK = "--quick" in sys.argv
MESSAGES = 20 if QUICK else 300
PINGS = 5 if QUICK else 50  # round trips timed
MSG = "0123456789abcdefghij"  # 20 characters, 3 more on the wire (check and end)


def link(board, passive):
    P = board.Pin
    return SynCom(
        passive,
        P("ckin", P.IN),
        P("ckout", P.OUT, value=0),
        P("din", P.IN),
        P("dout", P.OUT, value=0),
        timeout=1000,
        string_mode=True,
    )


def pair(prog_a, prog_b):
    a, b = Board("A", prog_a), Board("B", prog_b)
    wire(a.Pin("dout"), b.Pin("din"))
    wire(a.Pin("ckout"), b.Pin("ckin"))
    wire(b.Pin("dout"), a.Pin("din"))
    wire(b.Pin("ckout"), a.Pin("ckin"))
    a.start()
    b.start()


async def syncom():
    done = asyncio.Event()
    res = {}

    async def stream(ch):
        await asyncio.sleep_ms(100)  # both ends up
        t = time.ticks_us()
        for _ in range(MESSAGES):
            ch.send(MSG)
        for _ in range(MESSAGES):
            await ch.await_obj(0)
        res["stream"] = time.ticks_diff(time.ticks_us(), t)
        rtt = []
        for _ in range(PINGS):
            t = time.ticks_us()
            ch.send("ping")
            await ch.await_obj(0)
            rtt.append(time.ticks_diff(time.ticks_us(), t))
        res["rtt"] = rtt
        done.set()
        await asyncio.sleep(10)

    async def echo_after_stream(ch):
        await asyncio.sleep_ms(100)
        for _ in range(MESSAGES):
            ch.send(MSG)
        while True:
            m = await ch.await_obj(0)
            if m is None:
                return
            if m == "ping":
                ch.send(m)

    pair(
        lambda board: link(board, False).start(stream),
        lambda board: link(board, True).start(echo_after_stream),
    )
    await done.wait()
    return res


res = asyncio.run(syncom())
bits = MESSAGES * (len(MSG) + 3) * 7
print("RESULT syncom_kbps %.2f kbit/s" % (bits * 1000 / res["stream"]))
rtt = sorted(res["rtt"])
print("RESULT syncom_rtt_ms %.2f ms" % (rtt[len(rtt) // 2] / 1000))
