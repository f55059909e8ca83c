"""as_GPS: NMEA sentences through a simulated UART (a loopback socket) into a running driver.

Every program here runs on the unix port under both loops and, through asyncio's own
StreamReader, under CPython; the outputs must agree. Sentences get their checksums from the
``nmea()`` helper, so the test data says what it means.
"""

from harness import REPO

# Shared by every program: sentence builder and a printable view of the driver's state.
COMMON = r"""
import asyncio
import as_GPS


def nmea(body, lower=False):
    crc = 0
    for c in body.encode():
        crc ^= c
    return ("$%s*" + ("%02x" if lower else "%02X") + "\r\n") % (body, crc)


def fmt(v):
    if isinstance(v, float):
        return "%.6f" % v
    if isinstance(v, (list, tuple)):
        return "[" + ",".join([fmt(x) for x in v]) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(["%d:%s" % (k, fmt(v[k])) for k in sorted(v)]) + "}"
    return str(v)


def state(g):
    return " ".join([
        "lat=" + fmt(g.latitude(as_GPS.DM)), "lon=" + fmt(g.longitude(as_GPS.DM)),
        "speed=" + fmt(g.speed()), "course=" + fmt(g.course), "alt=" + fmt(g.altitude),
        "geoid=" + fmt(g.geoid_height), "magvar=" + fmt(g.magvar),
        "in_view=" + fmt(g.satellites_in_view), "in_use=" + fmt(g.satellites_in_use),
        "used=" + fmt(g.satellites_used), "pdop=" + fmt(g.pdop), "hdop=" + fmt(g.hdop),
        "vdop=" + fmt(g.vdop), "utc=" + fmt(g.utc), "date=" + fmt(g.date),
        "msecs=" + fmt(g.msecs), "sats=" + fmt(g._satellite_data),
    ])


def stats(g):
    return "bad=%d crc=%d clean=%d parsed=%d rejected=%d unsupported=%d" % (
        g.bad_sentences, g.crc_fails, g.clean_sentences, g.parsed_sentences,
        g.rejected_sentences, g.unsupported_sentences)
"""

MICROPYTHON_STREAM = r"""
from machine_sim import UART


class Feed:  # a simulated UART: bytes written to its wire reach the driver's StreamReader
    def __init__(self):
        self.uart = UART()
        self.reader = asyncio.StreamReader(self.uart)

    def send(self, data):
        self.uart.wire.write(data)

    def end(self):
        self.uart.wire.close()

    def close(self):
        self.uart.deinit()
"""

CPYTHON_STREAM = r"""
class Feed:  # asyncio's StreamReader, fed directly
    def __init__(self):
        self.reader = asyncio.StreamReader()

    def send(self, data):
        self.reader.feed_data(data)

    def end(self):
        self.reader.feed_eof()

    def close(self):
        pass
"""

# drive(data, ...): a new driver reads ``data`` (bytes) to the end of the stream.
DRIVE = r"""
async def drive(data, cls=as_GPS.AS_GPS, **kw):
    feed = Feed()
    gps = cls(feed.reader, **kw)
    feed.send(data)
    feed.end()  # the reader task ends at the end of the stream
    await asyncio.wait_for(gps._task, 10)
    feed.close()
    return gps


async def settle(gps, lines):
    # Wait until the driver has dealt with this many lines (or fragments of lines).
    while gps.bad_sentences + gps.crc_fails + gps.clean_sentences < lines:
        await asyncio.sleep(0.001)
    for _ in range(3):  # then let the tasks it woke run
        await asyncio.sleep(0)
"""

TALKERS = ("GP", "GN", "GL", "GA", "GB", "BD", "GQ", "GI")

