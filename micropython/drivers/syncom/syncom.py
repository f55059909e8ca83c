# syncom: a full-duplex link between two boards over four GPIO wires, clocked by both ends
# (the 2019 SynCom: no interrupts, no timers, no timing dependencies; slow). MIT license.
#
# Each end drives dout and ckout and reads din and ckin (the other end's dout and ckout). A bit
# moves on each clock edge: an end waits for ckin to reach the phase it expects, samples din,
# drives its next bit on dout and toggles ckout, so the two ends clock each other in turn.
# At the start both ends send _SYN (8 bits) over and over; an end that has received one knows
# where the other's units start, and sends _SOD (8 zero bits), then 7-bit characters, LSB
# first. A message is its characters, two check characters and a 0; idle ends send 0s. A check
# that fails, a clock edge not seen within the timeout, or stop() ends the link: both ends start
# again from _SYN (the initiator resets the passive end first, given sig_reset), and the
# messages queued or half received are dropped, so none arrives twice, out of order or in part.

import asyncio
from time import ticks_diff, ticks_ms

try:
    import pickle as _codec  # micropython-lib's, as in 2019
except ImportError:
    import json as _codec  # the firmware has no pickle: objects travel as JSON

_SYN = const(0x9D)
_SOD = const(0)
_BITS_SYN = const(8)
_BITS_PER_CH = const(7)
_HUNT = const(0)  # receiver: looking for _SYN, bit by bit
_ALIGNED = const(1)  # receiver: found _SYN; more of them, then _SOD
_DATA = const(2)  # receiver: characters


class SynComError(Exception):
    pass


def _check(data):
    # Two check characters (a Fletcher sum), each 1..127: 7 bits, never the terminating 0
    s1 = s2 = 0
    for c in data:
        s1 += c
        s2 += s1
    return bytes((s1 % 127 + 1, s2 % 127 + 1))


