"""The harness itself: programs run on the real unix port, against the staged packages."""

import pytest
from harness import MicroPythonError


def test_runs_on_the_unix_port(board):
    out = board.output(
        "import sys\nprint(sys.implementation.name, sys.implementation._mpy & 0xff)"
    )
    assert out.split() == ["micropython", "6"]


def test_failure_is_reported_with_output(board):
    with pytest.raises(MicroPythonError, match="ZeroDivisionError"):
        board.run("print('before')\n1/0")


def test_packages_are_staged_with_version(board):
    out = board.output("import machine_sim\nprint(machine_sim.__version__)")
    assert out.strip() == board.packages["machine-sim"].version


def test_simulated_uart_carries_bytes_both_ways(board):
    code = """
import asyncio
from machine_sim import UART

async def main():
    uart = UART(baudrate=9600)
    reader = asyncio.StreamReader(uart)
    uart.wire.write(b'$GPRMC,1\\r\\n')
    print(await reader.readline())
    writer = asyncio.StreamWriter(uart, {})
    writer.write(b'PMTK')
    await writer.drain()
    print(uart.wire.read(4))

asyncio.run(main())
"""
    assert board.output(code).splitlines() == ["b'$GPRMC,1\\r\\n'", "b'PMTK'"]
