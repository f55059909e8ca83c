"""``mplock`` end to end: the real mpremote, the unix port acting as a board on a pty."""

import os
import shutil
import signal
import time

import pytest
from indexkit import Bridge, StaticServer
from pinkit import (
    HalfHandler,
    children,
    files,
    kill_quietly,
    mplock,
    mplock_background,
    tampered_copy,
)

LOCK = "mip-requirements.lock"
SHOUT = "import hello_app.shout\nprint(hello_app.shout.shout(), hello_app.__version__)\n"


def project(tmp_path, index, *lines):
    folder = tmp_path / "project"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mip-requirements.txt").write_text("\n".join([f"--index {index}", *lines]) + "\n")
    return folder


def wipe(board):
    shutil.rmtree(board.lib, ignore_errors=True)
    board.lib.mkdir(parents=True)


def locked_files(lock_text):
    return dict(line.split()[1:] for line in lock_text.splitlines() if line.startswith("file "))


def test_lock_install_verify_then_sync_restores_exactly_the_lock(board, served, tmp_path):
    v1, v2 = served
    folder = project(tmp_path, v2, "# the project's packages", "hello-app")
    wipe(board)
    mplock("lock", cwd=folder, check=True)
    text = (folder / LOCK).read_text()
    assert "package hello-app 1.1.0\nrequires hello-base 1.1.0\n" in text
    assert "package hello-base 1.1.0\n" in text
    want = locked_files(text)
    assert sorted(want) == ["hello_app/__init__.mpy", "hello_app/shout.mpy", "hello_base.mpy"]

    proc = mplock("install", "-d", board.device, cwd=folder, check=True)
    assert "installed hello_base.mpy (missing)" in proc.stdout
    assert files(board.lib) == want  # every file as locked, nothing else
    run = board.mpremote("exec", SHOUT)
    assert run.stdout.split() == ["BASE", "TWO", "1.1.0"], run.stdout + run.stderr
    proc = mplock("verify", "-d", board.device, cwd=folder)
    assert proc.returncode == 0 and "matches" in proc.stdout, proc.stdout + proc.stderr

    # Alter one file, delete one, and add an older release of a package beside the lock's.
    (board.lib / "hello_app" / "__init__.mpy").write_bytes(b"M\x06\x00\x1f altered")
    (board.lib / "hello_app" / "shout.mpy").unlink()
    older = board.mpremote("mip", "install", "--no-mpy", "--index", v1, "hello-base@1.0.0")
    assert older.returncode == 0, older.stdout + older.stderr
    proc = mplock("verify", "-d", board.device, cwd=folder)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "altered hello_app/__init__.mpy",
        "missing hello_app/shout.mpy",
        "extra hello_base.py",  # imported before hello_base.mpy: the 1.0.0 release
    ]
    assert "3 difference(s)" in proc.stderr

    proc = mplock("sync", "-d", board.device, cwd=folder, check=True)
    assert "removed hello_base.py (extra)" in proc.stdout
    assert files(board.lib) == want
    assert mplock("verify", "-d", board.device, cwd=folder).returncode == 0
    run = board.mpremote("exec", SHOUT)
    assert run.stdout.split() == ["BASE", "TWO", "1.1.0"], run.stdout + run.stderr


def test_sync_removes_what_the_lock_dropped(board, served, tmp_path):
    folder = project(tmp_path, served[1], "hello-app@1.0.0", "tool-a")
    wipe(board)
    mplock("lock", cwd=folder, check=True)
    mplock("install", "-d", board.device, cwd=folder, check=True)
    assert "tool_a.mpy" in files(board.lib)
    project(tmp_path, served[1], "hello-app@1.0.0")
    mplock("lock", cwd=folder, check=True)
    assert mplock("lock", cwd=folder, check=True).stdout.startswith("locked 2 packages")
    proc = mplock("verify", "-d", board.device, cwd=folder)
    assert proc.stdout.splitlines() == ["dropped tool_a.mpy"]
    mplock("sync", "-d", board.device, cwd=folder, check=True)
    assert files(board.lib) == locked_files((folder / LOCK).read_text())


def test_lock_keeps_versions_until_upgrade_and_says_what_changed(served, tmp_path):
    v1, v2 = served
    folder = project(tmp_path, v1, "hello-app", "hello-big")
    mplock("lock", cwd=folder, check=True)
    assert "package hello-app 1.0.0" in (folder / LOCK).read_text()
    project(tmp_path, v2, "hello-app", "hello-big")  # the index gained 1.1.0
    proc = mplock("lock", cwd=folder, check=True)
    assert "package hello-app 1.0.0" in (folder / LOCK).read_text()
    assert "upgraded" not in proc.stdout
    proc = mplock("lock", "--upgrade", "hello-app", cwd=folder, check=True)
    assert proc.stdout.splitlines()[:2] == [
        "upgraded hello-app 1.0.0 -> 1.1.0",
        "upgraded hello-base 1.0.0 -> 1.1.0",
    ]
    proc = mplock("lock", "--upgrade", "hello-base", cwd=folder)
    assert proc.returncode == 1 and "--upgrade hello-base" in proc.stderr


def test_conflict_names_both_requirers(served, tmp_path):
    folder = project(tmp_path, served[1], "tool-a", "tool-b")
    proc = mplock("lock", cwd=folder)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "mplock lock: conflict: tool-a 1.0.0 requires hello-base 1.0.0, "
        "but tool-b 1.0.0 requires hello-base 1.1.0"
    )
    assert not (folder / LOCK).exists()


