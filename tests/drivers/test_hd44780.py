"""hd44780 (``alcd``) on the unix port, through machine-sim's HD44780 model.

The model latches the driver's pins on E's falling edge, decodes the power-up sequence and the
4-bit data into its display memory, and records every datasheet timing the driver broke; it
runs at the slowest oscillator the datasheet allows (190 kHz), where each instruction takes
longest. Programs wait for the glass to show what was written (up to a generous deadline, so
a stalled host only makes them slower) and print what a user sees.
"""

from harness import REPO

PRELUDE = """
import machine_sim

machine_sim.install()
import asyncio, time
from machine_sim import Pin
from machine_sim.hd44780 import HD44780
from alcd import LCD


def pins(name):
    return tuple(name + p for p in ("rs", "e", "d4", "d5", "d6", "d7"))


async def shown(glass, lcd, ms=3000):
    # Until the glass shows every row as lcd[row] has it (False if it never does).
    end = time.ticks_add(time.ticks_ms(), ms)
    while time.ticks_diff(end, time.ticks_ms()) > 0:
        want = ["".join(c if isinstance(c, str) else chr(c) for c in lcd[r]) for r in range(lcd.rows)]
        if glass.screen() == want:
            return True
        await asyncio.sleep_ms(5)
    return False
"""

SIZES = (
    PRELUDE
    + """
SIZES = ((16, 2), (20, 4), (16, 4), (40, 2), (16, 1))


async def one(cols, rows):
    name = "%dx%d" % (cols, rows)
    glass = HD44780(pins(name), cols, rows, fosc_khz=190)
    lcd = LCD(pins(name), cols, rows)
    print(name, "before power-up", glass.screen() == [" " * cols] * rows)
    for r in range(rows):
        # A full row on the even rows (they meet the next row's addresses), a short one on
        # the odd ones (the rest must be blanks, not what the memory held at power-on).
        lcd[r] = "".join(chr(65 + (r * 7 + c) % 26) for c in range(cols)) if r % 2 == 0 else "r%d" % r
    ok = await shown(glass, lcd)
    print(name, ok, glass.screen(), glass.violations())
    lcd[rows - 1] = "last"  # a second write of one row changes that row alone
    ok = await shown(glass, lcd)
    print(name, ok, glass.screen()[-1], glass.violations(), glass.violation_count)


async def main():
    await asyncio.gather(*(one(c, r) for c, r in SIZES))


asyncio.run(main())
"""
)


def test_each_size_shows_the_text_after_power_up(board, loop):
    out = board.output(SIZES, loop=loop).splitlines()
    for cols, rows in ((16, 2), (20, 4), (16, 4), (40, 2), (16, 1)):
        name = f"{cols}x{rows}"
        lines = [line.split(" ", 1)[1] for line in out if line.startswith(name + " ")]
        assert lines[0] == "before power-up True"
        want = [
            "".join(chr(65 + (r * 7 + c) % 26) for c in range(cols))
            if r % 2 == 0
            else f"r{r}".ljust(cols)
            for r in range(rows)
        ]
        assert lines[1] == f"True {want} []"
        assert lines[2] == f"True {'last'.ljust(cols)} [] 0"


RAPID = (
    PRELUDE
    + """
import random

random.seed(11)
glass = HD44780(pins("a"), 20, 4, fosc_khz=190)
lcd = LCD(pins("a"), 20, 4)
changes = [0]


def text():
    return "".join(chr(random.randint(32, 126)) for _ in range(random.randint(0, 20)))


async def writer(rows, n):
    # Bursts of updates with no pause, then a pause of a few ms: rows change mid-write.
    for i in range(n):
        lcd[random.choice(rows)] = text()
        changes[0] += 1
        if i % 5 == 4:
            await asyncio.sleep_ms(random.randint(0, 8))


async def midway():
    # Change row 3 while the task is writing it: the glass shows part of the new text.
    lcd[3] = "x" * 20
    while glass.screen()[3].count("x") not in range(3, 18):
        await asyncio.sleep_ms(0)
    lcd[3] = "changed while written"[:20]
    return glass.screen()[3].count("x")


async def main():
    await asyncio.sleep_ms(100)  # past power-up
    n = await midway()
    print("midway", 3 <= n < 18, await shown(glass, lcd), glass.screen()[3])
    await asyncio.gather(writer((0, 1), 60), writer((1, 2), 60), writer((2, 3, 0), 60))
    ok = await shown(glass, lcd)
    print("rapid", changes[0], ok, glass.violations(), glass.violation_count)
    print("rows", [lcd[r] for r in range(4)] == glass.screen())


asyncio.run(main())
"""
)


def test_rapid_updates_from_several_tasks_are_all_shown(board, loop):
    out = board.output(RAPID, loop=loop).splitlines()
    assert out == [
        "midway True True changed while writte",
        "rapid 180 True [] 0",
        "rows True",
    ]


