#!/usr/bin/env python3
"""Make the MicroPython unix port look like a board on a serial port, for ``mpremote``.

    python3 tools/mpbridge.py [--micropython PATH]
    device: /dev/pts/7          <- first line printed; then: mpremote connect /dev/pts/7 ...

The interpreter runs on one pseudo-terminal; the device path printed is the far end of
another, and the bridge copies bytes between the two. Two things make it a faithful board:

- output post-processing is off on the interpreter's terminal, so ``\\r\\n`` stays
  ``\\r\\n`` (mpremote waits for exact banners);
- Ctrl-D at the raw REPL prompt makes the unix port exit where a board soft-resets. The bridge
  then starts a fresh interpreter (over the same files: a soft reset keeps the filesystem),
  puts it back into the raw REPL and tells the host ``MPY: soft reboot`` like a board.

HOME and the working directory pass to the interpreter: its lib folder is
``$HOME/.micropython/lib``. Stop the bridge with SIGTERM or SIGINT. Linux and macOS only.
"""

import argparse
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tty
from pathlib import Path

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
FRIENDLY_PROMPT = b">>> "
CTRL_A, CTRL_B = 0x01, 0x02
READY_TIMEOUT = 10  # seconds for a fresh interpreter to show its prompt


class Interpreter:
    """One micropython process on its own pseudo-terminal."""

    def __init__(self, exe):
        self.master, slave = pty.openpty()
        tty.setraw(slave)  # no echo, no line editing, no \n -> \r\n on output
        self.proc = subprocess.Popen(
            [exe], stdin=slave, stdout=slave, stderr=slave, start_new_session=True
        )
        os.close(slave)

    def read_until(self, marker):
        """Read output until ``marker``; return everything read."""
        data = b""
        while not data.endswith(marker):
            ready, _, _ = select.select([self.master], [], [], READY_TIMEOUT)
            if not ready:
                raise RuntimeError(f"micropython did not print {marker!r}; got {data[-200:]!r}")
            data += os.read(self.master, 4096)
        return data

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.master)


class Bridge:
    """The host's pseudo-terminal joined to an interpreter that restarts on soft reset."""

    def __init__(self, exe):
        self.exe = exe
        self.host, self.device = pty.openpty()
        tty.setraw(self.device)  # keep our end open so the host can come and go
        self.raw_mode = False
        self.board = self.start()

    def start(self):
        board = Interpreter(self.exe)
        board.read_until(FRIENDLY_PROMPT)
        return board

    def soft_reset(self):
        self.board.close()
        self.board = self.start()
        if self.raw_mode:
            os.write(self.board.master, b"\r\x01")
            self.board.read_until(RAW_BANNER)
            os.write(self.host, b"MPY: soft reboot\r\n" + RAW_BANNER)
        else:
            os.write(self.host, b"MPY: soft reboot\r\n" + FRIENDLY_PROMPT)

    def from_host(self):
        data = os.read(self.host, 4096)
        # The last mode switch the host asked for says which REPL a soft reset returns to.
        for byte in reversed(data):
            if byte in (CTRL_A, CTRL_B):
                self.raw_mode = byte == CTRL_A
                break
        os.write(self.board.master, data)

    def from_board(self):
        try:
            data = os.read(self.board.master, 4096)
        except OSError:  # EIO: the interpreter exited, which is the board's soft reset
            data = b""
        if data:
            os.write(self.host, data)
        else:
            self.soft_reset()

    def serve(self):
        print("device:", os.ttyname(self.device), flush=True)
        try:
            while True:
                ready, _, _ = select.select([self.host, self.board.master], [], [])
                if self.host in ready:
                    self.from_host()
                if self.board.master in ready:
                    self.from_board()
        finally:
            self.board.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = shutil.which("micropython", path=str(Path(sys.executable).parent))
    parser.add_argument("--micropython", default=default or "micropython")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        Bridge(args.micropython).serve()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
