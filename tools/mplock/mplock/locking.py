"""Requirements in, lock out: resolve a project's packages against a mip index.

The requirements file, one entry a line (``#`` starts a comment)::

    --index https://example.org/mip      where the packages come from (required)
    --no-mpy                             lock .py sources instead of .mpy files
    uasyncio-fast-io@1.0.0               a package at an exact version
    aswitch                              a package at its latest release

The lock file (read by ``miplock.read``, on the board too) lists every package, dependencies
included, at its exact version, and every file with its target path and full SHA-256.
"""

import http.client
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from . import miplock

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
TIMEOUT = 30  # seconds for one download


class MplockError(Exception):
    """What went wrong, in words for the user; the command exits non-zero."""


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def read_requirements(path):
    """-> (index, mpy, [(name, version or None, line number)])."""
    index, mpy, reqs, seen = None, True, [], {}
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise MplockError(f"cannot read {path}: {exc.strerror}") from exc
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()

        def fail(msg, n=n, raw=raw):
            raise MplockError(f"{path} line {n}: {msg}: {raw.strip()!r}")

        if words[0] == "--index":
            if len(words) != 2 or index is not None:
                fail("give --index URL once")
            index = words[1].rstrip("/")
        elif words == ["--no-mpy"]:
            mpy = False
        elif len(words) != 1 or line.startswith("-"):
            fail("expected NAME or NAME@X.Y.Z, --index URL or --no-mpy")
        else:
            name, _, version = line.partition("@")
            if not NAME_RE.match(name):
                fail(f"{name!r} is not a package name")
            if "@" in line and not VERSION_RE.match(version):
                fail(f"{version!r} is not a version X.Y.Z")
            if name in seen:
                fail(f"{name} is already required on line {seen[name]}")
            seen[name] = n
            reqs.append((name, version or None, n))
    if index is None:
        raise MplockError(f"{path}: no --index URL line")
    if not reqs:
        raise MplockError(f"{path}: no packages")
    return index, mpy, reqs


def fetch(index, rel):
    """The bytes of ``rel`` in the index at ``index`` (http(s) URL or local folder)."""
    if index.startswith(("http://", "https://")):
        url = f"{index}/{rel}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as reply:
                return reply.read()
        except urllib.error.HTTPError as exc:
            raise MplockError(f"{url}: HTTP {exc.code}") from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc.__class__.__name__
            raise MplockError(f"{url}: download failed ({reason})") from exc
    path = Path(index.removeprefix("file://")) / rel
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MplockError(f"{path}: {exc.strerror}") from exc


def read_index(index):
    """{name: entry} from the index's index.json, with each release's files and deps."""
    try:
        data = json.loads(fetch(index, "index.json"))
        entries = {entry["name"]: entry for entry in data["packages"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise MplockError(f"{index}/index.json is not a mip index ({exc})") from exc
    for name, entry in entries.items():
        if "releases" not in entry:
            raise MplockError(
                f"{index}/index.json has no release records for {name}: build the index "
                "with `mplock build-index` (or tools/build_index.py)"
            )
    return entries


def resolve(entries, reqs, locked=None, upgrade=None, source="requirements"):
    """{name: version} for ``reqs`` and all their dependencies.

    ``locked``: {name: version} of the previous lock, kept for unpinned requirements unless
    their name is in ``upgrade`` (a set; empty means every package). A package needed at two
    versions is an error naming both requirers.
    """
    chosen = {}  # name -> (version, who asked)
    locked = locked or {}

    def add(name, version, requirer):
        if name not in entries:
            raise MplockError(f"{requirer} requires {name}, which is not in the index")
        releases = entries[name]["releases"]
        if version not in releases:
            known = ", ".join(sorted(releases, key=version_key))
            raise MplockError(
                f"{requirer} requires {name} {version}, which the index does not have "
                f"(it has {known})"
            )
        if name in chosen:
            have, who = chosen[name]
            if have != version:
                raise MplockError(
                    f"conflict: {who} requires {name} {have}, "
                    f"but {requirer} requires {name} {version}"
                )
            return
        chosen[name] = (version, requirer)
        for dep, dep_version in releases[version]["deps"]:
            add(dep, dep_version, f"{name} {version}")

    for name, version, n in reqs:
        if version:
            add(name, version, f"{source} line {n} ({name}@{version})")
    for name, version, n in reqs:
        if version or name in chosen:
            continue
        if name not in entries:
            raise MplockError(f"{source} line {n}: {name} is not in the index")
        keep = locked.get(name)
        if upgrade is not None and (not upgrade or name in upgrade):
            keep = None
        if keep not in entries[name]["releases"]:
            keep = entries[name]["version"]
        add(name, keep, f"{source} line {n} ({name})")
    return {name: version for name, (version, _) in chosen.items()}


def lock_text(index, entries, versions, mpy, source):
    """The lock file for ``versions`` ({name: version})."""
    variants = set()
    for name, version in versions.items():
        variants |= set(entries[name]["releases"][version]["files"]) - {"py"}
    if not mpy:
        variant = "py"
    elif len(variants) == 1:
        variant = variants.pop()
    else:
        raise MplockError(f"the index holds mpy variants {sorted(variants)}: cannot choose one")
    lines = [
        miplock.FORMAT,
        f"# Written by `mplock lock` from {source}; install with `mplock install`.",
        f"index {index}",
        f"variant {variant}",
    ]
    owner = {}
    for name in sorted(versions):
        version = versions[name]
        release = entries[name]["releases"][version]
        files = release["files"].get(variant)
        if files is None:
            raise MplockError(f"{name} {version} has no {variant} files in the index")
        lines.append(f"package {name} {version}")
        lines += [f"requires {dep} {dep_version}" for dep, dep_version in release["deps"]]
        for target, digest in sorted(files.items()):
            if target in owner:
                raise MplockError(f"{target} is installed by both {owner[target]} and {name}")
            owner[target] = name
            lines.append(f"file {target} {digest}")
    return "\n".join(lines) + "\n"


def read_lock(path):
    """(text, lock) of the lock file at ``path``; errors name the line."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise MplockError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return text, miplock.read(text.split("\n"))
    except miplock.LockError as exc:
        raise MplockError(f"{path}: {exc}") from exc


def changes(old, new):
    """Lines saying how {name: version} ``old`` became ``new``."""
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            out.append(f"removed {name} {old[name]}")
        elif name not in old:
            out.append(f"added {name} {new[name]}")
        elif old[name] != new[name]:
            out.append(f"upgraded {name} {old[name]} -> {new[name]}")
    return out
