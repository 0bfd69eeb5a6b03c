"""The documentation site: it builds with ``-W`` and renders in a headless browser.

``test_site_builds_and_renders`` (marked ``slow``) runs the documented command's build,
``python -m sphinx -W -b html docs docs/_build/html`` (the gallery runs the examples in
their quick mode), serves the result on 127.0.0.1 and opens the landing page, the section
pages, a class page, two gallery pages, the theory pages and the search page in headless
Chromium at 1280 px. It checks what a reader sees there: the navbar in one row, a section
navigation that is not empty, a class title that is not clipped, formulas rendered by
MathJax, no code block cut off. Screenshots go to ``docs/_build/screenshots/``. It skips
when the ``docs`` extra or Chromium is missing::

    apt-get install -y chromium && python -m pip install -e ".[docs]"
    python -m pytest -m slow tests/test_docs.py

``SKLEARN_W2V_DOCS_REUSE_BUILD=1`` checks an existing ``docs/_build/html`` without
rebuilding it.
"""

import functools
import html
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build" / "html"
SCREENSHOTS = DOCS / "_build" / "screenshots"
DOCS_TOOLS = ["sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme", "myst_parser",
              "sphinx_design", "sphinx-mathjax-offline"]
PAGES = {
    "index": "index.html",
    "api": "api.html",
    "gallery": "auto_examples/plot_ns_vs_softmax.html",
    "class": "generated/sklearn_w2v.Word2VecTransformer.html",
    "quickstart": "auto_examples/quickstart.html",
    "theory": "theory_page.html",
    "theory_part": "theory/objectives.html",
    "theory_part_2": "theory/hierarchical.html",
    "theory_part_3": "theory/geometry.html",
    "benchmarks": "benchmarks.html",
    "user_guide": "user_guide.html",
    "user_guide_part": "user_guide/objectives.html",
    "getting_started": "getting_started.html",
}
# the section pages whose left "Section Navigation" must list their sub-pages
SECTION_PAGES = ["user_guide", "getting_started", "theory", "benchmarks", "user_guide_part",
                 "theory_part"]
# the pages whose formulas must have been typeset by MathJax
MATH_PAGES = ["theory", "theory_part", "theory_part_2", "theory_part_3", "user_guide_part"]
# the navbar of one row at 1280 px is about 60-70 px high; a second row doubles it
NAVBAR_MAX_HEIGHT = 100
SEARCH_QUERY = "negative sampling"


