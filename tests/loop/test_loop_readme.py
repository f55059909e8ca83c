"""The README examples of uasyncio-core and uasyncio-fast-io run and print what they say."""

import re

from harness import REPO

UASYNCIO = REPO / "micropython" / "uasyncio"


def example(package):
    text = (UASYNCIO / package / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)[0]


def test_fast_io_readme_example(board):
    out = board.output(example("uasyncio-fast-io"))
    assert out.splitlines() == [
        "slow",
        "fast",
        "fast",
        "fast",
        "slow",
        "slow",
        "['Task-1']",
        "late",
        "timed out",
    ]


def test_core_readme_example(board):
    out = board.output(example("uasyncio-core"))
    assert out.splitlines() == ["idle work", "[30, 10, 20]"]