CURSOR = (
    PRELUDE
    + """
glass = HD44780(pins("c"), 16, 2, fosc_khz=190)
lcd = LCD(pins("c"), 16, 2)
SMILE = (0b00000, 0b01010, 0b01010, 0b00000, 0b10001, 0b01110, 0b00000, 0b00000)


async def main():
    lcd.custom_char(1, SMILE)
    lcd[0] = "hi \\x01"
    lcd[1] = b"24.5\\xdfC"  # bytes: ROM codes (0xdf is the degree sign)
    lcd.cursor(1, 4)
    ok = await shown(glass, lcd)
    await asyncio.sleep_ms(100)  # the cursor follows the rows
    print(ok, glass.screen(), glass.cursor(), glass.char(1) == bytes(SMILE))
    lcd.cursor(0, 15, blink=True)
    await asyncio.sleep_ms(100)
    print(glass.cursor())
    lcd[0] = "moved"  # writing a row moves the controller's address: the cursor stays
    await shown(glass, lcd)
    await asyncio.sleep_ms(100)
    print(glass.cursor())
    lcd.custom_char(1, bytes(8))  # redefined: the glass shows the new pattern at once
    await asyncio.sleep_ms(100)
    print(glass.char(1), glass.cursor())
    lcd.cursor()
    await asyncio.sleep_ms(100)
    print(glass.cursor(), lcd[1], glass.violations())


asyncio.run(main())
"""
)


def test_cursor_and_custom_characters(board, loop):
    out = board.output(CURSOR, loop=loop).splitlines()
    assert out == [
        "True ['hi \\x01            ', '24.5\\xdfC          '] (1, 4, False) True",
        "(0, 15, True)",
        "(0, 15, True)",
        "b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00' (0, 15, True)",
        "None b'24.5\\xdfC          ' []",
    ]


BAD_INPUT = (
    PRELUDE
    + """
glass = HD44780(pins("b"), 16, 2, fosc_khz=190)
lcd = LCD(pins("b"), 16, 2)


def attempt(what, f):
    try:
        f()
        print(what, "accepted")
    except Exception as e:
        print(what, type(e).__name__)


def setrow(row, text):
    lcd[row] = text


async def main():
    attempt("17 chars", lambda: setrow(0, "x" * 17))
    attempt("17 bytes", lambda: setrow(0, b"x" * 17))
    attempt("non-ASCII", lambda: setrow(0, "caf\\u00e9"))
    attempt("newline", lambda: setrow(0, "a\\nb"))
    attempt("row 2", lambda: setrow(2, "x"))
    attempt("row -1", lambda: setrow(-1, "x"))
    attempt("read row 2", lambda: lcd[2])
    attempt("not text", lambda: setrow(0, 5))
    attempt("char 8", lambda: lcd.custom_char(8, bytes(8)))
    attempt("char 7 rows", lambda: lcd.custom_char(0, bytes(7)))
    attempt("cursor col 16", lambda: lcd.cursor(0, 16))
    attempt("cursor row 2", lambda: lcd.cursor(2, 0))
    attempt("5 pins", lambda: LCD(pins("b")[:5], 16, 2))
    attempt("41x2", lambda: LCD(pins("x"), 41, 2))
    attempt("21x4", lambda: LCD(pins("y"), 21, 4))
    attempt("16x5", lambda: LCD(pins("z"), 16, 5))
    # The caller's mistakes leave the display and its task as they were.
    lcd[0] = "x" * 16
    lcd[1] = "custom \\x07 ok"
    print(await shown(glass, lcd), glass.screen(), glass.violations())


asyncio.run(main())
"""
)


def test_bad_input_gets_a_clear_exception(board, loop):
    out = board.output(BAD_INPUT, loop=loop).splitlines()
    assert out == [
        "17 chars ValueError",
        "17 bytes ValueError",
        "non-ASCII ValueError",
        "newline ValueError",
        "row 2 IndexError",
        "row -1 IndexError",
        "read row 2 IndexError",
        "not text TypeError",
        "char 8 ValueError",
        "char 7 rows ValueError",
        "cursor col 16 IndexError",
        "cursor row 2 IndexError",
        "5 pins ValueError",
        "41x2 ValueError",
        "21x4 ValueError",
        "16x5 ValueError",
        "True ['xxxxxxxxxxxxxxxx', 'custom \\x07 ok     '] []",
    ]


# The model against the 2019 driver's protocol: 50 us between nibbles, 5 ms only after the two
# nibbles of 0x33, no wait after Clear, and no wait after power-on. The program measures the two
# gaps that break the datasheet itself: a host that stalls there makes a gap long enough, and
# then the model must not report it.
PROTOCOL_2019 = """
import machine_sim

machine_sim.install()
import time
from machine_sim import Pin
from machine_sim.hd44780 import HD44780

glass = HD44780(("rs", "e", "d4", "d5", "d6", "d7"), 16, 2)
power_on = time.ticks_us()  # just after the model's own power-on time
rs, e, *data = (Pin(p, Pin.OUT, value=0) for p in ("rs", "e", "d4", "d5", "d6", "d7"))
init = [True]
rises = []
falls = []


def nibble(bits):
    for i, d in enumerate(data):
        d(bits >> i & 1)
    time.sleep_us(50)
    rises.append(time.ticks_us())
    e(1)
    time.sleep_us(50)
    e(0)
    falls.append(time.ticks_us())
    time.sleep_us(5000 if init[0] else 50)


def byte(bits, mode):
    rs(mode)
    nibble(bits >> 4)
    nibble(bits)
    init[0] = False


for b in b"\\x33\\x32\\x28\\x0c\\x06\\x01":
    byte(b, 0)
for c in "2019":
    byte(ord(c), 1)
print(glass.screen())
# From power-on to the first write; from Clear (its second nibble: the 12th) to the next write.
print(time.ticks_diff(rises[0], power_on), time.ticks_diff(rises[12], falls[11]))
for v in glass.violations():
    print(v)
"""