def test_api_page_lists_every_public_name():
    """docs/api.rst names every entry of the public modules' ``__all__``."""
    import sklearn_w2v
    import sklearn_w2v.datasets
    import sklearn_w2v.evaluation
    import sklearn_w2v.theory

    text = (DOCS / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s{3}(\w+)\s*$", text, flags=re.MULTILINE))
    missing = []
    for module in (sklearn_w2v, sklearn_w2v.datasets, sklearn_w2v.evaluation,
                   sklearn_w2v.theory):
        for name in module.__all__:
            if name in ("__version__", "read_lines"):  # a string; listed once, top level
                continue
            if name not in listed:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"public names missing from docs/api.rst: {missing}"


def test_every_benchmark_table_has_a_page():
    """Each ``benchmarks/RESULTS*.md`` is shown on a page of its own,
    ``docs/benchmarks/<name in lower case>.md``, listed in the Benchmarks section. A new
    table needs such a page: copy one of the others and give it a title."""
    toctree = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    missing = []
    for table in sorted((ROOT / "benchmarks").glob("RESULTS*.md")):
        page = DOCS / "benchmarks" / f"{table.stem.lower()}.md"
        listed = re.search(rf"^benchmarks/{re.escape(page.stem)}$", toctree, re.MULTILINE)
        if not (page.is_file() and f"../../benchmarks/{table.name}\n" in
                page.read_text(encoding="utf-8") and listed):
            missing.append(f"{table.name} -> docs/benchmarks/{page.name}")
    assert not missing, f"benchmark tables without a page in docs/benchmarks.md: {missing}"


def _public_objects():
    """``(qualified name, object)`` of every public name and of the public methods and
    properties the package's classes define (not those inherited from scikit-learn)."""
    import inspect

    import sklearn_w2v
    import sklearn_w2v.datasets
    import sklearn_w2v.evaluation
    import sklearn_w2v.theory

    for module in (sklearn_w2v, sklearn_w2v.datasets, sklearn_w2v.evaluation,
                   sklearn_w2v.theory):
        for name in module.__all__:
            obj = getattr(module, name)
            if name == "__version__" or (module is sklearn_w2v.datasets
                                         and name == "read_lines"):  # a string; a re-export
                continue
            yield f"{module.__name__}.{name}", obj
            if not inspect.isclass(obj):
                continue
            for klass in obj.__mro__:
                if not klass.__module__.startswith("sklearn_w2v"):
                    continue
                for attribute, member in vars(klass).items():
                    if attribute.startswith("_") and attribute not in ("__contains__",
                                                                       "__getitem__"):
                        continue
                    if isinstance(member, (classmethod, staticmethod)):
                        member = member.__func__
                    if callable(member) or isinstance(member, property):
                        yield f"{module.__name__}.{name}.{attribute}", member


def test_every_public_docstring_has_examples_that_do_something():
    """numpydoc Examples in every public docstring (the default run executes them with
    --doctest-modules), each with a line that is more than an import."""
    import doctest

    parser = doctest.DocTestParser()
    missing, only_imports = [], []
    for name, obj in sorted(_public_objects(), key=lambda item: item[0]):
        doc = obj.__doc__ or ""
        if "\nExamples\n" not in "\n" + "\n".join(line.strip() for line in doc.splitlines()):
            missing.append(name)
            continue
        sources = [example.source for example in parser.get_examples(doc)]
        if not any(not re.match(r"(import|from) \S", source) for source in sources):
            only_imports.append(name)
    assert not missing, f"public docstrings without an Examples section: {missing}"
    assert not only_imports, f"Examples that only import: {only_imports}"


def test_estimator_docstrings_link_to_the_user_guide():
    """The docstrings' "Read more in the user guide" labels exist on the user guide's
    pages (``docs/user_guide.rst`` and its sub-pages)."""
    import sklearn_w2v

    labels = set()
    for page in [DOCS / "user_guide.rst", *sorted((DOCS / "user_guide").glob("*.*"))]:
        text = page.read_text(encoding="utf-8")
        labels |= set(re.findall(r"^\.\. _(\w+):$", text, flags=re.MULTILINE))
        labels |= set(re.findall(r"^\((\w+)\)=$", text, flags=re.MULTILINE))
    for estimator in (sklearn_w2v.Word2VecTransformer, sklearn_w2v.Doc2VecTransformer):
        link = re.search(r"Read more in the :ref:`user guide <(\w+)>`", estimator.__doc__)
        assert link and link.group(1) in labels, estimator.__name__


def _tools_importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _require_tools():
    missing = [m for m in DOCS_TOOLS if not _tools_importable(m)]
    if missing:
        pytest.skip(f"the docs extra is not installed (missing {', '.join(missing)}): "
                    "python -m pip install -e '.[docs]'")
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    return browser


def _build():
    if os.environ.get("SKLEARN_W2V_DOCS_REUSE_BUILD") == "1" and (BUILD / "index.html").is_file():
        return None
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS),
         str(BUILD)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, (
        f"sphinx -W failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-6000:]}")
    return time.perf_counter() - started


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# A page on the same origin that loads each page under test in turn in an iframe and
# writes what it finds (title, Sphinx error boxes, images that failed, search hits) into its
# own DOM, which Chromium's --dump-dom prints once the virtual time budget has run out. One
# browser start for every check: a start takes a minute on a busy 2-core machine.
HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="out">PENDING</pre>
<iframe id="page" width="1280" height="1600"></iframe>
<script>
const pages = {pages};
const results = {{}};
const frame = document.getElementById("page");
let i = 0;
function next() {{
  if (i >= pages.length) {{
    document.getElementById("out").textContent = "RESULT:" + JSON.stringify(results) + ":END";
    return;
  }}
  frame.src = pages[i];
}}
frame.addEventListener("load", () => setTimeout(() => {{
  const d = frame.contentDocument;
  const search = d.querySelector("#search-results");
  const h1 = d.querySelector("h1");
  const header = d.querySelector(".bd-header");
  const navTops = Array.from(d.querySelectorAll(".bd-header .bd-navbar-elements > li"))
    .filter(li => li.offsetParent !== null)
    .map(li => Math.round(li.getBoundingClientRect().top));
  const cut = Array.from(d.querySelectorAll("div.highlight pre"))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1
            && !["auto", "scroll"].includes(frame.contentWindow.getComputedStyle(pre).overflowX))
    .map(pre => pre.textContent.slice(0, 80));
  const wideMath = Array.from(d.querySelectorAll('mjx-container[display="true"]'))
    .filter(m => m.scrollWidth > m.clientWidth + 1)
    .map(m => (m.getAttribute("aria-label") || m.textContent).slice(0, 80));
  results[pages[i]] = {{
    title: d.title,
    h1: h1 ? h1.textContent : "",
    h1Clipped: h1 ? h1.scrollWidth > h1.clientWidth + 1 : false,
    navbarHeight: header ? header.getBoundingClientRect().height : 0,
    navbarRows: new Set(navTops).size,
    sectionNavLinks: d.querySelectorAll("nav.bd-docs-nav a").length,
    mathjax: d.querySelectorAll("mjx-container").length,
    mathSource: d.querySelectorAll(".math").length,
    cutCodeBlocks: cut,
    wideFormulas: wideMath,
    errors: Array.from(d.querySelectorAll(".system-message, .problematic"))
              .map(e => e.textContent.slice(0, 200)),
    images: Array.from(d.images).map(img => ({{
      src: img.getAttribute("src"), ok: img.complete && img.naturalWidth > 0}})),
    searchHits: search ? search.querySelectorAll("li").length : 0,
    searchSummary: search ? search.innerText.slice(0, 300) : "",
  }};
  i += 1;
  next();
}}, 4000));
next();
</script></body></html>
"""


def _chromium_args(browser, profile):
    return [browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}"]


def _inspect(browser, url, pages):
    """Run the harness at ``url`` over ``pages``; {page: report}."""
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            _chromium_args(browser, profile)
            + ["--virtual-time-budget=120000", "--dump-dom", url],
            capture_output=True, text=True, timeout=600)
    match = re.search(r"RESULT:(.*?):END", out.stdout, flags=re.DOTALL)
    assert match, (f"the harness did not report:\n{out.stdout[-2000:]}\n"
                   f"{out.stderr[-2000:]}")
    return json.loads(html.unescape(match.group(1)))


def _screenshots(browser, shots):
    """Take {path: url} screenshots, the browsers running at the same time."""
    with tempfile.TemporaryDirectory() as profiles:
        running = []
        for k, (path, url) in enumerate(shots.items()):
            args = _chromium_args(browser, Path(profiles) / str(k)) + [
                "--hide-scrollbars", "--window-size=1280,1600", "--virtual-time-budget=10000",
                f"--screenshot={path}", url]
            running.append(subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        for process in running:
            process.wait(timeout=600)
    for path, url in shots.items():
        assert path.is_file() and path.stat().st_size > 10_000, f"no screenshot of {url}"


@pytest.mark.slow
def test_site_builds_and_renders():
    browser = _require_tools()
    seconds = _build()
    if seconds is not None:
        print(f"sphinx -W build: {seconds:.0f} s")
    for page in PAGES.values():
        assert (BUILD / page).is_file(), f"{page} was not built"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    search = "/search.html?q=" + SEARCH_QUERY.replace(" ", "+")
    urls = {label: "/" + page for label, page in PAGES.items()}
    server = _serve(BUILD)
    harness = BUILD / "_test_harness.html"
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        harness.write_text(HARNESS.format(pages=json.dumps([*urls.values(), search])),
                           encoding="utf-8")
        reports = _inspect(browser, f"{base}/{harness.name}", urls)
        shots = {SCREENSHOTS / f"{label}.png": base + url for label, url in urls.items()}
        shots[SCREENSHOTS / "search.png"] = base + search
        _screenshots(browser, shots)
    finally:
        harness.unlink(missing_ok=True)
        server.shutdown()
        server.server_close()

    # what the browser measured, next to the screenshots, for a reader to compare
    (SCREENSHOTS / "report.json").write_text(json.dumps(reports, indent=1), encoding="utf-8")
    for label, url in urls.items():
        report = reports[url]
        assert "sklearn-w2v" in report["title"], (url, report["title"])
        assert report["h1"].strip(), f"{url} has no heading"
        assert not report["h1Clipped"], f"the title of {url} is clipped: {report['h1']!r}"
        assert report["navbarRows"] == 1 and report["navbarHeight"] <= NAVBAR_MAX_HEIGHT, (
            f"the navbar of {url} is not one row at 1280 px: {report['navbarRows']} rows, "
            f"{report['navbarHeight']:.0f} px")
        assert not report["cutCodeBlocks"], (
            f"code blocks cut off on {url} (neither wrapped nor scrollable): "
            f"{report['cutCodeBlocks']}")
        if label in SECTION_PAGES:
            assert report["sectionNavLinks"] > 0, f"empty section navigation on {url}"
        if label in MATH_PAGES:
            assert report["mathSource"] > 0, f"no formula on {url}"
            assert report["mathjax"] > 0, (
                f"MathJax rendered no formula on {url} ({report['mathSource']} in the page)")
            assert not report["wideFormulas"], (
                f"formulas wider than the column on {url}: {report['wideFormulas']}")
        assert not report["errors"], f"Sphinx error boxes on {url}: {report['errors']}"
        broken = [img["src"] for img in report["images"] if not img["ok"]]
        assert not broken, f"images that did not load on {url}: {broken}"
        if label == "gallery":
            figures = [img for img in report["images"] if "sphx_glr" in (img["src"] or "")]
            assert len(figures) >= 4, f"gallery figures missing: {report['images']}"
        if label == "theory":
            assert len(report["images"]) >= 4, f"theory figures missing: {report['images']}"
    assert reports[search]["searchHits"] > 0, f"search for {SEARCH_QUERY!r}: {reports[search]}"
