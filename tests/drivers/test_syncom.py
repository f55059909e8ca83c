"""syncom on two simulated boards (machine_sim.boards): A is the initiator, with a reset wire
to B's RESET; B is the passive end. Both send numbered messages while they read the other's.

Every program checks what each side received: each message whole and exact, no message twice,
none out of order (numbers strictly increasing); messages lost in a resync show as a gap.
"""

from harness import REPO
from linkcheck import CHECKS

SETUP = (
    """
import asyncio, time
from machine import Signal
from machine_sim.boards import Board, wire
from syncom import SynCom, SynComError

got = {"A": [], "B": []}
sent = {"A": 0, "B": 0}
chans = {}
LIMIT = {limit}
PACE = 0 if LIMIT else 5  # no limit: a message every 5 ms, on and on
LIMIT = LIMIT or 1 << 30

def make(board, passive, reset=None, timeout=400, string_mode=True):
    P = board.Pin
    ch = SynCom(passive, P("ckin", P.IN), P("ckout", P.OUT, value=0), P("din", P.IN),
                P("dout", P.OUT, value=0), sig_reset=reset, timeout=timeout,
                string_mode=string_mode)
    chans[board.name] = ch
    return ch

def msg(name, i):
    return "%s%d:%s" % (name, i, "x" * (i % 3))

async def sender(ch, name):
    try:
        while sent[name] < LIMIT:
            ch.send(msg(name, sent[name]))
            sent[name] += 1
            await asyncio.sleep_ms(PACE)
    except SynComError:
        pass  # the link went down: the next cycle goes on from the next number

async def user(ch, name):
    t = asyncio.create_task(sender(ch, name))
    try:
        while True:
            m = await ch.await_obj(1)
            if m is None:
                return
            # Kept as numbers (RAM): the message must be exactly the one sent with its number
            try:
                i = int(m[1 : m.index(":")])
            except ValueError:
                i = -1
            got[name].append(i if m == msg("B" if name == "A" else "A", i) else m)
    finally:
        t.cancel()

async def prog_a(board):
    P = board.Pin
    reset = Signal(P("rst", P.OPEN_DRAIN, value=1), invert=True)
    await make(board, False, reset).start(lambda ch: user(ch, "A"))

async def prog_b(board):
    await make(board, True).start(lambda ch: user(ch, "B"))

def pair():
    a = Board("A", prog_a)
    b = Board("B", prog_b)
    wires = {
        "data": wire(a.Pin("dout"), b.Pin("din")),
        "clock": wire(a.Pin("ckout"), b.Pin("ckin")),
        "data back": wire(b.Pin("dout"), a.Pin("din")),
        "clock back": wire(b.Pin("ckout"), a.Pin("ckin")),
    }
    wire(a.Pin("rst"), b.RESET)
    return a, b, wires

"""
    + CHECKS
    + """
def done():
    return (len(got["A"]) and check("A")[-1] == LIMIT - 1
            and len(got["B"]) and check("B")[-1] == LIMIT - 1)
"""
)


def run(board, loop, limit, body):
    return board.run(SETUP.replace("{limit}", str(limit)) + body, loop=loop, timeout=60)


LONG = """
async def main():
    a, b, _ = pair()
    a.start(); b.start()
    print(await until(done, 20_000), b.boots)
    print(check("A") == list(range(LIMIT)), check("B") == list(range(LIMIT)))

asyncio.run(main())
"""


def test_long_exchange_both_ways(board, loop):
    # Thousands of messages each way at once: every one arrives, byte-exact, in order.
    proc = run(board, loop, 1000, LONG)
    assert proc.stdout.split() == ["True", "1", "True", "True"]
    assert "SynCom" not in proc.stdout + proc.stderr


RESET = """
async def main():
    a, b, wires = pair()
    a.start(); b.start()
    await until(lambda: len(got["A"]) > 100, 10_000)
    b.hold()  # B resets in the middle of a message (B's program restarts on release)
    await asyncio.sleep_ms(50)
    b.release()
    print(await flowing(), b.boots >= 2)
    ia, ib = check("A"), check("B")
    # Messages in flight were dropped, not sent again: a gap in the numbers
    print(ia[-1] - ia[0] >= len(ia) or ib[-1] - ib[0] >= len(ib))

asyncio.run(main())
"""


