"""Run build_index.py with a forced interleaving: the build stops at a chosen point.

    python buildctl.py [pause-before:NAME | pause-after:NAME | fail:NAME]... -- BUILD ARGS

NAME is a function of build_index (``write_tree``, ``exchange``) or ``rename-to-out`` (the
os.rename that puts a folder at ``--out``). At a pause the build prints ``paused at NAME``
on stderr and waits for a line on stdin (or to be killed); ``fail`` makes NAME raise EINVAL,
as on a file system that lacks it.
"""

import errno
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import build_index  # noqa: E402


def pause(name):
    print(f"paused at {name}", file=sys.stderr, flush=True)
    sys.stdin.readline()


def patch(owner, attr, when, name, hit=lambda *args: True):
    original = getattr(owner, attr, None)

    def patched(*args, **kwargs):
        if when == "fail":
            raise OSError(errno.EINVAL, f"{name} fails here")
        if when == "pause-before" and hit(*args):
            pause(name)
        result = original(*args, **kwargs)
        if when == "pause-after" and hit(*args):
            pause(name)
        return result

    setattr(owner, attr, patched)


def main():
    split = sys.argv.index("--")
    args = sys.argv[split + 1 :]
    out = Path(args[args.index("--out") + 1]).resolve()
    for spec in sys.argv[1:split]:
        when, name = spec.split(":")
        if name == "rename-to-out":
            patch(os, "rename", when, name, hit=lambda src, dst: Path(dst) == out)
        else:
            patch(build_index, name, when, name)
    sys.exit(build_index.main(args))


if __name__ == "__main__":
    main()
