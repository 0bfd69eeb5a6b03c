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
    # MathJax 3 copied into the built site (_static/mathjax), so formulas render without
    # a network connection; it sets mathjax_path.
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_parser",
    "sphinx_design",  # the landing page's cards
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
# theory.md and architecture.md are the repository's notes, read on GitHub too; the site
# includes them from theory_page.md / architecture_page.md (figures added there).
exclude_patterns = ["_build", "theory.md", "architecture.md", "figures", "_static",
                    "**.ipynb_checkpoints",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.json", "auto_examples/*.codeobj.json"]

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# ---------------------------------------------------------------- autodoc / numpydoc
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
# "fit()" rather than "Word2VecTransformer.fit()" in a class page's table of contents
toc_object_entries_show_parents = "hide"
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
    "within_subsection_order": "_gallery.example_order",
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
    # every top-level section in the navbar, in one row at 1280 px (the search is an icon)
    "header_links_before_dropdown": 7,
    "navbar_align": "left",
    "navbar_persistent": ["search-button"],
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    # the landing page has no "On this page" column: its cards use the width
    "secondary_sidebar_items": {"**": ["page-toc"], "index": []},
}
# Pages without sub-pages get no left sidebar rather than an empty "Section Navigation".
html_sidebars = {"index": [], "changelog": []}
html_static_path = ["_static"]
html_css_files = ["sklearn_w2v.css"]
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


# ---------------------------------------------------------------- included files
_LINK = re.compile(r"(!?\[[^\]]*\]\s*)\(([^()\s]+)\)")


def _included_file_links(app, relative_path, parent_docname, content):
    """Links and images of a file included from another folder, made to work on the page.

    A benchmark table links its own files (``[plot](RESULTS-learning-curves.png)``)
    relative to its folder; MyST resolves them relative to the including page, where they
    do not exist. Such links are rewritten relative to the page's folder. An image whose
    file is not in the repository (a plot that was never committed) becomes a line of
    text saying so, instead of a broken image that fails the ``-W`` build.
    """
    source_file = (Path(app.srcdir) / relative_path).resolve()
    folder = source_file.parent
    if folder == DOCS:
        return
    # the page being read (MyST passes only the stem of its file as parent_docname)
    page_folder = (Path(app.srcdir) / app.env.docname).parent

    def relocated(match):
        prefix, target = match.groups()
        if re.match(r"[a-z]+:|#|/", target):
            return match.group(0)
        if not (folder / target).is_file():
            if prefix.startswith("!"):
                return f"*(The plot `{target}` is not in the repository.)*"
            return match.group(0)
        return f"{prefix}({os.path.relpath(folder / target, page_folder)})"

    content[0] = _LINK.sub(relocated, content[0])


def setup(app):
    app.connect("source-read", _changelog)
    app.connect("source-read", _gallery_title)
    app.connect("include-read", _included_file_links)
    # before numpydoc's own handler (priority 500) parses the docstrings
    app.connect("autodoc-process-docstring", _join_continued_types, priority=400)
    app.connect("autodoc-process-docstring", _summary_without_inner_period, priority=400)
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
