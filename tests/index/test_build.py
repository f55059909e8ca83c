"""The index built from this repository: layout, contents, reproducibility, real installs."""

import json
import subprocess
import sys

import build_index
import manifest
import pytest
from harness import MICROPYTHON, REPO
from indexkit import build, micropython, mip_install, tree_hashes

try:
    PACKAGES = manifest.read_manifests(REPO)
    MANIFEST_ERROR = None
except manifest.ManifestError as exc:  # reported by test_manifests_read, not at collection
    PACKAGES, MANIFEST_ERROR = {}, exc


def test_manifests_read():
    assert MANIFEST_ERROR is None, str(MANIFEST_ERROR)


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "index"
    build(REPO, out)
    return out


@pytest.fixture(scope="module")
def index_json(real_index):
    return {p["name"]: p for p in json.loads((real_index / "index.json").read_text())["packages"]}


def package_json(index, variant, name, version):
    return json.loads((index / "package" / variant / name / f"{version}.json").read_text())


def test_index_lists_every_package_with_its_metadata(index_json):
    assert sorted(index_json) == sorted(PACKAGES)
    for name, pkg in PACKAGES.items():
        entry = index_json[name]
        assert entry["version"] == pkg.version
        assert entry["description"] == pkg.description
        assert entry["license"] == pkg.license
        assert entry["author"] == pkg.author
        assert entry["path"] == pkg.path
        assert entry["versions"] == {"6": [pkg.version], "py": [pkg.version]}
        release = entry["releases"][pkg.version]
        assert release["deps"] == sorted([list(d) for d in pkg.deps])
        sources = sorted(target for target, _ in pkg.files)
        assert sorted(release["files"]["py"]) == sources
        assert sorted(release["files"]["6"]) == [t[:-3] + ".mpy" for t in sources]
        for digest in [*release["files"]["py"].values(), *release["files"]["6"].values()]:
            assert len(digest) == 64


def test_index_json_header(real_index):
    data = json.loads((real_index / "index.json").read_text())
    assert data["v"] == 2
    assert data["updated"] == 1700000000  # SOURCE_DATE_EPOCH
    assert [p["name"] for p in data["packages"]] == sorted(PACKAGES)


def test_package_jsons_point_at_blobs_by_hash_prefix(real_index, index_json):
    for name, pkg in PACKAGES.items():
        release = index_json[name]["releases"][pkg.version]
        for variant in ("py", "6"):
            data = package_json(real_index, variant, name, pkg.version)
            assert data == package_json(real_index, variant, name, "latest")
            assert data["v"] == 1 and data["version"] == pkg.version
            assert data.get("deps", []) == release["deps"]
            hashes = {t: h for t, h in release["files"][variant].items()}
            assert data["hashes"] == [[t, h[:8]] for t, h in sorted(hashes.items())]
            for target, digest in hashes.items():
                blob = (real_index / "file" / digest[:2] / digest[:8]).read_bytes()
                assert build_index.sha256(blob) == digest
                if variant == "6":
                    assert blob[:2] == b"M\x06", target  # .mpy v6, as firmware v1.19+ loads


def test_py_blobs_are_the_staged_sources_with_version(real_index, index_json, tmp_path):
    manifest.stage(PACKAGES, tmp_path)
    for name, pkg in PACKAGES.items():
        files = index_json[name]["releases"][pkg.version]["files"]["py"]
        for target, digest in files.items():
            blob = (real_index / "file" / digest[:2] / digest[:8]).read_bytes()
            assert blob == (tmp_path / target).read_bytes()
            assert f"__version__ = {pkg.version!r}".encode() in blob or b"__version__ =" in blob


def test_mpy_embeds_the_install_path(real_index, index_json):
    for name, pkg in PACKAGES.items():
        files = index_json[name]["releases"][pkg.version]["files"]["6"]
        for target, digest in files.items():
            blob = (real_index / "file" / digest[:2] / digest[:8]).read_bytes()
            assert target[:-4].encode() + b".py" in blob  # mpy-cross -s <target>.py


