# miplock: install exactly the packages of a lock file from a mip index, and verify the board
# against it, on the board itself. The lock file is written on a PC by `mplock lock`; the host
# tool `mplock` runs this same module on the board through mpremote.
#
#   import miplock
#   miplock.install("project.lock")   # missing or altered files, each checked before use
#   miplock.sync("project.lock")      # the same, and removes what the lock does not hold
#   miplock.verify("project.lock")    # prints each difference; returns how many
#
# Nothing is replaced until every new file is on the board and matches its SHA-256: files are
# downloaded into <lib>/.miplock-new, then moved into place, with the files they replace kept
# in <lib>/.miplock-old and a journal, so an interrupted install is rolled back the next time.

import hashlib
import os
import sys
from binascii import hexlify

FORMAT = "mplock-lock 1"
RECORD = ".miplock.lock"  # the lock last installed, kept in the lib folder
_NEW = ".miplock-new"
_OLD = ".miplock-old"
_JOURNAL = ".miplock-journal"
_DIR = 0x4000


class LockError(ValueError):
    pass


def read(lines):
    """The lock as {"index", "variant", "packages": [(name, version)], "files": {target: sha}}.

    ``lines`` is any iterable of lines (a file, or text split at newlines).
    """
    lock = {"index": None, "variant": None, "packages": [], "files": {}}
    header = False
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line[0] == "#":
            continue
        words = line.split()
        key = words[0]
        if not header:
            if line != FORMAT:
                raise LockError("line %d: a lock file starts with %r, not %r" % (n, FORMAT, line))
            header = True
        elif key in ("index", "variant") and len(words) == 2:
            lock[key] = words[1]
        elif key == "package" and len(words) == 3:
            lock["packages"].append((words[1], words[2]))
        elif key == "requires" and len(words) == 3 and lock["packages"]:
            pass  # for people reading the lock; the installers need only the files
        elif key == "file" and len(words) == 3 and lock["packages"]:
            target, digest = words[1], words[2]
            if len(digest) != 64 or digest.strip("0123456789abcdef"):
                raise LockError("line %d: %r is not a SHA-256 in hex" % (n, digest))
            if target in lock["files"] or target[0] == "/" or ".." in target.split("/"):
                raise LockError("line %d: bad or repeated target %r" % (n, target))
            lock["files"][target] = digest
        else:
            raise LockError("line %d: cannot read %r" % (n, line))
    if not header or lock["index"] is None or lock["variant"] is None:
        raise LockError("not a complete lock file: needs %r, index and variant" % FORMAT)
    return lock


def load(path):
    with open(path) as f:
        return read(f)


def lib_dir():
    """Where mip installs: the first sys.path entry ending in /lib, as mip chooses it."""
    for p in sys.path:
        if p.endswith("/lib") and not p.startswith("/rom"):
            return p
    raise OSError("no lib folder in sys.path: give lib=")


def _exists(path):
    try:
        return os.stat(path)[0]
    except OSError:
        return 0


def _makedirs(path):
    parts = path.split("/")
    for i in range(2, len(parts) + 1):
        d = "/".join(parts[:i])
        if d and not _exists(d):
            os.mkdir(d)


def _walk(root, rel, out):
    for name in os.listdir(root + "/" + rel if rel else root):
        path = rel + "/" + name if rel else name
        if _exists(root + "/" + path) & _DIR:
            _walk(root, path, out)
        else:
            out.append(path)


def _rmtree(path):
    mode = _exists(path)
    if mode & _DIR:
        for name in os.listdir(path):
            _rmtree(path + "/" + name)
        os.rmdir(path)
    elif mode:
        os.remove(path)


def _prune_dirs(lib, target):
    # Folders left empty by a removal go too; the lib folder stays.
    parts = target.split("/")[:-1]
    while parts:
        d = lib + "/" + "/".join(parts)
        if _exists(d) & _DIR and not os.listdir(d):
            os.rmdir(d)
        parts.pop()


def sha256_file(path):
    h = hashlib.sha256()
    buf = bytearray(512)
    with open(path, "rb") as f:
        while True:
            n = f.readinto(buf)
            if not n:
                break
            h.update(buf[:n] if n < len(buf) else buf)
    return hexlify(h.digest()).decode()


def _scope(lib, names):
    # The files that belong to the locked packages' import names: their folders, and the
    # modules of those names (an x.py beside x.mpy is imported first, so it counts).
    found = []
    for name in sorted(names):
        if _exists(lib + "/" + name) & _DIR:
            _walk(lib, name, found)
        for ext in (".py", ".mpy"):
            if _exists(lib + "/" + name + ext):
                found.append(name + ext)
    return found


def _top(target):
    top = target.split("/")[0]
    return top if "/" in target else top.rsplit(".", 1)[0]


def diff(lock, lib):
    """[(kind, target)] with kind "missing", "altered", "extra" or "dropped", sorted."""
    record = {}
    if _exists(lib + "/" + RECORD):
        try:
            record = load(lib + "/" + RECORD)["files"]
        except LockError:
            pass  # an unreadable record: the files themselves are still compared
    files = lock["files"]
    names = set(_top(t) for t in files) | set(_top(t) for t in record)
    out = []
    for target in _scope(lib, names):
        if target not in files:
            out.append(("dropped" if target in record else "extra", target))
    for target, digest in files.items():
        if not _exists(lib + "/" + target):
            out.append(("missing", target))
        elif sha256_file(lib + "/" + target) != digest:
            out.append(("altered", target))
    return sorted(out, key=lambda d: (d[1], d[0]))


