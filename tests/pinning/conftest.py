"""Fixtures for the pinning tests: one pair of indexes and one board per test module."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "index"))
sys.path.insert(0, str(Path(__file__).parent))

from indexkit import Bridge, StaticServer  # noqa: E402
from pinkit import two_release_index  # noqa: E402


@pytest.fixture(scope="session")
def indexes(tmp_path_factory):
    """(v1, v2): index folders; v2 is v1 plus the 1.1.0 releases and tool-a, tool-b."""
    return two_release_index(tmp_path_factory.mktemp("indexes"))


@pytest.fixture(scope="module")
def served(indexes):
    """(v1 URL, v2 URL), served for the whole module."""
    servers = [StaticServer(folder) for folder in indexes]
    yield tuple(server.url for server in servers)
    for server in servers:
        server.close()


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """One 'board' (the unix port on a pty, through tools/mpbridge.py) for a test module."""
    bridge = Bridge(tmp_path_factory.mktemp("board"))
    yield bridge
    bridge.close()
