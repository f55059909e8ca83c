"""The README examples of uasyncio-core and uasyncio-fast-io run and print what they say."""

import re

from harness import REPO

UASYNCIO = REPO / "micropython" / "uasyncio"


def example(package):
    text = (UASYNCIO / package / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)[0]


def example_with_output(package, marker):
    """The README's example whose code holds ``marker``, and the output its text block gives."""
    text = (UASYNCIO / package / "README.md").read_text()
    for code, out in re.findall(r"```python\n((?:(?!```).)*)```\n\n```text\n(.*?)```", text, re.S):
        if marker in code:
            return code, out
    raise AssertionError(f"no example with {marker!r} and its output")


def test_fast_io_readme_example(board):
    out = board.output(example("uasyncio-fast-io")).splitlines()
    # slow prints at 0, 30 and 60 ms, fast at 0, 10 and 20. Tasks wake in deadline order, so
    # a stalled host keeps every order here but one: fast's third print is due 10 ms after its
    # second one woke, slow's second 30 ms after the start. A host that holds fast's second
    # wake-up back past 20 ms (the README's margin) puts slow's second print first.
    assert out[:3] == ["slow", "fast", "fast"]
    assert sorted(out[3:5]) == ["fast", "slow"]
    assert out[5:] == [
        "slow",
        "['Task-1']",
        "late",
        "timed out",
    ]


def test_core_readme_example(board):
    out = board.output(example("uasyncio-core"))
    assert out.splitlines() == ["idle work", "[300, 100, 200]"]


def test_builtin_order_readme_example(board):
    code, expected = example_with_output("uasyncio-fast-io", "builtin_order(True)")
    assert board.output(code) == expected
    # The same program prints the same on the built-in asyncio (fast_io left out)...
    stub = "class fast_io:\n    install = builtin_order = lambda *on: True\n"
    assert board.output(code.replace("import fast_io\n", stub, 1)) == expected
    # ...and, without the switch, the cancelled sleeper runs at once (prompt cancellation).
    default = code.replace("fast_io.builtin_order(True)", "fast_io.builtin_order()")
    assert board.output(default).splitlines()[:3] == ["count 0", "sleeper cancelled", "count 1"]
