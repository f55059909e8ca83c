"""as_GPS under corrupted traffic: only sentences that arrive intact may change its state.

A seeded generator makes two minutes of a moving receiver's output (several talkers, spells
without a fix, stationary spells with no course, GSV sets of 0 to 16 satellites, sentences
the driver does not parse) and corrupts about a third of the lines the ways a serial line
does. The driver reads the corrupted stream through a simulated UART; a reference driver is
given only the sentences that survived, one by one. At every callback (every stored sentence)
the two must report the same state, and every sentence the reference refuses must leave its
state exactly as it was.
"""

import ast
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_gps import COMMON, CPYTHON_STREAM, DRIVE, MICROPYTHON_STREAM  # noqa: E402

SEED = 20190101
SECONDS = 120
_LIMIT = 82  # longest sentence, from '$' to the end of the checksum
PRINTABLE = bytes(c for c in range(32, 127) if c not in b"$*")
NOISE = bytes(c for c in range(256) if c not in b"$\n")


def sentence(body, lower=False):
    crc = 0
    for c in body.encode():
        crc ^= c
    return ("$%s*" % body + ("%02x" if lower else "%02X") % crc + "\r\n").encode()


def angle(value, width):
    deg = int(value)
    return "%0*d%07.4f" % (width, deg, (value - deg) * 60)


