"""examples/socket_server.py and socket_client.py: the server is killed mid-exchange and started
again; the client reconnects, and every reading is stored exactly once, in order."""

import json
import signal
import socket
import subprocess
import threading
import time

from harness import FAST_IO_PRELUDE, MICROPYTHON, REPO

EXAMPLES = REPO / "examples"
COUNT = 30  # readings, one every 100 ms


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Program:
    """A MicroPython program run in the background; its stdout lines collected as they come."""

    def __init__(self, board, loop, code, cwd):
        prelude = FAST_IO_PRELUDE if loop == "fast_io" else ""
        self.proc = subprocess.Popen(
            [MICROPYTHON, "-c", prelude + code],
            env=board.env([EXAMPLES]),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate, timeout=20):
        end = time.monotonic() + timeout
        while not predicate(self.lines):
            assert self.proc.poll() is None, self.proc.stderr.read()
            assert time.monotonic() < end, f"timed out; output so far: {self.lines}"
            time.sleep(0.02)

    def finish(self, timeout=30):
        self.proc.wait(timeout)
        self.reader.join(5)
        return self.proc.returncode, self.proc.stderr.read()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.reader.join(5)


def server(board, loop, port, cwd):
    srv = Program(
        board, loop, f"import asyncio, socket_server\nasyncio.run(socket_server.main({port}))", cwd
    )
    srv.wait_for(lambda lines: f"listening on {port}" in lines)
    return srv


def test_server_restart_loses_and_doubles_nothing(board, loop, tmp_path):
    port = free_port()
    first = server(board, loop, port, tmp_path)
    programs = [first]
    client = Program(
        board,
        loop,
        "import asyncio, socket_client\n"
        f"asyncio.run(socket_client.main('127.0.0.1', {port}, {COUNT}, 100))",
        tmp_path,
    )
    programs.append(client)
    try:
        first.wait_for(lambda lines: len(lines) > 5)  # "listening", then readings 1 to 5
        # The server hangs: the client's next readings reach its socket and are never acked.
        # Then it dies with them unread; the client must send them again.
        first.proc.send_signal(signal.SIGSTOP)
        time.sleep(0.5)
        first.kill()
        client.wait_for(lambda lines: "link lost" in lines)
        time.sleep(0.3)  # readings pile up meanwhile, and connects are refused
        second = server(board, loop, port, tmp_path)
        programs.append(second)
        rc, err = client.finish()
        second.kill()
    finally:
        for prog in programs:
            prog.proc.kill()
    assert rc == 0, err
    assert client.lines == ["connected", "link lost", "connected", f"sent {COUNT}"]
    stored = [json.loads(line) for line in (tmp_path / "received.log").read_text().splitlines()]
    assert [m["seq"] for m in stored] == list(range(1, COUNT + 1))
    assert [m["value"] for m in stored] == [n * n for n in range(1, COUNT + 1)]
    # each server printed what it stored: the second one took up where the first one ended
    printed = [line.split() for line in first.lines[1:] + second.lines[1:]]
    assert [int(seq) for _, seq, _ in printed] == list(range(1, COUNT + 1))
    assert len(second.lines) > 1


def test_server_stores_a_line_once(board, loop, tmp_path):
    """A client resending lines the server stored before the link dropped (their acks lost)."""
    log = tmp_path / "received.log"
    log.write_text("".join(json.dumps({"id": "c1", "seq": n, "value": n}) + "\n" for n in (1, 2)))
    port = free_port()
    srv = server(board, loop, port, tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            for seq in (1, 2, 3, 2, 5, 4):  # two repeats, then a gap: 5 before 4
                sock.sendall(json.dumps({"id": "c1", "seq": seq, "value": seq}).encode() + b"\n")
            with sock.makefile("rb") as answers:
                acks = [json.loads(answers.readline()).get("ack") for _ in range(6)]
    finally:
        srv.kill()
    assert acks == [2, 2, 3, 3, 3, 4]  # the highest seq stored: resume after it
    assert [json.loads(line)["seq"] for line in log.read_text().splitlines()] == [1, 2, 3, 4]
    assert srv.lines[1:] == ["c1 3 3", "c1 4 4"]
