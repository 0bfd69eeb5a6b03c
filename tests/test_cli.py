"""The ``sklearn-w2v`` command end to end: word2vec.c's options reach the transformer,
its files are the package's, the queries answer what the Python API answers."""

import io
import json
import logging
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import sklearn_w2v
from sklearn_w2v import Word2VecTransformer, load_word2vec_format, read_lines
from sklearn_w2v._cli import (
    _CommandError,
    _Progress,
    build_parser,
    main,
    transformer_parameters,
)
from sklearn_w2v.datasets import load_sample_corpus
from sklearn_w2v.evaluation import evaluate_analogies, evaluate_word_pairs, most_similar

# The subprocesses import the package this test imports (a worktree, an editable
# install or the installed one), whatever the interpreter's site-packages hold.
PACKAGE_ROOT = Path(sklearn_w2v.__file__).resolve().parents[1]

TRAIN_OPTIONS = ["-size", "12", "-window", "3", "-iter", "2", "-min-count", "3",
                 "-threads", "1", "--seed", "0"]


def run_cli(*args, stdin=None, stderr=subprocess.PIPE, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    return subprocess.run([sys.executable, "-m", "sklearn_w2v", *map(str, args)],
                          input=stdin, stdout=subprocess.PIPE, stderr=stderr, text=True,
                          env=env, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "corpus.txt"
    path.write_text("\n".join(load_sample_corpus(n_lines=3000)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(corpus):
    """One training run of the command, shared by the query tests."""
    vectors = corpus.parent / "vectors.bin"
    vocab = corpus.parent / "vocab.txt"
    completed = run_cli("train", corpus, "-o", vectors, "-save-vocab", vocab, *TRAIN_OPTIONS)
    assert completed.returncode == 0, completed.stderr
    return vectors, vocab, completed


def parse(argv):
    return transformer_parameters(build_parser().parse_args(["train", "c.txt", "-o", "v",
                                                             *argv]))


def test_word2vec_c_options_map_to_transformer_parameters():
    params = parse(["-size", "20", "-window", "3", "-sample", "0", "-cbow", "1", "-hs", "1",
                    "-negative", "0", "-threads", "2", "-iter", "4", "-min-count", "3",
                    "-alpha", "0.04", "--min-alpha", "1e-5", "--max-vocab-size", "500",
                    "--seed", "7", "--out-of-core", "--tokens", "whitespace"])
    assert params == {
        "objective": "hierarchical", "architecture": "cbow", "vector_size": 20,
        "window": 3, "sample": 0.0, "n_jobs": 2, "epochs": 4, "min_count": 3,
        "learning_rate": 0.04, "min_learning_rate": 1e-5, "max_vocab_size": 500,
        "ns_exponent": 0.75, "batch_size": "auto", "random_state": 7,
        "out_of_core": True, "analyzer": str.split,
    }
    # Every name is a parameter the estimator accepts with the value given.
    assert Word2VecTransformer(**params).get_params()["architecture"] == "cbow"


def test_defaults_are_the_transformers_but_for_threads():
    params = parse([])
    defaults = Word2VecTransformer().get_params()
    # vector_size=None is 100 without init, which the command does not take.
    assert defaults["vector_size"] is None
    defaults["vector_size"] = 100
    for name, value in params.items():
        expected = -1 if name == "n_jobs" else defaults[name]
        assert value == expected, name
    assert params["objective"] == "negative" and params["negative"] == 5


def test_long_forms_mean_the_same():
    short = parse(["-size", "30", "-min-count", "2", "-cbow", "1", "-iter", "auto",
                   "-negative", "7", "-alpha", "0.1"])
    long = parse(["--size", "30", "--min-count", "2", "--cbow", "1", "--iter", "auto",
                  "--negative", "7", "--alpha", "0.1"])
    assert short == long
    assert short["negative"] == 7 and short["epochs"] == "auto"


@pytest.mark.parametrize("argv, message", [
    (["-hs", "1", "-negative", "5"], "give -negative 0 with -hs 1"),
    (["-negative", "0"], "trains nothing"),
    (["-hs", "1", "--objective", "softmax"], "contradicts"),
])
def test_contradictory_output_layers_are_refused(argv, message):
    with pytest.raises(_CommandError, match=message):
        parse(argv)


def test_command_line_errors_exit_2_without_traceback(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "corpus.txt", "-o", "v.bin", "-hs", "1", "-negative", "5"])
    assert exit_info.value.code == 2
    assert "sklearn-w2v train: error:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "-o", "v.bin"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "corpus.txt", "-o", "v.bin", "-cbow", "2"])
    assert exit_info.value.code == 2
    assert "expected 0 or 1" in capsys.readouterr().err


def help_of(capsys, *command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_help_lists_every_option(capsys):
    help_text = help_of(capsys, "train")
    for name in ["-train", "-output", "-size", "-window", "-sample", "-hs", "-negative",
                 "-threads", "-iter", "-min-count", "-alpha", "-cbow", "-binary",
                 "-save-vocab"]:
        assert f"{name} " in help_text and f"-{name} " in help_text, name
    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert set(subcommands) == {"train", "similar", "analogy", "evaluate"}
    for command, parser in subcommands.items():
        text = help_of(capsys, command)
        for action in parser._actions:
            for option in action.option_strings:
                assert option in text, (command, option)
    assert "evaluate" in help_of(capsys)


def test_train_writes_what_the_transformer_trains(corpus, trained):
    vectors, vocab, completed = trained
    words, matrix = load_word2vec_format(vectors, binary=True)
    # The same parameters through the Python API: bit-identical with a seed and one
    # process, so every option reached the estimator.
    model = Word2VecTransformer(vector_size=12, window=3, epochs=2, min_count=3, n_jobs=1,
                                random_state=0).fit(read_lines(corpus))
    assert words == model.index_to_word_
    assert_array_equal(matrix, model.vectors_)
    lines = vocab.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ") for line in lines[:2]] == [
        [model.index_to_word_[i], str(model.word_counts_[i])] for i in range(2)]
    assert len(lines) == len(words)
    # No progress in a pipe, only the summary line.
    assert "epoch 1/2" not in completed.stderr
    assert f"{len(words):,} words x 12, 2 epochs" in completed.stderr


def test_text_format_unless_the_name_ends_in_bin(corpus, tmp_path, capsys):
    # In this process (main is what the entry point calls): the subprocess runs above
    # already cover the process boundary.
    out = tmp_path / "vectors.txt"
    assert main(["train", "-train", str(corpus), "-output", str(out), "-size", "5",
                 "-iter", "1", "-cbow", "1", "-hs", "1", "-negative", "0",
                 "-threads", "1"]) == 0
    header, first = out.read_text(encoding="utf-8").splitlines()[:2]
    assert int(header.split()[1]) == 5 and len(first.split()) == 6
    forced = tmp_path / "forced.txt"
    assert main(["train", str(corpus), "-o", str(forced), "-size", "5", "-iter", "1",
                 "-threads", "1", "-binary", "1"]) == 0
    assert load_word2vec_format(forced, binary=True)[1].shape[1] == 5
    assert "wrote" in capsys.readouterr().err


def neighbours(stdout):
    return [(word, float(cosine)) for word, cosine in
            (line.split("\t") for line in stdout.splitlines() if line)]


def test_similar_and_analogy_answer_as_most_similar(trained):
    vectors = trained[0]
    emb = load_word2vec_format(vectors, binary=True)
    completed = run_cli("similar", vectors, "king", "-n", "4")
    assert completed.returncode == 0, completed.stderr
    expected = most_similar(emb, "king", topn=4)
    assert [w for w, _ in neighbours(completed.stdout)] == [w for w, _ in expected]
    np.testing.assert_allclose([c for _, c in neighbours(completed.stdout)],
                               [c for _, c in expected], atol=1e-6)

    completed = run_cli("analogy", vectors, "man", "king", "woman", "-n", "3")
    assert completed.returncode == 0, completed.stderr
    expected = most_similar(emb, positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in neighbours(completed.stdout)] == [w for w, _ in expected]


def test_queries_from_standard_input_survive_unknown_words(trained, monkeypatch, capsys):
    vectors = str(trained[0])
    monkeypatch.setattr(sys, "stdin", io.StringIO("king\nnotawordxyz\nsea whale\n"))
    assert main(["similar", vectors, "-n", "2"]) == 1  # one query failed, two answered
    shown = capsys.readouterr()
    blocks = shown.out.strip().split("\n\n")
    assert len(blocks) == 2 and all(len(b.splitlines()) == 2 for b in blocks)
    assert "notawordxyz" in shown.err

    monkeypatch.setattr(sys, "stdin", io.StringIO("man king woman\nsea\n"))
    assert main(["analogy", vectors, "-n", "1"]) == 1
    shown = capsys.readouterr()
    assert len(neighbours(shown.out)) == 1 and "three words" in shown.err


def test_evaluate_reports_the_evaluation_functions(trained, tmp_path):
    vectors = trained[0]
    emb = load_word2vec_format(vectors, binary=True)
    w = emb[0][:12]  # frequent words, surely in the vocabulary
    questions = tmp_path / "questions.txt"
    questions.write_text(f": first\n{w[0]} {w[1]} {w[2]} {w[3]}\n{w[4]} {w[5]} {w[6]} {w[7]}\n"
                         f": second\n{w[8]} {w[9]} {w[10]} {w[11]}\n"
                         f"{w[0]} {w[1]} notawordxyz {w[3]}\n", encoding="utf-8")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{w[0]}\t{w[1]}\t8.5\n{w[2]}\t{w[3]}\t7.0\n{w[4]}\t{w[5]}\t1.2\n"
                     f"{w[6]}\t{w[7]}\t8.0\nnotawordxyz\t{w[0]}\t3.0\n", encoding="utf-8")
    completed = run_cli("evaluate", vectors, "--analogies", questions,
                        "--word-pairs", pairs, "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    analogies = report["analogies"][str(questions)]
    expected = evaluate_analogies(emb, questions)
    assert analogies["n_questions"] == 4 and analogies["n_evaluated"] == 3
    assert analogies["accuracy"] == expected.accuracy
    assert analogies["sections"] == expected.sections
    word_pairs = report["word_pairs"][str(pairs)]
    expected = evaluate_word_pairs(emb, pairs)
    assert word_pairs["n_pairs"] == 4 and word_pairs["n_oov"] == 1
    assert word_pairs["spearman"] == pytest.approx(expected.spearman)

    text = run_cli("evaluate", vectors, "--analogies", questions, "--sections").stdout
    assert "coverage 75.0% of 4 questions" in text and "second:" in text


def test_unreadable_files_fail_with_a_message(tmp_path, corpus):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"3 4\nnot vectors at all\n")
    completed = run_cli("similar", bad, "king")
    assert completed.returncode == 1
    assert "sklearn-w2v: error:" in completed.stderr and str(bad) in completed.stderr
    assert "Traceback" not in completed.stderr


def test_missing_corpus_and_missing_evaluation_files(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "v.bin")])
    assert exit_info.value.code == 1 and "missing.txt" in capsys.readouterr().err
    assert not (tmp_path / "v.bin").exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(tmp_path / "v.bin")])
    assert exit_info.value.code == 2 and "--analogies" in capsys.readouterr().err


