"""MicroPython helpers for the tests of a link between two simulated boards (syncom, asi2c).

Each program keeps `got = {"A": [...], "B": [...]}`: per board, the number of each message
received whole and exact, or the message itself when it was not.
"""

CHECKS = """
def check(name):
    # The numbers received, after checking each message is exact and they increase.
    idx = got[name]
    assert all(isinstance(i, int) for i in idx), [m for m in idx if not isinstance(m, int)]
    assert all(x < y for x, y in zip(idx, idx[1:])), idx
    return idx

async def until(cond, ms):
    t = time.ticks_ms()
    while not cond() and time.ticks_diff(time.ticks_ms(), t) < ms:
        await asyncio.sleep_ms(20)
    return cond()

async def flowing(ms=15_000):
    # Messages keep arriving both ways
    n = len(got["A"]), len(got["B"])
    return await until(lambda: len(got["A"]) > n[0] + 50 and len(got["B"]) > n[1] + 50, ms)
"""
