"""Real on-device ``mip.install`` on the unix port, from indexes the builder made."""

import pytest
from indexkit import build, import_versions, micropython, mip_install

BASE_V1 = {"hello_base.py": "def greet():\n    return 'base one'\n"}
BASE_V2 = {"hello_base.py": "def greet():\n    return 'base two'\n"}
APP = {
    "hello_app/__init__.py": "from hello_base import greet\n",
    "hello_app/shout.py": "from hello_base import greet\n\ndef shout():\n"
    "    return greet().upper()\n",
}


@pytest.fixture
def two_releases(source_repo, tmp_path):
    """An index holding hello-app 1.0.0 (on hello-base 1.0.0) and 1.1.0 (on hello-base 1.1.0).

    The second release is built on top of the first from changed sources, as a release is.
    """
    out = tmp_path / "index"
    source_repo.package("hello-base", "1.0.0", BASE_V1)
    source_repo.package("hello-app", "1.0.0", APP, requires=[("hello-base", "1.0.0")])
    build(source_repo.root, out)
    source_repo.package("hello-base", "1.1.0", BASE_V2)
    source_repo.package("hello-app", "1.1.0", APP, requires=[("hello-base", "1.1.0")])
    build(source_repo.root, out)
    return out


def installed(target):
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())


@pytest.mark.parametrize("mpy", [True, False], ids=["mpy", "py"])
def test_latest_follows_dependencies_at_their_exact_version(two_releases, serve, tmp_path, mpy):
    index = serve(two_releases)
    target = tmp_path / "lib"
    out = mip_install("hello-app", index, target, mpy=mpy)
    assert out.splitlines()[0] == f"Installing hello-app (latest) from {index} to {target}"
    assert f"Installing hello-base (1.1.0) from {index} to {target}" in out
    assert out.rstrip().endswith("Done")
    ext = ".mpy" if mpy else ".py"
    assert installed(target) == sorted(
        [f"hello_app/__init__{ext}", f"hello_app/shout{ext}", f"hello_base{ext}"]
    )
    versions = import_versions(target, ["hello_app", "hello_app.shout", "hello_base"])
    assert versions == {
        "hello_app": ("1.1.0", f"__init__{ext}"),
        "hello_app.shout": ("1.1.0", f"shout{ext}"),
        "hello_base": ("1.1.0", f"hello_base{ext}"),
    }


@pytest.mark.parametrize("mpy", [True, False], ids=["mpy", "py"])
def test_pinned_old_release_gets_its_old_dependencies(two_releases, serve, tmp_path, mpy):
    index = serve(two_releases)
    target = tmp_path / "lib"
    out = mip_install("hello-app", index, target, version="1.0.0", mpy=mpy)
    assert f"Installing hello-app (1.0.0) from {index}" in out
    assert f"Installing hello-base (1.0.0) from {index}" in out
    assert out.rstrip().endswith("Done")
    versions = import_versions(target, ["hello_app", "hello_base"])
    assert versions["hello_app"][0] == "1.0.0"
    assert versions["hello_base"][0] == "1.0.0"

    program = "import hello_app.shout\nprint(hello_app.shout.shout())"
    assert micropython(program, tmp_path, path=[target]).strip() == "BASE ONE"


def test_both_releases_install_side_by_side(two_releases, serve, tmp_path):
    index = serve(two_releases)
    old, new = tmp_path / "old" / "lib", tmp_path / "new" / "lib"
    mip_install("hello-app", index, old, version="1.0.0")
    mip_install("hello-app", index, new, version="1.1.0")
    assert import_versions(old, ["hello_base"])["hello_base"][0] == "1.0.0"
    assert import_versions(new, ["hello_base"])["hello_base"][0] == "1.1.0"


def test_unknown_version_is_reported_by_mip(two_releases, serve, tmp_path):
    index = serve(two_releases)
    out = mip_install("hello-app", index, tmp_path / "lib", version="9.9.9")
    assert f"Package not found: {index}/package/6/hello-app/9.9.9.json" in out
    assert out.rstrip().endswith("Package may be partially installed")
