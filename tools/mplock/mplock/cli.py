"""mplock: pin a MicroPython project's packages, install exactly them, verify the board.

mplock lock [--upgrade [NAME ...]]   mip-requirements.txt -> mip-requirements.lock
mplock install -d DEVICE             the locked files onto the board (through mpremote)
mplock verify -d DEVICE              missing, altered and extra files, by name
mplock sync -d DEVICE                make the board match the lock exactly
mplock build-index --out DIR         build a mip index from micropython/**/manifest.py
"""

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

from . import locking
from .board import Board
from .locking import MplockError

REQUIREMENTS = "mip-requirements.txt"
LOCK = "mip-requirements.lock"


def cmd_lock(args):
    index, mpy, reqs = locking.read_requirements(args.requirements)
    lock_path = Path(args.lock)
    old = {}
    if lock_path.exists():
        old = dict(locking.read_lock(lock_path)[1]["packages"])
    upgrade = None if args.upgrade is None else set(args.upgrade)
    unpinned = {name for name, version, _ in reqs if not version}
    for name in sorted(upgrade or ()):
        if name not in unpinned:
            raise MplockError(
                f"--upgrade {name}: only packages {args.requirements} names without a "
                "version can move; edit its line instead"
            )
    entries = locking.read_index(index)
    versions = locking.resolve(entries, reqs, old, upgrade, source=args.requirements)
    text = locking.lock_text(index, entries, versions, mpy, args.requirements)
    lock_path.write_text(text)
    for line in locking.changes(old, versions) if old else ():
        print(line)
    files = sum(line.startswith("file ") for line in text.splitlines())
    print(f"locked {len(versions)} packages, {files} files in {lock_path}")
    return 0


def download(lock, workdir):
    """Every locked file from the index into ``workdir``, each checked against its SHA-256."""
    local = {}
    for target, digest in sorted(lock["files"].items()):
        short = digest[:8]
        data = locking.fetch(lock["index"], f"file/{short[:2]}/{short}")
        got = hashlib.sha256(data).hexdigest()
        if got != digest:
            raise MplockError(
                f"{target}: the index at {lock['index']} served a file with SHA-256 {got}, "
                f"the lock says {digest} (a released file was changed or the download is "
                "corrupt): nothing was written to the board"
            )
        path = Path(workdir) / digest
        path.write_bytes(data)
        local[target] = path
    return local


def cmd_install(args, prune=False):
    text, lock = locking.read_lock(args.lock)
    board = Board(args.device, args.target)
    with tempfile.TemporaryDirectory() as work:
        local = download(lock, work)
        lib, mpy, found = board.survey(text, recover=True)
        if lock["variant"] != "py" and mpy != lock["variant"]:
            raise MplockError(
                f"the lock holds mpy v{lock['variant']} files but the board runs mpy v{mpy}: "
                "lock again for this firmware, or with --no-mpy"
            )
        writes = {t: local[t] for kind, t in found if kind in ("missing", "altered")}
        removes = [t for kind, t in found if prune and kind in ("extra", "dropped")]
        board.commit(text, lib, writes, removes)
    for kind, target in found:
        if target in writes:
            print(f"installed {target} ({kind})")
        elif target in removes:
            print(f"removed {target} ({kind})")
    names = ", ".join(f"{n} {v}" for n, v in lock["packages"])
    print(f"{lib} holds every locked file: {names}")
    left = [f"{kind} {t}" for kind, t in found if kind in ("extra", "dropped") and not prune]
    if left:
        print("not in the lock (mplock sync removes them): " + ", ".join(left))
    return 0


def cmd_verify(args):
    text, _ = locking.read_lock(args.lock)
    lib, _, found = Board(args.device, args.target).survey(text)
    for kind, target in found:
        print(f"{kind} {target}")
    if found:
        print(f"{lib}: {len(found)} difference(s) from {args.lock}", file=sys.stderr)
        return 1
    print(f"{lib} matches {args.lock}")
    return 0


def cmd_build_index(argv):
    from . import build_index

    if not any(a == "--repo" or a.startswith("--repo=") for a in argv):
        argv = ["--repo", ".", *argv]
    return build_index.main(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["build-index"]:
        return cmd_build_index(argv[1:])
    parser = argparse.ArgumentParser(prog="mplock", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    lock = sub.add_parser("lock", help="resolve the requirements into a lock file")
    lock.add_argument("-r", "--requirements", default=REQUIREMENTS)
    lock.add_argument("-l", "--lock", default=LOCK)
    lock.add_argument(
        "--upgrade",
        nargs="*",
        metavar="NAME",
        help="move unpinned packages (all, or those named) to their newest releases",
    )
    for name, text in (
        ("install", "put the locked files on the board"),
        ("verify", "compare the board with the lock; exit 1 on any difference"),
        ("sync", "make the board match the lock (also removes files it does not hold)"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("-l", "--lock", default=LOCK)
        cmd.add_argument("-d", "--device", default="auto", help="as for `mpremote connect`")
        cmd.add_argument("--target", help="the board's lib folder (default: as mip finds it)")
    sub.add_parser("build-index", help="build a mip index (see build-index --help)")
    args = parser.parse_args(argv)
    commands = {
        "lock": cmd_lock,
        "install": cmd_install,
        "verify": cmd_verify,
        "sync": lambda a: cmd_install(a, prune=True),
    }
    try:
        return commands[args.command](args)
    except MplockError as exc:
        print(f"mplock {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
