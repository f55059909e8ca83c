"""as_GPS: NMEA sentences through a simulated UART (a loopback socket) into a running driver.

Every program here runs on the unix port under both loops and, through asyncio's own
StreamReader, under CPython; the outputs must agree. Sentences get their checksums from the
``nmea()`` helper, so the test data says what it means.
"""

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

# drive(data, ...): a driver reading ``data`` (bytes) through a stream until its end.
MICROPYTHON_STREAM = r"""
from machine_sim import UART


async def drive(data, cls=as_GPS.AS_GPS, **kw):
    uart = UART()
    gps = cls(asyncio.StreamReader(uart), **kw)
    uart.wire.write(data)
    uart.wire.close()  # the reader task ends at the end of the stream
    await asyncio.wait_for(gps._task, 10)
    uart.deinit()
    return gps
"""

CPYTHON_STREAM = r"""
async def drive(data, cls=as_GPS.AS_GPS, **kw):
    reader = asyncio.StreamReader()
    gps = cls(reader, **kw)
    reader.feed_data(data)
    reader.feed_eof()
    await asyncio.wait_for(gps._task, 10)
    return gps
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


def run_both(board, loop, body):
    """Run ``body`` on the unix port (``loop``) and under CPython; return the port's output
    after checking that CPython printed the same."""
    mp = board.output(COMMON + MICROPYTHON_STREAM + body, loop=loop)
    cp = board.run_cpython(COMMON + CPYTHON_STREAM + body)
    assert mp == cp
    return mp


TYPES_PROGRAM = r"""
SENTENCES = %r
TALKERS = %r


async def main():
    print("new", state(as_GPS.AS_GPS(None)))
    for i, talker in enumerate(TALKERS):
        for kind in sorted(SENTENCES):
            bodies = SENTENCES[kind]
            calls = []
            data = "".join([nmea(b.format(t=talker), lower=i %% 2) for b in bodies])
            gps = await drive(data.encode(), fix_cb=lambda g, m, *a: calls.append((m, a)),
                              cb_mask=0x3F, fix_cb_args=(talker,))
            print(talker, kind, stats(gps), "calls=" + fmt(calls), state(gps))


asyncio.run(main())
"""


def test_each_sentence_type_from_each_talker(board, loop):
    out = run_both(board, loop, TYPES_PROGRAM % (SENTENCES, TALKERS)).splitlines()
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
