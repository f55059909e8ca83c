"""The fast_io README's builtin_order example: what tests/docs cannot see from its text block.

tests/docs checks that it prints its text block; here the same program also prints that on the
built-in asyncio, and without the switch it shows fast_io's prompt cancellation.
"""

import re

from harness import REPO

README = REPO / "micropython" / "uasyncio" / "uasyncio-fast-io" / "README.md"


def example_with_output(marker):
    """The README's example whose code holds ``marker``, and the output its text block gives."""
    text = README.read_text()
    for code, out in re.findall(r"```python\n((?:(?!```).)*)```\n\n```text\n(.*?)```", text, re.S):
        if marker in code:
            return code, out
    raise AssertionError(f"no example with {marker!r} and its output")


def test_builtin_order_readme_example(board):
    code, expected = example_with_output("builtin_order(True)")
    assert board.output(code) == expected
    # The same program prints the same on the built-in asyncio (fast_io left out)...
    stub = "class fast_io:\n    install = builtin_order = lambda *on: True\n"
    assert board.output(code.replace("import fast_io\n", stub, 1)) == expected
    # ...and, without the switch, the cancelled sleeper runs at once (prompt cancellation).
    default = code.replace("fast_io.builtin_order(True)", "fast_io.builtin_order()")
    assert board.output(default).splitlines()[:3] == ["count 0", "sleeper cancelled", "count 1"]
