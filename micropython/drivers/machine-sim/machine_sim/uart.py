"""A simulated ``machine.UART`` whose wire is a loopback socket.

Bytes written to ``uart.wire`` (the far end of the cable) arrive at the UART's receiver, and
what the driver writes to the UART can be read from ``uart.wire``. The UART reports its
socket's file descriptor to ``select.poll`` (``MP_STREAM_GET_FILENO``), so an asyncio
``StreamReader`` waits on it exactly as it waits on a real UART, with no polling period.
"""

import io
import select

from .loopback import socket_pair

_MP_STREAM_POLL = const(3)
_MP_STREAM_CLOSE = const(4)
_MP_STREAM_GET_FILENO = const(10)
_POLLIN = const(1)


class UART(io.IOBase):
    def __init__(self, id=0, baudrate=9600, bits=8, parity=None, stop=1, **kw):
        self._rx, self.wire = socket_pair()
        self._rx.setblocking(False)
        self._fd = self._rx.fileno()
        self._poller = select.poll()
        self._poller.register(self._rx, select.POLLIN)
        self.init(baudrate, bits, parity, stop, **kw)

    def init(self, baudrate=9600, bits=8, parity=None, stop=1, **kw):
        self.baudrate = baudrate
        self.bits = bits
        self.parity = parity
        self.stop = stop

    def any(self):
        # Like the real UART on most ports: non-zero when a read would return data.
        return 1 if self._poller.poll(0) else 0

    def read(self, nbytes=-1):
        if nbytes is None or nbytes < 0:
            return self._rx.read()
        return self._rx.read(nbytes)

    def readinto(self, buf, nbytes=None):
        if nbytes is None:
            return self._rx.readinto(buf)
        return self._rx.readinto(buf, nbytes)

    def readline(self):
        return self._rx.readline()

    def write(self, buf):
        return self._rx.write(buf)

    def ioctl(self, req, arg):
        if req == _MP_STREAM_GET_FILENO:
            return self._fd
        if req == _MP_STREAM_POLL:
            return arg & _POLLIN if self.any() else 0
        if req == _MP_STREAM_CLOSE:
            self.deinit()
            return 0
        return -1

    def deinit(self):
        self._rx.close()
        self.wire.close()
