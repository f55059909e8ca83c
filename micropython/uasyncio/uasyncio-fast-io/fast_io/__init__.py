# fast_io: an asyncio event loop with I/O priority, low priority and prompt cancellation
# MIT license

from .core import *  # noqa: F403

version = ("fast_io", "1.0.0")

_attrs = {
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
}


# Lazy loader, effectively does:
#   global attr
#   from .mod import attr
def __getattr__(attr):
    mod = _attrs.get(attr, None)
    if mod is None:
        raise AttributeError(attr)
    value = getattr(__import__(mod, globals(), None, True, 1), attr)
    globals()[attr] = value
    return value


def install():
    # Make every later "import asyncio" or "import uasyncio" (and their submodules, such as
    # uasyncio.core) return fast_io, so drivers and 2019 programs run on it unchanged.
    import sys

    me = sys.modules[__name__]
    for name in ("asyncio", "uasyncio"):
        sys.modules[name] = me
        for sub in ("core", "funcs", "event", "lock", "stream", "lowprio", "legacy", "ioq"):
            mod = sys.modules.get(__name__ + "." + sub)
            if mod is not None:
                sys.modules[name + "." + sub] = mod
    return me