class SynCom:
    # The longest message (characters) an end receives; longer ends the link. Set it before
    # instantiation, alike at both ends (send() refuses longer messages).
    rxbufsize = 4096

    def __init__(
        self,
        passive,
        ckin,
        ckout,
        din,
        dout,
        sig_reset=None,
        timeout=0,
        string_mode=False,
        verbose=True,
    ):
        self._passive = passive
        self._ckin = ckin
        self._ckout = ckout
        self._din = din
        self._dout = dout
        self._sig_reset = sig_reset
        self._timeout = timeout
        self._string_mode = string_mode
        self._verbose = verbose
        self._running = False
        self._synchronised = False
        self._txq = []
        self._rxq = []
        self._task = None

    # The application's side

    def send(self, obj):
        """Queue ``obj`` (a string in string mode, else any object the codec takes).

        The object is encoded now, so later changes to it are not sent. Raises ``SynComError``
        while the link is not up (the message could not arrive), ``ValueError`` for a
        character the link cannot carry (0 or above 127).
        """
        data = obj if self._string_mode else _codec.dumps(obj)
        data = data.encode() if isinstance(data, str) else bytes(data)
        if len(data) > self.rxbufsize:
            raise ValueError("message longer than rxbufsize")
        for c in data:
            if not 0 < c < 128:
                raise ValueError("SynCom carries characters 1..127")
        if not self._synchronised:
            raise SynComError("SynCom link not up")
        self._txq.append(data + _check(data) + b"\x00")

    def any(self):
        """How many received objects wait to be read; ``None`` while the link is not running."""
        return len(self._rxq) if self._running else None

    def running(self):
        return self._running

    def stop(self):
        """End the link (the other end times out): outputs low, a new start from _SYN."""
        self._running = self._synchronised = False
        self._dout(0)
        self._ckout(0)

    async def await_obj(self, t_ms=10):
        """The next received object, oldest first; ``None`` if the link stops first."""
        while self._running:
            if self._rxq:
                return self._rxq.pop(0)
            await asyncio.sleep_ms(t_ms)
        return None

    async def start(self, user_task=None, awaitable=None):
        """Run the link for ever: (re)synchronise, then ``await user_task(self)``; again when it
        returns or the link fails. ``awaitable`` (or a function returning one) is awaited
        after each cycle."""
        again = False
        while True:
            if not self._running:
                if again and self._timeout:
                    # Silent for longer than the other end's timeout, so that it sees the
                    # failure too (it may still be clocking its half of a broken exchange).
                    await asyncio.sleep_ms(self._timeout + 100)
                again = True
                self._txq.clear()
                self._rxq.clear()
                self._synchronised = False
                self._running = True
                if self._task is not None:
                    self._task.cancel()  # a run that has not seen the last stop() yet
                self._task = asyncio.create_task(self._run())
                while self._running and not self._synchronised:
                    await asyncio.sleep_ms(100)
                if self._running and user_task is not None:
                    try:
                        await user_task(self)
                    except SynComError:
                        pass  # a send() as the link failed
                    self.stop()  # whatever ended the user task, start again
            if awaitable is not None:
                await (awaitable() if callable(awaitable) else awaitable)
            await asyncio.sleep_ms(100)

    # The link

    async def reset(self):
        # Restart the passive end: its reset held 100 ms, then 1 s for it to boot
        self._sig_reset.on()
        await asyncio.sleep_ms(100)
        self._sig_reset.off()
        await asyncio.sleep_ms(1000)

    async def _run(self):
        try:
            if self._sig_reset is not None:
                await self.reset()
            await self._link()
        except SynComError as e:
            if self._verbose:
                print("SynCom", e.args[0] if e.args else "error")
        self.stop()

    async def _link(self):
        ckin, din, dout, ckout = self._ckin, self._din, self._dout, self._ckout
        timeout = self._timeout
        rxmax = self.rxbufsize + 2  # and the check characters
        dout(0)
        ckout(0)
        phase = 1  # the ckin level awaited next
        flip = 0 if self._passive else 1  # the passive end's ckout follows ckin
        # Transmitter: the unit being sent, its bits left, the message being sent
        ounit = _SYN
        obits = _BITS_SYN
        osync = True
        msg = None
        opos = 0
        # Receiver
        state = _HUNT
        iunit = ibits = 0
        rx = bytearray()
        if not self._passive:
            # The initiator drives its first bit and raises its clock before any exchange.
            dout(ounit & 1)
            ounit >>= 1
            obits -= 1
            ckout(1)
        # The passive end waits for the initiator's first edge as long as it takes (it may be
        # resetting this board); after that, an edge not seen in time ends the link, and so
        # does a link not synchronised in time (the other end sends data this end cannot place).
        first = self._passive
        t0 = ticks_ms()
        while True:
            # Wait for the other end's clock edge
            if ckin() != phase:
                t = ticks_ms()
                while ckin() != phase:
                    if not self._running:
                        raise SynComError("was stopped.")
                    if timeout and not first and ticks_diff(ticks_ms(), t) > timeout:
                        raise SynComError("Timeout.")
                    await asyncio.sleep_ms(0)
            if first:
                first = False
                t0 = ticks_ms()
            elif timeout and state != _DATA and ticks_diff(ticks_ms(), t0) > timeout:
                raise SynComError("Timeout.")
            ibit = din()
            # The next bit out
            if not obits:
                if osync:
                    if state == _HUNT:
                        ounit = _SYN
                    else:
                        ounit = _SOD  # the other end's _SYN arrived: data follows
                        osync = False
                    obits = _BITS_SYN
                else:
                    if msg is None and self._txq:
                        msg = self._txq.pop(0)
                        opos = 0
                    if msg is None:
                        ounit = 0
                    else:
                        ounit = msg[opos]
                        opos += 1
                        if opos == len(msg):
                            msg = None
                    obits = _BITS_PER_CH
            dout(ounit & 1)
            ounit >>= 1
            obits -= 1
            ckout(phase ^ flip)
            phase ^= 1
            # The bit in
            if state == _HUNT:
                iunit = iunit >> 1 | ibit << 7
                if iunit == _SYN:
                    state = _ALIGNED
                    iunit = ibits = 0
                continue
            iunit |= ibit << ibits
            ibits += 1
            if state == _ALIGNED:
                if ibits == _BITS_SYN:
                    if iunit == _SOD:
                        state = _DATA
                        self._synchronised = True
                    elif iunit != _SYN:
                        raise SynComError("lost sync.")
                    iunit = ibits = 0
            elif ibits == _BITS_PER_CH:
                if iunit:
                    if len(rx) > rxmax:
                        raise SynComError("message too large.")  # or a stream gone astray
                    rx.append(iunit)
                elif rx:
                    self._deliver(rx)
                    rx = bytearray()
                iunit = ibits = 0

    def _deliver(self, rx):
        data = rx[:-2]
        if len(rx) < 2 or _check(data) != rx[-2:]:
            raise SynComError("bad message.") from None
        try:
            obj = data.decode()
            if not self._string_mode:
                obj = _codec.loads(obj)
        except Exception:
            raise SynComError("bad message.") from None
        self._rxq.append(obj)
