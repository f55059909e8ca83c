"""A simulated ``machine.I2C`` bus with pluggable device models.

A device model subclasses ``I2CDevice`` and says what it does with the bytes a controller
writes and what it answers to a read; ``I2CMemory`` is a ready-made register-file device
(the usual "write the register address, then read or write from there" protocol, as
``readfrom_mem`` and ``writeto_mem`` use it). Attach models to a bus with ``i2c.attach()``.
``I2C(id)`` names one bus, so a test and the program under test that both build ``I2C(0)``
share its devices.

Errors are the firmware's (soft I2C, ESP32, ...): an address that no device acknowledges
raises ``OSError(errno.ENODEV)`` (19) from every transfer; a data byte the device refuses
(``write`` returning fewer bytes than it was given) ends the write, and ``writeto`` returns
the number of bytes acknowledged. A model may raise ``OSError(errno.ETIMEDOUT)`` (110) itself
to act out a device holding the clock low.
"""

import errno

_buses = {}  # id -> {address: device}
_SCAN_FIRST = const(0x08)
_SCAN_LAST = const(0x77)


class I2CDevice:
    """Base class of device models: override ``write`` and ``read``."""

    def __init__(self, addr):
        self.addr = addr

    def write(self, data):
        """Bytes written by the controller in one transfer; return how many were acked."""
        return len(data)

    def read(self, nbytes):
        """Return ``nbytes`` bytes for the controller (default: an idle bus reads 0xff)."""
        return b"\xff" * nbytes

    def stop(self):
        """The controller ended the transaction with a STOP condition."""


class I2CMemory(I2CDevice):
    """A device with ``size`` byte registers and an auto-incrementing register pointer.

    A write sets the pointer from its first ``addrsize // 8`` bytes (big-endian), then stores
    the rest from there; a read returns bytes from the pointer on. ``mem`` holds the registers.
    """

    def __init__(self, addr, size=256, addrsize=8):
        super().__init__(addr)
        self.mem = bytearray(size)
        self.addrsize = addrsize
        self.ptr = 0

    def write(self, data):
        n = self.addrsize // 8
        if len(data) < n:
            return len(data)
        ptr = 0
        for b in data[:n]:
            ptr = ptr << 8 | b
        size = len(self.mem)
        for b in data[n:]:
            self.mem[ptr % size] = b
            ptr += 1
        self.ptr = ptr % size
        return len(data)

    def read(self, nbytes):
        size = len(self.mem)
        out = bytes(self.mem[(self.ptr + i) % size] for i in range(nbytes))
        self.ptr = (self.ptr + nbytes) % size
        return out


class I2C:
    def __init__(self, id=0, *, scl=None, sda=None, freq=400_000, timeout=50_000):
        self.id = id
        self._devices = _buses.setdefault(id, {})
        self.init(scl=scl, sda=sda, freq=freq, timeout=timeout)

    def init(self, *, scl=None, sda=None, freq=400_000, timeout=50_000):
        self.scl = scl
        self.sda = sda
        self.freq = freq
        self.timeout = timeout

    def deinit(self):
        pass

    # The simulated bus.

    def attach(self, device):
        """Connect a device model to the bus (replacing any at its address); return it."""
        self._devices[device.addr] = device
        return device

    def detach(self, addr):
        """Disconnect the device at ``addr``: it stops acknowledging."""
        self._devices.pop(addr, None)

    def _device(self, addr):
        dev = self._devices.get(addr)
        if dev is None:
            raise OSError(errno.ENODEV)
        return dev

    # machine.I2C

    def scan(self):
        return [a for a in range(_SCAN_FIRST, _SCAN_LAST + 1) if a in self._devices]

    def writeto(self, addr, buf, stop=True):
        dev = self._device(addr)
        acked = dev.write(bytes(buf))
        if stop:
            dev.stop()
        return len(buf) if acked is None else acked

    def writevto(self, addr, vector, stop=True):
        return self.writeto(addr, b"".join(bytes(b) for b in vector), stop)

    def readfrom(self, addr, nbytes, stop=True):
        dev = self._device(addr)
        data = bytes(dev.read(nbytes))
        if len(data) != nbytes:
            raise ValueError("I2CDevice.read returned %d bytes, not %d" % (len(data), nbytes))
        if stop:
            dev.stop()
        return data

    def readfrom_into(self, addr, buf, stop=True):
        buf[:] = self.readfrom(addr, len(buf), stop)

    def _memaddr(self, memaddr, addrsize):
        return memaddr.to_bytes(addrsize // 8, "big")

    def readfrom_mem(self, addr, memaddr, nbytes, *, addrsize=8):
        self.writeto(addr, self._memaddr(memaddr, addrsize), False)
        return self.readfrom(addr, nbytes)

    def readfrom_mem_into(self, addr, memaddr, buf, *, addrsize=8):
        self.writeto(addr, self._memaddr(memaddr, addrsize), False)
        self.readfrom_into(addr, buf)

    def writeto_mem(self, addr, memaddr, buf, *, addrsize=8):
        # Like the firmware, a refused data byte ends the write without an exception.
        self.writeto(addr, self._memaddr(memaddr, addrsize) + bytes(buf))


SoftI2C = I2C
