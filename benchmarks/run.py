"""Run the benchmarks on the MicroPython unix port: built-in asyncio beside fast_io, as ratios.

    ./tools/bench.sh [NAME ...]      # NAME: bench_<NAME>.py, all of them by default

Each ``bench_<name>.py`` here is a MicroPython program written against ``import asyncio``. It
runs twice in one go, once on the firmware's built-in asyncio and once after
``fast_io.install()``, and reports figures with lines of the form::

    RESULT <metric> <value> <unit>

This script prints the two figures side by side with their ratio (fast_io / built-in), so a
ratio below 1 means fast_io takes less time or memory. A bench that needs both loops in one
process (``import fast_io`` beside ``import asyncio``) may print ``RESULT`` lines with the
loop named in the metric; they are shown as printed.
"""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from harness import Board  # noqa: E402


def results(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "RESULT":
            out[parts[1]] = (float(parts[2]), " ".join(parts[3:]))
    return out


def fmt(value):
    return f"{value:.4g}"


def run_bench(board, path):
    code = path.read_text()
    runs = {}
    for loop in ("asyncio", "fast_io"):
        proc = board.run(code, loop=loop, path=[HERE], timeout=600, check=False)
        if proc.returncode:
            print(f"{path.name} failed on {loop}:\n{proc.stdout}{proc.stderr}")
            return False
        runs[loop] = results(proc.stdout)
    print(f"\n{path.stem}")
    print(f"  {'metric':40} {'built-in':>12} {'fast_io':>12} {'ratio':>7}  unit")
    for metric, (base, unit) in runs["asyncio"].items():
        fast = runs["fast_io"].get(metric, (float("nan"), unit))[0]
        ratio = fast / base if base else float("nan")
        print(f"  {metric:40} {fmt(base):>12} {fmt(fast):>12} {ratio:7.2f}  {unit}")
    return True


def main(names):
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        paths = [HERE / f"bench_{n}.py" for n in names]
    with tempfile.TemporaryDirectory() as tmp:
        board = Board(tmp)
        print("MicroPython", board.output("import sys\nprint(sys.version)").strip())
        ok = all([run_bench(board, p) for p in paths])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
