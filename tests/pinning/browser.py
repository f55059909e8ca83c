"""A real headless Chromium driven over the DevTools protocol, standard library only."""

import base64
import json
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """``chromium --headless`` with one page; ``evaluate(js)`` returns the value."""

    def __init__(self):
        if not CHROMIUM:
            raise RuntimeError("chromium not found: apt-get install chromium (.ci/run does)")
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
            + ["--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.sock = websocket(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def _devtools_port(self):
        deadline, seen = time.monotonic() + 60, b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stderr], [], [], 1)
            if ready:
                seen += os.read(self.proc.stderr.fileno(), 4096)
                found = re.search(rb"DevTools listening on ws://127.0.0.1:(\d+)/", seen)
                if found:
                    return int(found.group(1))
            if self.proc.poll() is not None:
                break
        self.close()
        raise RuntimeError(f"chromium did not start: {seen[-500:]!r}")

    def send(self, method, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        send_frame(self.sock, json.dumps(message).encode())
        while True:  # events come in between: skip them
            reply = json.loads(recv_frame(self.sock))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url):
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not load")
            time.sleep(0.05)

    def type(self, selector, text):
        """Focus ``selector`` and type ``text`` into it as a user would (input events)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def close(self):
        if getattr(self, "sock", None):
            self.sock.close()
        self.proc.kill()
        self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def websocket(url):
    """A connected client socket for ``ws://host:port/path`` (RFC 6455 handshake)."""
    host, port, path = re.match(r"ws://([^:/]+):(\d+)(/.*)", url).groups()
    sock = socket.create_connection((host, int(port)), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(f"websocket refused: {head!r}")
    return sock


def send_frame(sock, payload):
    # One final text frame, masked as every client frame must be.
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x81, 0x80 | size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("chromium closed the DevTools connection")
        data += chunk
    return data


def recv_frame(sock):
    """The payload of the next message (continuation frames joined); server frames are unmasked."""
    message = b""
    while True:
        first, second = recv_exact(sock, 2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", recv_exact(sock, 2))[0]
        elif size == 127:
            size = struct.unpack("!Q", recv_exact(sock, 8))[0]
        message += recv_exact(sock, size)
        if first & 0x80:
            return message
