"""asi2c on two simulated boards (machine_sim.boards): A is the Initiator (a Pyboard's
pyb.I2C target, with a reset wire to B), B the Responder (the I2C controller, in a pin
interrupt). Both ends run StreamReader/StreamWriter over the link and send numbered lines.

Every program checks each line received is whole and exact, and that numbers increase (no line
twice, none out of order); lines lost in a resync show as a gap.
"""

from harness import REPO
from linkcheck import CHECKS

SETUP = (
    """
import asyncio, time
from machine_sim.boards import Board, wire, bus
from asi2c import Responder
from asi2c_i import Initiator

Initiator.t_poll = 0  # an exchange at each pass of the loop: thousands of lines in seconds
got = {"A": [], "B": []}
sent = {"A": 0, "B": 0}
events = []
LIMIT = {limit}

def line(name, i):
    return b"%s%d:%s\\n" % (name, i, b"x" * (i % 5))

async def talk(chan, name):
    peer = b"B" if name == "A" else b"A"
    sr = asyncio.StreamReader(chan)
    sw = asyncio.StreamWriter(chan, {})

    async def sender():
        while sent[name] < LIMIT:
            for _ in range(5):  # several lines in one payload
                sw.write(line(name.encode(), sent[name]))
                sent[name] += 1
            await sw.drain()

    asyncio.create_task(sender())
    while True:
        m = await sr.readline()
        try:
            i = int(m[1 : m.index(b":")])
        except ValueError:
            i = -1
        got[name].append(i if m == line(peer, i) else m)

async def fail(name):
    events.append(("fail", name))

async def go(name):
    events.append(("go", name))

async def prog_a(board, reset=True):
    P = board.Pin
    chan = Initiator(board.pyb_I2C(2, board.pyb_I2C.SLAVE, addr=0x12), P("sync"), P("ack"),
                     reset=(P("rst"), 0, 20) if reset else None, cr_go=go, go_args=("A",),
                     cr_fail=fail, f_args=("A",))
    board.chan = chan
    await chan.ready()
    await talk(chan, "A")

async def prog_b(board):
    chan = Responder(board.I2C(0), board.Pin(5), board.Pin(4))
    await chan.ready()
    await talk(chan, "B")

def pair(prog_a=prog_a):
    global wires
    a, b = Board("A", prog_a), Board("B", prog_b)
    bus((a, 2), (b, 0))
    wires = {"sync": wire(a.Pin("sync"), b.Pin(5)), "ack": wire(a.Pin("ack"), b.Pin(4))}
    wire(a.Pin("rst"), b.RESET)
    a.start(); b.start()
    return a, b

"""
    + CHECKS
)


def run(board, loop, limit, body):
    return board.run(SETUP.replace("{limit}", str(limit)) + body, loop=loop, timeout=60)


LONG = """
async def main():
    a, b = pair()
    print(await until(lambda: len(got["A"]) == len(got["B"]) == LIMIT, 20_000))
    print(check("A") == list(range(LIMIT)), check("B") == list(range(LIMIT)), b.boots)
    print(a.chan.nboots, events)

asyncio.run(main())
"""


def test_long_exchange_both_ways(board, loop):
    proc = run(board, loop, 1000, LONG)
    assert proc.stdout.splitlines() == ["True", "True True 1", "0 [('go', 'A')]"]


RESET = """
async def main():
    a, b = pair()
    await until(lambda: len(got["A"]) > 100, 10_000)
    b.hold()  # the Responder's board resets in the middle of the exchanges
    await asyncio.sleep_ms(50)
    b.release()  # its program starts again, but the Initiator's exchange already failed
    print(await flowing())
    check("A"), check("B")
    print(a.chan.nboots, events, b.boots >= 2)

asyncio.run(main())
"""


def test_responder_reset_mid_exchange(board, loop):
    # The Initiator times out, calls cr_fail, resets the Responder and synchronises again;
    # cr_go runs again. The lines flow on, whole and in order.
    proc = run(board, loop, 1 << 30, RESET)
    out = proc.stdout.splitlines()
    assert out[-2:] == ["True", "1 [('go', 'A'), ('fail', 'A'), ('go', 'A')] True"]
    assert "Initiator: Responder fail." in out


SILENT = """
async def main():
    a, b = pair(lambda board: prog_a(board, reset=False))
    await until(lambda: len(got["A"]) > 20, 10_000)
    b.hold()  # the Responder never answers again; with no reset wire the link gives up
    await until(lambda: a.chan.nboots, 5_000)
    await asyncio.sleep_ms(100)
    print(a.chan.nboots, events, a.chan.synchronised)
    try:
        a.chan.write(b"x" * 201)
    except ValueError as e:
        print(e)
    check("A")

asyncio.run(main())
"""


def test_peer_never_answers_and_too_large(board, loop):
    proc = run(board, loop, 1 << 30, SILENT)
    out = proc.stdout.splitlines()
    assert out[-2:] == [
        "1 [('go', 'A'), ('fail', 'A')] False",
        "Receive data too large for buffer.",
    ]
    assert "OSError: Responder fail." in proc.stdout + proc.stderr


GLITCH = """
async def main():
    a, b = pair()
    await flowing()
    for name in ("sync", "ack"):
        w = wires[name]
        w.external(1 - (w.level or 0))  # held for 5 ms: handshake edges go astray
        await asyncio.sleep_ms(5)
        w.external(None)
        await asyncio.sleep_ms(1500)
        print(name, await flowing())
    check("A"), check("B")
    print("checked")

asyncio.run(main())
"""


def test_glitches_resynchronise(board, loop):
    # A handshake edge out of step fails an exchange: the Initiator resets the Responder and
    # they synchronise again; no line arrives twice, out of order or in part.
    proc = run(board, loop, 1 << 30, GLITCH)
    out = [x for x in proc.stdout.splitlines() if x != "Initiator: Responder fail."]
    assert out == ["sync True", "ack True", "checked"]


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "asi2c" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    expected = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop) == expected