SENTENCES = {
    "RMC": ["{t}RMC,081836.75,A,3751.65,S,14507.36,E,002.5,360.0,130998,011.3,W"],
    "GLL": ["{t}GLL,4250.5589,S,14718.5084,E,092204.999,A"],
    "VTG": ["{t}VTG,232.9,T,,M,002.3,N,004.3,K,A"],
    "GGA": ["{t}GGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000"],
    "GSA": ["{t}GSA,A,3,07,11,28,24,26,08,17,,,,,,2.0,1.1,1.7"],
    "GSV": [  # 12 satellites: the last sentence of the set holds 4 of them
        "{t}GSV,3,1,12,28,72,355,39,01,52,063,33,17,51,272,44,08,46,184,38",
        "{t}GSV,3,2,12,24,42,058,33,11,34,053,33,07,20,171,40,20,15,116,",
        "{t}GSV,3,3,12,04,12,204,34,27,11,324,35,32,11,089,,26,10,264,40",
    ],
}

DEFAULT = {
    "lat": "[0,0.000000,N]",
    "lon": "[0,0.000000,W]",
    "speed": "0.000000",
    "course": "0.000000",
    "alt": "0.000000",
    "geoid": "0.000000",
    "magvar": "0.000000",
    "in_view": "0",
    "in_use": "0",
    "used": "[]",
    "pdop": "0.000000",
    "hdop": "0.000000",
    "vdop": "0.000000",
    "utc": "[0,0,0]",
    "date": "[1,1,-30]",
    "msecs": "0",
    "sats": "{}",
}

# What each sentence changes, starting from a new driver.
CHANGES = {
    "RMC": {
        "lat": "[37,51.650000,S]",
        "lon": "[145,7.360000,E]",
        "speed": "2.500000",
        "course": "360.000000",
        "magvar": "-11.300000",
        "utc": "[8,18,36]",
        "date": "[13,9,98]",
        "msecs": "750",
    },
    "GLL": {"lat": "[42,50.558900,S]", "lon": "[147,18.508400,E]"},
    "VTG": {"course": "232.900000", "speed": "2.300000"},
    "GGA": {
        "lat": "[37,49.180200,N]",
        "lon": "[83,38.786500,W]",
        "alt": "397.400000",
        "geoid": "-32.500000",
        "hdop": "1.100000",
        "in_use": "7",
    },
    "GSA": {
        "used": "[7,11,28,24,26,8,17]",
        "pdop": "2.000000",
        "hdop": "1.100000",
        "vdop": "1.700000",
    },
    "GSV": {
        "in_view": "12",
        "sats": "{1:[52,63,33],4:[12,204,34],7:[20,171,40],8:[46,184,38],11:[34,53,33],"
        "17:[51,272,44],20:[15,116,None],24:[42,58,33],26:[10,264,40],27:[11,324,35],"
        "28:[72,355,39],32:[11,89,None]}",
    },
}

MASKS = {"RMC": 1, "GLL": 2, "VTG": 4, "GGA": 8, "GSA": 16, "GSV": 32}


def parse_state(text):
    """'k=v k=v ...' into a dict (values as printed; 'date=[1,1,-30]' is 1 Jan 1970)."""
    return dict(item.split("=", 1) for item in text.split())


def run_both(board, loop, body, **data):
    """Run ``body`` on the unix port (``loop``) and under CPython, with each of ``data`` as a
    global; return the port's output after checking that CPython printed the same."""
    body = "".join("%s = %r\n" % item for item in data.items()) + body
    mp = board.output(COMMON + MICROPYTHON_STREAM + DRIVE + body, loop=loop)
    cp = board.run_cpython(COMMON + CPYTHON_STREAM + DRIVE + body)
    assert mp == cp
    return mp


TYPES_PROGRAM = r"""

async def main():
    print("new", state(as_GPS.AS_GPS(None)))
    for i, talker in enumerate(TALKERS):
        for kind in sorted(SENTENCES):
            bodies = SENTENCES[kind]
            calls = []
            data = "".join([nmea(b.format(t=talker), lower=i % 2) for b in bodies])
            gps = await drive(data.encode(), fix_cb=lambda g, m, *a: calls.append((m, a)),
                              cb_mask=0x3F, fix_cb_args=(talker,))
            print(talker, kind, stats(gps), "calls=" + fmt(calls), state(gps))


asyncio.run(main())
"""


