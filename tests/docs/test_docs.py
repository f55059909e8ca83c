"""Every ```python block of the repository's Markdown runs and prints what its text says."""

import pytest
from docblocks import all_blocks, compile_block, markdown_files, run_all
from harness import REPO

BLOCKS = all_blocks()
RUN = [b for b in BLOCKS if b.not_run is None]
NOT_RUN = [b for b in BLOCKS if b.not_run is not None]


def run_block(board, block):
    return board.run(block.code, timeout=30).stdout


@pytest.fixture(scope="module")
def outputs(board):
    """Each block's stdout (or the error it raised), run side by side once for the module."""
    results = run_all(board, RUN, run_block)
    return {b.id: results[i] for i, b in enumerate(RUN)}


@pytest.mark.parametrize("block", RUN, ids=[b.id for b in RUN])
def test_block_prints_its_text(block, outputs):
    out = outputs[block.id]
    if isinstance(out, Exception):
        raise out
    if block.expected is None:
        assert out == "", (
            f"{block.id} prints, but no ```text block follows it (after one blank line):\n{out}"
        )
    else:
        assert out == block.expected


@pytest.mark.parametrize("block", NOT_RUN, ids=[b.id for b in NOT_RUN])
def test_block_not_run_compiles(block):
    assert compile_block(block) == ""


def test_discovery(tmp_path):
    """The parser finds what the convention says, in any README.md added later."""
    pkg = tmp_path / "micropython" / "drivers" / "new"
    pkg.mkdir(parents=True)
    (pkg / "README.md").write_text(
        "# new\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n"
        "<!-- not run: a fragment -->\n```python\nawait x\n```\n\n"
        "```sh\nls\n```\n\n```python\nx = 1\n```\nprose\n```text\nnot its output\n```\n"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("```python\nprint(2)\n```\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "README.md").write_text("```python\nprint(3)\n```\n")
    found = all_blocks(tmp_path)
    assert [(b.path.name, b.line, b.code, b.expected, b.not_run) for b in found] == [
        ("guide.md", 1, "print(2)\n", None, None),
        ("README.md", 3, "print(1)\n", "1\n", None),
        ("README.md", 12, "await x\n", None, "a fragment"),
        ("README.md", 20, "x = 1\n", None, None),
    ]
    assert compile_block(found[2]) != ""  # await outside a function: mpy-cross refuses it
    assert compile_block(found[3]) == ""


def test_every_readme_is_read():
    names = {str(p.relative_to(REPO)) for p in markdown_files()}
    assert "README.md" in names
    assert "micropython/asyn/README.md" in names
    assert "micropython/drivers/aswitch/README.md" in names
