"""sphinx-gallery hooks of docs/conf.py, named by strings there so the config pickles.

The examples take ``--quick`` (a small corpus, seconds to a minute); :func:`reset_argv`
passes it. ``plot_ns_vs_softmax.py`` writes its figures as PNG files (and closes them),
so it writes them into a build folder and :func:`figure_file_scraper` puts them on the page.
"""

import ast
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
GALLERY_FIGURES = DOCS / "_build" / "gallery_figures"


def reset_argv(gallery_conf, script_vars):
    """The example's command line; also gives it the __doc__ and __file__ it reads.

    sphinx-gallery runs an example with ``__doc__ = ""`` and no ``__file__``; the examples
    use both (argparse's description, plot_ns_vs_softmax.py's default output folder).
    The globals are in ``script_vars`` when this is called, just before the example runs.
    """
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