def test_each_sentence_type_from_each_talker(board, loop):
    out = run_both(board, loop, TYPES_PROGRAM, SENTENCES=SENTENCES, TALKERS=TALKERS).splitlines()
    first, rows = out[0], out[1:]
    assert parse_state(first.split(" ", 1)[1]) == DEFAULT
    assert len(rows) == len(TALKERS) * len(SENTENCES)
    for row in rows:
        talker, kind, *items = row.split()
        n = len(SENTENCES[kind])
        got = parse_state(" ".join(items))
        assert got.pop("calls") == "[[%d,[%s]]]" % (MASKS[kind], talker), row
        assert got == {
            "bad": "0",
            "crc": "0",
            "clean": str(n),
            "parsed": str(n),
            "rejected": "0",
            "unsupported": "0",
            **DEFAULT,
            **CHANGES[kind],
        }, row


FORMAT_PROGRAM = r"""
def show(label, f, *args):
    try:
        v = f(*args)
    except ValueError as e:
        v = "ValueError: %s" % e
    print(label + "|" + (v if isinstance(v, str) else fmt(v)))


async def main():
    fresh = as_GPS.AS_GPS(None)
    show("no fix", fresh.time_since_fix)
    gps = await drive((
        nmea("GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A")
        + nmea("GPGGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000")
        + nmea("GPVTG,232.9,T,,M,002.3,N,004.3,K,A")
    ).encode())
    show("fix", lambda: gps.time_since_fix() >= 0)
    for name in ("DD", "DMS", "DM", "KML"):
        c = getattr(as_GPS, name)
        show("latitude " + name, gps.latitude, c)
        show("longitude " + name, gps.longitude, c)
        show("latitude_string " + name, gps.latitude_string, c)
        show("longitude_string " + name, gps.longitude_string, c)
    show("latitude", gps.latitude)
    show("latitude_string", gps.latitude_string)
    show("longitude_string", gps.longitude_string)
    for name in ("KNOT", "KPH", "MPH"):
        show("speed " + name, gps.speed, getattr(as_GPS, name))
        show("speed_string " + name, gps.speed_string, getattr(as_GPS, name))
    show("speed", gps.speed)
    show("speed_string", gps.speed_string)
    show("speed 99", gps.speed, 99)
    show("compass", gps.compass_direction)
    for name in ("MDY", "DMY", "LONG"):
        show("date_string " + name, gps.date_string, getattr(as_GPS, name))
    show("date_string", gps.date_string)
    show("date_string 99", gps.date_string, 99)
    show("time_string", gps.time_string)
    show("utc", lambda: gps.utc)
    show("local_time", lambda: gps.local_time)
    show("date", lambda: gps.date)

    # Compass points: each boundary, from VTG sentences
    data = "".join([nmea("GPVTG,%s,T,,M,0.0,N,0.0,K,A" % c) for c in COURSES])
    points = []
    gps = await drive(data.encode(), fix_cb=lambda g, m: points.append(g.compass_direction()),
                      cb_mask=as_GPS.VTG)
    print("compass|" + " ".join(points))

    # Long dates: every suffix, single-digit day and year
    data = "".join([nmea("GPRMC,120000,A,0000.00,N,00000.00,E,0,0,%s,," % d) for d in DATES])
    dates = []
    gps = await drive(data.encode(), fix_cb=lambda g, m: dates.append(g.date_string(as_GPS.LONG)),
                      cb_mask=as_GPS.RMC)
    print("long|" + ";".join(dates))

    # Local time across midnight, both ways
    for offset in (-5.5, 10):
        gps = await drive(nmea("GPRMC,010000,A,0000.00,N,00000.00,E,0,0,010105,,").encode(),
                          local_offset=offset)
        show("local %s" % offset, lambda: (gps.time_string(), gps.time_string(False),
                                           gps.date_string(as_GPS.DMY), gps.date, gps.utc))

    # DMS rounding carries into minutes and degrees
    gps = await drive(nmea("GPGLL,3759.99999,N,00059.99999,W,,A").encode())
    show("dms carry", lambda: gps.latitude(as_GPS.DMS) + gps.longitude(as_GPS.DMS))


asyncio.run(main())
"""

