"""A hostile or careless package author: the builder refuses, naming the package and the path
or value, with exit 1, a ``refused:`` line (then the problems, for a broken index) and
``--out`` untouched."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import build_index
import pytest
from conftest import MOD_A
from indexkit import BUILD_INDEX, SourceRepo, build, refuse, tree_hashes


def one_line_refusal(proc, *expected):
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith("build_index: refused: "), proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    for text in expected:
        assert text in proc.stderr, proc.stderr


# --- 1. install paths stay inside the board's lib folder --------------------------------------


@pytest.mark.parametrize(
    "listed, source, target",
    [
        ("../../../evil.py", "evil.py", "p/../../../evil.py"),  # from the repository's root
        ("a\\b.py", "micropython/gamma/p/a\\b.py", "p/a\\b.py"),
    ],
    ids=["dot-dot", "backslash"],
)
def test_install_path_escaping_the_lib_folder(released, listed, source, target):
    repo, out = released
    calls = [f"package('p', files=['__init__.py', {listed!r}])"]
    repo.package("gamma", "1.0.0", {"p/__init__.py": ""}, calls=calls)
    (repo.root / source).write_text("import os\n")
    refuse(repo, out, f"micropython/gamma/manifest.py: install path {target!r}")


# --- 2. only files inside the repository are published ---------------------------------------


@pytest.mark.parametrize("how", ["absolute", "symlinked-module", "symlink-in-package"])
def test_source_outside_the_repository(released, tmp_path, how):
    repo, out = released
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 'host file'\n")
    if how == "absolute":
        repo.package("gamma", "1.0.0", {}, calls=[f"module({str(outside)!r})"])
    elif how == "symlinked-module":
        folder = repo.package("gamma", "1.0.0", {}, calls=["module('gamma.py')"])
        (folder / "gamma.py").symlink_to(outside)
    else:
        folder = repo.package("gamma", "1.0.0", {"p/__init__.py": ""}, calls=["package('p')"])
        (folder / "p" / "host.py").symlink_to(outside)
    stderr = refuse(repo, out, "micropython/gamma/manifest.py: ", "is outside the repository")
    assert str(outside) in stderr or "host.py" in stderr


def test_package_json_never_points_outside(released, tmp_path):
    repo, _ = released
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    folder = repo.package("gamma", "1.0.0", {}, calls=[f"module({str(outside)!r})"])
    proc = subprocess.run(
        [sys.executable, str(BUILD_INDEX), "--package-json", "--repo", str(repo.root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    one_line_refusal(proc, "micropython/gamma/manifest.py", str(outside))
    assert not (folder / "package.json").exists()


# --- 3. versions: MAJOR.MINOR.PATCH in ASCII digits, no leading zeros --------------------------


@pytest.mark.parametrize("version", ["1.0.0\n", "01.0.0", "1.0.00", "\uff11.0.0", "1.0"])
def test_malformed_version(released, version):
    repo, out = released
    repo.package("alpha", version, {"alpha.py": "x = 2\n"})
    refuse(repo, out, "micropython/alpha/manifest.py: metadata(version=...)", repr(version))


def test_malformed_required_version(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"gamma.py": ""}, requires=[("alpha", "1.0.0\n")])
    refuse(repo, out, "gamma/manifest.py: require('alpha', version=...)", "'1.0.0\\n'")


# --- 4. a release requiring another version of itself -----------------------------------------


@pytest.mark.parametrize("via", ["itself", "beta"])
def test_release_requiring_another_version_of_itself(released, via):
    repo, out = released
    dep = ("alpha", "1.0.0") if via == "itself" else ("beta", "1.0.0")  # beta 1.0.0 -> alpha
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"}, requires=[dep])
    refuse(repo, out, "alpha 1.1.0 requires alpha 1.0.0, another version of itself")


# --- 5. install paths that clash on a board ---------------------------------------------------


@pytest.mark.parametrize(
    "target, message",
    [
        ("Alpha.py", "alpha installs alpha.py and gamma installs Alpha.py: one file on a board"),
        ("alpha/__init__.py", "gamma installs alpha/__init__.py: a module and a package folder"),
    ],
    ids=["case", "module-and-folder"],
)
def test_install_paths_clashing_on_a_board(released, target, message):
    repo, out = released
    repo.package("gamma", "1.0.0", {target: "x = 3\n"})
    refuse(repo, out, message)


def test_clash_with_a_renamed_packages_release(released):
    repo, out = released
    (repo.root / "micropython" / "alpha" / "alpha.py").unlink()
    (repo.root / "micropython" / "alpha" / "manifest.py").unlink()
    (repo.root / "micropython" / "alpha").rmdir()
    repo.package("alpha-ng", "2.0.0", MOD_A)  # alpha 1.0.0 stays installable from the index
    refuse(repo, out, "alpha.py is installed by both alpha-ng and alpha 1.0.0 (released)")


# --- 9. clear errors instead of tracebacks ----------------------------------------------------


def test_out_is_a_file_or_under_one(released, tmp_path):
    repo, _ = released
    afile = tmp_path / "afile"
    afile.write_text("mine")
    for out in (afile, afile / "index"):
        proc = build(repo.root, out, check=False)
        one_line_refusal(proc, f"{afile} is a file, not a folder")
        assert afile.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".afile")] == []


@pytest.mark.parametrize("what", ["missing", "folder", "not-executable"])
def test_bad_mpy_cross(released, tmp_path, what):
    repo, out = released
    exe = tmp_path / "mpy-cross"
    if what == "folder":
        exe.mkdir()
    elif what == "not-executable":
        exe.write_text("#!/bin/sh\n")
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"})
    message = {"missing": "no such file", "folder": "is a folder"}.get(what, "is not executable")
    refuse(repo, out, f"--mpy-cross {exe}: {message}", args=["--mpy-cross", str(exe)])


@pytest.mark.parametrize("epoch", ["", "abc", "-5"])
def test_bad_source_date_epoch(released, epoch):
    repo, out = released
    repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"})
    refuse(
        repo,
        out,
        "SOURCE_DATE_EPOCH must be whole seconds",
        repr(epoch),
        env={"SOURCE_DATE_EPOCH": epoch},
    )


def test_index_json_nested_deep(released):
    repo, out = released
    (out / "index.json").write_text("[" * 100_000 + "]" * 100_000)
    refuse(repo, out, "index.json: not an index this tool wrote")


def test_blob_that_is_a_folder(released):
    repo, out = released
    index = json.loads((out / "index.json").read_text())
    digest = index["packages"][0]["releases"]["1.0.0"]["files"]["py"]["alpha.py"]
    blob = out / "file" / digest[:2] / digest[:8]
    blob.unlink()
    blob.mkdir()
    refuse(repo, out, f"file/{digest[:2]}/{digest[:8]}: a folder where a file belongs")


def test_manifest_calling_sys_exit(released):
    repo, out = released
    repo.package("gamma", "1.0.0", {"gamma.py": ""}, calls=["import sys", "sys.exit(3)"])
    stderr = refuse(repo, out, "micropython/gamma/manifest.py: called sys.exit(3)")
    assert stderr.count("\n") == 1


def test_repository_without_packages(released, tmp_path):
    _, out = released
    before = tree_hashes(out)
    (tmp_path / "empty").mkdir()
    (tmp_path / "nothing" / "micropython").mkdir(parents=True)
    for repo, message in (("empty", "has no micropython/ folder"), ("nothing", "no manifest.py")):
        proc = build(tmp_path / repo, out, check=False)
        one_line_refusal(proc, str(tmp_path / repo), message)
    assert tree_hashes(out) == before


@pytest.mark.parametrize(
    "name, bad",
    [
        ("my pkg", "' '"),
        ("\u00fcn\u00ef", "'\u00ef', '\u00fc'"),
        ("Big", "'B'"),
        ("-x", "must start with a-z or 0-9"),
    ],
)
def test_package_name_says_what_is_wrong(released, name, bad):
    repo, out = released
    repo.package(name, "1.0.0", {"gamma.py": ""})
    stderr = refuse(repo, out, f"package name {name!r}", bad)
    assert "lower case" not in stderr


def test_version_comment_does_not_stop_the_version(released):
    repo, out = released
    repo.package("alpha", "1.1.0", {"alpha.py": "# if __version__ == '1.0.0': old\nx = 2\n"})
    build(repo.root, out)
    entry = json.loads((out / "index.json").read_text())["packages"][0]
    digest = entry["releases"]["1.1.0"]["files"]["py"]["alpha.py"]
    blob = (out / "file" / digest[:2] / digest[:8]).read_text()
    assert blob.endswith("\n__version__ = '1.1.0'\n")


# Permission bits do not stop root: as root, the build runs as "nobody" (setpriv).
AS_USER = (
    ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
)


@pytest.fixture
def shared_tmp():
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="index-perm-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(0o755)
    shutil.rmtree(path)


def reachable_builder(folder):
    """The builder and mpy-cross copied into ``folder``: the repository (a fresh clone's folder
    may be private to root) need not be readable by the unprivileged user."""
    tools = folder / "tools"
    tools.mkdir()
    for module in ("build_index.py", "manifest.py", "index_page.py"):
        shutil.copy(BUILD_INDEX.parent / module, tools / module)
    mpy_cross = shutil.copy(build_index.find_mpy_cross(), folder / "mpy-cross")
    return tools / "build_index.py", ["--mpy-cross", str(mpy_cross)]


@pytest.mark.parametrize("read_only", ["parent", "index", "index/file"])
def test_read_only_folder(shared_tmp, read_only):
    repo = SourceRepo(shared_tmp / "repo")
    repo.package("alpha", "1.0.0", MOD_A)
    parent = shared_tmp / "site"
    out = parent / "index"
    parent.mkdir()
    script, args = reachable_builder(shared_tmp)
    if read_only == "parent":
        parent.chmod(0o555)
    else:
        build(repo.root, out, args=args)
        repo.package("alpha", "1.1.0", {"alpha.py": "x = 2\n"})
        for folder in (parent, out, *out.rglob("*")):
            if folder.is_dir():
                folder.chmod(0o777)  # the user may write beside the index and in it, but not in
        (parent / read_only).chmod(0o555)
    folder = parent / read_only if read_only != "parent" else parent
    before = tree_hashes(parent)
    proc = build(repo.root, out, check=False, args=args, user=AS_USER, script=script)
    one_line_refusal(proc, f"cannot write in {folder} (permission denied)")
    assert tree_hashes(parent) == before
    assert sorted(p.name for p in parent.iterdir()) == ([] if read_only == "parent" else ["index"])
