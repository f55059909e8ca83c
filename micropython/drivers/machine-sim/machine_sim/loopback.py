"""A connected pair of loopback TCP sockets: two real file descriptors for simulated wires.

The unix port has neither ``socket.socketpair`` nor ``os.pipe``, and its sockets have no
``getsockname``, so a listener is bound to a free port found by trying, then connected to.
Real descriptors matter: ``select.poll`` waits on them like on a real UART, while any other
pollable object makes every poll on the unix port take at least 1 ms.
"""

import socket
import time

_PORT_FIRST = const(20000)
_PORT_SPAN = const(20000)


def socket_pair():
    """Return ``(a, b)``, two blocking sockets connected to each other over 127.0.0.1."""
    start = time.ticks_us() % _PORT_SPAN
    for i in range(_PORT_SPAN):
        addr = socket.getaddrinfo("127.0.0.1", _PORT_FIRST + (start + i) % _PORT_SPAN)[0][-1]
        listener = socket.socket()
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(addr)
            listener.listen(1)
        except OSError:
            listener.close()
            continue
        try:
            a = socket.socket()
            a.connect(addr)
            b, _ = listener.accept()
        finally:
            listener.close()
        return a, b
    raise OSError("no free loopback port")
