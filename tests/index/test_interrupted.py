"""Builds killed part way and builds run at once never lose a release or ``--out`` itself.

Each case forces its interleaving (tests/index/buildctl.py stops a build at a chosen point
until the test lets it go or kills it): no timing, no luck.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from indexkit import EPOCH, SourceRepo, build, tree_hashes, verify

BUILDCTL = Path(__file__).with_name("buildctl.py")


class Build:
    """build_index.py running in the background under buildctl with ``specs``."""

    def __init__(self, repo, out, *specs):
        self.proc = subprocess.Popen(
            [sys.executable, str(BUILDCTL), *specs, "--", "--repo", str(repo), "--out", str(out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH),
        )
        self.stderr = ""
        self.ended = False
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text):
        """True once the build prints ``text``; False if it ends without printing it."""
        while not self.ended:
            line = self.lines.get(timeout=60)
            self.ended = line is None
            self.stderr += line or ""
            if line and text in line:
                return True
        return False

    def go(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=60)

    def finish(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=60)
        while self.wait_for("\n"):
            pass
        return code


def releases(out):
    index = json.loads((out / "index.json").read_text())
    return {p["name"]: sorted(p["releases"]) for p in index["packages"]}


def leftovers(out):
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_two_builds_at_once(released, tmp_path):
    """The second build waits for the first, then builds on top of its index."""
    repo, out = released
    other = SourceRepo(tmp_path / "other")
    shutil.copytree(repo.root, other.root)
    repo.package("gamma", "1.0.0", {"gamma.py": "g = 1\n"})
    other.package("delta", "1.0.0", {"delta.py": "d = 1\n"})
    first = Build(repo.root, out, "pause-before:write_tree")
    assert first.wait_for("paused at write_tree"), first.stderr
    second = Build(other.root, out)
    waited = second.wait_for("waiting for the build holding")
    first.go()
    assert first.finish() == 0, first.stderr
    assert second.finish() == 0, second.stderr
    assert releases(out) == {
        "alpha": ["1.0.0"],
        "beta": ["1.0.0"],
        "delta": ["1.0.0"],
        "gamma": ["1.0.0"],
    }
    assert verify(out).returncode == 0
    assert leftovers(out) == []
    assert waited, second.stderr


@pytest.mark.parametrize(
    "point", ["pause-before:write_tree", "pause-before:exchange", "pause-after:exchange"]
)
def test_killed_build_leaves_a_whole_index(released, point):
    """Killed at any point, ``--out`` is the whole old or new index; the next build cleans up."""
    repo, out = released
    before = tree_hashes(out)
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"})
    victim = Build(repo.root, out, point)
    assert victim.wait_for(f"paused at {point.split(':')[1]}"), victim.stderr
    victim.kill()
    assert verify(out).returncode == 0
    if point == "pause-after:exchange":
        assert releases(out)["alpha"] == ["1.0.0", "1.1.0"]
    else:
        assert tree_hashes(out) == before
    assert any(".new." in name for name in leftovers(out))
    build(repo.root, out)
    assert releases(out)["alpha"] == ["1.0.0", "1.1.0"]
    assert leftovers(out) == []


def test_killed_between_the_two_renames(released):
    """Without an atomic exchange the swap is two renames; killed between them, ``--out``
    is gone for a moment and the next build puts the old index back before building."""
    repo, out = released
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"})
    victim = Build(repo.root, out, "fail:exchange", "pause-before:rename-to-out")
    assert victim.wait_for("paused at rename-to-out"), victim.stderr
    victim.kill()
    assert not out.exists()  # the moment the exchange avoids
    proc = build(repo.root, out)
    assert f"put back {out} from an interrupted build" in proc.stderr
    assert "new: alpha 1.1.0" in proc.stdout
    assert releases(out) == {"alpha": ["1.0.0", "1.1.0"], "beta": ["1.0.0"]}
    assert verify(out).returncode == 0
    assert leftovers(out) == []


def test_several_copies_left_behind(released):
    repo, out = released
    for suffix in ("aaaaaaaa", "bbbbbbbb"):
        shutil.copytree(out, out.parent / f".index.old.{suffix}" / "index")
    shutil.rmtree(out)
    proc = build(repo.root, out, check=False)
    assert proc.returncode == 1
    assert f"{out} is missing and interrupted builds left several copies of it" in proc.stderr
    assert not out.exists()
