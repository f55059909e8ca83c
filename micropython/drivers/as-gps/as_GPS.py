"""Asynchronous NMEA-0183 GPS reader: a task reads sentences from a stream and keeps position,
course, speed, altitude, satellites and time up to date.

Runs on MicroPython (v1.20+) and on CPython 3.10+. Every sentence is parsed into locals and
checked before anything is stored, so a sentence that is malformed, fails its checksum or
reports no fix never changes a value the driver reports.
"""

import time

try:
    import asyncio
except ImportError:  # MicroPython before v1.21
    import uasyncio as asyncio

try:
    from micropython import const
except ImportError:  # CPython

    def const(x):
        return x


try:
    from time import ticks_diff, ticks_ms
except ImportError:  # CPython

    def ticks_ms():
        return int(time.monotonic() * 1000)

    def ticks_diff(a, b):
        return a - b


# Angle formats
DD = const(1)
DMS = const(2)
DM = const(3)
KML = const(4)
# Speed units
KPH = const(10)
MPH = const(11)
KNOT = const(12)
# Date formats
MDY = const(20)
DMY = const(21)
LONG = const(22)
# Sentence types: fix_cb masks and the msg_type argument of the callback
RMC = const(1)
GLL = const(2)
VTG = const(4)
GGA = const(8)
GSA = const(16)
GSV = const(32)
# The sentence types that carry each kind of data
POSITION = const(11)  # RMC | GLL | GGA
ALTITUDE = const(8)  # GGA
DATE = const(1)  # RMC
COURSE = const(5)  # RMC | VTG

# What data_received() waits for; separate from the sentence bits because an optional field
# (course, altitude) left empty does not count.
_HAS_POSITION = const(1)
_HAS_COURSE = const(2)
_HAS_DATE = const(4)
_HAS_ALTITUDE = const(8)
_HAS_ANY = const(16)
_HAS_SATELLITES = const(32)

_STAR = const(0x2A)
_KNOT_KPH = 1.852  # a knot is 1852 m an hour, exactly
_KNOT_MPH = 1.852 / 1.609344

# Talker IDs of satellite receivers (NMEA 0183 v4.11, plus BD, BeiDou's older ID).
_TALKERS = ("GP", "GL", "GA", "GB", "BD", "GQ", "GI", "GN")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MS_SCALE = (0, 100, 10, 1)  # by the number of digits after the seconds' point
_COMPASS = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _days(y, m, d):
    """Days from 1970-01-01 to the given proleptic Gregorian date."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _civil(days):
    """(year, month, day) of a day count from 1970-01-01: the inverse of _days."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, doy - (153 * mp + 2) // 5 + 1


# epoch_time counts from the platform's epoch (1970, or 2000 on many boards), so that
# time.gmtime(gps.epoch_time) gives the fix's date and time.
_EPOCH_DAYS = _days(time.gmtime(0)[0], 1, 1)


def _hex(c):
    """Value of one ASCII hex digit (either case); 256 for anything else."""
    if 48 <= c <= 57:
        return c - 48
    c |= 0x20
    if 97 <= c <= 102:
        return c - 87
    return 256


def _number(field, lo, hi):
    """A float in lo..hi; ValueError otherwise, including for an empty field or NaN."""
    v = float(field)
    if not lo <= v <= hi:
        raise ValueError
    return v


def _integer(field, lo, hi):
    v = int(field)
    if not lo <= v <= hi:
        raise ValueError
    return v


def _angle(field, hemi, hemis, max_deg):
    """[degrees, minutes, hemisphere] from NMEA's [d]ddmm.mmmm and its hemisphere letter."""
    if len(hemi) != 1 or hemi not in hemis:
        raise ValueError
    dot = field.find(".")
    split = (len(field) if dot < 0 else dot) - 2
    if split < 1:
        raise ValueError
    deg = _integer(field[:split], 0, max_deg)
    minutes = float(field[split:])
    if not 0.0 <= minutes < 60.0 or (deg == max_deg and minutes):
        raise ValueError
    return [deg, minutes, hemi]


