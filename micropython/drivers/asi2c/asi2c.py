# asi2c: a full-duplex stream link between two boards over I2C and two handshake wires (the
# 2019 I2C link). This module: the Channel both ends share, and the Responder (the I2C
# controller; any board with machine.I2C). asi2c_i holds the Initiator. MIT license.
#
# An exchange is four steps, each framed by the handshake: the Initiator raises its sync pin
# and blocks in its I2C op, the Responder does its side of the op in the sync pin's interrupt
# and raises ack; the Initiator lowers sync, the Responder lowers ack. The steps: the
# Initiator's header, its payload (if any), the Responder's header, its payload (if any). A
# header is 2 bytes, little-endian: the payload's length, with bit 15 set to say "I hold
# unread data: send me no payload" (flow control).

import asyncio
import io

_MP_STREAM_POLL = const(3)
_MP_STREAM_ERROR = const(-1)
_POLLIN = const(1)
_POLLOUT = const(4)
_HOLD = const(0x8000)


class Channel(io.IOBase):
    def __init__(self, i2c, own, rem, verbose, rxbufsize):
        self.i2c = i2c
        self.own = own
        self.rem = rem
        self.verbose = verbose
        self.rxbufsize = rxbufsize
        own.init(own.OUT, value=1)  # the pins' own constants: any Pin class will do
        rem.init(rem.IN, rem.PULL_UP)
        self.synchronised = False
        self.cantx = True  # the other end's last header did not hold us off
        self.rxbuf = b""
        self.tx = None  # the payload being sent, header first

    def _header(self, n):
        # The header of a payload of n bytes (0: none), with our hold-off flag
        n |= _HOLD if self.rxbuf else 0
        return bytes((n & 0xFF, n >> 8))

    def _got_header(self, hdr):
        # The other end's header: its payload's length; whether it holds us off
        n = hdr[0] | hdr[1] << 8
        self.cantx = not n & _HOLD
        n &= ~_HOLD
        if n > self.rxbufsize:
            raise OSError("Receive data too large for buffer.")
        return n

    async def _sync(self):
        self.own(0)
        while self.rem():
            await asyncio.sleep_ms(100)
        self.synchronised = True

    async def ready(self):
        while not self.synchronised:
            await asyncio.sleep_ms(100)

    def close(self):
        self.own(1)  # as at power-up: a later run synchronises again
        self.synchronised = False

    # The stream interface (StreamReader, StreamWriter)

    def ioctl(self, req, arg):
        if req != _MP_STREAM_POLL:
            return _MP_STREAM_ERROR
        ret = 0
        if self.synchronised:
            if arg & _POLLIN and self.rxbuf:
                ret |= _POLLIN
            if arg & _POLLOUT and self.tx is None and self.cantx:
                ret |= _POLLOUT
        return ret

    def readline(self):
        n = self.rxbuf.find(b"\n") + 1
        return self.read(n or len(self.rxbuf))

    def read(self, n=-1):
        if n is None or n < 0:
            n = len(self.rxbuf)
        data = self.rxbuf[:n]
        self.rxbuf = self.rxbuf[n:]
        return data

    def readinto(self, buf):
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def write(self, buf, off=0, sz=None):
        # Takes str (as 2019) or bytes. Returns 0 (nothing taken) until the link is up and the
        # last payload has gone: the StreamWriter waits for ioctl to say writable.
        data = buf[off:] if sz is None else buf[off : off + sz]
        if len(data) > self.rxbufsize:
            raise ValueError("Receive data too large for buffer.")  # the other end's too
        if not self.synchronised or self.tx is not None:
            return 0
        self.tx = data.encode() if isinstance(data, str) else bytes(data)
        return len(data)


class Responder(Channel):
    addr = 0x12
    rxbufsize = 200

    def __init__(self, i2c, pin, pinack, verbose=True):
        super().__init__(i2c, pinack, pin, verbose, self.rxbufsize)
        self._step = 0
        self._n = 0  # the payload length announced by the Initiator's header
        asyncio.create_task(self._run())

    async def _run(self):
        await self._sync()
        self.rem.irq(self._handler, self.rem.IRQ_RISING | self.rem.IRQ_FALLING)

    def _handler(self, pin):
        # One handshake edge: on the rising one, this end's side of the step's I2C op, then
        # ack; on the falling one, ack back down and on to the next step.
        if not pin():
            self.own(0)
            return
        step = self._step
        try:
            if step == 0:  # the Initiator's header
                hdr = bytearray(2)
                self.i2c.readfrom_into(self.addr, hdr)
                self._n = self._got_header(hdr)
                step = 1 if self._n else 2
            elif step == 1:  # its payload
                buf = bytearray(self._n)
                self.i2c.readfrom_into(self.addr, buf)
                self.rxbuf += buf
                step = 2
            elif step == 2:  # our header
                tx = self.tx if self.cantx else None
                self.i2c.writeto(self.addr, self._header(len(tx) if tx else 0))
                step = 3 if tx else 0
            else:  # our payload
                self.i2c.writeto(self.addr, self.tx)
                self.tx = None
                step = 0
        except OSError:
            # The Initiator left the exchange (it timed out, or restarts): start over with it
            step = 0
        self._step = step
        self.own(1)
