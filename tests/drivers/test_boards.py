"""machine_sim.boards: two simulated boards in one process, wired pins, a reset wire."""

from harness import REPO

WIRES = """
import asyncio
from machine_sim.boards import Board, wire

log = []

async def idle(board):
    await asyncio.sleep(10)

async def main():
    a, b = Board("A", idle), Board("B", idle)
    print(a.Pin(1) is b.Pin(1), a.Pin(1) is a.Pin(1))
    w = wire(a.Pin(1, a.Pin.OUT, value=0), b.Pin(1, b.Pin.IN))
    b.Pin(1).irq(lambda p: log.append(p.value()))
    a.Pin(1)(1)
    print(log)  # held while A runs
    print(b.Pin(1)(), log)  # reading a wired pin lets the other board's handler run
    a.Pin(1)(0)
    await asyncio.sleep_ms(0)
    await asyncio.sleep_ms(0)
    print(log)  # or yielding to the loop
    w.external(1)
    print(b.Pin(1)(), w.level)
    w.external(None)
    print(b.Pin(1)(), w.level)
    # Open drain with a pull-up: either side pulls the line low
    wire(a.Pin(2, a.Pin.OPEN_DRAIN, value=1), b.Pin(2, b.Pin.IN, b.Pin.PULL_UP))
    print(a.Pin(2)(), b.Pin(2)())
    b.Pin(2).init(b.Pin.OPEN_DRAIN, value=0)
    print(a.Pin(2)(), b.Pin(2)())
    # Reset: B's tasks end, its pins float; on release its program starts again
    wire(a.Pin(3, a.Pin.OUT, value=1), b.RESET)
    b.start()
    await asyncio.sleep_ms(10)
    task = b._tasks[0]
    a.Pin(3)(0)
    await asyncio.sleep_ms(10)
    print(task.done(), b.Pin(2).mode() == b.Pin.IN, a.Pin(2)(), b.boots)  # no pull-up now
    a.Pin(3)(1)
    await asyncio.sleep_ms(10)
    print(len(b._tasks), b.boots)

asyncio.run(main())
"""


def test_wires_and_reset(board, loop):
    out = board.output(WIRES, loop=loop).splitlines()
    assert out == [
        "False True",
        "[]",
        "1 [1]",
        "[1, 0]",
        "1 1",
        "0 0",
        "1 1",
        "0 0",
        "True True 0 0",  # B's pull-up went with B
        "1 1",
    ]


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "machine-sim" / "README.md").read_text()
    section = text.split("## Two boards", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    expected = section.split("```text\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop) == expected


OWNERS = """
import asyncio
from machine_sim.boards import Board, wire

async def child(board):
    await asyncio.sleep(10)

async def prog_b(board):
    asyncio.create_task(child(board))
    await asyncio.sleep(10)

async def prog_a(board):
    rst = board.Pin("rst", board.Pin.OUT, value=1)
    for _ in range(2):  # A resets B twice: B's program and the task it made end each time
        await asyncio.sleep_ms(20)
        rst(0)
        await asyncio.sleep_ms(20)
        rst(1)
    await asyncio.sleep(10)

async def main():
    a, b = Board("A", prog_a), Board("B", prog_b)
    wire(a.Pin("rst"), b.RESET)
    a.start()
    b.start()
    await asyncio.sleep_ms(200)
    print(b.boots, len(a._tasks), len([t for t in b._tasks if not t.done()]))

asyncio.run(main())
"""


def test_a_board_owns_its_tasks_whoever_restarts_it(board, loop):
    # B restarted by A's reset wire: B's tasks are B's, not A's (else they outlive B's reset)
    assert board.output(OWNERS, loop=loop).split() == ["2", "1", "2"]


I2C_LINK = """
import asyncio, errno, time
from machine_sim.boards import Board, wire, bus

log = []

async def idle(board):
    await asyncio.sleep(10)

async def main():
    a, b = Board("A", idle), Board("B", idle)
    bus((a, 2), (b, 0))
    target = a.pyb_I2C(2, a.pyb_I2C.SLAVE, addr=0x12)
    ctrl = b.I2C(0)
    print(ctrl.scan())
    wire(a.Pin("sync", a.Pin.OUT, value=0), b.Pin(5, b.Pin.IN))

    def handler(pin):  # B: the controller answers A's sync line in a soft IRQ
        try:
            if pin():
                log.append(ctrl.readfrom(0x12, 5))
            else:
                ctrl.writeto(0x12, b"abc")
        except OSError as e:
            log.append(e.errno)

    b.Pin(5).irq(handler)
    a.Pin("sync")(1)
    target.send(b"hello", timeout=200)  # blocks until B has read it
    a.Pin("sync")(0)
    print(target.recv(3, timeout=200), log)
    t = time.ticks_ms()
    try:
        target.send(b"nobody", timeout=100)  # nobody reads
    except OSError as e:
        print("send", e.errno, 100 <= time.ticks_diff(time.ticks_ms(), t) < 1000)
    try:
        ctrl.readfrom(0x12, 2)  # A is not in send(): the controller times out
    except OSError as e:
        print("read", e.errno)
    b.Pin(5).irq(lambda p: log.append(ctrl.readfrom(0x12, 2)), b.Pin.IRQ_RISING)
    try:
        a.Pin("sync")(1)
        target.send(b"xyz", timeout=100)  # the controller takes 2 of 3 bytes
    except OSError as e:
        print("short", e.errno, log[-1])
    a.hold()  # a reset takes the target off the bus
    print(ctrl.scan())

asyncio.run(main())
"""


def test_i2c_bus_between_boards_with_a_pyb_target(board, loop):
    # pyb.I2C in slave mode: send() and recv() block until the controller on the other board
    # (here in a soft IRQ on a wired pin) reads or writes, or their timeout passes.
    assert board.output(I2C_LINK, loop=loop).splitlines() == [
        "[18]",
        "bytearray(b'abc') [b'hello']",
        "send 110 True",
        "read 110",
        "short 5 b'xy'",
        "[]",
    ]