def recover(lib):
    """Roll back an install that was interrupted; remove a half-done download. True if any."""
    journal = lib + "/" + _JOURNAL
    did = False
    if _exists(journal):
        with open(journal) as f:
            entries = [line.split() for line in f if line.strip()]
        _roll_back(lib, entries)
        os.remove(journal)
        did = True
    for folder in (_NEW, _OLD):
        if _exists(lib + "/" + folder):
            _rmtree(lib + "/" + folder)
            did = True
    return did


def _roll_back(lib, entries):
    # Each entry is (action, target, had): action "w" (write) or "r" (remove); had "1" when
    # the board held the target before. A write whose staged file is gone was moved in.
    for action, target, had in reversed(entries):
        live, old = lib + "/" + target, lib + "/" + _OLD + "/" + target
        if action == "w" and not _exists(lib + "/" + _NEW + "/" + target) and _exists(live):
            os.remove(live)
        if had == "1" and _exists(old):
            _makedirs(live.rsplit("/", 1)[0])
            if _exists(live):
                os.remove(live)
            os.rename(old, live)


def commit(lock_text, lib, writes, removes):
    """Move the staged ``writes`` into place and delete ``removes``, all or nothing.

    The staged files are checked against the lock first: nothing is touched unless all match.
    """
    files = read(lock_text.split("\n"))["files"]
    new, old = lib + "/" + _NEW, lib + "/" + _OLD
    for target in writes:
        if not _exists(new + "/" + target):
            raise OSError("%s was not staged" % target)
        got = sha256_file(new + "/" + target)
        if got != files[target]:
            raise ValueError("%s: SHA-256 %s, the lock says %s" % (target, got, files[target]))
    entries = [("w", t, "1" if _exists(lib + "/" + t) else "0") for t in writes]
    entries += [("r", t, "1") for t in removes]
    with open(lib + "/" + _JOURNAL, "w") as f:
        for entry in entries:
            f.write(" ".join(entry) + "\n")
    done = []
    try:
        for action, target, had in entries:
            live = lib + "/" + target
            done.append((action, target, had))
            if had == "1":
                _makedirs((old + "/" + target).rsplit("/", 1)[0])
                os.rename(live, old + "/" + target)
            if action == "w":
                _makedirs(live.rsplit("/", 1)[0])
                os.rename(new + "/" + target, live)
        with open(lib + "/" + RECORD, "w") as f:
            f.write(lock_text)
    except Exception:
        _roll_back(lib, done)
        os.remove(lib + "/" + _JOURNAL)
        raise
    os.remove(lib + "/" + _JOURNAL)
    for target in removes:
        _prune_dirs(lib, target)
    for folder in (_NEW, _OLD):
        _rmtree(lib + "/" + folder)


def _download(url, path, digest):
    import requests  # only the on-board installer downloads

    r = requests.get(url)
    try:
        if r.status_code != 200:
            raise OSError("HTTP %d for %s" % (r.status_code, url))
        h = hashlib.sha256()
        with open(path, "wb") as f:
            while True:
                chunk = r.raw.read(512)
                if not chunk:
                    break
                h.update(chunk)
                f.write(chunk)
    finally:
        r.close()
    got = hexlify(h.digest()).decode()
    if got != digest:
        raise ValueError("%s: the index served SHA-256 %s, the lock says %s" % (url, got, digest))


def _mpy_variant():
    mpy = getattr(sys.implementation, "_mpy", 0) & 0xFF
    return str(mpy) if mpy else "py"


def install(lock_path, lib=None, prune=False, index=None):
    """Put exactly the locked files in ``lib``; ``prune`` also removes the others. -> changes."""
    lib = lib or lib_dir()
    with open(lock_path) as f:
        text = f.read()
    lock = read(text.split("\n"))
    if lock["variant"] != "py" and lock["variant"] != _mpy_variant():
        raise ValueError(
            "the lock holds mpy v%s files; this board runs mpy v%s"
            % (lock["variant"], _mpy_variant())
        )
    if recover(lib):
        print("rolled back an interrupted install")
    index = (index or lock["index"]).rstrip("/")
    changes = [d for d in diff(lock, lib) if prune or d[0] in ("missing", "altered")]
    writes = [t for kind, t in changes if kind in ("missing", "altered")]
    removes = [t for kind, t in changes if kind in ("extra", "dropped")]
    try:
        for target in writes:
            digest = lock["files"][target][:8]
            staged = lib + "/" + _NEW + "/" + target
            _makedirs(staged.rsplit("/", 1)[0])
            print("Downloading:", target)
            _download("%s/file/%s/%s" % (index, digest[:2], digest), staged, lock["files"][target])
        commit(text, lib, writes, removes)
    except Exception:
        recover(lib)
        print("nothing was changed")
        raise
    for kind, target in changes:
        print("removed" if kind in ("extra", "dropped") else "installed", target)
    return changes


def sync(lock_path, lib=None, index=None):
    return install(lock_path, lib, True, index)


def verify(lock_path, lib=None):
    """Print every difference between ``lib`` and the lock; return how many there are."""
    lib = lib or lib_dir()
    found = diff(load(lock_path), lib)
    for kind, target in found:
        print(kind, target)
    print("board matches the lock" if not found else "%d difference(s)" % len(found))
    return len(found)
