"""install(): every later import of asyncio, uasyncio and their submodules gives fast_io."""


def test_install_aliases(board):
    out = board.output(
        """
import sys
import fast_io
print(fast_io.install() is fast_io)
import asyncio
import uasyncio
import asyncio.core
import uasyncio.core
from uasyncio import core
print(asyncio is fast_io, uasyncio is fast_io)
print(asyncio.core is fast_io.core, uasyncio.core is fast_io.core, core is fast_io.core)
print(asyncio.version, type(asyncio.version) is tuple)
print(asyncio.Event is fast_io.Event, uasyncio.StreamReader is fast_io.StreamWriter)
""",
        loop="asyncio",
    )
    assert out.splitlines() == [
        "True",
        "True True",
        "True True True",
        "('fast_io', '1.0.0') True",
        "True True",
    ]


def test_submodules_loaded_before_install_are_aliased(board):
    out = board.output(
        """
import sys
import fast_io
fast_io.Lock  # loads fast_io.lock lazily
fast_io.install()
import uasyncio.lock
print(uasyncio.lock is sys.modules["fast_io.lock"], uasyncio.Lock is fast_io.Lock)
""",
        loop="asyncio",
    )
    assert out.split() == ["True", "True"]


def test_builtin_untouched_until_install(board):
    # Importing fast_io alone leaves the built-in asyncio in place, and both can run.
    out = board.output(
        """
import asyncio
import fast_io

async def f(x):
    await asyncio.sleep_ms(1)
    return x

async def g(x):
    await fast_io.sleep_ms(1)
    return x

print(asyncio is fast_io, asyncio.run(f(1)), fast_io.run(g(2)), asyncio.run(f(3)))
""",
        loop="asyncio",
    )
    assert out.split() == ["False", "1", "2", "3"]


def test_lazy_parts_not_loaded_on_import(board):
    out = board.output(
        """
import sys
import fast_io
loaded = sorted(k for k in sys.modules if k.startswith("fast_io."))
print(loaded)
fast_io.after_ms
print("fast_io.lowprio" in sys.modules)
""",
        loop="asyncio",
    )
    assert out.splitlines() == ["['fast_io.core']", "True"]
