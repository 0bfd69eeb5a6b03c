"""Sphinx configuration of the sklearn-w2v documentation site.

Build from the repository root (see README, "Documentation")::

    python -m pip install -e ".[docs]" && python -m sphinx -W -b html docs docs/_build/html

Intersphinx: links to scikit-learn, NumPy, SciPy and gensim need their ``objects.inv``
from the web. The build must not depend on the network, so the mapping is configured only
when ``SKLEARN_W2V_DOCS_INTERSPHINX=1`` is set; without it, references to those projects
render as plain code (no warning: the build is not ``nitpicky``).
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the checkout's package, also when not installed

import sklearn_w2v  # noqa: E402

project = "sklearn-w2v"
author = "sklearn-w2v developers"
copyright = "sklearn-w2v developers, BSD-3-Clause"
release = sklearn_w2v.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
# theory.md and architecture.md are the repository's notes, read on GitHub too; the site
# includes them from theory_page.md / architecture_page.md (figures added there).
exclude_patterns = ["_build", "theory.md", "architecture.md", "figures", "**.ipynb_checkpoints",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.json", "auto_examples/*.codeobj.json"]

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# ---------------------------------------------------------------- autodoc / numpydoc
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# ---------------------------------------------------------------- intersphinx
intersphinx_timeout = 10
if os.environ.get("SKLEARN_W2V_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "gensim": ("https://radimrehurek.com/gensim", None),
    }
else:
    intersphinx_mapping = {}

# ---------------------------------------------------------------- sphinx-gallery
# Hooks in docs/_gallery.py, named by strings so the config pickles (Sphinx caches it).
sys.path.insert(0, str(DOCS))

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",       # run every example, not only plot_*.py
    "reset_argv": "_gallery.reset_argv",
    "image_scrapers": ("matplotlib", "_gallery.figure_file_scraper"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "show_memory": False,
    "plot_gallery": "True",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sklearn_w2v",),
}

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-w2v {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_end": ["navbar-icon-links"],
}
html_show_sourcelink = False


# ---------------------------------------------------------------- changelog
def _changelog(app, docname, source):
    """changelog.md shows ../CHANGELOG.md when the repository has one, else a placeholder."""
    if docname != "changelog":
        return
    if (ROOT / "CHANGELOG.md").is_file():
        source[0] = "```{include} ../CHANGELOG.md\n:relative-images:\n```\n"


def _gallery_title(app, docname, source):
    """Make an example's first docstring line the title of its gallery page.

    The examples' docstrings start with a one-line summary (argparse and the README use
    it), not an underlined reST title, so sphinx-gallery's page would have no heading.
    """
    if not docname.startswith("auto_examples/") or docname.endswith("index"):
        return
    lines = source[0].split("\n")
    for k, line in enumerate(lines):
        if line.startswith(".. _sphx_glr_auto_examples_"):
            title = k + 2  # the label, a blank line, the docstring's first line
            # a one-line first paragraph (not already underlined): underline it
            if (title + 1 < len(lines) and lines[title].strip()
                    and not lines[title + 1].strip()):
                lines.insert(title + 1, "=" * len(lines[title]))
            break
    source[0] = "\n".join(lines)


# ---------------------------------------------------------------- docstring fix-ups
# The package's docstrings are edited elsewhere; what the site cannot render as it is gets
# fixed here, in the build only, each entry named. Remove an entry once the docstring is
# fixed at its source.


def _join_continued_types(app, what, name, obj, options, lines):
    r"""numpydoc does not join a parameter type continued with a trailing backslash.

    ``sklearn_w2v.read_lines`` (``errors : {...} or another codec error handler, \``)
    would otherwise render its continuation as a block quote (a docutils warning).
    """
    k = 0
    while k < len(lines) - 1:
        if lines[k].rstrip().endswith("\\") and " : " in lines[k]:
            lines[k] = lines[k].rstrip()[:-1].rstrip() + " " + lines.pop(k + 1).strip()
        else:
            k += 1


def _summary_without_inner_period(app, what, name, obj, options, lines):
    """autosummary cuts a summary at the first ". ", also inside a literal.

    ``sklearn_w2v.theory.document_scores`` starts with ````S[j, o] = u_o . d_j````; the cut
    would leave an unclosed literal in the API table.
    """
    if name == "sklearn_w2v.theory.document_scores" and lines:
        lines[0] = lines[0].replace("u_o . d_j", "u_o·d_j")


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """scikit-learn's generated ``set_*_request`` methods link to scikit-learn's own
    glossary and user guide labels, which this site does not have."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _new_benchmark_tables(app, docname, source):
    """benchmarks.md also shows any benchmarks/RESULTS*.md it does not include yet."""
    if docname != "benchmarks":
        return
    for path in sorted((ROOT / "benchmarks").glob("RESULTS*.md")):
        if f"../benchmarks/{path.name}" not in source[0]:
            source[0] += (f"\n## `{path.name}`\n\n```{{include}} ../benchmarks/{path.name}\n"
                          ":relative-images:\n:heading-offset: 2\n```\n")


def _included_file_links(app, relative_path, parent_docname, content):
    """A file included from another folder links its own files (a benchmark table its
    plot, ``[plot](RESULTS-learning-curves.png)``) relative to that folder; MyST resolves
    them relative to the page, where they do not exist (a missing-target warning). Such
    links are rewritten relative to the page's folder (``docs/``, where every including
    page lives)."""
    folder = Path(relative_path).parent
    if folder == Path("."):
        return

    def relocated(match):
        target = match.group(2)
        if re.match(r"[a-z]+:|#|/", target) or not (DOCS / folder / target).is_file():
            return match.group(0)
        return f"{match.group(1)}({(folder / target).as_posix()})"

    content[0] = re.sub(r"(\]\s*)\(([^()\s]+)\)", relocated, content[0])


def setup(app):
    app.connect("source-read", _changelog)
    app.connect("source-read", _new_benchmark_tables)
    app.connect("source-read", _gallery_title)
    app.connect("include-read", _included_file_links)
    # before numpydoc's own handler (priority 500) parses the docstrings
    app.connect("autodoc-process-docstring", _join_continued_types, priority=400)
    app.connect("autodoc-process-docstring", _summary_without_inner_period, priority=400)
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
