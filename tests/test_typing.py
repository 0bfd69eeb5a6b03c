"""mypy passes on the package with the configuration in pyproject.toml ([tool.mypy]), and the
public annotations reach a user's code: a call that breaks them is reported."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e '.[test]'")


def run_mypy(*args, cwd=REPO):
    # The cache goes to a folder of this run: another checkout's cache must not answer.
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--no-error-summary", "--hide-error-context", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=600)
    return completed.returncode, completed.stdout + completed.stderr


def test_mypy_passes_on_the_package(tmp_path):
    returncode, output = run_mypy("--cache-dir", tmp_path / "cache")
    assert returncode == 0, f"mypy reports errors on sklearn_w2v:\n{output}"


def test_public_annotations_catch_a_wrong_call(tmp_path):
    # What a user's type checker sees through py.typed: the wrong calls below must each be
    # reported, and the right ones not (a test that only ran mypy on the package would
    # pass with every signature left unannotated).
    user_code = tmp_path / "user_code.py"
    user_code.write_text(textwrap.dedent("""\
        from sklearn_w2v import Word2VecTransformer, load_word2vec_format
        from sklearn_w2v.datasets import load_sample_corpus
        from sklearn_w2v.evaluation import cosine_similarity_of

        model = Word2VecTransformer(vector_size=8).fit(load_sample_corpus(n_lines=10))
        similarity: float = model.similarity("whale", "sea")
        words, vectors = load_word2vec_format("vectors.txt")
        first: str = words[0]
        cosine: float = cosine_similarity_of(model, "whale", "sea")

        model.similarity("whale", 1)  # line 11
        Word2VecTransformer(objective="negativ")  # line 12
        name: int = model.most_similar("whale")[0][0]  # line 13
        load_sample_corpus(n_lines="10")  # line 14
        """))
    returncode, output = run_mypy("--cache-dir", tmp_path / "cache", user_code)
    lines = {int(line.split(":")[1]) for line in output.splitlines()
             if line.startswith(str(user_code)) and ": error:" in line}
    assert lines == {11, 12, 13, 14}, output
