# Socket client: sends a reading every PERIOD_MS as a JSON line to socket_server.py, keeps each
# line until the server acknowledges it, and reconnects whenever the link drops (the server
# restarted, the network went away): no line is lost or stored twice.
# Wire: nothing; set SERVER to the server's address. Protocol: see socket_server.py.
#
# Prints "connected" when a server answers on a new link, "link lost" when that link ends, and
# "sent <n>" once the server has acknowledged the last of n readings (when given a count).
import asyncio
import json
import sys

SERVER = "127.0.0.1"
PORT = 8123
PERIOD_MS = 2000
HEARTBEAT_MS = 1000
RETRY_MS = 500


class Client:
    def __init__(self, cid, count=None):
        self.cid = cid
        self.count = count  # readings to send; None: for ever
        self.pending = []  # (seq, line) sent or to send, oldest first, until acked
        self.seq = 0
        self.more = asyncio.Event()  # a new line is pending

    def add(self, value):
        self.seq += 1
        msg = {"id": self.cid, "seq": self.seq, "value": value}
        self.pending.append((self.seq, (json.dumps(msg) + "\n").encode()))
        self.more.set()

    def done(self):
        return self.count is not None and self.seq >= self.count and not self.pending

    async def produce(self, period_ms):
        while self.count is None or self.seq < self.count:
            n = self.seq + 1
            self.add(n * n)  # stands for a sensor reading
            await asyncio.sleep_ms(period_ms)

    async def sender(self, writer):
        upto = 0  # the last seq sent on this link: a new link sends every pending line again
        try:
            while True:
                self.more.clear()
                new = [p for p in self.pending if p[0] > upto]
                for seq, line in new:
                    writer.write(line)
                    upto = seq
                if not new:
                    writer.write(b'{"hb": 0}\n')  # nothing to say for HEARTBEAT_MS: still here
                await writer.drain()
                try:
                    await asyncio.wait_for_ms(self.more.wait(), HEARTBEAT_MS)
                except asyncio.TimeoutError:
                    pass
        except OSError:
            pass  # the link broke: the reader sees it too, or hears nothing and gives up

    async def link(self, host, port):
        answered = False
        reader, writer = await asyncio.open_connection(host, port)
        send = asyncio.create_task(self.sender(writer))
        try:
            while not self.done():
                line = await asyncio.wait_for_ms(reader.readline(), 3 * HEARTBEAT_MS)
                if not line:
                    break  # the server closed the link
                if not answered:
                    print("connected")
                    answered = True
                msg = json.loads(line)
                while "ack" in msg and self.pending and self.pending[0][0] <= msg["ack"]:
                    self.pending.pop(0)
        except (OSError, ValueError, asyncio.TimeoutError):
            pass  # refused, reset, a bad line, or a silent server
        send.cancel()
        writer.close()
        return answered

    async def run(self, host, port, period_ms=PERIOD_MS):
        produce = asyncio.create_task(self.produce(period_ms))
        while True:
            if await self.link(host, port) and not self.done():
                print("link lost")
            if self.done():
                break
            await asyncio.sleep_ms(RETRY_MS)
        produce.cancel()
        print("sent", self.seq)


async def main(host=SERVER, port=PORT, count=None, period_ms=PERIOD_MS, cid="c1"):
    await Client(cid, count).run(host, port, period_ms)


if __name__ == "__main__":
    asyncio.run(main(SERVER, *map(int, sys.argv[1:2])))