COURSES = ("0.0", "11.24", "11.25", "33.74", "33.75", "90.0", "180.0", "202.5", "270.0",
           "348.74", "348.75", "359.99", "360.0")  # fmt: skip
DATES = ("010105", "020212", "030399", "040404", "110520", "120620", "130720", "210820",
         "220920", "231020", "311220")  # fmt: skip

FORMATS = """\
no fix|-1
fix|True
latitude DD|[37.819670,N]
longitude DD|[83.646442,W]
latitude_string DD|37.819670° N
longitude_string DD|83.646442° W
latitude DMS|[37,49,11,N]
longitude DMS|[83,38,47,W]
latitude_string DMS| 37° 49' 11" N
longitude_string DMS| 83° 38' 47" W
latitude DM|[37,49.180200,N]
longitude DM|[83,38.786500,W]
latitude_string DM| 37° 49.1802' N
longitude_string DM| 83° 38.7865' W
latitude KML|ValueError: Unknown latitude format.
longitude KML|ValueError: Unknown longitude format.
latitude_string KML|37.819670
longitude_string KML|-83.646442
latitude|[37.819670,N]
latitude_string| 37° 49.1802' N
longitude_string| 83° 38.7865' W
speed KNOT|2.300000
speed_string KNOT|2.30 knots
speed KPH|4.259600
speed_string KPH|4.26 km/h
speed MPH|2.646793
speed_string MPH|2.65 mph
speed|2.300000
speed_string|4.26 km/h
speed 99|ValueError: Unknown speed units.
compass|SW
date_string MDY|05/28/11
date_string DMY|28/05/11
date_string LONG|May 28th, 2011
date_string|05/28/11
date_string 99|ValueError: Unknown date format.
time_string|09:27:51
utc|[9,27,51]
local_time|[9,27,51]
date|[28,5,11]
compass|N N NNE NNE NE E S SSW W NNW N N N
long|January 1st, 2005;February 2nd, 2012;March 3rd, 2099;April 4th, 2004;May 11th, 2020;\
June 12th, 2020;July 13th, 2020;August 21st, 2020;September 22nd, 2020;October 23rd, 2020;\
December 31st, 2020
local -5.5|[19:30:00,01:00:00,31/12/04,[31,12,4],[1,0,0]]
local 10|[11:00:00,01:00:00,01/01/05,[1,1,5],[1,0,0]]
dms carry|[38,0,0,N,1,0,0,W]
"""


def test_formatting_methods(board, loop):
    out = run_both(board, loop, FORMAT_PROGRAM, COURSES=COURSES, DATES=DATES)
    assert out.splitlines() == FORMATS.splitlines()


GSV_SET = [s.format(t="GP") for s in SENTENCES["GSV"]]

# A driver that has seen one of each sentence, then bad input: nothing it reports may change.
BASELINE = [
    "GPRMC,081836.75,A,3751.65,S,14507.36,E,002.5,360.0,130998,011.3,W",
    "GPGGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000",
    "GPVTG,232.9,T,,M,002.3,N,004.3,K,A",
    "GPGSA,A,3,07,11,28,24,26,08,17,,,,,,2.0,1.1,1.7",
    *GSV_SET,
]
RMC = "GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A"

