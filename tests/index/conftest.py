"""Fixtures for the index tests: synthetic repositories and a static web server."""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from indexkit import Bridge, SourceRepo, StaticServer, build  # noqa: E402

MOD_A = {"alpha.py": "def value():\n    return 1\n"}
MOD_B = {"beta.py": "import alpha\n"}


@pytest.fixture
def source_repo(tmp_path):
    return SourceRepo(tmp_path / "repo")


@pytest.fixture(scope="session")
def released_once(tmp_path_factory):
    root = tmp_path_factory.mktemp("released")
    repo = SourceRepo(root / "repo")
    repo.package("alpha", "1.0.0", MOD_A)
    repo.package("beta", "1.0.0", MOD_B, requires=[("alpha", "1.0.0")])
    build(repo.root, root / "index")
    return root


@pytest.fixture
def released(released_once, tmp_path):
    """A repository with alpha 1.0.0 and beta 1.0.0 (on alpha), and its built index (a copy
    of one built once: the index holds no absolute path)."""
    for name in ("repo", "index"):
        shutil.copytree(released_once / name, tmp_path / name, symlinks=True)
    return SourceRepo(tmp_path / "repo"), tmp_path / "index"


@pytest.fixture
def serve():
    """serve(folder) -> base URL; every server stops at the end of the test."""
    servers = []

    def start(folder):
        servers.append(StaticServer(folder))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def bridge(tmp_path):
    """A 'board' for mpremote: the unix port on a pty, its HOME in tmp_path/board."""
    board = Bridge(tmp_path / "board")
    yield board
    board.close()