class Report:
    def __init__(self, epoch):
        self.epoch, self.mean_loss, self.n_effective_words, self.seconds = epoch, 2.5, 1e5, 0.5


def test_plain_progress_line_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    stream = io.StringIO()
    progress = _Progress(stream, 3)
    progress.stage("reading")
    progress.epoch(Report(1))
    progress.close()
    shown = stream.getvalue()
    assert "\rreading" in shown and "epoch 1/3  loss 2.5000  200,000 words/s" in shown
    assert "s left" in shown and shown.endswith("\n")
    # Unknown total ('auto' iterations): no total and no time left.
    stream = io.StringIO()
    _Progress(stream, "auto").epoch(Report(2))
    assert "epoch 2  loss" in stream.getvalue() and "left" not in stream.getvalue()


def test_tqdm_bar_when_installed():
    pytest.importorskip("tqdm")
    stream = io.StringIO()
    progress = _Progress(stream, 2)
    progress.epoch(Report(1))
    progress.epoch(Report(2))
    progress.close()
    assert "2/2" in stream.getvalue() and "200,000 words/s" in stream.getvalue()


def test_progress_only_on_a_terminal(corpus, tmp_path):
    # A pseudo-terminal as stderr: what a person at a shell sees.
    controller, terminal = pty.openpty()
    try:
        completed = run_cli("train", corpus, "-o", tmp_path / "v.bin", *TRAIN_OPTIONS,
                            stderr=terminal)
        os.close(terminal)
        terminal = None
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(controller)
    assert completed.returncode == 0
    shown = seen.decode("utf-8", "replace")
    # The plain line says "epoch 2/2"; tqdm's bar "2/2".
    assert "2/2" in shown and "loss" in shown
    assert "reading and counting" in shown or "training" in shown