BAD = r"""
def with_crc(body, crc):
    return "$%s*%s\r\n" % (body, crc)


CASES = [
    # name, bytes on the wire
    ("garbage bytes", b"\x00\x01\xff\xfe\x80garbage\r\n"),
    ("blank line", b"\r\n"),
    ("no start", nmea(RMC)[1:].encode()),
    ("truncated", nmea(RMC)[:30].encode() + b"\r\n"),
    ("truncated checksum", nmea(RMC)[:-3].encode() + b"\r\n"),
    ("no checksum", ("$" + RMC + "\r\n").encode()),
    ("over-long", nmea(RMC + ",0" * 8).encode()),
    ("very long line", b"$" + b"A" * 5000 + b"\r\n"),
    ("control character", nmea(RMC.replace(",A,", ",\x07A,")).encode()),
    ("not ASCII", nmea(RMC.replace("N,", "\u00d1,")).encode()),
    ("wrong checksum", with_crc(RMC, "%02X" % (int(nmea(RMC)[-4:-2], 16) ^ 1)).encode()),
    ("checksum not hex", with_crc(RMC, "G5").encode()),
    ("checksum with sign", with_crc(RMC, "+5").encode()),
    ("empty fields", nmea("GPRMC,,,,,,,,,,,,").encode()),
    ("short RMC", nmea("GPRMC,081836,A").encode()),
    ("short GGA", nmea("GPGGA,180050.896,3749.1802,N").encode()),
    ("short GSA", nmea("GPGSA,A,3,07").encode()),
    ("short GSV", nmea("GPGSV,3,1").encode()),
    ("short VTG", nmea("GPVTG,232.9").encode()),
    ("empty VTG", nmea("GPVTG,,T,,M,,N,,K,A").encode()),
    ("empty GLL", nmea("GPGLL,,,,,,A").encode()),
    ("empty GGA", nmea("GPGGA,,,,,,1,,,,,,,,").encode()),
    ("empty GSA", nmea("GPGSA,A,3,,,,,,,,,,,,,,,").encode()),
    ("empty hemisphere", nmea(RMC.replace(",N,", ",,")).encode()),
    ("wrong hemisphere", nmea(RMC.replace(",N,", ",E,")).encode()),
    ("minutes over 59", nmea("GPGLL,3711.0942,N,08671.4472,W,000812.000,A,A").encode()),
    ("latitude over 90", nmea(RMC.replace("5321.6802", "9100.0000")).encode()),
    ("minutes of 60", nmea(RMC.replace("5321.6802", "5960.0000")).encode()),
    ("latitude 90 and minutes", nmea(RMC.replace("5321.6802", "9000.5000")).encode()),
    ("longitude 180 and minutes", nmea(RMC.replace("00630.3371", "18000.0001")).encode()),
    ("no such day", nmea(RMC.replace("280511", "310411")).encode()),
    ("no such time", nmea(RMC.replace("092751", "246000")).encode()),
    ("not a number", nmea(RMC.replace("0.06", "fast")).encode()),
    ("not a number course", nmea(RMC.replace("31.66", "nan")).encode()),
    ("magvar without E/W", nmea(RMC.replace(",,,A", ",3.1,,A")).encode()),
    ("GSV block cut short", nmea("GPGSV,1,1,02,28,72,355,39,01,52").encode()),
    ("GSV out of sequence", nmea(SENTENCES[1]).encode()),
    ("GSV sentence missing", (nmea(SENTENCES[0]) + nmea(SENTENCES[2])).encode()),
    ("GSV total changes", (nmea(SENTENCES[0]) + nmea("GPGSV,2,2,12,04,12,204,34")).encode()),
    ("void RMC", nmea(RMC.replace(",A,", ",V,")).encode()),
    ("RMC mode not valid", nmea(RMC.replace(",A", ",N", 2).replace(",N,", ",A,", 1)).encode()),
    ("void GLL", nmea("GPGLL,4250.5589,S,14718.5084,E,092204.999,V").encode()),
    ("GLL mode not valid", nmea("GPGLL,4250.5589,S,14718.5084,E,092204.999,A,N").encode()),
    ("GGA no fix", nmea("GPGGA,180050,3749.18,N,08338.78,W,0,00,99.9,,M,,M,,").encode()),
    ("GSA no fix", nmea("GPGSA,A,1,,,,,,,,,,,,,99.9,99.9,99.9").encode()),
    ("VTG mode not valid", nmea("GPVTG,232.9,T,,M,002.3,N,004.3,K,N").encode()),
    ("unknown talker", nmea(RMC.replace("GP", "XX")).encode()),
    ("lower-case talker", nmea(RMC.replace("GP", "gp")).encode()),
    ("unknown sentence", nmea("GPZDA,201530.00,04,07,2002,00,00").encode()),
    ("proprietary", nmea("PMTK001,604,3").encode()),
]


class Battery(as_GPS.AS_GPS):  # a receiver with a backup battery keeps time without a fix
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.battery = True


class Unchecked(as_GPS.AS_GPS):
    FULL_CHECK = False


async def main():
    base = "".join([nmea(s) for s in BASELINE]).encode()
    gps = await drive(base)
    before = state(gps)
    print("baseline", stats(gps))
    for name, data in CASES:
        calls = []
        gps = await drive(base + data, fix_cb=lambda *a: calls.append(a), cb_mask=0x3F)
        print(name + "|" + stats(gps) + "|" + str(len(calls) - 5) + "|" + str(state(gps) == before))
    # A void RMC sets the time alone, on a receiver that keeps time.
    gps = await drive(base + nmea(RMC.replace(",A,", ",V,")).encode(), Battery)
    print("battery|" + stats(gps) + "|" + state(gps))
    # Without the full check, a wrong checksum goes unnoticed and bad text is still refused.
    gps = await drive(with_crc(RMC, "00").encode() + b"$GP\xff\xfe*00\r\n", Unchecked)
    print("unchecked|" + stats(gps) + "|" + fmt(gps.utc))


asyncio.run(main())
"""

