"""A board reached through ``mpremote``: the board-side work is ``miplock`` run there.

Every command sends ``miplock.py`` (the on-board package's own source) with a call at the
end, so the host and a board installing by itself compare and replace files the same way.
"""

import subprocess
import sys
from pathlib import Path

from .locking import MplockError

MIPLOCK_SOURCE = (Path(__file__).resolve().parent / "miplock.py").read_text()
TAG = "MPLOCK"
TIMEOUT = 300  # seconds for one mpremote run: mpremote's reads on a pty never time out


class Board:
    def __init__(self, device="auto", target=None, mpremote=None):
        self.device = device
        self.target = target
        self.mpremote = mpremote or [sys.executable, "-m", "mpremote"]

    def _mpremote(self, *commands):
        try:
            return subprocess.run(
                [*self.mpremote, "connect", self.device, *commands],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            raise MplockError(f"mpremote on {self.device} did not answer in {TIMEOUT} s") from exc

    def call(self, code):
        """Run miplock plus ``code`` on the board; return the tagged lines it printed."""
        proc = self._mpremote("exec", MIPLOCK_SOURCE + "\n" + code)
        if proc.returncode != 0:
            raise MplockError(f"on {self.device}: {last_line(proc)}")
        return [line.split()[1:] for line in proc.stdout.splitlines() if line.startswith(TAG)]

    def survey(self, lock_text, recover=False):
        """(lib, mpy variant, [(kind, target)]) for the board against the lock."""
        code = (
            f"_lib = {self.target!r} or lib_dir()\n"
            f"print({TAG!r}, 'lib', _lib)\n"
            f"print({TAG!r}, 'mpy', _mpy_variant())\n"
            + (
                f"if recover(_lib): print({TAG!r}, 'recovered', '-')\n"
                if recover
                else f"if _exists(_lib + '/' + _NEW) or _exists(_lib + '/' + _JOURNAL):\n"
                f"    print({TAG!r}, 'interrupted', _NEW)\n"
            )
            + f"for _d in diff(read({lock_text!r}.split(chr(10))), _lib): print({TAG!r}, *_d)\n"
        )
        lib, mpy, found = None, None, []
        for words in self.call(code):
            if words[0] == "lib":
                lib = " ".join(words[1:])
            elif words[0] == "mpy":
                mpy = words[1]
            elif words[0] != "recovered":
                found.append((words[0], " ".join(words[1:])))
        return lib, mpy, found

    def commit(self, lock_text, lib, staged, removes):
        """Copy ``staged`` ({target: local file}) next to ``lib``, then swap all in at once.

        One mpremote run: make the staging folders, copy, and have the board check every
        staged file's SHA-256 before it replaces anything.
        """
        stage = f"{lib}/.miplock-new"
        folders = sorted({f"{stage}/{t}".rsplit("/", 1)[0] for t in staged} | {stage})
        prepare = f"recover({lib!r})\nfor _f in {folders!r}: _makedirs(_f)\n"
        commands = ["exec", MIPLOCK_SOURCE + "\n" + prepare]
        for target, local in sorted(staged.items()):
            commands += ["+", "fs", "cp", str(local), f":{stage}/{target}"]
        swap = f"commit({lock_text!r}, {lib!r}, {sorted(staged)!r}, {sorted(removes)!r})\n"
        commands += ["+", "exec", MIPLOCK_SOURCE + "\n" + swap]
        proc = self._mpremote(*commands)
        if proc.returncode != 0:
            try:  # the board may be back: take the half-done upload away now
                self.call(f"recover({lib!r})")
                left = "nothing was changed on the board"
            except MplockError:
                left = (
                    "nothing on the board was replaced; the partial upload in "
                    f"{stage} is removed by the next mplock install or sync"
                )
            raise MplockError(f"install failed on {self.device}: {last_line(proc)}; {left}")
        return proc.stdout


def last_line(proc):
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return lines[-1] if lines else f"mpremote exited {proc.returncode}"
