"""Smoke test of the event loop, primitives and GPS benchmarks: each runs (with ``--quick``, tiny sizes) on both
loops and reports its figures as ``RESULT`` lines. No timing is asserted: the figures belong
to ``./tools/bench.sh``; this only keeps the programs from rotting.
"""

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
LOOP_BENCHES = (
    "step",
    "timer",
    "socket",
    "cancel",
    "garbage",
    "starvation",
    "ram",
    "idle",
    "echo",
    "links",
    "asi2c",
)
OTHER_BENCHES = ("primitives", "gps")  # bench_switch and bench_nec: their drivers' tests


def results(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == "RESULT":
            assert len(parts) >= 4, line
            out[parts[1]] = float(parts[2])
    return out


@pytest.mark.parametrize("name", LOOP_BENCHES + OTHER_BENCHES)
def test_benchmark_reports_results(board, name):
    code = (BENCHMARKS / f"bench_{name}.py").read_text()
    builtin, fast_io = (
        results(board.output(code, loop, path=[BENCHMARKS], args=["--quick"], timeout=120))
        for loop in ("asyncio", "fast_io")
    )
    assert builtin
    assert set(fast_io) == set(builtin)
