"""as_rwGPS: the MTK commands it writes to the UART, and the replies it reads back."""

import ast

PROGRAM = r"""
import asyncio
import as_rwGPS
from machine_sim import UART


def nmea(body):
    crc = 0
    for c in body.encode():
        crc ^= c
    return "$%s*%02X\r\n" % (body, crc)


async def main():
    uart = UART()
    msgs = []
    gps = as_rwGPS.GPS(asyncio.StreamReader(uart), asyncio.StreamWriter(uart, {}),
                       msg_cb=lambda g, m, *a: msgs.append([m, a]), msg_cb_args=("x",))

    async def sent(coro):
        await coro
        print("sent", repr(uart.wire.readline()))

    await sent(gps.baudrate())
    await sent(gps.baudrate(38400))
    await sent(gps.update_interval())
    await sent(gps.update_interval(100))
    print("update_ms", gps._update_ms)
    await sent(gps.enable())
    await sent(gps.enable(gll=1, rmc=1, vtg=0, gga=1, gsa=0, gsv=0, chan=5))
    for cmd in range(as_rwGPS.HOT_START, as_rwGPS.NO_ANTENNA + 1):
        await sent(gps.command(cmd))
    for coro in (gps.baudrate(1234), gps.update_interval(99), gps.update_interval(10001),
                 gps.enable(gsv=6), gps.command(0), gps.command(11)):
        try:
            await coro
        except ValueError as e:
            print("ValueError", e)
    print("nothing more sent", uart.any() == 0)

    replies = [
        "PMTK705,AXN_2.31_3339_13101700,5632,PA6H,1.0",
        "PMTK514,0,1,1,1,1,5,0,0,0,0,0,0,0,0,0,0,0,0,0",
        "PGTOP,11,3",
        "PMTK001,314,3",
        "PMTK514,0,1",  # cut short: not understood, changes nothing
        "PGTOP,11,x",
        "PXYZ,1",
        "GPRMC,092751.000,A,5321.6802,N,00630.3371,W,0.06,31.66,280511,,,A",
    ]
    uart.wire.write("".join([nmea(r) for r in replies]).encode())
    uart.wire.close()
    await asyncio.wait_for(gps._task, 10)
    for m, args in msgs:
        if m[0] == "enabled":
            m = ["enabled", sorted(m[1].items())]
        print("msg", repr(m), repr(args))
    print("version", repr(gps.version))
    print("enabled", repr(sorted(gps.enabled.items())))
    print("antenna", gps.antenna)
    print("utc", gps.utc)
    print("stats", gps.clean_sentences, gps.parsed_sentences, gps.unsupported_sentences)


asyncio.run(main())
"""

SENT = [
    b"$PMTK251,9600*17\r\n",
    b"$PMTK251,38400*27\r\n",
    b"$PMTK220,1000*1F\r\n",
    b"$PMTK220,100*2F\r\n",
    b"$PMTK314,0,1,1,1,1,5,0,0,0,0,0,0,0,0,0,0,0,0,0*2D\r\n",
    b"$PMTK314,1,1,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,5*2C\r\n",
    b"$PMTK101*32\r\n",
    b"$PMTK102*31\r\n",
    b"$PMTK103*30\r\n",
    b"$PMTK104*37\r\n",
    b"$PMTK161,0*28\r\n",
    b"$PMTK314,-1*04\r\n",
    b"$PMTK605*31\r\n",
    b"$PMTK414*33\r\n",
    b"$PGCMD,33,1*6C\r\n",
    b"$PGCMD,33,0*6D\r\n",
]


ENABLED = "[('chan', 0), ('gga', 1), ('gll', 0), ('gsa', 1), ('gsv', 5), ('rmc', 1), ('vtg', 1)]"


def checksum_ok(line):
    body, crc = line[1:-2].split(b"*")
    x = 0
    for c in body:
        x ^= c
    return crc == b"%02X" % x


def test_commands_and_replies(board, loop):
    out = board.output(PROGRAM, loop=loop).splitlines()
    sent = [ast.literal_eval(line.split(" ", 1)[1]) for line in out if line.startswith("sent")]
    assert sent == SENT
    assert all(checksum_ok(line) for line in sent)  # upper case, zero padded, CR LF
    rest = [line for line in out if not line.startswith("sent")]
    assert rest == [
        "update_ms 100",
        "ValueError Invalid baudrate 1234.",
        "ValueError Invalid update interval 99ms.",
        "ValueError Invalid update interval 10001ms.",
        "ValueError Invalid sentence rate 6.",
        "ValueError Invalid command 0.",
        "ValueError Invalid command 11.",
        "nothing more sent True",
        "msg ['version', 'AXN_2.31_3339_13101700', '5632', 'PA6H', '1.0'] ('x',)",
        "msg ['enabled', " + ENABLED + "] ('x',)",
        "msg ['antenna', 3] ('x',)",
        "msg ['PMTK001', '314', '3'] ('x',)",
        "version ['AXN_2.31_3339_13101700', '5632', 'PA6H', '1.0']",
        "enabled " + ENABLED,
        "antenna 3",
        "utc (9, 27, 51)",
        "stats 8 5 7",
    ]


CPYTHON = r"""
import asyncio
import as_rwGPS


class Writer:  # what an asyncio.StreamWriter on the UART would be given
    def __init__(self):
        self.data = b""

    def write(self, data):
        self.data += data

    async def drain(self):
        pass


async def main():
    reader, writer = asyncio.StreamReader(), Writer()
    msgs = []
    gps = as_rwGPS.GPS(reader, writer, msg_cb=lambda g, m: msgs.append(m))
    await gps.baudrate()
    await gps.baudrate(38400)
    await gps.update_interval()
    await gps.update_interval(100)
    await gps.enable()
    await gps.enable(gll=1, rmc=1, vtg=0, gga=1, gsa=0, gsv=0, chan=5)
    for cmd in range(as_rwGPS.HOT_START, as_rwGPS.NO_ANTENNA + 1):
        await gps.command(cmd)
    print(repr(writer.data))
    reader.feed_data(as_rwGPS.sentence("PMTK705,AXN_2.31_3339_13101700,5632,PA6H,1.0"))
    reader.feed_data(as_rwGPS.sentence("PGTOP,11,2"))
    reader.feed_eof()
    await gps._task
    print(msgs, gps.version, gps.antenna)


asyncio.run(main())
"""


def test_runs_under_cpython(board):
    data, replies = board.run_cpython(CPYTHON).splitlines()
    assert ast.literal_eval(data) == b"".join(SENT)
    assert replies == (
        "[['version', 'AXN_2.31_3339_13101700', '5632', 'PA6H', '1.0'], ['antenna', 2]] "
        "['AXN_2.31_3339_13101700', '5632', 'PA6H', '1.0'] 2"
    )