@pytest.mark.parametrize(
    "lines, message",
    [
        (["hello-app", "hello-app@1.0"], "line 3: '1.0' is not a version X.Y.Z"),
        (["hello-app", "Hello"], "line 3: 'Hello' is not a package name"),
        (["hello-app", "hello-app@1.0.0"], "line 3: hello-app is already required on line 2"),
        (["--index x", "hello-app"], "line 2: give --index URL once"),
        (["hello-app extra"], "line 2: expected NAME or NAME@X.Y.Z"),
        (["nothing@9.9.9"], "line 2 (nothing@9.9.9) requires nothing, which is not in the index"),
        (["hello-app@9.9.9"], "requires hello-app 9.9.9, which the index does not have"),
    ],
)
def test_bad_requirements_name_the_line(served, tmp_path, lines, message):
    folder = project(tmp_path, served[1], *lines)
    proc = mplock("lock", cwd=folder)
    assert proc.returncode == 1
    assert message in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace("variant 6", "variant"), "line 4: cannot read 'variant'"),
        (lambda t: "junk\n" + t, "line 1: a lock file starts with 'mplock-lock 1'"),
        (lambda t: t.replace("mpy ", "mpy 12", 1), "line 7: '12"),
    ],
)
def test_bad_lock_names_the_line_and_leaves_the_board(board, served, tmp_path, edit, message):
    folder = project(tmp_path, served[1], "hello-app")
    mplock("lock", cwd=folder, check=True)
    (folder / LOCK).write_text(edit((folder / LOCK).read_text()))
    before = files(board.lib)
    for command in ("install", "verify"):
        proc = mplock(command, "-d", board.device, cwd=folder)
        assert proc.returncode == 1
        assert message in proc.stderr, proc.stderr
    assert files(board.lib) == before


def prepared(board, served, tmp_path):
    """A board holding hello-app 1.0.0, and a lock for 1.1.0 from index v2."""
    old = project(tmp_path / "old", served[0], "hello-app")
    wipe(board)
    mplock("lock", cwd=old, check=True)
    mplock("install", "-d", board.device, cwd=old, check=True)
    folder = project(tmp_path, served[1], "hello-app")
    mplock("lock", cwd=folder, check=True)
    return folder


def test_tampered_index_is_refused_and_the_board_untouched(board, served, indexes, tmp_path):
    folder = prepared(board, served, tmp_path)
    before = files(board.lib, skip="")  # the record of the last install too
    tampered_copy(indexes[1], tmp_path / "tampered", "hello_app/shout.mpy")
    server = StaticServer(tmp_path / "tampered")
    try:
        text = (folder / LOCK).read_text().replace(served[1], server.url)
        (folder / LOCK).write_text(text)
        proc = mplock("install", "-d", board.device, cwd=folder)
    finally:
        server.close()
    assert proc.returncode == 1
    assert "hello_app/shout.mpy: the index at" in proc.stderr
    assert "nothing was written to the board" in proc.stderr
    assert files(board.lib, skip="") == before


def test_server_stopping_halfway_leaves_the_board_untouched(board, served, indexes, tmp_path):
    folder = prepared(board, served, tmp_path)
    before = files(board.lib, skip="")
    server = StaticServer(indexes[1], HalfHandler)
    try:
        (folder / LOCK).write_text((folder / LOCK).read_text().replace(served[1], server.url))
        proc = mplock("sync", "-d", board.device, cwd=folder)
    finally:
        server.close()
    assert proc.returncode == 1
    assert "download failed (IncompleteRead)" in proc.stderr, proc.stderr
    assert files(board.lib, skip="") == before


def test_board_disconnecting_mid_install_leaves_nothing_half_installed(served, tmp_path):
    """The bridge dies while the big file is being copied; a new connection finishes it."""
    home = tmp_path / "board"
    bridge = Bridge(home)
    folder = project(tmp_path, served[1], "hello-app", "hello-big")
    mplock("lock", cwd=project(tmp_path / "old", served[0], "hello-app"), check=True)
    try:
        mplock("install", "-d", bridge.device, cwd=tmp_path / "old" / "project", check=True)
        before = files(bridge.lib)
        mplock("lock", cwd=folder, check=True)
        proc = mplock_background(folder, bridge.device)
        staging = bridge.lib / ".miplock-new"
        deadline = time.monotonic() + 60
        while not staging.exists() and time.monotonic() < deadline:
            time.sleep(0.001)
        board_pids = children(bridge.proc.pid)
        os.kill(bridge.proc.pid, signal.SIGKILL)  # the USB cable pulled out
        bridge.proc.wait()
        for pid in board_pids:  # the board loses power with it
            kill_quietly(pid)
        out, err = proc.communicate(timeout=60)
    finally:
        bridge.close()
    assert proc.returncode == 1, out + err
    assert "install failed on" in err
    assert "nothing on the board was replaced" in err
    assert files(home / ".micropython" / "lib") == before  # staged files aside, as it was

    bridge = Bridge(home)  # plugged in again
    try:
        assert mplock("verify", "-d", bridge.device, cwd=folder).returncode == 1
        mplock("install", "-d", bridge.device, cwd=folder, check=True)
        assert mplock("verify", "-d", bridge.device, cwd=folder).returncode == 0
        assert files(bridge.lib, skip="") == {
            **locked_files((folder / LOCK).read_text()),
            ".miplock.lock": files(bridge.lib, skip="")[".miplock.lock"],
        }
    finally:
        bridge.close()
