import pytest
from harness import LOOPS, Board


@pytest.fixture(scope="session")
def board(tmp_path_factory):
    """The unix port with every package of the repository staged in its lib folder."""
    return Board(tmp_path_factory.mktemp("board"))


@pytest.fixture(params=LOOPS)
def loop(request):
    """Run the test once on the built-in asyncio and once on fast_io."""
    return request.param
