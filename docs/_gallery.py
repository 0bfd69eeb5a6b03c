"""sphinx-gallery hooks of docs/conf.py, named by strings there so the config pickles.

The examples take ``--quick`` (a small corpus, seconds to a minute); :func:`reset_argv`
passes it. ``plot_ns_vs_softmax.py`` writes its figures as PNG files (and closes them),
so it writes them into a build folder and :func:`figure_file_scraper` puts them on the page.
:func:`example_order` is the order of the gallery's thumbnails.
"""

import ast
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
GALLERY_FIGURES = DOCS / "_build" / "gallery_figures"

# The quickstart first, then the recipes from the pipeline a user starts with to the
# larger setups, the theory last; an example not listed comes after them, by name.
EXAMPLE_ORDER = [
    "quickstart.py",
    "plot_grid_search.py",
    "plot_few_labels.py",
    "plot_tfidf_union.py",
    "plot_paragraph_vectors.py",
    "plot_pretrained_vectors.py",
    "plot_word_queries.py",
    "plot_dataframe_column.py",
    "plot_streaming.py",
    "plot_ns_vs_softmax.py",
]


def example_order(filename):
    """Sort key of an example file name (``within_subsection_order``)."""
    name = Path(filename).name
    rank = EXAMPLE_ORDER.index(name) if name in EXAMPLE_ORDER else len(EXAMPLE_ORDER)
    return rank, name


def _one_blas_thread():
    """Limit NumPy's and SciPy's BLAS to one thread for the rest of the build.

    The examples' matrix products are small (a logistic regression on 10,000 x 50
    features): on a busy 2-core machine one such fit took 1.07 s with OpenBLAS's two
    threads against 0.044 s with one, and the quick runs of plot_ns_vs_softmax.py and
    quickstart.py took 104 s and 63 s against 31 s and 33 s.
    threadpoolctl limits the libraries already loaded, so NumPy and SciPy (each wheel
    brings its own OpenBLAS) are imported first.
    """
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def reset_argv(gallery_conf, script_vars):
    """The example's command line; also gives it the __doc__ and __file__ it reads.

    sphinx-gallery runs an example with ``__doc__ = ""`` and no ``__file__``; the examples
    use both (argparse's description, plot_ns_vs_softmax.py's default output folder).
    The globals are in ``script_vars`` when this is called, just before the example runs.
    """
    _one_blas_thread()
    src_file = Path(script_vars["src_file"])
    example_globals = script_vars["example_globals"]
    example_globals["__file__"] = str(src_file)
    example_globals["__doc__"] = ast.get_docstring(ast.parse(src_file.read_text("utf-8")),
                                                   clean=False)
    if src_file.name == "plot_ns_vs_softmax.py":
        return ["--quick", "--n-jobs", "1", "--output-dir",
                str(GALLERY_FIGURES / src_file.name)]
    return ["--quick"]


def figure_file_scraper(block, block_vars, gallery_conf):
    """Put on the page the PNG files the example wrote into its folder (sorted by name)."""
    from sphinx_gallery.scrapers import figure_rst

    folder = GALLERY_FIGURES / Path(block_vars["src_file"]).name
    if not folder.is_dir():
        return ""
    image_paths = []
    for png, image_path in zip(sorted(folder.glob("*.png")),
                               block_vars["image_path_iterator"]):
        shutil.copyfile(png, image_path)
        image_paths.append(image_path)
    shutil.rmtree(folder)
    # one figure per row, full width: these are wide multi-panel figures
    return "".join(figure_rst([path], gallery_conf["src_dir"]) for path in image_paths)
