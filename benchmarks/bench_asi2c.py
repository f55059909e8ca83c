# Links between two boards (two simulated boards in one process, machine_sim.boards): asi2c.
# - asi2c_kbps: throughput per direction, both ways at once, at t_poll = 0 (an exchange at each
#   pass of the loop), payloads of rxbufsize (200) bytes through StreamWriter/StreamReader.
# - asi2c_rtt_ms: round trip of a short line (A sends, B echoes it), t_poll = 0.
# - asi2c_block_us, asi2c_block_max_us: the Initiator's time blocked per exchange, mean and max.
# An exchange here is a few Python calls with no I2C clock, so these measure the loop and the
# simulated bus. 2019, for scale: latency about t_poll (100 ms) either way; the Initiator
# blocked up to 10 ms (mean 2.7 ms) with an ESP8266 Responder at 80 MHz.
# "--quick" sends less. A process of its own: the boards' tasks outlive the measurement.
import asyncio
import sys
import time

from asi2c import Responder
from asi2c_i import Initiator
from machine_sim.boards import Board, bus, wire

QUICK = "--quick" in sys.argv
TOTAL = 2_000 if QUICK else 40_000  # bytes each way
PINGS = 5 if QUICK else 50  # round trips timed
CHUNK = b"x" * 200

res = {}
done = asyncio.Event()
got = {}


async def stream(chan, name):
    sr, sw = asyncio.StreamReader(chan), asyncio.StreamWriter(chan, {})

    async def send():
        for _ in range(TOTAL // len(CHUNK)):
            sw.write(CHUNK)
            await sw.drain()

    asyncio.create_task(send())
    n = 0
    while n < TOTAL:
        n += len(await sr.read(TOTAL - n))
    got[name] = time.ticks_us()
    return sr, sw


async def initiator(board):
    P = board.Pin
    Initiator.t_poll = 0
    i2c = board.pyb_I2C(2, board.pyb_I2C.SLAVE, addr=0x12)
    chan = Initiator(i2c, P("X11"), P("Y8"), reset=(P("X12"), 0, 20), verbose=False)
    await chan.ready()
    await asyncio.sleep_ms(1100)  # the first exchange (after the Initiator's 1 s) has run
    t = time.ticks_us()
    sr, sw = await stream(chan, "A")
    while "B" not in got:
        await asyncio.sleep_ms(0)
    res["stream"] = time.ticks_diff(max(got["A"], got["B"]), t)
    rtt = []
    for _ in range(PINGS):
        t = time.ticks_us()
        sw.write(b"ping\n")
        await sw.drain()
        await sr.readline()
        rtt.append(time.ticks_diff(time.ticks_us(), t))
    res["rtt"] = rtt
    res["block"] = (chan.block_sum / chan.block_cnt, chan.block_max)
    done.set()


async def responder(board):
    chan = Responder(board.I2C(0), board.Pin(5), board.Pin(4))
    await chan.ready()
    sr, sw = await stream(chan, "B")
    while True:
        sw.write(await sr.readline())
        await sw.drain()


async def main():
    a, b = Board("A", initiator), Board("B", responder)
    bus((a, 2), (b, 0))
    wire(a.Pin("X11"), b.Pin(5))
    wire(a.Pin("Y8"), b.Pin(4))
    wire(a.Pin("X12"), b.RESET)
    a.start()
    b.start()
    await done.wait()


asyncio.run(main())
print("RESULT asi2c_kbps %.2f kbit/s" % (TOTAL * 8 * 1000 / res["stream"]))
rtt = sorted(res["rtt"])
print("RESULT asi2c_rtt_ms %.2f ms" % (rtt[len(rtt) // 2] / 1000))
print("RESULT asi2c_block_us %.1f us" % res["block"][0])
print("RESULT asi2c_block_max_us %d us" % res["block"][1])
