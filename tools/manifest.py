"""Read the repository's package manifests (micropython-lib style).

Each package is a folder holding a ``manifest.py``; the folder's name is the package name
users type. A manifest calls, in this order::

    metadata(version="1.0.0", description="...", license="MIT")
    require("other-package", version="1.2.3")   # exact version, never copied in
    package("fast_io", files=["core.py"])       # or module("aswitch.py")

This module only reads; ``build_index.py`` turns the result into an index and the test
harness stages the same files into a ``lib`` folder, so both install exactly one thing.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_ROOT = "micropython"
# MAJOR.MINOR.PATCH in ASCII digits without leading zeros: "1.0.00" would be a second
# release equal to 1.0.0; \d would let in other digits, $ a trailing newline.
VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
# A module-level ``__version__ = ...`` (not ``==``, not in a comment or string's middle).
VERSION_ASSIGN_RE = re.compile(rb"^__version__\s*=(?!=)", re.MULTILINE)


class ManifestError(Exception):
    """A manifest that cannot be turned into a package."""


def valid_version(version):
    return isinstance(version, str) and VERSION_RE.fullmatch(version) is not None


def unsafe_target(target):
    """Why ``target`` is not a safe install path below a board's lib folder (None: it is).

    Both clients join it to their target folder as given, so ``..`` or an absolute path
    would write anywhere on the board.
    """
    if not isinstance(target, str) or not target:
        return "is empty"
    if "\\" in target:
        return "holds a backslash"
    if target.startswith("/"):
        return "is absolute"
    if any(part in ("", ".", "..") for part in target.split("/")):
        return "has an empty, '.' or '..' part"
    return None


@dataclass
class Package:
    name: str
    path: str  # folder relative to the repository root, with "/" separators
    version: str = ""
    description: str = ""
    license: str = "MIT"
    author: str = ""
    deps: list = field(default_factory=list)  # [(name, exact_version)]
    files: list = field(default_factory=list)  # [(target, Path of the source)]


class _Reader:
    """The functions a manifest may call, bound to one package."""

    def __init__(self, pkg, folder, repo):
        self.pkg = pkg
        self.folder = folder
        self.repo = repo
        self.has_metadata = False

    def _fail(self, msg):
        raise ManifestError(f"{self.pkg.path}/manifest.py: {msg}")

    def metadata(self, version=None, description=None, license=None, author=None, **_):
        if self.has_metadata:
            self._fail("metadata() called twice")
        if not valid_version(version):
            self._fail(
                "metadata(version=...) must be MAJOR.MINOR.PATCH in ASCII digits without "
                f"leading zeros, got {version!r}"
            )
        self.has_metadata = True
        self.pkg.version = version
        self.pkg.description = description or ""
        self.pkg.license = license or "MIT"
        self.pkg.author = author or ""

    def _need_metadata(self):
        if not self.has_metadata:
            self._fail("metadata() must be the first call")

    def require(self, name, version=None, **_):
        self._need_metadata()
        if not version:
            self._fail(f"require({name!r}) needs an exact version=")
        if not valid_version(version):
            self._fail(
                f"require({name!r}, version=...) must be MAJOR.MINOR.PATCH, got {version!r}"
            )
        self.pkg.deps.append((name, version))

    def _add(self, target, source):
        why = unsafe_target(target)
        if why:
            self._fail(f"install path {target!r} {why}: it must stay inside the lib folder")
        # A symlink or an absolute path must not publish a file from outside the repository.
        if not source.resolve().is_relative_to(self.repo):
            self._fail(f"{target}: source {source} is outside the repository {self.repo}")
        if not source.is_file():
            self._fail(f"no such file: {source.relative_to(self.repo)}")
        if source.suffix != ".py":
            self._fail(f"only .py sources can be installed: {source.name}")
        if any(t == target for t, _ in self.pkg.files):
            self._fail(f"{target} listed twice")
        self.pkg.files.append((target, source))

    def package(self, name, files=None, base_path=".", opt=None):
        self._need_metadata()
        root = (self.folder / base_path).resolve()
        pkg_dir = root / name
        if files is None:
            sources = sorted(p for p in pkg_dir.rglob("*.py") if "__pycache__" not in p.parts)
        else:
            sources = [pkg_dir / f for f in files]
        if not sources:
            self._fail(f"package {name!r} has no .py files")
        for src in sources:
            self._add(src.relative_to(root).as_posix(), src)

    def module(self, name, base_path=".", opt=None):
        self._need_metadata()
        src = (self.folder / base_path / name).resolve()
        self._add(Path(name).name, src)


def read_manifest(manifest, repo=REPO):
    """Read one ``manifest.py`` into a Package."""
    manifest = Path(manifest).resolve()
    folder = manifest.parent
    pkg = Package(name=folder.name, path=folder.relative_to(repo).as_posix())
    reader = _Reader(pkg, folder, repo)
    scope = {
        "metadata": reader.metadata,
        "require": reader.require,
        "package": reader.package,
        "module": reader.module,
    }
    try:
        exec(compile(manifest.read_text(), str(manifest), "exec"), scope)
    except ManifestError:
        raise
    except SystemExit as exc:  # not an Exception: it would end the build without a word
        raise ManifestError(f"{pkg.path}/manifest.py: called sys.exit({exc.code!r})") from exc
    except Exception as exc:
        raise ManifestError(f"{pkg.path}/manifest.py: {type(exc).__name__}: {exc}") from exc
    if not reader.has_metadata:
        reader._fail("no metadata()")
    return pkg


def read_manifests(repo=REPO):
    """Every package of the repository, by name."""
    repo = Path(repo).resolve()
    if not (repo / SOURCE_ROOT).is_dir():
        raise ManifestError(f"{repo} has no {SOURCE_ROOT}/ folder: not this kind of repository")
    packages = {}
    for manifest in sorted((repo / SOURCE_ROOT).rglob("manifest.py")):
        pkg = read_manifest(manifest, repo)
        if pkg.name in packages:
            raise ManifestError(
                f"package name {pkg.name!r} used twice: {packages[pkg.name].path} and {pkg.path}"
            )
        packages[pkg.name] = pkg
    if not packages:
        raise ManifestError(f"{repo / SOURCE_ROOT} holds no manifest.py")
    return packages


def stage(packages, dest):
    """Copy every package's sources into ``dest`` as mip would install them (py variant)."""
    dest = Path(dest)
    owner = {}
    for pkg in packages.values():
        for target, src in pkg.files:
            if target in owner:
                raise ManifestError(
                    f"{target} is installed by both {owner[target]} and {pkg.name}"
                )
            owner[target] = pkg.name
            out = dest / target
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(versioned_source(src, pkg.version))
    return owner


def versioned_source(src, version):
    """The bytes of ``src`` as installed: ``__version__`` appended unless it sets one."""
    data = Path(src).read_bytes()
    if VERSION_ASSIGN_RE.search(data):
        return data
    return data + f"\n\n__version__ = {version!r}\n".encode()


def import_name(target):
    """The top-level import name a target path installs: ``fast_io/core.py`` -> ``fast_io``."""
    top = target.split("/", 1)[0]
    return top.rsplit(".", 1)[0] if "/" not in target else top