def test_board_reset_mid_message(board, loop):
    proc = run(board, loop, 0, RESET)
    assert proc.stdout.splitlines()[-2:] == ["True True", "True"]
    assert "SynCom Timeout." in proc.stdout  # A learnt of it, and reset B to resynchronise


SILENT = """
async def main():
    a, b, _ = pair()
    ch = make(a, False, timeout=200)
    try:
        ch.send("too early")
    except SynComError as e:
        print("send:", e)
    got_up = []

    async def talk(ch):
        got_up.append(1)
        ch.send([1, "two", {"three": 3}])
        print("A got", await ch.await_obj(1))
        await asyncio.sleep_ms(200)

    asyncio.create_task(ch.start(talk))
    await asyncio.sleep_ms(700)  # B never answers
    print(got_up, ch.any())
    b._main = None
    bch = make(b, True, timeout=200, string_mode=False)

    async def echo(ch):
        obj = await ch.await_obj(1)
        obj.append("back")
        ch.send(obj)
        await asyncio.sleep_ms(300)

    asyncio.create_task(bch.start(echo))
    print(await until(lambda: got_up, 3000))
    await asyncio.sleep_ms(300)

asyncio.run(main())
"""


def test_peer_never_answers_then_joins(board, loop):
    # No peer: the initiator times out and starts again, over and over; a send before the link
    # is up raises. Once the peer runs, the link comes up and objects (JSON on this firmware,
    # which has no pickle) travel both ways.
    proc = run(board, loop, 0, SILENT.replace("timeout=200)", "timeout=200, string_mode=False)"))
    out = proc.stdout.splitlines()
    assert out[0] == "send: SynCom link not up"
    assert "SynCom Timeout." in out
    assert "[] None" in out or "[] 0" in out  # never up
    assert "A got [1, 'two', {'three': 3}, 'back']" in out


GLITCH = """
async def main():
    a, b, wires = pair()
    a.start(); b.start()
    await flowing()
    for name in ("clock", "data back", "clock back", "data"):
        w = wires[name]
        w.external(1 - w.level)  # a spike held for 5 ms: bits or clock edges go astray
        await asyncio.sleep_ms(5)
        w.external(None)
        print(await flowing())
    check("A"), check("B")
    print("checked")

asyncio.run(main())
"""


def test_glitches_resynchronise(board, loop):
    proc = run(board, loop, 0, GLITCH)
    out = proc.stdout.splitlines()
    assert [line for line in out if not line.startswith("SynCom ")] == ["True"] * 4 + ["checked"]
    # Each side learnt of the glitches: a bad message, lost sync or a timeout ended the link.
    assert proc.stdout.count("SynCom ") >= 2


BIG = """
async def main():
    a, b, _ = pair()
    big = "".join(chr(33 + i % 90) for i in range(3000))  # far past 2019's 100-byte chunks
    took = []

    async def send_big(ch):
        ch.send(big)
        await asyncio.sleep_ms(3000)

    async def take(ch):
        m = await ch.await_obj(1)
        print(m == big, len(m))
        took.append(m)
        for bad in ("\\x00", "y" * 5000):
            try:
                ch.send(bad)
            except ValueError as e:
                print(e)
        await asyncio.sleep_ms(3000)

    async def pa(board):
        await make(board, False, Signal(board.Pin("rst", board.Pin.OPEN_DRAIN, value=1),
                   invert=True)).start(send_big)

    async def pb(board):
        await make(board, True).start(take)

    a._main, b._main = pa, pb
    a.start(); b.start()
    await until(lambda: took, 10_000)

asyncio.run(main())
"""


def test_large_message_and_bad_characters(board, loop):
    proc = run(board, loop, 0, BIG)
    assert proc.stdout.splitlines()[:3] == [
        "True 3000",
        "SynCom carries characters 1..127",
        "message longer than rxbufsize",
    ]


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "syncom" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    expected = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop) == expected
