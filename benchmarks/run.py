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

A bench whose source has a line ``ROUNDS = <n>`` runs n times on each loop, the loops taking
turns, so a burst of load on the host falls on both alike; each figure is then the median of
its n values, and the ratio the median of the n rounds' own ratios. The loop that goes first changes from round to round (built-in, fast_io; fast_io,
built-in; ...): the second process of a pair measures a few per cent slower at idle, so an even
n gives each loop that place equally often.
"""

import re
import statistics
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


def median(rounds):
    # Each metric's median over the rounds (a metric missing from some rounds: over the rest).
    out = {}
    for metric, (_, unit) in rounds[0].items():
        values = [r[metric][0] for r in rounds if metric in r]
        out[metric] = (statistics.median(values), unit)
    return out


def run_bench(board, path):
    code = path.read_text()
    found = re.search(r"^ROUNDS = (\d+)", code, re.M)
    rounds = int(found.group(1)) if found else 1
    runs = {"asyncio": [], "fast_io": []}
    for n in range(rounds):
        for loop in sorted(runs, reverse=n % 2 == 1):
            proc = board.run(code, loop=loop, path=[HERE], timeout=600, check=False)
            if proc.returncode:
                print(f"{path.name} failed on {loop}:\n{proc.stdout}{proc.stderr}")
                return False
            runs[loop].append(results(proc.stdout))
    ratios = paired_ratios(runs["asyncio"], runs["fast_io"])
    runs = {loop: median(r) for loop, r in runs.items()}
    print(
        f"\n{path.stem}"
        + (f" (median of {rounds} rounds, loops alternating)" if rounds > 1 else "")
    )
    print(f"  {'metric':40} {'built-in':>12} {'fast_io':>12} {'ratio':>7}  unit")
    for metric, (base, unit) in runs["asyncio"].items():
        fast = runs["fast_io"].get(metric, (float("nan"), unit))[0]
        ratio = ratios.get(metric, float("nan"))
        print(f"  {metric:40} {fmt(base):>12} {fmt(fast):>12} {ratio:7.2f}  {unit}")
    return True


def paired_ratios(base_rounds, fast_rounds):
    # Each metric's ratio: the median of the rounds' own ratios (each round's two runs ran
    # back to back, so a slow drift of the host cancels out in each ratio)
    out = {}
    for metric in base_rounds[0]:
        each = [
            f[metric][0] / b[metric][0]
            for b, f in zip(base_rounds, fast_rounds, strict=True)
            if metric in b and metric in f and b[metric][0]
        ]
        if each:
            out[metric] = statistics.median(each)
    return out


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