def test_same_sources_give_a_byte_identical_index(real_index, tmp_path):
    again = tmp_path / "again"
    build(REPO, again)
    assert tree_hashes(again) == tree_hashes(real_index)
    build(REPO, again)  # on top of itself: nothing new, nothing changes
    assert tree_hashes(again) == tree_hashes(real_index)


def test_the_real_index_verifies(real_index):
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_index.py"), "--verify", str(real_index)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_firmware_module_list_covers_the_unix_port():
    out = subprocess.run(
        [MICROPYTHON, "-c", "help('modules')"], capture_output=True, text=True, check=True
    ).stdout
    names = set()
    for line in out.splitlines():
        if line.startswith("Plus any modules"):
            break
        names.update(word.split("/")[0] for word in line.split())
    assert names and names <= build_index.FIRMWARE_MODULES, names - build_index.FIRMWARE_MODULES


def modules_of(files):
    """Import names of installed targets: ``a/b.mpy`` -> ``a.b``, ``a/__init__.py`` -> ``a``."""
    names = set()
    for target in files:
        name = target.rsplit(".", 1)[0].replace("/", ".")
        names.add(name[: -len(".__init__")] if name.endswith(".__init__") else name)
    return sorted(names)


def closure(name, version, index_json):
    """``{package: version}`` that installing ``name`` ``version`` brings."""
    found = {name: version}
    for dep, dep_version in index_json[name]["releases"][version]["deps"]:
        found.update(closure(dep, dep_version, index_json))
    return found


@pytest.mark.parametrize("mpy", [True, False], ids=["mpy", "py"])
@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_package_installs_with_mip_and_imports(
    real_index, index_json, serve, tmp_path, name, mpy
):
    index = serve(real_index)
    target = tmp_path / "lib"
    out = mip_install(name, index, target, mpy=mpy)
    assert out.rstrip().endswith("Done"), out
    variant = "6" if mpy else "py"
    expected = {}
    for pkg_name, version in closure(name, PACKAGES[name].version, index_json).items():
        assert f"Installing {pkg_name} ({'latest' if pkg_name == name else version})" in out
        for module in modules_of(index_json[pkg_name]["releases"][version]["files"][variant]):
            expected[module] = version
    installed = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert all(p.endswith(".mpy" if mpy else ".py") for p in installed)
    assert modules_of(installed) == sorted(expected)
    got = dict(
        line.split(" ", 1)
        for line in micropython(
            IMPORT_EACH.format(modules=sorted(expected)), tmp_path, path=[target]
        ).splitlines()
    )
    for module, result in sorted(got.items()):
        if OPT_IN.get(module) == result:
            got[module] = expected[module]
        elif result.startswith("ImportError"):  # a board-only firmware module, such as pyb
            missing = result.split("'")[1] if "'" in result else result
            assert missing in build_index.FIRMWARE_MODULES, f"{module}: {result}"
            got[module] = expected[module]
    assert got == expected


# Modules that raise ImportError by design until the application opts in (their own tests
# cover them): the low-power timebase, which fast_io imports only when it is enabled.
OPT_IN = {"rtc_time": "ImportError rtc_time is not enabled."}

# Import each module; print its __version__, or the ImportError of a module the unix port lacks.
IMPORT_EACH = """
for name in {modules}:
    try:
        module = __import__(name)
        for part in name.split(".")[1:]:
            module = getattr(module, part)
        print(name, module.__version__)
    except ImportError as exc:
        print(name, "ImportError", exc)
"""


def test_updated_stamp(monkeypatch):
    old = json.dumps({"updated": 123, "packages": [], "v": 2})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "456")
    assert build_index.updated_stamp(old, new_releases=[("a", "1.0.0")]) == 456
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert (
        build_index.updated_stamp(old, new_releases=[]) == 123
    )  # a no-op rebuild changes nothing
    assert build_index.updated_stamp(old, new_releases=[("a", "1.0.0")]) > 123
