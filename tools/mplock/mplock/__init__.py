"""mplock: lock files, exact installs and on-board verification for MicroPython mip packages."""

__version__ = "0.1.0"
