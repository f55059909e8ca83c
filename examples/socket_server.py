# Socket server: JSON lines over asyncio.start_server, with a heartbeat, and no line lost or
# doubled when a client or the server itself restarts. Pair: socket_client.py.
# Wire: nothing; a board with a network (ESP32, Pico W, Pyboard D) or the unix port.
#
# Protocol, one JSON object per line, both ways:
#   client -> server  {"id": "c1", "seq": 7, "value": ...}   seq counts 1, 2, 3 ... per client
#   server -> client  {"ack": 7}    the highest seq stored for that client (sent for every line)
#   either way        {"hb": n}     heartbeat, sent after HEARTBEAT_MS without another line
# A side that hears nothing for 3 heartbeats drops the link (the peer is gone, or the network).
# The server appends each new line to LOG before it acks it, and reads LOG back when it
# starts, so a client that resends what was not acked never makes a line count twice.
#
# Prints "listening on <port>", then for each stored line "<id> <seq> <value>".
import asyncio
import json
import sys

PORT = 8123
LOG = "received.log"
HEARTBEAT_MS = 1000


def load(log):
    """{client id: highest seq stored} from the log of an earlier run."""
    last = {}
    try:
        with open(log) as f:
            for line in f:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue  # a line cut short when the power went
                last[msg["id"]] = msg["seq"]
    except OSError:
        pass  # no log yet
    return last


async def heartbeat(writer, sent):
    n = 0
    while True:
        await asyncio.sleep_ms(HEARTBEAT_MS // 4)
        if asyncio.ticks_diff(asyncio.ticks(), sent[0]) >= HEARTBEAT_MS:
            n += 1
            await send(writer, {"hb": n}, sent)


async def send(writer, msg, sent):
    writer.write((json.dumps(msg) + "\n").encode())
    await writer.drain()
    sent[0] = asyncio.ticks()


class Server:
    def __init__(self, log=LOG):
        self.log = log
        self.last = load(log)

    async def client(self, reader, writer):
        sent = [asyncio.ticks()]
        beat = asyncio.create_task(heartbeat(writer, sent))
        try:
            while True:
                line = await asyncio.wait_for_ms(reader.readline(), 3 * HEARTBEAT_MS)
                if not line:
                    break  # the client closed the link
                msg = json.loads(line)
                if "seq" in msg:
                    await send(writer, {"ack": self.store(msg)}, sent)
        except (OSError, ValueError, asyncio.TimeoutError):
            pass  # the link broke, a bad line, or a silent client: it will reconnect
        beat.cancel()
        writer.close()
        await writer.wait_closed()

    def store(self, msg):
        """Keep msg if it is the client's next line; return the seq to acknowledge."""
        cid, seq = msg["id"], msg["seq"]
        last = self.last.get(cid, 0)
        if seq == last + 1:
            with open(self.log, "a") as f:
                f.write(json.dumps(msg) + "\n")
            self.last[cid] = last = seq
            print(cid, seq, msg["value"])
        return last  # a repeat or a gap: the ack tells the client where to resume


async def main(port=PORT, log=LOG):
    server = Server(log)
    await asyncio.start_server(server.client, "0.0.0.0", port)
    print("listening on", port)
    while True:
        await asyncio.sleep(10)


if __name__ == "__main__":
    asyncio.run(main(*map(int, sys.argv[1:2])))