def test_model_records_the_timing_a_driver_breaks(board):
    out = board.output(PROTOCOL_2019).splitlines()
    assert out[0] == "['2019            ', '                ']"
    power_us, clear_us = map(int, out[1].split())
    want = []
    if power_us < 40000:
        want.append(" us after power-on, needs 40000 us")
    if clear_us < 1520:
        want.append(" us after instruction 0x01, needs 1520 us")
    assert len(out) == 2 + len(want)
    for line, end in zip(out[2:], want, strict=True):
        assert line.startswith("write ") and line.endswith(end)
    # The model measures the gap between the same edges as the program, to a few us.
    gaps = [us for us, need in ((power_us, 40000), (clear_us, 1520)) if us < need]
    assert all(
        abs(int(line.split()[1]) - us) < 100 for line, us in zip(out[2:], gaps, strict=True)
    )


def test_readme_example(board, loop):
    text = (REPO / "micropython" / "drivers" / "hd44780" / "README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    expected = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert board.output(code, loop=loop) == expected


def test_benchmark_runs(board, loop):
    # A smoke test of benchmarks/bench_sensors.py (this driver and htu21d) with tiny sizes; the
    # figures are not asserted.
    bench = REPO / "benchmarks" / "bench_sensors.py"
    out = board.output(bench.read_text(), loop=loop, path=[bench.parent], args=["--quick"])
    results = [line.split() for line in out.splitlines() if line.startswith("RESULT ")]
    assert [r[1] for r in results] == [
        "lcd_row_refresh_ms",
        "htu_reading_ms",
        "lcd_longest_block_us",
        "lcd_block_p99_us",
        "htu_longest_block_us",
        "htu_block_p99_us",
        "idle_longest_block_us",
        "idle_block_p99_us",
    ]
    assert all(0 < float(r[2]) < 1e6 for r in results), out


# The model's instruction set, driven by hand with ample waits: shifts, Return home, decrement,
# 1-line addressing, and the faults it names (a wrong power-up, a DDRAM address that is not).
INSTRUCTIONS = """
import machine_sim

machine_sim.install()
import time
from machine_sim import Pin
from machine_sim.hd44780 import HD44780

PINS = ("rs", "e", "d4", "d5", "d6", "d7")
rs, e, *data = (Pin(p, Pin.OUT, value=0) for p in PINS)


def nibble(bits):
    for i, d in enumerate(data):
        d(bits >> i & 1)
    e(1)
    e(0)
    time.sleep_ms(5)


def byte(bits, mode=0):
    rs(mode)
    nibble(bits >> 4)
    nibble(bits)


def text(s):
    for c in s:
        byte(ord(c), 1)


def power_up(lines):
    time.sleep_ms(41)
    for n in (3, 3, 3, 2):
        nibble(n)
    byte(0x28 if lines == 2 else 0x20)
    byte(0x01)
    byte(0x0C)


glass = HD44780(PINS, 8, 2)
power_up(2)
text("abcdefgh")
byte(0x18)  # display shift left
print(glass.screen())
byte(0x02)  # Return home: address 0, no shift
text("AB")
byte(0x04)  # entry mode: decrement
byte(0xC7)
text("xyz")  # leftwards from the end of row 1
byte(0x0E)  # cursor on
print(glass.screen(), glass.cursor())
byte(0x07)  # increment, shift the display with each write
text("Q")
print(glass.screen(), glass.violations())
byte(0xA8)  # 0x28: no such address in the 2-line mode
print(glass.violations())

one = HD44780(PINS, 16, 1)  # a new model on the same pins: E's interrupt is its own now
power_up(1)
byte(0x80 | 0x45)
text("end")
print(one.screen(), one.ddram[0x45:0x48], one.violations())

bad = HD44780(PINS, 16, 2)
time.sleep_ms(41)
byte(0x28)  # no power-up sequence
print(bad.violations())
"""


def test_model_instructions(board):
    assert board.output(INSTRUCTIONS).splitlines() == [
        "['bcdefgh ', '        ']",
        "['ABcdefgh', '     zyx'] (1, 4, False)",
        "['Bcdefgh ', '   Qzyx '] []",
        "['instruction 0xa8: no DDRAM address 0x28 in the 2-line mode']",
        "['                '] bytearray(b'end') []",
        # D0-D3 read 1 in the 8-bit interface: 0x2 arrives as 0x2f
        "['power-up: instruction 0x2f, not function set 0x3']",
    ]