@pytest.mark.parametrize("with_tqdm", [False, True])
def test_train_shows_progress_before_the_epoch_ends(corpus, tmp_path, monkeypatch, capsys,
                                                    with_tqdm):
    # A progress record after every block of 4,096 tokens (the corpus is about 15 blocks).
    from sklearn_w2v._utils import engine_hooks

    if with_tqdm:
        pytest.importorskip("tqdm")
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    handlers = list(logging.getLogger("sklearn_w2v").handlers)
    with engine_hooks(progress_interval=0.0, block_size=4096):
        assert main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), *TRAIN_OPTIONS,
                     "--progress", "always"]) == 0
    shown = capsys.readouterr().err
    # "epoch 1/2: 9.3% of tokens, 379,074 words/s, loss 4.1589 so far, ETA 0 s" on the
    # line; on the bar (80 columns off a terminal) "0.09/2 [...] 9.3% of tokens, 379,..."
    within = shown.find("% of tokens, ")
    assert within >= 0, shown
    if with_tqdm:  # the bar has moved part of the first epoch
        assert re.search(r" 0\.\d+/2 \[", shown[:within]), shown
        first_epoch_done = shown.find("epoch/s, loss")
    else:
        assert "\repoch 1/2: " in shown[max(within - 20, 0):within], shown
        assert "so far, ETA" in shown[within:within + 80], shown
        first_epoch_done = shown.find("epoch 1/2  loss")
    # ... before the first epoch's own line (plain) or step of the bar (tqdm).
    assert 0 <= within < first_epoch_done, shown
    assert "collected " in shown[:within]  # the vocabulary record, as the stage
    # The handler lives for the command only.
    assert logging.getLogger("sklearn_w2v").handlers == handlers
