"""Simulated hardware for the MicroPython unix port: the ``machine`` parts drivers use."""

from .uart import UART

__all__ = ("UART",)
