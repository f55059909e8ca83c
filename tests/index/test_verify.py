"""``build_index.py --verify`` names what is wrong in a built index."""

import json

import pytest
from indexkit import build, verify


@pytest.fixture
def index(source_repo, tmp_path):
    out = tmp_path / "index"
    source_repo.package("alpha", "1.0.0", {"alpha.py": "x = 1\n"})
    source_repo.package("beta", "1.0.0", {"beta.py": "y = 2\n"}, requires=[("alpha", "1.0.0")])
    build(source_repo.root, out)
    return out


def blob_of(index, name, variant, target):
    data = json.loads((index / "index.json").read_text())
    entry = next(p for p in data["packages"] if p["name"] == name)
    digest = entry["releases"][entry["version"]]["files"][variant][target]
    return index / "file" / digest[:2] / digest[:8]


def test_a_fresh_index_verifies(index):
    proc = verify(index)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{index}: index verified"


@pytest.mark.parametrize("variant, target", [("py", "alpha.py"), ("6", "alpha.mpy")])
def test_tampered_blob(index, variant, target):
    blob = blob_of(index, "alpha", variant, target)
    blob.write_bytes(blob.read_bytes() + b"\nimport evil\n")
    proc = verify(index)
    assert proc.returncode == 1
    rel = blob.relative_to(index).as_posix()
    assert f"{rel}: content hashes to" in proc.stderr
    assert "not to its name (tampered or corrupt)" in proc.stderr
    assert f"alpha 1.0.0: {target} ({rel}) is not the file index.json records" in proc.stderr


def test_dangling_dependency_in_a_package_json(index):
    # A hand-edited release: beta now points at an alpha the index never had.
    path = index / "package" / "6" / "beta" / "1.0.0.json"
    path.write_text(path.read_text().replace('["alpha","1.0.0"]', '["alpha","0.9.0"]'))
    data = json.loads((index / "index.json").read_text())
    beta = next(p for p in data["packages"] if p["name"] == "beta")
    beta["releases"]["1.0.0"]["deps"] = [["alpha", "0.9.0"]]
    (index / "index.json").write_text(json.dumps(data))
    proc = verify(index)
    assert proc.returncode == 1
    assert "beta 1.0.0: dependency alpha 0.9.0 is not in the index" in proc.stderr
    assert "beta 1.0.0: package/py/beta/1.0.0.json does not match index.json" in proc.stderr


def test_dependency_whose_release_was_deleted(index):
    data = json.loads((index / "index.json").read_text())
    data["packages"] = [p for p in data["packages"] if p["name"] != "alpha"]
    (index / "index.json").write_text(json.dumps(data))
    proc = verify(index)
    assert proc.returncode == 1
    assert "beta 1.0.0: dependency alpha 1.0.0 is not in the index" in proc.stderr


def test_missing_package_json_and_latest(index):
    (index / "package" / "py" / "beta" / "latest.json").unlink()
    (index / "package" / "py" / "alpha" / "1.0.0.json").unlink()
    proc = verify(index)
    assert proc.returncode == 1
    assert "package/py/beta/latest.json is missing" in proc.stderr
    assert "alpha 1.0.0: package/py/alpha/1.0.0.json is missing" in proc.stderr


def test_not_an_index(tmp_path):
    proc = verify(tmp_path)
    assert proc.returncode == 1
    assert "no index.json" in proc.stderr


def test_dependency_cycle(index):
    # Hand-edited so that alpha 1.0.0 also requires beta 1.0.0, which requires alpha 1.0.0.
    data = json.loads((index / "index.json").read_text())
    alpha = next(p for p in data["packages"] if p["name"] == "alpha")
    alpha["releases"]["1.0.0"]["deps"] = [["beta", "1.0.0"]]
    (index / "index.json").write_text(json.dumps(data))
    for variant in ("py", "6"):
        for name in ("1.0.0.json", "latest.json"):
            path = index / "package" / variant / "alpha" / name
            path.write_text(
                path.read_text().replace('"version"', '"deps":[["beta","1.0.0"]],"version"')
            )
    proc = verify(index)
    assert proc.returncode == 1
    assert "dependency cycle: alpha 1.0.0 -> beta 1.0.0 -> alpha 1.0.0" in proc.stderr, proc.stderr


def test_malformed_index_json(index):
    (index / "index.json").write_text('{"packages": [{"name": "alpha", "releases": 3}]}')
    proc = verify(index)
    assert proc.returncode == 1
    assert "index.json: malformed entry" in proc.stderr


def test_package_json_the_index_does_not_list(index):
    stray = index / "package" / "6" / "alpha" / "2.0.0.json"
    stray.write_text((index / "package" / "6" / "alpha" / "1.0.0.json").read_text())
    proc = verify(index)
    assert proc.returncode == 1
    assert "package/6/alpha/2.0.0.json is not a release index.json lists" in proc.stderr


def rewrite_release(index, name, change):
    """Hand-edit ``name``'s release in index.json with ``change(record)``."""
    data = json.loads((index / "index.json").read_text())
    entry = next(p for p in data["packages"] if p["name"] == name)
    change(entry["releases"][entry["version"]])
    (index / "index.json").write_text(json.dumps(data))


def test_orphan_package_json(index):
    # Clients install ghost from its latest.json alone; every build would carry it forward.
    ghost = index / "package" / "py" / "ghost"
    ghost.mkdir()
    (ghost / "latest.json").write_text((index / "package/py/alpha/latest.json").read_text())
    proc = verify(index)
    assert proc.returncode == 1
    assert "package/py/ghost/latest.json: ghost is not in index.json" in proc.stderr


def test_release_with_no_files_in_index_json(index):
    rewrite_release(index, "alpha", lambda record: record.update(files={}))
    proc = verify(index)
    assert proc.returncode == 1
    assert "alpha 1.0.0: index.json lists no py files" in proc.stderr
    assert "alpha 1.0.0: index.json lists no 6 files" in proc.stderr


@pytest.mark.parametrize("target", ["../evil.py", "/evil.py", "a\\b.py", "a//b.py", "./a.py"])
def test_unsafe_install_path(index, target):
    def move(record):
        record["files"]["py"] = {target: record["files"]["py"]["alpha.py"]}

    rewrite_release(index, "alpha", move)
    for name in ("1.0.0.json", "latest.json"):
        path = index / "package" / "py" / "alpha" / name
        path.write_text(path.read_text().replace('"alpha.py"', json.dumps(target)))
    proc = verify(index)
    assert proc.returncode == 1
    assert f"alpha 1.0.0: install path {target!r}" in proc.stderr
