"""The index's ``index.html``: every package, its versions and how to install it, searchable.

One static file with its style and script inline, so it works from any static host (and from
disk). The install lines name the index by the page's own address, filled in by the script.
"""

import html
import time

from manifest import import_name

# The page's folder is the index: install lines show it wherever the page is served from.
SCRIPT = """
const index = new URL(".", location.href).href.replace(/\\/$/, "");
for (const el of document.querySelectorAll(".index")) el.textContent = index;
const box = document.getElementById("search");
const count = document.getElementById("count");
function filter() {
  const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
  let shown = 0;
  for (const pkg of document.querySelectorAll(".pkg")) {
    const text = pkg.dataset.search;
    pkg.hidden = !words.every(w => text.includes(w));
    if (!pkg.hidden) shown++;
  }
  count.textContent = shown + " of " + document.querySelectorAll(".pkg").length + " packages";
}
box.addEventListener("input", filter);
box.value = new URLSearchParams(location.search).get("q") || "";
filter();
"""

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
input { font: inherit; width: 100%; padding: .4rem; box-sizing: border-box; }
.pkg { border-top: 1px solid #ccc; padding: .5rem 0; }
h2 { margin: .3rem 0; font-size: 1.2rem; }
pre { background: #f4f4f4; padding: .3rem .5rem; margin: .2rem 0; overflow-x: auto; }
.how { font-size: .85rem; color: #555; margin-top: .4rem; }
td, th { padding: 0 1rem 0 0; text-align: left; vertical-align: top; }
"""


def dep_links(deps):
    if not deps:
        return "none"
    return ", ".join(
        f'<a href="#pkg-{html.escape(n)}">{html.escape(n)} {html.escape(v)}</a>' for n, v in deps
    )


def package_section(entry):
    name, latest = entry["name"], entry["version"]
    esc = html.escape
    releases = entry["releases"]
    files = releases[latest]["files"].get("py", {})
    imports = sorted({import_name(target) for target in files})
    search = " ".join([name, entry["description"], *imports]).lower()
    rows = "".join(
        f'<tr class="release"><td class="version">{esc(v)}</td>'
        f"<td>{dep_links(releases[v]['deps'])}</td></tr>"
        for v in sorted(releases, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    )
    index = '<span class="index">INDEX</span>'
    n = esc(name)
    return f"""<section class="pkg" id="pkg-{n}" data-search="{esc(search)}">
<h2><span class="name">{n}</span> <span class="latest">{esc(latest)}</span></h2>
<p class="description">{esc(entry["description"])}</p>
<p>License: <span class="license">{esc(entry["license"])}</span>.
Imports: {", ".join(f"<code>{esc(i)}</code>" for i in imports)}.</p>
<table><tr><th>version</th><th>dependencies</th></tr>{rows}</table>
<div class="how">On the board, with mip:</div>
<pre class="install mip">import mip; mip.install("{n}", index="{index}")</pre>
<div class="how">From a PC, with mpremote:</div>
<pre class="install mpremote">mpremote mip install --index {index} {n}</pre>
<div class="how">Pinned: this release, its dependencies at theirs (or {n}@{esc(latest)} in
<code>mip-requirements.txt</code> for mplock):</div>
<pre class="install pinned">mpremote mip install --index {index} {n}@{esc(latest)}</pre>
</section>
"""


def render(entries, updated):
    """The page for ``entries`` ({name: index.json entry}); the same input, the same bytes."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(updated))
    sections = "".join(package_section(entries[name]) for name in sorted(entries))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mip index</title>
<style>{STYLE}</style>
</head>
<body>
<h1>mip index</h1>
<p>Packages for MicroPython, installed with <code>mip</code> on the board or
<code>mpremote</code> from a PC. Every release stays installable at its exact version, with its
dependencies at theirs. To pin a project, list the packages in <code>mip-requirements.txt</code>
after <code>--index <span class="index">INDEX</span></code>, then
<code>mplock lock</code> and <code>mplock install</code>. Updated {stamp};
<a href="index.json">index.json</a>.</p>
<input id="search" type="search" placeholder="Search packages, descriptions, imports"
 aria-label="Search packages">
<p id="count">{len(entries)} packages</p>
{sections}<script>{SCRIPT}</script>
</body>
</html>
"""


def write(root, entries, updated):
    (root / "index.html").write_text(render(entries, updated))
