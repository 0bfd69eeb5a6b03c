"""Sphinx configuration of the sklearn-w2v documentation site.

Build from the repository root (see README, "Documentation")::

    python -m pip install -e ".[docs]" && python -m sphinx -W -b html docs docs/_build/html

Intersphinx: links to scikit-learn, NumPy, SciPy and gensim need their ``objects.inv``
from the web. The build must not depend on the network, so the mapping is configured only
when ``SKLEARN_W2V_DOCS_INTERSPHINX=1`` is set; without it, references to those projects
render as plain code (no warning: the build is not ``nitpicky``).
"""

import os
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
# The examples take --quick (a small corpus, seconds to a minute); the gallery passes it
# through reset_argv. plot_ns_vs_softmax.py writes its figures as PNG files (and closes
# them), so it writes them into a build folder and FigureFileScraper puts them on the page.
GALLERY_FIGURES = DOCS / "_build" / "gallery_figures"


def reset_argv(gallery_conf, script_vars):
    """The example's command line; also gives it the __doc__ and __file__ it reads.

    sphinx-gallery runs an example with ``__doc__ = ""`` and no ``__file__``; the examples
    use both (argparse's description, plot_ns_vs_softmax.py's default output folder).
    The globals are in ``script_vars`` when this is called, just before the example runs.
    """
    import ast

    src_file = Path(script_vars["src_file"])
    name = src_file.name
    example_globals = script_vars["example_globals"]
    example_globals["__file__"] = str(src_file)
    example_globals["__doc__"] = ast.get_docstring(ast.parse(src_file.read_text("utf-8")),
                                                   clean=False)
    if name == "plot_ns_vs_softmax.py":
        return ["--quick", "--n-jobs", "1", "--output-dir", str(GALLERY_FIGURES / name)]
    return ["--quick"]


class FigureFileScraper:
    """Put on the page the PNG files an example wrote into its folder (sorted by name)."""

    def __repr__(self):  # a stable repr: sphinx-gallery puts the config in its cache key
        return "FigureFileScraper"

    def __call__(self, block, block_vars, gallery_conf):
        from sphinx_gallery.scrapers import figure_rst

        folder = GALLERY_FIGURES / Path(block_vars["src_file"]).name
        if not folder.is_dir():
            return ""
        import shutil

        image_paths = []
        for png, image_path in zip(sorted(folder.glob("*.png")),
                                   block_vars["image_path_iterator"]):
            shutil.copyfile(png, image_path)
            image_paths.append(image_path)
        shutil.rmtree(folder)
        return figure_rst(image_paths, gallery_conf["src_dir"])


sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",       # run every example, not only plot_*.py
    "reset_argv": reset_argv,
    "image_scrapers": ("matplotlib", FigureFileScraper()),
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


def setup(app):
    app.connect("source-read", _changelog)
    app.connect("source-read", _gallery_title)
