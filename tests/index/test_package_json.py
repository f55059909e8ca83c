"""``package.json`` beside each manifest: installs straight from the repository, no index."""

import json
import subprocess
import sys

import build_index
import manifest
import pytest
from harness import REPO
from indexkit import BUILD_INDEX, micropython
from mpremote.mip import _rewrite_url

BASE = {"hello_base.py": "def greet():\n    return 'base'\n"}
APP = {"hello_app/__init__.py": "from hello_base import greet\n", "hello_app/x.py": "y = 1\n"}


def write_package_jsons(repo, repo_url):
    subprocess.run(
        [sys.executable, str(BUILD_INDEX), "--repo", str(repo), "--package-json"]
        + ["--repo-url", repo_url],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def url_repo(source_repo, serve):
    """A repository served over http, its package.json deps pointing at the server."""
    source_repo.package("hello-base", "1.0.0", BASE)
    source_repo.package("hello-app", "1.2.0", APP, requires=[("hello-base", "1.0.0")])
    url = serve(source_repo.root)
    write_package_jsons(source_repo.root, url)
    return source_repo.root, url


def test_package_json_format(url_repo):
    root, url = url_repo
    data = json.loads((root / "micropython" / "hello-app" / "package.json").read_text())
    assert data == {
        "urls": [
            ["hello_app/__init__.py", "hello_app/__init__.py"],
            ["hello_app/x.py", "hello_app/x.py"],
        ],
        "deps": [[f"{url}/micropython/hello-base", "hello-base-1.0.0"]],
        "version": "1.2.0",
    }


def test_mpremote_installs_a_local_package_json(bridge, url_repo):
    root, _ = url_repo
    local = root / "micropython" / "hello-base" / "package.json"
    proc = bridge.mpremote("mip", "install", str(local))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Installing: {bridge.lib}/hello_base.py" in proc.stdout
    assert (bridge.lib / "hello_base.py").read_bytes() == (
        local.parent / "hello_base.py"
    ).read_bytes()


def test_mpremote_installs_by_url_with_dependencies(bridge, url_repo):
    _, url = url_repo
    proc = bridge.mpremote("mip", "install", f"{url}/micropython/hello-app@hello-app-1.2.0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Installing {url}/micropython/hello-base/package.json" in proc.stdout
    run = bridge.mpremote("exec", "import hello_app, hello_app.x\nprint(hello_app.greet())")
    assert run.stdout.strip() == "base", run.stdout + run.stderr


def test_device_mip_installs_by_url_with_dependencies(url_repo, tmp_path):
    _, url = url_repo
    target = tmp_path / "lib"
    code = f"import mip\nmip.install({url + '/micropython/hello-app'!r}, target={str(target)!r})"
    out = micropython(code, tmp_path)
    assert out.rstrip().endswith("Done"), out
    assert (
        micropython("import hello_app\nprint(hello_app.greet())", tmp_path, [target]) == "base\n"
    )
    installed = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.py"))
    assert installed == ["hello_app/__init__.py", "hello_app/x.py", "hello_base.py"]


def recorded_repo_url(packages):
    """The --repo-url the committed package.json files were written with."""
    for pkg in packages.values():
        path = REPO / pkg.path / "package.json"
        if path.exists():
            for dep_url, tag in json.loads(path.read_text())["deps"]:
                dep = tag.rsplit("-", 1)[0]
                return dep_url[: -len(packages[dep].path) - 1]
    return build_index.DEFAULT_REPO_URL


def test_committed_package_jsons_are_up_to_date():
    packages = manifest.read_manifests(REPO)
    repo_url = recorded_repo_url(packages)
    stale = []
    for pkg in packages.values():
        path = REPO / pkg.path / "package.json"
        want = build_index.repo_package_json(pkg, packages, REPO, repo_url)
        if not path.exists() or path.read_text() != want:
            stale.append(pkg.path)
    assert not stale, (
        f"stale package.json in {stale}: run python3 tools/build_index.py --package-json "
        f"--repo-url {repo_url}"
    )


def test_github_deps_resolve_to_the_dependency_release_tag():
    packages = manifest.read_manifests(REPO)
    for pkg in packages.values():
        data = json.loads(build_index.repo_package_json(pkg, packages, REPO, "github:o/r"))
        for (dep_url, tag), (dep, version) in zip(data["deps"], sorted(pkg.deps), strict=True):
            assert _rewrite_url(dep_url, tag) == (
                f"https://raw.githubusercontent.com/o/r/{dep}-{version}/{packages[dep].path}"
            )


def test_mpremote_installs_the_repository_package_jsons(bridge):
    """Every committed package.json without deps, installed by real mpremote from its path."""
    packages = manifest.read_manifests(REPO)
    plain = sorted(
        name
        for name, pkg in packages.items()
        if not pkg.deps and (REPO / pkg.path / "package.json").exists()  # else: the test above
    )
    paths = [str(REPO / packages[name].path / "package.json") for name in plain]
    proc = bridge.mpremote("mip", "install", "--target", str(bridge.home / "lib"), *paths)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("Done") == len(plain)
    for name in plain:  # each file the package.json lists, as it is in the repository
        folder = REPO / packages[name].path
        for target, url in json.loads((folder / "package.json").read_text())["urls"]:
            assert (bridge.home / "lib" / target).read_bytes() == (folder / url).read_bytes()
