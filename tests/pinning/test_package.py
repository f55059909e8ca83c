"""The host tool as users get it: built with setuptools, checked by twine, run from the wheel."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from harness import REPO
from indexkit import EPOCH, build, tree_hashes
from pinkit import MPLOCK_SRC, two_release_index

BIN = Path(sys.executable).parent


def test_sdist_and_wheel_pass_twine_and_the_wheel_builds_the_same_index(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(MPLOCK_SRC, src)  # symlinks become the files they point at, as in a sdist
    dist = tmp_path / "dist"
    built = subprocess.run(  # the wheel is built from the sdist: the sdist is complete
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    sdist, wheel = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    assert len(sdist) == len(wheel) == 1
    check = subprocess.run(
        [str(BIN / "twine"), "check", "--strict", str(sdist[0]), str(wheel[0])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout

    unpacked = tmp_path / "wheel"
    with zipfile.ZipFile(wheel[0]) as whl:
        whl.extractall(unpacked)
        entry_points = next(n for n in whl.namelist() if n.endswith("entry_points.txt"))
        assert "mplock = mplock.cli:main" in whl.read(entry_points).decode()
    # One source of truth: the wheel carries the repository's builder and on-board module.
    for name, source in (
        ("build_index.py", REPO / "tools" / "build_index.py"),
        ("manifest.py", REPO / "tools" / "manifest.py"),
        ("index_page.py", REPO / "tools" / "index_page.py"),
        ("miplock.py", REPO / "micropython" / "mip-lock" / "miplock.py"),
    ):
        assert (unpacked / "mplock" / name).read_bytes() == source.read_bytes(), name

    # `mplock build-index` from the wheel, on another repository, in its own folder.
    v1, _ = two_release_index(tmp_path / "other")  # the next release built on top of v1
    repo = tmp_path / "other" / "repo"
    shutil.copytree(v1, tmp_path / "wheel-index")
    shutil.copytree(v1, tmp_path / "tools-index")
    env = dict(os.environ, PYTHONPATH=str(unpacked), SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run(
        [sys.executable, "-m", "mplock", "build-index", "--out", str(tmp_path / "wheel-index")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    build(repo, tmp_path / "tools-index")
    assert tree_hashes(tmp_path / "wheel-index") == tree_hashes(tmp_path / "tools-index")
