# fast_io: an asyncio event loop with I/O priority, low priority and prompt cancellation
# MIT license

from .core import *  # noqa: F403

version = ("fast_io", "1.0.0")


# Submodules load on first use of one of their names (RAM), which is then kept as a global. The
# table of those names is built only for such a first use: kept, it would cost its RAM.
def __getattr__(name):
    where = {
        "wait_for": "funcs",
        "wait_for_ms": "funcs",
        "gather": "funcs",
        "Event": "event",
        "ThreadSafeFlag": "event",
        "Lock": "lock",
        "open_connection": "stream",
        "start_server": "stream",
        "StreamReader": "stream",
        "StreamWriter": "stream",
        "Stream": "stream",
        "after": "lowprio",
        "after_ms": "lowprio",
        "cancel": "legacy",
        "call_soon": "legacy",
        "call_later": "legacy",
        "call_later_ms": "legacy",
        "got_event_loop": "legacy",
        "coroutine": "legacy",
        "ensure_future": "legacy",
        "legacy_timeouts": "legacy",
        "builtin_order": "order",
    }.get(name)
    if where is None:
        raise AttributeError(name)
    obj = getattr(__import__(where, globals(), None, True, 1), name)
    globals()[name] = obj
    return obj


def install():
    # Make every later "import asyncio" or "import uasyncio" (and their submodules, such as
    # uasyncio.core) return fast_io, so drivers and 2019 programs run on it unchanged.
    import sys

    me = sys.modules[__name__]
    for name in ("asyncio", "uasyncio"):
        sys.modules[name] = me
        for sub in (
            "core",
            "funcs",
            "event",
            "lock",
            "stream",
            "lowprio",
            "legacy",
            "ioq",
            "order",
        ):
            mod = sys.modules.get(__name__ + "." + sub)
            if mod is not None:
                sys.modules[name + "." + sub] = mod
    return me
