"""Simulated hardware for the MicroPython unix port: the ``machine`` parts drivers use.

``install()`` makes ``import machine`` give this module, so a program written for a board
(``from machine import Pin, I2C, UART``) runs unchanged on the unix port. Names this module
does not define come from the port's own ``machine`` (``Signal``, ``PinBase``, ...).
It also makes ``import time`` give ``machine_sim.clock``: the real clock, except that a hard
interrupt handler reads its edge's time, however late a loaded host runs the simulation.
Call it before importing the program under test. (``asyncio``, imported with this package,
keeps the real clock; install another event loop before calling it, for the same reason.)
"""

import sys

import machine as _machine

from . import clock
from .i2c import I2C, I2CDevice, I2CMemory, SoftI2C
from .pin import Pin, disable_irq, enable_irq
from .uart import UART
from .waveform import play, pulses

__all__ = (
    "I2C",
    "I2CDevice",
    "I2CMemory",
    "Pin",
    "SoftI2C",
    "UART",
    "disable_irq",
    "enable_irq",
    "install",
    "play",
    "pulses",
)


def install():
    """Make ``import machine`` import the simulated parts, and ``import time`` the clock."""
    sys.modules["machine"] = sys.modules[__name__]
    sys.modules["time"] = sys.modules["utime"] = clock


def __getattr__(name):
    return getattr(_machine, name)
