"""GPS reader that also sends MTK3329/MTK3339 (PMTK) commands: baud rate, update rate,
enabled sentences, restarts, standby and antenna reports, and handles their replies."""

import as_GPS

try:
    from micropython import const
except ImportError:  # CPython

    def const(x):
        return x


HOT_START = const(1)
WARM_START = const(2)
COLD_START = const(3)
FULL_COLD_START = const(4)
STANDBY = const(5)
DEFAULT_SENTENCES = const(6)
VERSION = const(7)
ENABLE = const(8)
ANTENNA = const(9)
NO_ANTENNA = const(10)

_COMMANDS = {
    HOT_START: "PMTK101",
    WARM_START: "PMTK102",
    COLD_START: "PMTK103",
    FULL_COLD_START: "PMTK104",  # also restores the factory settings
    STANDBY: "PMTK161,0",
    DEFAULT_SENTENCES: "PMTK314,-1",
    VERSION: "PMTK605",  # the reply PMTK705 sets .version
    ENABLE: "PMTK414",  # the reply PMTK514 sets .enabled
    ANTENNA: "PGCMD,33,1",  # the receiver then sends PGTOP, which sets .antenna
    NO_ANTENNA: "PGCMD,33,0",
}
_BAUDRATES = (4800, 9600, 14400, 19200, 38400, 57600, 115200)
_ENABLED = ("gll", "rmc", "vtg", "gga", "gsa", "gsv")


def sentence(body):
    """The complete NMEA sentence for ``body`` (the text between '$' and '*'), as bytes."""
    crc = 0
    for c in body.encode():
        crc ^= c
    return "${:s}*{:02X}\r\n".format(body, crc).encode()


class GPS(as_GPS.AS_GPS):
    def __init__(self, sreader, swriter, local_offset=0, fix_cb=lambda *_: None, cb_mask=as_GPS.RMC,
                 fix_cb_args=(), msg_cb=lambda *_: None, msg_cb_args=()):  # fmt: skip
        super().__init__(sreader, local_offset, fix_cb, cb_mask, fix_cb_args)
        self._swriter = swriter
        self._msg_cb = msg_cb
        self._msg_cb_args = msg_cb_args
        self.version = None  # fields of the PMTK705 reply
        self.enabled = None  # {'gll': n, ..., 'chan': n}: n = every n fixes, 0 = off
        self.antenna = 0  # 1 = antenna fault, 2 = internal, 3 = external
        self._update_ms = 1000

    async def _send(self, body):
        self._swriter.write(sentence(body))
        await self._swriter.drain()

    async def baudrate(self, value=9600):
        """Ask for a new baud rate; the caller then sets the UART to it."""
        if value not in _BAUDRATES:
            raise ValueError("Invalid baudrate {:d}.".format(value))
        await self._send("PMTK251,{:d}".format(value))

    async def update_interval(self, ms=1000):
        """Ask for a fix every ``ms`` (100..10000) ms."""
        if not 100 <= ms <= 10000:
            raise ValueError("Invalid update interval {:d}ms.".format(ms))
        self._update_ms = ms  # the PPS timer needs it
        await self._send("PMTK220,{:d}".format(ms))

    async def enable(self, *, gll=0, rmc=1, vtg=1, gga=1, gsa=1, gsv=5, chan=0):
        """Choose the sentences sent: N = every N fixes, 0 = never. Defaults: the factory's."""
        fields = [gll, rmc, vtg, gga, gsa, gsv] + [0] * 12 + [chan]
        for n in fields:
            if not 0 <= n <= 5:
                raise ValueError("Invalid sentence rate {:d}.".format(n))
        await self._send("PMTK314," + ",".join([str(n) for n in fields]))

    async def command(self, cmd):
        """Send one of the fixed commands: HOT_START ... NO_ANTENNA."""
        if cmd not in _COMMANDS:
            raise ValueError("Invalid command {}.".format(cmd))
        await self._send(_COMMANDS[cmd])

    def parse(self, fields):
        # The receiver's replies and reports. Any other PMTK sentence (e.g. PMTK001, the
        # acknowledgement) goes to msg_cb as it came.
        sid = fields[0]
        try:
            if sid == "PMTK705":
                self.version = fields[1:]
                msg = ["version"] + self.version
            elif sid == "PMTK514":
                if len(fields) != 20:
                    return False
                enabled = {k: int(fields[i + 1]) for i, k in enumerate(_ENABLED)}
                enabled["chan"] = int(fields[19])
                self.enabled = enabled
                msg = ["enabled", enabled]
            elif sid == "PGTOP":
                self.antenna = int(fields[2])
                msg = ["antenna", self.antenna]
            elif sid.startswith("PMTK"):
                msg = fields
            else:
                return False
        except (ValueError, IndexError):
            return False
        self._msg_cb(self, msg, *self._msg_cb_args)
        return True
