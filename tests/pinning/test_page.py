"""The index's ``index.html`` in a real headless Chromium, served like any static host."""

import json
import shlex
import subprocess

import pytest
from browser import Browser
from indexkit import MPREMOTE, micropython

READ_PAGE = """[...document.querySelectorAll(".pkg")].map(p => ({
  name: p.querySelector(".name").textContent,
  latest: p.querySelector(".latest").textContent,
  description: p.querySelector(".description").textContent,
  license: p.querySelector(".license").textContent,
  releases: [...p.querySelectorAll(".release")].map(r => r.innerText.split("\\t")),
  install: [...p.querySelectorAll(".install")].map(i => i.textContent),
  shown: !p.hidden,
}))"""


@pytest.fixture(scope="module")
def browser():
    chromium = Browser()
    yield chromium
    chromium.close()


def shown(browser):
    return [p["name"] for p in browser.evaluate(READ_PAGE) if p["shown"]]


def test_page_lists_every_release_with_install_lines_and_filters(
    browser, served, indexes, board, tmp_path
):
    url = served[1]
    entries = json.loads((indexes[1] / "index.json").read_text())["packages"]
    browser.open(f"{url}/index.html")
    page = browser.evaluate(READ_PAGE)
    assert [p["name"] for p in page] == [e["name"] for e in entries]
    for pkg, entry in zip(page, entries, strict=True):
        name, latest = entry["name"], entry["version"]
        assert (pkg["latest"], pkg["description"], pkg["license"]) == (
            latest,
            entry["description"],
            entry["license"],
        )
        releases = sorted(entry["releases"].items(), key=lambda r: r[0], reverse=True)
        assert pkg["releases"] == [
            [version, ", ".join(f"{d} {v}" for d, v in release["deps"]) or "none"]
            for version, release in releases
        ]
        assert pkg["install"] == [
            f'import mip; mip.install("{name}", index="{url}")',
            f"mpremote mip install --index {url} {name}",
            f"mpremote mip install --index {url} {name}@{latest}",
        ]
        assert pkg["shown"]
    assert browser.evaluate("document.getElementById('count').textContent") == "5 of 5 packages"

    # The lines as the page shows them install: mip on the board, pinned mpremote from a PC.
    app = next(p for p in page if p["name"] == "hello-app")
    out = micropython(app["install"][0], home=tmp_path, path=[tmp_path / "lib"])
    assert out.rstrip().endswith("Done") and "hello-base (1.1.0)" in out, out
    args = shlex.split(app["install"][2])
    proc = subprocess.run(
        [MPREMOTE, "connect", board.device, *args[1:]], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "Installing hello-app (1.1.0)" in proc.stdout, proc.stderr

    browser.type("#search", "tool")
    assert shown(browser) == ["tool-a", "tool-b"]
    assert browser.evaluate("document.getElementById('count').textContent") == "2 of 5 packages"
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("#search", "hello_big")  # an import name finds its package
    assert shown(browser) == ["hello-big"]
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("#search", "nothing like it")
    assert shown(browser) == []
    browser.open(f"{url}/index.html?q=Base")  # a search given in the address
    assert shown(browser) == ["hello-base"]
