"""Fixtures for the index tests: synthetic repositories and a static web server."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from indexkit import Bridge, SourceRepo, StaticServer  # noqa: E402


@pytest.fixture
def source_repo(tmp_path):
    return SourceRepo(tmp_path / "repo")


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
