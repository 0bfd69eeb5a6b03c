"""The examples (the gallery's scripts) run end to end in their --quick modes.

The default suite runs the quickstart (the README's main job) and a static check of every
example, which imports the public names each one uses; the quick run of every other
example is marked slow, since the documentation build runs them all again.
"""

import ast
import importlib
import importlib.util
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(path.name for path in EXAMPLES.glob("*.py"))

# What a quick run may cost: the documentation build runs every example in its quick mode
# after the tests, and the whole of CI must stay within 10 minutes on 2 cores.
QUICK_CPU_SECONDS = 60


def run_example(name, *args, timeout=300, cpu_budget=None):
    """Run an example in a new process and return its standard output.

    ``cpu_budget``: the most CPU seconds (user + system, the example's worker processes
    included) the run may take; CPU time, unlike the wall clock, hardly depends on what
    else the machine runs. One BLAS thread, as in the documentation build (docs/_gallery.py).
    """
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run([sys.executable, str(EXAMPLES / name), *args],
                               capture_output=True, text=True, timeout=timeout, env=env,
                               cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert completed.returncode == 0, completed.stderr
    if cpu_budget is not None:
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        assert cpu < cpu_budget, f"{name} {' '.join(args)} took {cpu:.0f} CPU seconds"
    return completed.stdout


def numbers_after(label, output):
    """The floats printed right after each occurrence of ``label`` (any run of spaces
    matching a space of it)."""
    pattern = r"\s+".join(map(re.escape, label.split())) + r"\s*([0-9.]+)"
    return [float(x) for x in re.findall(pattern, output)]


# ------------------------------------------------------------------- fast, every example


def _imported_names(tree):
    """(module, name) for every ``from sklearn_w2v... import name`` and
    (module, None) for every ``import sklearn_w2v...`` of a parsed script."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn_w2v"):
            yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names
                        if alias.name.startswith("sklearn_w2v"))


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_uses_the_public_api_and_has_a_quick_mode(name):
    source = (EXAMPLES / name).read_text("utf-8")
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree)
    assert docstring, f"{name}: the docstring is the gallery page's title and text"
    title = docstring.splitlines()[0]
    assert 10 < len(title) < 100, f"{name}: a one-line title first"
    assert '"--quick"' in source, f"{name}: the gallery runs it with --quick"
    for module, attribute in _imported_names(tree):
        assert not any(part.startswith("_") for part in module.split(".")), (
            f"{name} imports the private module {module}: use the public API")
        imported = importlib.import_module(module)
        assert attribute is None or hasattr(imported, attribute), (
            f"{name}: {module} has no public {attribute}")


def test_gallery_lists_every_example():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        gallery = importlib.import_module("_gallery")
    finally:
        sys.path.remove(str(ROOT / "docs"))
    assert sorted(gallery.EXAMPLE_ORDER) == EXAMPLE_FILES
    assert sorted(EXAMPLE_FILES, key=gallery.example_order)[0] == "quickstart.py"


def test_quickstart_quick_mode():
    output = run_example("quickstart.py", "--quick", cpu_budget=QUICK_CPU_SECONDS)
    assert "whale ->" in output
    accuracy = float(output.split("Test accuracy:")[1].split()[0])
    # Majority class is 0.578: the pipeline must learn something even in quick mode.
    assert accuracy > 0.6


# ------------------------------------------------------------------- slow: quick runs


@pytest.mark.slow
def test_quickstart_full():
    output = run_example("quickstart.py", timeout=900)
    accuracy = float(output.split("Test accuracy:")[1].split()[0])
    assert accuracy > 0.65


@pytest.mark.slow
def test_plot_ns_vs_softmax_quick_mode(tmp_path):
    pytest.importorskip("matplotlib")
    output = run_example("plot_ns_vs_softmax.py", "--quick", "--n-jobs", "1",
                         "--output-dir", str(tmp_path), timeout=900,
                         cpu_budget=QUICK_CPU_SECONDS)
    assert "NCE K=5" in output
    for name in ["likelihood_curves", "pmi_scatter", "score_histograms", "downstream"]:
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def run_quick(name):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    return run_example(name, "--quick", cpu_budget=QUICK_CPU_SECONDS)


@pytest.mark.slow
def test_plot_grid_search_quick_mode():
    output = run_quick("plot_grid_search.py")
    assert numbers_after("refitted best pipeline:", output)[0] > 0.6
    assert len(re.findall(r"^\s+(2|10)\s+(25|100)\s", output, flags=re.M)) == 4


@pytest.mark.slow
def test_plot_few_labels_quick_mode():
    output = run_quick("plot_few_labels.py")
    # every pipeline at every size; with 3,000 labels all learn something
    assert output.count(" labels: TF-IDF ") == 5
    assert min(numbers_after("3,000 labels: TF-IDF", output)) > 0.65
    assert numbers_after("word2vec on all texts, frozen", output)[-1] > 0.6


@pytest.mark.slow
def test_plot_tfidf_union_quick_mode():
    output = run_quick("plot_tfidf_union.py")
    union = numbers_after("test accuracy", output)
    tfidf = numbers_after("against TF-IDF alone", output)
    assert len(union) == len(tfidf) == 2
    # the grid includes weight 0 (TF-IDF alone): the tuned union is not far below it
    assert all(u > t - 0.02 for u, t in zip(union, tfidf))


@pytest.mark.slow
def test_plot_paragraph_vectors_quick_mode():
    output = run_quick("plot_paragraph_vectors.py")
    assert numbers_after("PV-DBOW + word vectors test accuracy", output)[0] > 0.62
    assert numbers_after("word2vec, mean test accuracy", output)[0] > 0.62
    assert "with inferred test vectors" in output


@pytest.mark.slow
def test_plot_pretrained_vectors_quick_mode():
    output = run_quick("plot_pretrained_vectors.py")
    assert "absent from the reviews: unchanged True" in output
    assert numbers_after("fine-tuned (epochs=3) test accuracy", output)[0] > 0.6


@pytest.mark.slow
def test_plot_word_queries_quick_mode():
    output = run_quick("plot_word_queries.py")
    assert "man : king :: woman : ?   3CosAdd ['queen'" in output
    assert numbers_after("accuracy", output)[0] > 10  # percent of the analogy questions


@pytest.mark.slow
def test_plot_dataframe_column_quick_mode():
    output = run_quick("plot_dataframe_column.py")
    assert "length__n_words" in output
    assert numbers_after("test accuracy", output)[0] > 0.6
    if importlib.util.find_spec("polars") is not None:
        assert "polars.dataframe.frame DataFrame (10203, 101)" in output


@pytest.mark.slow
def test_plot_streaming_quick_mode():
    output = run_quick("plot_streaming.py")
    assert output.count(" lines: ") == 8
    assert "left after fit: []" in output
    assert "identical vectors: True" in output


def test_skrub_table_vectorizer_with_word2vec():
    skrub = pytest.importorskip("skrub")
    pd = pytest.importorskip("pandas")
    from sklearn_w2v import Word2VecTransformer

    table = pd.DataFrame({"review": ["a fine film", "a dull film", "fine acting"] * 20,
                          "n_words": [3, 3, 2] * 20})
    vectorizer = skrub.TableVectorizer(specific_transformers=[
        (Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0, random_state=0),
         ["review"])])
    assert vectorizer.fit_transform(table).shape == (60, 5)