# name: (bad, crc, clean, parsed, rejected, unsupported) on top of the baseline's 7 clean
# and parsed sentences
BAD_COUNTS = {
    "garbage bytes": (1, 0, 0, 0, 0, 0),
    "blank line": (1, 0, 0, 0, 0, 0),
    "no start": (1, 0, 0, 0, 0, 0),
    "truncated": (1, 0, 0, 0, 0, 0),
    "truncated checksum": (1, 0, 0, 0, 0, 0),
    "no checksum": (1, 0, 0, 0, 0, 0),
    "over-long": (1, 0, 0, 0, 0, 0),
    "very long line": (1, 0, 0, 0, 0, 0),
    "control character": (1, 0, 0, 0, 0, 0),
    "not ASCII": (1, 0, 0, 0, 0, 0),
    "wrong checksum": (0, 1, 0, 0, 0, 0),
    "checksum not hex": (0, 1, 0, 0, 0, 0),
    "checksum with sign": (0, 1, 0, 0, 0, 0),
    "GSV sentence missing": (0, 0, 2, 1, 1, 0),
    "GSV total changes": (0, 0, 2, 1, 1, 0),
    "unknown talker": (0, 0, 1, 1, 0, 1),
    "lower-case talker": (0, 0, 1, 1, 0, 1),
    "unknown sentence": (0, 0, 1, 1, 0, 1),
    "proprietary": (0, 0, 1, 1, 0, 1),
}
REJECTED = (0, 0, 1, 0, 1, 0)  # every other case: clean, but refused


def test_bad_input_is_counted_and_changes_nothing(board, loop):
    out = run_both(board, loop, BAD, RMC=RMC, BASELINE=BASELINE, SENTENCES=GSV_SET)
    lines = out.splitlines()
    assert lines[0] == "baseline bad=0 crc=0 clean=7 parsed=7 rejected=0 unsupported=0"
    cases = lines[1:-2]
    assert len(cases) == 50
    for line in cases:
        name, counts, calls, same = line.split("|")
        bad, crc, clean, parsed, rejected, unsupported = BAD_COUNTS.get(name, REJECTED)
        assert counts == (
            f"bad={bad} crc={crc} clean={7 + clean} parsed={7 + parsed} "
            f"rejected={rejected} unsupported={unsupported}"
        ), line
        assert (calls, same) == ("0", "True"), line
    name, counts, battery = lines[-2].split("|")
    assert counts == "bad=0 crc=0 clean=8 parsed=7 rejected=1 unsupported=0"
    after = parse_state(battery)
    assert (after["utc"], after["date"], after["msecs"]) == ("[9,27,51]", "[28,5,11]", "0")
    assert after["lat"] == CHANGES["GGA"]["lat"]  # the position is the baseline's
    assert lines[-1] == (
        "unchecked|bad=1 crc=0 clean=1 parsed=1 rejected=0 unsupported=0|[9,27,51]"
    )