class AS_GPS:
    FULL_CHECK = True  # False skips the character and checksum checks
    _SENTENCE_LIMIT = 82  # NMEA's limit, counted from '$' to the checksum's end

    def __init__(self, sreader, local_offset=0, fix_cb=lambda *_: None, cb_mask=RMC,
                 fix_cb_args=()):  # fmt: skip
        self._sreader = sreader
        self.local_offset = local_offset  # hours, int or float
        self._fix_cb = fix_cb
        self.cb_mask = cb_mask
        self._fix_cb_args = fix_cb_args
        self.battery = False  # True: a void RMC still sets time and date (backup battery)
        # Statistics
        self.crc_fails = 0
        self.clean_sentences = 0  # well formed, correct checksum
        self.parsed_sentences = 0
        self.unsupported_sentences = 0
        self.bad_sentences = 0  # garbage, truncated, over-long, no checksum
        self.rejected_sentences = 0  # clean but unusable: bad or missing fields, no fix
        # Data
        self._latitude = [0, 0.0, "N"]
        self._longitude = [0, 0.0, "W"]
        self._speed = 0.0  # knots
        self.course = 0.0
        self.altitude = 0.0
        self.geoid_height = 0.0
        self.magvar = 0.0  # negative: west
        self.satellites_in_view = 0
        self.satellites_in_use = 0
        self.satellites_used = []
        self.pdop = 0.0
        self.hdop = 0.0
        self.vdop = 0.0
        self.epoch_time = 0
        self.msecs = 0
        self._fix_time = None
        self._satellite_data = {}
        self._gsv_set = None  # [talker, total, next number, in view, data] while a set arrives
        self._waiters = []  # [flags seen, Event] per coroutine awaiting data
        if sreader is not None:
            self._task = asyncio.create_task(self._run())

    async def _run(self):
        while True:
            try:
                line = await self._sreader.readline()
            except ValueError:  # CPython: a line longer than the stream's limit
                self.bad_sentences += 1
                continue
            if not line:
                return  # end of the stream (closed socket or file); a UART never ends
            self._update(line)

    def _update(self, line):
        """Check and parse one line of bytes. Return the type of the sentence stored, 0 for a
        GSV sentence held until its set is complete, or None."""
        end = len(line)
        while end and line[end - 1] in b"\r\n ":
            end -= 1
        start = line.rfind(b"$", 0, end)
        if start < 0:
            self.bad_sentences += 1
            return None
        if start and line[:start].strip():  # the receiver restarted, or noise on the line
            self.bad_sentences += 1
        star = end - 3
        if star <= start or line[star] != _STAR or end - start > self._SENTENCE_LIMIT:
            self.bad_sentences += 1
            return None
        if self.FULL_CHECK:
            crc = 0
            for c in memoryview(line)[start + 1 : star]:
                if c < 32 or c > 126:
                    self.bad_sentences += 1
                    return None
                crc ^= c
            if (_hex(line[star + 1]) << 4) + _hex(line[star + 2]) != crc:
                self.crc_fails += 1
                return None
        try:
            fields = str(memoryview(line)[start + 1 : star], "ascii").split(",")
        except UnicodeError:  # only without FULL_CHECK
            self.bad_sentences += 1
            return None
        self.clean_sentences += 1
        sid = fields[0]
        parser = None
        if len(sid) == 5 and sid[:2] in _TALKERS:
            parser = self._PARSERS.get(sid[2:])
        if parser is None:
            self.unsupported_sentences += 1
            if self.parse(fields):
                self.parsed_sentences += 1
            return None
        try:
            msg = parser(self, fields)
        except (ValueError, IndexError):
            self.rejected_sentences += 1
            return None
        if self.reparse(fields):
            self.parsed_sentences += 1
        if msg & self.cb_mask:
            self._fix_cb(self, msg, *self._fix_cb_args)
        return msg

    # Hooks for subclasses. fields: the comma-separated fields, '$' and checksum removed.
    def parse(self, fields):
        """Called with each clean sentence of a type this class does not parse: True = handled."""
        return True

    def reparse(self, fields):
        """Called after a supported sentence was parsed and stored: True counts it as parsed."""
        return True

    def _time_set(self):
        """Called when an RMC sentence has set epoch_time and msecs."""

    def _got(self, flags):
        for waiter in self._waiters:
            waiter[0] |= flags
            waiter[1].set()

    def _fixed(self, lat, lon):
        self._latitude = lat
        self._longitude = lon
        self._fix_time = ticks_ms()

    # Sentence parsers: parse and check every field into locals, then store. Each raises
    # ValueError or IndexError, before storing anything, to reject its sentence.
    def _rmc(self, f):
        # Whole fields to int, then arithmetic: fewer slices, less garbage
        t = f[1]  # hhmmss[.sss]
        if len(t) > 7 and t[6] == ".":
            frac = t[7:10]
            msecs = _integer(frac, 0, 999) * _MS_SCALE[len(frac)]
        elif len(t) == 6 or len(t) == 7 and t[6] == ".":
            msecs = 0
        else:
            raise ValueError
        hms = _integer(t[:6], 0, 235960)
        h, mi, s = hms // 10000, hms // 100 % 100, hms % 100
        d = f[9]  # ddmmyy
        if len(d) != 6:
            raise ValueError
        dmy = _integer(d, 10100, 311299)
        day, month, year = dmy // 10000, dmy // 100 % 100, 2000 + dmy % 100
        if mi > 59 or s > 60 or not 1 <= month <= 12:  # s = 60: a leap second
            raise ValueError
        if day > _MONTH_DAYS[month - 1] + (month == 2 and year % 4 == 0):  # to 2099
            raise ValueError
        epoch = (_days(year, month, day) - _EPOCH_DAYS) * 86400 + h * 3600 + mi * 60 + s
        if f[2] != "A" or len(f) > 12 and f[12] == "N":  # void, or mode 'not valid'
            if self.battery:
                self.epoch_time = epoch
                self.msecs = msecs
                self._time_set()
            raise ValueError
        lat = _angle(f[3], f[4], "NS", 90)
        lon = _angle(f[5], f[6], "EW", 180)
        speed = _number(f[7], 0.0, 1e5)
        course = _number(f[8], 0.0, 360.0) if f[8] else None
        magvar = None
        if f[10]:
            if f[11] not in ("E", "W"):
                raise ValueError
            magvar = _number(f[10], 0.0, 180.0)
            if f[11] == "W":
                magvar = -magvar
        # Store
        self.epoch_time = epoch
        self.msecs = msecs
        self._fixed(lat, lon)
        self._speed = speed
        flags = _HAS_POSITION | _HAS_DATE | _HAS_ANY
        if course is not None:
            self.course = course
            flags |= _HAS_COURSE
        if magvar is not None:
            self.magvar = magvar
        self._time_set()
        self._got(flags)
        return RMC

    def _gll(self, f):
        if f[6] != "A" or len(f) > 7 and f[7] == "N":
            raise ValueError
        lat = _angle(f[1], f[2], "NS", 90)
        lon = _angle(f[3], f[4], "EW", 180)
        self._fixed(lat, lon)
        self._got(_HAS_POSITION | _HAS_ANY)
        return GLL

    def _vtg(self, f):
        # course (true) [1], speed in knots [5]; either may be empty, not both
        if len(f) > 9 and f[9] == "N" or not (f[1] or f[5]):
            raise ValueError
        course = _number(f[1], 0.0, 360.0) if f[1] else None
        speed = _number(f[5], 0.0, 1e5) if f[5] else None
        flags = _HAS_ANY
        if course is not None:
            self.course = course
            flags |= _HAS_COURSE
        if speed is not None:
            self._speed = speed
        self._got(flags)
        return VTG

    def _gga(self, f):
        if _integer(f[6], 0, 9) == 0:  # fix quality 0: no fix
            raise ValueError
        lat = _angle(f[2], f[3], "NS", 90)
        lon = _angle(f[4], f[5], "EW", 180)
        in_use = _integer(f[7], 0, 99)
        hdop = _number(f[8], 0.0, 100.0) if f[8] else None
        altitude = _number(f[9], -1e4, 1e6) if f[9] else None
        geoid = _number(f[11], -1e3, 1e3) if f[11] else None
        self._fixed(lat, lon)
        self.satellites_in_use = in_use
        flags = _HAS_POSITION | _HAS_ANY
        if hdop is not None:
            self.hdop = hdop
        if altitude is not None:
            self.altitude = altitude
            flags |= _HAS_ALTITUDE
        if geoid is not None:
            self.geoid_height = geoid
        self._got(flags)
        return GGA

    def _gsa(self, f):
        if _integer(f[2], 1, 3) == 1:  # fix type 1: no fix
            raise ValueError
        used = [_integer(prn, 1, 999) for prn in f[3:15] if prn]
        pdop = _number(f[15], 0.0, 100.0)
        hdop = _number(f[16], 0.0, 100.0)
        vdop = _number(f[17], 0.0, 100.0)
        if used:  # a multi-GNSS receiver may list none for one of its systems
            self.satellites_used = used
        self.pdop = pdop
        self.hdop = hdop
        self.vdop = vdop
        self._got(_HAS_ANY)
        return GSA

    def _gsv(self, f):
        # A set of 1..9 sentences lists the satellites in view, 4 to a sentence; the set is
        # stored whole when its last sentence arrives in sequence. NMEA 4.10 adds a signal ID.
        total = _integer(f[1], 1, 9)
        number = _integer(f[2], 1, total)
        in_view = _integer(f[3], 0, 999)
        blocks, extra = divmod(len(f) - 4, 4)
        if extra > 1:
            raise ValueError
        sats = {}
        for i in range(4, 4 + 4 * blocks, 4):
            if f[i]:
                sats[_integer(f[i], 1, 999)] = (
                    _integer(f[i + 1], -90, 90) if f[i + 1] else None,
                    _integer(f[i + 2], 0, 359) if f[i + 2] else None,
                    _integer(f[i + 3], 0, 99) if f[i + 3] else None,
                )
        talker = f[0][:2]
        pending = self._gsv_set
        if number == 1:
            pending = [talker, total, 1, in_view, sats]
        elif pending is None or pending[:4] != [talker, total, number, in_view]:
            self._gsv_set = None  # out of sequence: the set is lost
            raise ValueError
        else:
            pending[4].update(sats)
        if number < total:
            pending[2] = number + 1
            self._gsv_set = pending
            return 0
        self._gsv_set = None
        self.satellites_in_view = in_view
        self._satellite_data = pending[4]
        self._got(_HAS_ANY | _HAS_SATELLITES)
        return GSV

    _PARSERS = {"RMC": _rmc, "GLL": _gll, "VTG": _vtg, "GGA": _gga, "GSA": _gsa, "GSV": _gsv}

    # Waiting for data
    async def _wait(self, done):
        waiter = [0, asyncio.Event()]
        self._waiters.append(waiter)
        try:
            while not done(waiter[0]):
                await waiter[1].wait()
                waiter[1].clear()
        finally:
            self._waiters.remove(waiter)

    async def data_received(self, position=False, course=False, date=False, altitude=False):
        """Wait until each kind of data asked for has arrived in a valid sentence since the
        call (course also needs a position). With no argument, wait for any valid sentence."""
        need = (
            (_HAS_POSITION if position or course else 0)
            | (_HAS_COURSE if course else 0)
            | (_HAS_DATE if date else 0)
            | (_HAS_ALTITUDE if altitude else 0)
        ) or _HAS_ANY
        await self._wait(lambda seen: seen & need == need)

    async def get_satellite_data(self):
        """Wait for the next complete GSV set; return {prn: (elevation, azimuth, snr)}, where
        a value the receiver left empty is None."""
        await self._wait(lambda seen: seen & _HAS_SATELLITES)
        return self._satellite_data

    # Position
    def latitude(self, coord_format=DD):
        return self._angle_out(self._latitude, coord_format, "latitude")

    def longitude(self, coord_format=DD):
        return self._angle_out(self._longitude, coord_format, "longitude")

    @staticmethod
    def _angle_out(angle, coord_format, name):
        deg, minutes, hemi = angle
        if coord_format == DD:
            return [deg + minutes / 60, hemi]
        if coord_format == DMS:
            secs = round((deg * 60 + minutes) * 60)  # rounding may carry into minutes
            return [secs // 3600, secs // 60 % 60, secs % 60, hemi]
        if coord_format == DM:
            return [deg, minutes, hemi]
        raise ValueError("Unknown {} format.".format(name))

    def latitude_string(self, coord_format=DM):
        return self._angle_string(self._latitude, coord_format, "latitude")

    def longitude_string(self, coord_format=DM):
        return self._angle_string(self._longitude, coord_format, "longitude")

    def _angle_string(self, angle, coord_format, name):
        if coord_format == KML:
            v = angle[0] + angle[1] / 60
            return "{:4.6f}".format(-v if angle[2] in "SW" else v)
        a = self._angle_out(angle, coord_format, name)
        if coord_format == DD:
            return "{:3.6f}° {:s}".format(*a)
        if coord_format == DMS:
            return "{:3d}° {:2d}' {:2d}\" {:s}".format(*a)
        return "{:3d}° {:3.4f}' {:s}".format(*a)

    def time_since_fix(self):
        """ms since the last valid position, or -1 if there has been none."""
        if self._fix_time is None:
            return -1
        return ticks_diff(ticks_ms(), self._fix_time)

    # Course and speed
    def speed(self, units=KNOT):
        if units == KNOT:
            return self._speed
        if units == KPH:
            return self._speed * _KNOT_KPH
        if units == MPH:
            return self._speed * _KNOT_MPH
        raise ValueError("Unknown speed units.")

    def speed_string(self, unit=KPH):
        sform = "{:3.2f} {:s}"
        speed = self.speed(unit)
        if unit == MPH:
            return sform.format(speed, "mph")
        if unit == KNOT:
            return sform.format(speed, "knots")
        return sform.format(speed, "km/h")

    def compass_direction(self):
        """The course as one of 16 compass points."""
        return _COMPASS[int((self.course + 11.25) // 22.5) % 16]

    # Time and date
    def _local_epoch(self):
        return self.epoch_time + int(3600 * self.local_offset)

    @staticmethod
    def _hms(t):
        t %= 86400
        return (t // 3600, t // 60 % 60, t % 60)

    @property
    def utc(self):
        return self._hms(self.epoch_time)

    @property
    def local_time(self):
        return self._hms(self._local_epoch())

    @property
    def date(self):
        """(day, month, year - 2000), in local time."""
        y, m, d = _civil(self._local_epoch() // 86400 + _EPOCH_DAYS)
        return (d, m, y - 2000)

    def time_string(self, local=True):
        return "{:02d}:{:02d}:{:02d}".format(*(self.local_time if local else self.utc))

    def date_string(self, formatting=MDY):
        day, month, yy = self.date
        if formatting == MDY:
            return "{:02d}/{:02d}/{:02d}".format(month, day, yy)
        if formatting == DMY:
            return "{:02d}/{:02d}/{:02d}".format(day, month, yy)
        if formatting == LONG:
            if day in (1, 21, 31):
                suffix = "st"
            elif day in (2, 22):
                suffix = "nd"
            elif day in (3, 23):
                suffix = "rd"
            else:
                suffix = "th"
            return "{:s} {:d}{:s}, {:d}".format(_MONTHS[month - 1], day, suffix, 2000 + yy)
        raise ValueError("Unknown date format.")