def receiver(rnd, seconds):
    """Sentences (bodies) from a receiver moving about, second by second."""
    t = datetime(2024, 12, 31, 23, 59, 0)  # crosses midnight and a year end
    lat, lon = -33.8, 151.2
    speed, course = 0.0, 0.0
    fix = True
    for _ in range(seconds):
        t += timedelta(seconds=1)
        if rnd.random() < 0.05:
            fix = not fix
        if rnd.random() < 0.1:
            speed = rnd.choice((0.0, 0.0, rnd.uniform(0, 60)))
        course = (course + rnd.uniform(-20, 20)) % 360
        lat += speed * 1e-5 * rnd.uniform(-1, 1)
        lon += speed * 1e-5 * rnd.uniform(-1, 1)
        talker = rnd.choice(("GP", "GN", "GL", "GA", "BD", "GB", "GQ"))
        hms = t.strftime("%H%M%S") + ".%03d" % rnd.randrange(0, 1000, 50)
        la = "%s,%s" % (angle(abs(lat), 2), "S" if lat < 0 else "N")
        lo = "%s,%s" % (angle(abs(lon), 3), "W" if lon < 0 else "E")
        crs = "%.2f" % course if speed > 0.5 else ""  # no course while stationary
        status = "A" if fix else "V"
        yield "%sRMC,%s,%s,%s,%s,%.2f,%s,%s,,,%s" % (
            talker,
            hms,
            status,
            la,
            lo,
            speed,
            crs,
            t.strftime("%d%m%y"),
            "A" if fix else "N",
        )
        yield "%sVTG,%s,T,,M,%.2f,N,%.2f,K,%s" % (
            talker,
            crs,
            speed,
            speed * 1.852,
            "A" if fix else "N",
        )
        sats = rnd.sample(range(1, 33), rnd.randrange(0, 17))
        used = sats[:12] if fix else []
        yield "%sGGA,%s,%s,%s,%d,%02d,%.1f,%.1f,M,%.1f,M,," % (
            talker, hms, la, lo, rnd.choice((1, 2)) if fix else 0, len(used),
            rnd.uniform(0.5, 3), rnd.uniform(-10, 900), rnd.uniform(-50, 50),
        )  # fmt: skip
        prns = ["%02d" % p for p in used] + [""] * (12 - len(used))
        yield "%sGSA,A,%d,%s,%.1f,%.1f,%.1f" % (
            talker, 3 if fix else 1, ",".join(prns), rnd.uniform(1, 5), rnd.uniform(0.5, 3),
            rnd.uniform(1, 4),
        )  # fmt: skip
        total = max(1, (len(sats) + 3) // 4)
        for n in range(total):
            blocks = []
            for prn in sats[n * 4 : n * 4 + 4]:
                snr = "%02d" % rnd.randrange(10, 50) if rnd.random() < 0.8 else ""
                blocks.append(",%02d,%02d,%03d,%s" % (
                    prn, rnd.randrange(0, 90), rnd.randrange(0, 360), snr))  # fmt: skip
            yield "%sGSV,%d,%d,%02d%s" % (talker[:2], total, n + 1, len(sats), "".join(blocks))
        yield "%sGLL,%s,%s,%s,%s" % (talker, la, lo, hms, status)
        if rnd.random() < 0.2:
            yield rnd.choice(("GPZDA,%s,31,12,2024,00,00" % hms, "PMTK001,220,3", "XXRMC,0"))


def corrupt(rnd, bodies):
    """The bytes on the wire, the sentences that arrive intact (as received), and how many
    lines were spoilt in ways the driver counts as bad lines and as checksum failures."""
    wire = []
    intact = []
    bad = crc = 0
    kinds = {}
    spare = False  # the line after a truncated one reaches the driver whole
    for body in bodies:
        line = sentence(body)
        assert len(line) - 2 <= _LIMIT, line
        kind = None if spare else rnd.choice(
            ("flip", "drop", "checksum", "truncate", "noise", "prefix", "long", "control",
             "empty", "lower", "lf") + (None,) * 22
        )  # fmt: skip
        spare = kind == "truncate"
        kinds[kind] = kinds.get(kind, 0) + 1
        star = len(line) - 5
        if kind == "flip":  # a character changed: the checksum catches it
            i = rnd.randrange(1, star)
            c = rnd.choice([p for p in PRINTABLE if p != line[i]])
            line = line[:i] + bytes([c]) + line[i + 1 :]
            crc += 1
        elif kind == "drop":  # a character lost
            i = rnd.randrange(1, star)
            line = line[:i] + line[i + 1 :]
            crc += 1
        elif kind == "checksum":
            value = int(line[-4:-2], 16) ^ rnd.randrange(1, 256)
            line = line[:-4] + (b"%02X" % value) + b"\r\n"
            crc += 1
        elif kind == "truncate":  # the receiver restarts mid-sentence
            line = line[: rnd.randrange(1, star)]
            bad += 1
        elif kind == "noise":  # a line of noise before the sentence
            wire.append(bytes(rnd.choice(NOISE) for _ in range(rnd.randrange(0, 40))) + b"\n")
            bad += 1
        elif kind == "prefix":  # noise on the same line, before the sentence
            noise = bytes(rnd.choice(NOISE) for _ in range(rnd.randrange(0, 20)))
            wire.append(noise + bytes([rnd.choice(PRINTABLE[1:])]))  # not just white space
            bad += 1
        elif kind == "long":  # well formed, but longer than a sentence may be
            line = sentence(body + ",0" * ((_LIMIT - len(body)) // 2 + 1))
            bad += 1
        elif kind == "control":  # a control character, with its checksum
            i = rnd.randrange(1, len(body))
            line = sentence(body[:i] + chr(rnd.choice((0, 7, 9, 27, 127))) + body[i:])
            bad += 1
        elif kind == "empty":  # a field left empty: intact, the driver decides
            fields = body.split(",")
            fields[rnd.randrange(1, len(fields))] = ""
            line = sentence(",".join(fields))
        elif kind == "lower":  # lower-case checksum: intact
            line = sentence(body, lower=True)
        elif kind == "lf":  # no carriage return: intact
            line = line[:-2] + b"\n"
        if kind in (None, "noise", "prefix", "empty", "lower", "lf"):
            intact.append(line)
        wire.append(line)
    return b"".join(wire), intact, bad, crc, kinds


PROGRAM = r"""
def refuses_atomically(ref, lines):
    # Feed the reference; every line it does not store must leave its state as it was.
    for line in lines:
        before = state(ref)
        if not ref._update(line) and state(ref) != before:
            return line
    return None


async def main():
    with open(STREAM, "rb") as f:
        data = f.read()
    with open(INTACT, "rb") as f:
        lines = [line + b"\n" for line in f.read().split(b"\n")[:-1]]
    ref_log = []
    ref = as_GPS.AS_GPS(None, fix_cb=lambda g, m: ref_log.append((m, state(g))), cb_mask=0x3F)
    print("atomic", refuses_atomically(ref, lines))
    log = []
    gps = await drive(data, fix_cb=lambda g, m: log.append((m, state(g))), cb_mask=0x3F)
    print("stored", len(log), len(ref_log))
    mismatch = [i for i in range(min(len(log), len(ref_log))) if log[i] != ref_log[i]]
    print("mismatch", mismatch[:1])
    print("driver", stats(gps))
    print("reference", stats(ref))
    kinds = {}
    for m, _ in ref_log:
        kinds[m] = kinds.get(m, 0) + 1
    print("types", sorted(kinds.items()))


asyncio.run(main())
"""


def test_corrupted_traffic_changes_nothing_but_intact_sentences(board, loop, tmp_path):
    rnd = random.Random(SEED)
    data, intact, bad, crc, kinds = corrupt(rnd, list(receiver(rnd, SECONDS)))
    assert all(kinds[k] >= 5 for k in kinds), kinds  # every kind of damage happens
    stream, lines = tmp_path / "stream.bin", tmp_path / "intact.bin"
    stream.write_bytes(data)
    lines.write_bytes(b"".join(line if line.endswith(b"\n") else line + b"\n" for line in intact))
    head = "STREAM = %r\nINTACT = %r\n" % (str(stream), str(lines))
    out = board.output(COMMON + MICROPYTHON_STREAM + DRIVE + head + PROGRAM, loop=loop)
    assert out == board.run_cpython(COMMON + CPYTHON_STREAM + DRIVE + head + PROGRAM)
    result = dict(line.split(" ", 1) for line in out.splitlines())
    assert result["atomic"] == "None"
    stored, ref_stored = result["stored"].split()
    assert stored == ref_stored and int(stored) > 200
    assert result["mismatch"] == "[]"
    counts = dict(item.split("=") for item in result["driver"].split())
    ref_counts = dict(item.split("=") for item in result["reference"].split())
    assert counts["bad"] == str(bad) and counts["crc"] == str(crc)
    assert ref_counts["bad"] == ref_counts["crc"] == "0"
    for key in ("clean", "parsed", "rejected", "unsupported"):
        assert counts[key] == ref_counts[key], key
    assert int(counts["clean"]) == len(intact)
    assert int(counts["rejected"]) > 50  # no-fix spells and emptied fields
    types = dict(ast.literal_eval(result["types"]))  # callbacks by sentence type
    assert sorted(types) == [1, 2, 4, 8, 16, 32] and min(types.values()) > 20, types
