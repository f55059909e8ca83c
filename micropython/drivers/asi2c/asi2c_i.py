# asi2c_i: the Initiator end of the asi2c link: a Pyboard whose pyb.I2C is the I2C target
# (slave), with blocking send()/recv(). It starts every exchange, every t_poll ms. MIT license.

import asyncio
from time import ticks_diff, ticks_us

from asi2c import Channel

_TIMEOUT_MS = const(1000)  # a step the Responder does not answer in this time fails the link


class Initiator(Channel):
    t_poll = 100
    rxbufsize = 200

    def __init__(
        self,
        i2c,
        pin,
        pinack,
        reset=None,
        verbose=True,
        cr_go=False,
        go_args=(),
        cr_fail=False,
        f_args=(),
    ):
        super().__init__(i2c, pin, pinack, verbose, self.rxbufsize)
        self.reset = reset
        self.cr_go = cr_go
        self.go_args = go_args
        self.cr_fail = cr_fail
        self.f_args = f_args
        if reset is not None:
            reset[0].init(reset[0].OUT, value=not reset[1])
        self.nboots = 0
        self.block_max = self.block_sum = self.block_cnt = 0
        asyncio.create_task(self._run())

    async def reboot(self):
        self.close()
        if self.reset is not None:
            pin, level, ms = self.reset
            pin(level)
            await asyncio.sleep_ms(ms)
            pin(not level)

    async def _run(self):
        while True:
            await self.reboot()
            self.rxbuf = b""
            self.tx = None
            self.cantx = True
            await self._sync()
            await asyncio.sleep(1)  # the Responder installs its interrupt handler
            if self.cr_go:
                asyncio.create_task(self.cr_go(*self.go_args))
            while True:
                t = ticks_us()
                try:
                    self._sendrx()
                except OSError:
                    break
                t = ticks_diff(ticks_us(), t)
                self.block_max = max(self.block_max, t)
                self.block_sum += t
                self.block_cnt += 1
                await asyncio.sleep_ms(self.t_poll)
            self.nboots += 1
            if self.verbose:
                print("Initiator: Responder fail.")
            if self.cr_fail:
                await self.cr_fail(*self.f_args)
            if self.reset is None:
                self.close()
                raise OSError("Responder fail.")

    def _waitfor(self, val):
        t = ticks_us()
        while self.rem() != val:
            if ticks_diff(ticks_us(), t) > _TIMEOUT_MS * 1000:
                raise OSError("Responder timeout")

    def _step(self, op, buf):
        # One handshake-framed I2C op: sync up, the op, ack up, sync down, ack down
        self.own(1)
        r = op(buf, timeout=_TIMEOUT_MS)
        self._waitfor(1)
        self.own(0)
        self._waitfor(0)
        return r

    def _sendrx(self):
        # One exchange, synchronous (the Responder answers in its interrupt handler)
        tx = self.tx if self.cantx else None
        send = self.i2c.send
        self._step(send, self._header(len(tx) if tx else 0))
        if tx:
            self._step(send, tx)
            self.tx = None
        n = self._got_header(self._step(self.i2c.recv, 2))
        if n:
            self.rxbuf += self._step(self.i2c.recv, n)
