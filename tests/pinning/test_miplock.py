"""``miplock`` on the board: the unix port installs a lock from the index over HTTP by itself."""

import os
import subprocess

import pytest
from harness import MICROPYTHON
from indexkit import StaticServer
from pinkit import MIPLOCK_DIR, HalfHandler, files, mplock, tampered_copy

LOCK = "mip-requirements.lock"


class Board:
    """The unix port with ``lib`` on its path (where mip and miplock install) and miplock."""

    def __init__(self, root):
        self.root = root
        self.lib = root / "lib"
        self.lib.mkdir(parents=True, exist_ok=True)

    def run(self, code):
        env = dict(os.environ, HOME=str(self.root))
        env["MICROPYPATH"] = f".frozen:{self.lib}:{MIPLOCK_DIR}"
        return subprocess.run(
            [MICROPYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )


def lock_for(tmp_path, name, index, *lines):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "mip-requirements.txt").write_text("\n".join([f"--index {index}", *lines]) + "\n")
    mplock("lock", cwd=folder, check=True)
    return folder / LOCK


def locked_files(lock):
    return dict(line.split()[1:] for line in lock.read_text().splitlines() if line[:5] == "file ")


@pytest.fixture
def board(tmp_path):
    return Board(tmp_path / "board")


def test_install_verify_then_sync_restores_exactly_the_lock(board, served, tmp_path):
    v1, v2 = served
    lock = lock_for(tmp_path, "app", v2, "hello-app")
    proc = board.run(f"import miplock\nmiplock.install({str(lock)!r})")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "installed hello_app/shout.mpy" in proc.stdout
    assert files(board.lib) == locked_files(lock)
    run = board.run("import hello_app.shout\nprint(hello_app.shout.shout())")
    assert run.stdout == "BASE TWO\n", run.stdout + run.stderr
    verify = f"import miplock\nprint(miplock.verify({str(lock)!r}))"
    assert board.run(verify).stdout == "board matches the lock\n0\n"

    (board.lib / "hello_app" / "__init__.mpy").write_bytes(b"M\x06\x00\x1f altered")
    (board.lib / "hello_app" / "shout.mpy").unlink()
    older = board.run(
        f"import mip\nmip.install('hello-base', index={v1!r}, version='1.0.0', mpy=False)"
    )
    assert older.stdout.rstrip().endswith("Done"), older.stdout + older.stderr
    assert board.run(verify).stdout.splitlines() == [
        "altered hello_app/__init__.mpy",
        "missing hello_app/shout.mpy",
        "extra hello_base.py",
        "3 difference(s)",
        "3",
    ]
    proc = board.run(f"import miplock\nmiplock.sync({str(lock)!r})")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert files(board.lib) == locked_files(lock)
    assert board.run(verify).stdout.endswith("\n0\n")

    # A newer lock without hello-app: sync removes its files, folder included.
    lock = lock_for(tmp_path, "base", v2, "hello-base")
    assert board.run(verify.replace("app/", "base/")).stdout.splitlines()[:2] == [
        "dropped hello_app/__init__.mpy",
        "dropped hello_app/shout.mpy",
    ]
    board.run(f"import miplock\nmiplock.sync({str(lock)!r})")
    assert files(board.lib) == locked_files(lock)
    assert not (board.lib / "hello_app").exists()


def refused(board, served, tmp_path, server):
    """Install a 1.1.0 lock from ``server`` onto a board holding 1.0.0: it must refuse."""
    old = lock_for(tmp_path, "old", served[0], "hello-app")
    assert board.run(f"import miplock\nmiplock.install({str(old)!r})").returncode == 0
    before = files(board.lib, skip="")
    lock = lock_for(tmp_path, "new", served[1], "hello-app")
    lock.write_text(lock.read_text().replace(served[1], server.url))
    try:
        proc = board.run(f"import miplock\nmiplock.install({str(lock)!r})")
    finally:
        server.close()
    assert proc.returncode == 1
    assert "nothing was changed" in proc.stdout
    assert files(board.lib, skip="") == before  # no staging folder left either
    return proc.stdout + proc.stderr  # the unix port prints tracebacks to stdout


def test_tampered_index_is_refused_and_the_board_untouched(board, served, indexes, tmp_path):
    tampered_copy(indexes[1], tmp_path / "tampered", "hello_app/__init__.mpy")
    err = refused(board, served, tmp_path, StaticServer(tmp_path / "tampered"))
    assert "ValueError" in err and "the index served SHA-256" in err


def test_server_stopping_halfway_is_refused(board, served, indexes, tmp_path):
    err = refused(board, served, tmp_path, StaticServer(indexes[1], HalfHandler))
    assert "the lock says" in err


def test_power_lost_mid_commit_is_rolled_back_next_time(board, served, tmp_path):
    old = lock_for(tmp_path, "old", served[0], "hello-app")
    board.run(f"import miplock\nmiplock.install({str(old)!r})")
    before = files(board.lib, skip="")
    lock = lock_for(tmp_path, "new", served[1], "hello-app")
    # The board dies after the first file moved into place (SystemExit skips every handler).
    crash = (
        "import miplock, os, sys\n"
        "class Os:\n"
        "    def __getattr__(self, name):\n"
        "        return getattr(os, name)\n"
        "    def rename(self, a, b):\n"
        "        os.rename(a, b)\n"
        "        if '.miplock-new' in a:\n"
        "            sys.exit(3)\n"
        "miplock.os = Os()\n"
        f"miplock.install({str(lock)!r})\n"
    )
    assert board.run(crash).returncode == 3
    assert files(board.lib, skip="") != before  # half done: one file new, a journal
    proc = board.run("import miplock\nmiplock.recover(miplock.lib_dir())")
    assert proc.returncode == 0, proc.stderr
    assert files(board.lib, skip="") == before
    proc = board.run(f"import miplock\nmiplock.install({str(lock)!r})")
    assert proc.returncode == 0, proc.stderr
    assert files(board.lib) == locked_files(lock)


def test_malformed_lock_names_the_line(board, served, tmp_path):
    lock = lock_for(tmp_path, "app", served[1], "hello-app")
    lock.write_text(lock.read_text().replace("package hello-base", "package hello-base 1 2"))
    proc = board.run(f"import miplock\nmiplock.install({str(lock)!r})")
    assert proc.returncode == 1
    assert (
        "LockError: line 9: cannot read 'package hello-base 1 2 1.1.0'"
        in proc.stdout + proc.stderr
    )
    assert files(board.lib, skip="") == {}