# The neighbours of the edges above that must pass: the largest minutes, the poles and the
# antimeridian exactly.
EDGES = r"""
async def main():
    for lat, lon in (("5959.9999", "00630.3371"), ("9000.0000", "00000.0000"),
                     ("0000.0000", "18000.0000"), ("8959.9999", "17959.9999")):
        sentence = nmea(RMC.replace("5321.6802", lat).replace("00630.3371", lon))
        gps = await drive(sentence.encode())
        print(stats(gps), fmt(gps.latitude(as_GPS.DM)), fmt(gps.longitude(as_GPS.DM)))


asyncio.run(main())
"""


def test_coordinate_edges_pass(board, loop):
    out = run_both(board, loop, EDGES, RMC=RMC).splitlines()
    counts = "bad=0 crc=0 clean=1 parsed=1 rejected=0 unsupported=0 "
    assert out == [
        counts + "[59,59.999900,N] [6,30.337100,W]",
        counts + "[90,0.000000,N] [0,0.000000,W]",
        counts + "[0,0.000000,N] [180,0.000000,W]",
        counts + "[89,59.999900,N] [179,59.999900,W]",
    ]


LIVE = r"""
RMC = "GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A"
STEPS = [  # (what arrives, its lines)
    ("void RMC", [RMC.replace(",A,", ",V,")]),
    ("VTG", ["GPVTG,232.9,T,,M,002.3,N,004.3,K,A"]),
    ("GLL", ["GNGLL,4250.5589,S,14718.5084,E,092204.999,A"]),
    ("GSV 1-2 of 3", GSV[:2]),
    ("RMC without course", [RMC.replace("31.66", "")]),
    ("GGA without altitude", ["GPGGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,,M,,M,,"]),
    ("GGA", ["GPGGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000"]),
    ("GSV 3 of 3", GSV[2:]),
]


async def main():
    feed = Feed()
    gps = as_GPS.AS_GPS(feed.reader)
    done = []

    async def wait(name, coro):
        result = await coro
        done.append(name if result is None else "%s %s" % (name, fmt(sorted(result))))

    for name, kw in (("any", {}), ("position", {"position": True}), ("course", {"course": True}),
                     ("date", {"date": True}), ("altitude", {"altitude": True}),
                     ("all", {"position": True, "course": True, "date": True, "altitude": True})):
        asyncio.create_task(wait(name, gps.data_received(**kw)))
    asyncio.create_task(wait("satellites", gps.get_satellite_data()))
    await asyncio.sleep(0)
    lines = 0
    for name, sentences in STEPS:
        feed.send("".join([nmea(s) for s in sentences]).encode())
        lines += len(sentences)
        await settle(gps, lines)
        print(name + "|" + ",".join(sorted(done)))
        done.clear()

    # A sentence that arrives in two parts, far apart, is one sentence.
    vtg = nmea("GPVTG,100.0,T,,M,001.0,N,001.9,K,A").encode()
    feed.send(vtg[:20])
    await asyncio.sleep(0.05)
    print("half|" + fmt(gps.course) + "|" + stats(gps))
    feed.send(vtg[20:])
    await settle(gps, lines + 1)
    print("whole|" + fmt(gps.course) + "|" + stats(gps))

    # The receiver restarts mid-sentence: the fragment is counted, the new sentence parsed.
    feed.send(b"$GPGGA,180050.896,3749.18" + nmea(
        "GPGGA,180051.896,3749.1900,N,08338.7900,W,2,09,0.9,400.0,M,-32.5,M,,0000").encode())
    await settle(gps, lines + 3)
    print("restart|" + fmt([gps.latitude(as_GPS.DM), gps.altitude, gps.satellites_in_use]) +
          "|" + stats(gps))
    # Noise on the line, then a sentence
    feed.send(b"\xff\x00\x13noise" + nmea("GPVTG,200.0,T,,M,002.0,N,003.7,K,A").encode())
    await settle(gps, lines + 5)
    print("noise|" + fmt(gps.course) + "|" + stats(gps))
    # White space before a sentence is no fragment
    feed.send(b"\r " + nmea("GPVTG,300.0,T,,M,002.0,N,003.7,K,A").encode())
    await settle(gps, lines + 6)
    print("white space|" + fmt(gps.course) + "|" + stats(gps))
    # A restart in the middle of a GSV set: the broken set is dropped, the next one stored.
    t = asyncio.create_task(wait("satellites", gps.get_satellite_data()))
    feed.send("".join([nmea(s) for s in GSV[:2]]).encode() + b"$GPGSV,3,3,12,04,1" +
              nmea("GPGSV,2,1,05,10,10,010,10,11,11,011,11,12,12,012,,13,13,013,13").encode() +
              nmea("GPGSV,2,2,05,14,14,014,14").encode())
    await settle(gps, lines + 11)
    await t
    print("gsv restart|" + fmt(gps.satellites_in_view) + "|" + ",".join(done) + "|" + stats(gps))


asyncio.run(main())
"""

