"""Real ``mpremote mip install`` against the unix port acting as a board on a pty."""

import manifest
import pytest
from harness import REPO
from indexkit import build

BASE_V1 = {"hello_base.py": "def greet():\n    return 'base one'\n"}
BASE_V2 = {"hello_base.py": "def greet():\n    return 'base two'\n"}
APP = {"hello_app/__init__.py": "from hello_base import greet\n"}


@pytest.fixture
def index_url(source_repo, tmp_path, serve):
    out = tmp_path / "index"
    source_repo.package("hello-base", "1.0.0", BASE_V1)
    source_repo.package("hello-app", "1.0.0", APP, requires=[("hello-base", "1.0.0")])
    build(source_repo.root, out)
    source_repo.package("hello-base", "1.1.0", BASE_V2)
    source_repo.package("hello-app", "1.1.0", APP, requires=[("hello-base", "1.1.0")])
    build(source_repo.root, out)
    return serve(out)


VERSIONS = (
    "import hello_app, hello_base\n"
    "print(hello_app.__version__, hello_base.__version__, hello_app.greet())\n"
)


def test_pinned_older_release_with_its_dependency(bridge, index_url):
    proc = bridge.mpremote("mip", "install", "--index", index_url, "hello-app@1.0.0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lib = bridge.lib
    assert proc.stdout.splitlines() == [
        "Install hello-app",
        f"Installing hello-app (1.0.0) from {index_url} to {lib}",
        f"Installing: {lib}/hello_app/__init__.mpy",
        f"Installing hello-base (1.0.0) from {index_url} to {lib}",
        f"Installing: {lib}/hello_base.mpy",
        "Done",
    ]
    run = bridge.mpremote("exec", VERSIONS)
    assert run.stdout.split() == ["1.0.0", "1.0.0", "base", "one"], run.stdout + run.stderr


def test_latest_then_pinned_downgrade_py_variant(bridge, index_url):
    target = bridge.home / "app"
    proc = bridge.mpremote(
        "mip", "install", "--no-mpy", "--target", str(target), "--index", index_url, "hello-app"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Installing hello-base (1.1.0) from {index_url} to {target}" in proc.stdout
    assert (target / "hello_base.py").read_text().endswith("__version__ = '1.1.0'\n")
    proc = bridge.mpremote(
        "mip",
        "install",
        "--no-mpy",
        "--target",
        str(target),
        "--index",
        index_url,
        "hello-base@1.0.0",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "hello_base.py").read_text().endswith("__version__ = '1.0.0'\n")


def test_unknown_version_fails(bridge, index_url):
    proc = bridge.mpremote("mip", "install", "--index", index_url, "hello-app@3.0.0")
    assert proc.returncode == 1
    assert "Package may be partially installed" in proc.stdout
    assert f"mpremote: Package not found: {index_url}/package/6/hello-app/3.0.0.json" in (
        proc.stderr
    )


def test_real_fast_io_package_from_the_repository_index(bridge, tmp_path, serve):
    packages = manifest.read_manifests(REPO)
    fast_io, core = packages["uasyncio-fast-io"], packages["uasyncio-core"]
    assert ["uasyncio-core", core.version] in [list(d) for d in fast_io.deps]
    build(REPO, tmp_path / "index")
    index = serve(tmp_path / "index")
    proc = bridge.mpremote(
        "mip", "install", "--index", index, f"uasyncio-fast-io@{fast_io.version}"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Installing uasyncio-core ({core.version}) from {index}" in proc.stdout
    assert proc.stdout.rstrip().endswith("Done")
    code = (
        "import fast_io, fast_io.core\n"
        "async def main():\n"
        "    await fast_io.sleep_ms(1)\n"
        "    return 'ran'\n"
        "print(fast_io.__version__, fast_io.core.__version__, fast_io.run(main()))\n"
    )
    run = bridge.mpremote("exec", code)
    assert run.stdout.split() == [fast_io.version, core.version, "ran"], run.stdout + run.stderr