LIVE_OUT = """\
void RMC|
VTG|any
GLL|course,position
GSV 1-2 of 3|
RMC without course|date
GGA without altitude|
GGA|all,altitude
GSV 3 of 3|satellites [1,4,7,8,11,17,20,24,26,27,28,32]
half|232.900000|bad=0 crc=0 clean=9 parsed=8 rejected=1 unsupported=0
whole|100.000000|bad=0 crc=0 clean=10 parsed=9 rejected=1 unsupported=0
restart|[[37,49.190000,N],400.000000,9]|bad=1 crc=0 clean=11 parsed=10 rejected=1 unsupported=0
noise|200.000000|bad=2 crc=0 clean=12 parsed=11 rejected=1 unsupported=0
white space|300.000000|bad=2 crc=0 clean=13 parsed=12 rejected=1 unsupported=0
gsv restart|5|satellites [10,11,12,13,14]|bad=3 crc=0 clean=17 parsed=16 rejected=1 unsupported=0
"""


def test_live_driver_waits_and_recovers(board, loop):
    """data_received() and get_satellite_data() on a running driver; a sentence split across
    reads; a receiver that restarts mid-sentence or mid-set; noise before a sentence."""
    out = run_both(board, loop, LIVE, GSV=GSV_SET)
    assert out == LIVE_OUT


def test_readme_example(board, loop):
    readme = (REPO / board.packages["as-gps"].path / "README.md").read_text()
    example = readme.split("```python\n")[1].split("```")[0]
    assert board.output(example, loop=loop) == (
        "fix  53° 21.6802' N   6° 30.3371' W 10:27:51\n"
        "[53.361336666666666, 'N'] 54.2 8\n"
        "May 28th, 2011 0.11 km/h\n"
    )


HUGE = r"""
async def main():
    rmc = "GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A"
    gps = await drive(b"$GP" + b"9" * 100000 + b"\r\n" + nmea(rmc).encode())
    print(gps.bad_sentences > 0, gps.crc_fails, gps.clean_sentences, gps.utc)


asyncio.run(main())
"""


def test_huge_line_then_a_sentence(board, loop):
    # CPython's StreamReader refuses a line over 64 KB, the unix port's reads it: either way
    # it is counted and the reader goes on.
    assert run_both(board, loop, HUGE) == "True 0 1 (9, 27, 51)\n"
