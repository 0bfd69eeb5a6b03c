"""Tests of sklearn_w2v._training.progress: progress as logging records, verbose through them."""

import logging
import os

import pytest

from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v.datasets import load_sample_corpus


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=4000)


@pytest.fixture
def every_block():
    """A progress record after every block (blocks of 4,096 tokens)."""
    with engine_hooks(progress_interval=0.0, block_size=4096):
        yield


def messages(caplog):
    return [record.getMessage() for record in caplog.records
            if record.name == "sklearn_w2v"]


def test_progress_within_an_epoch_is_logged_before_the_epoch_ends(texts, caplog,
                                                                  every_block):
    with caplog.at_level(logging.INFO, logger="sklearn_w2v"):
        Word2VecTransformer(epochs=1, vector_size=10, random_state=0).fit(texts)
    lines = messages(caplog)
    assert lines[0].startswith("collected ") and "documents" in lines[0]
    progress = [i for i, line in enumerate(lines) if "% of tokens" in line]
    epoch_end = [i for i, line in enumerate(lines) if "per prediction" in line]
    assert len(progress) >= 3 and epoch_end == [len(lines) - 1]
    assert max(progress) < epoch_end[0]
    assert "words/s" in lines[progress[0]] and "ETA" in lines[progress[0]]


@pytest.mark.parametrize("verbose, printed", [(0, set()), (1, {"collected", "epoch end"}),
                                              (2, {"collected", "epoch end", "within"})])
def test_verbose_prints_through_the_same_records(verbose, printed, texts, capsys,
                                                 every_block):
    handlers = list(logging.getLogger("sklearn_w2v").handlers)
    Word2VecTransformer(epochs=2, vector_size=10, random_state=0, verbose=verbose).fit(texts)
    out = capsys.readouterr().out
    seen = {kind for kind, marker in [("collected", "collected "),
                                      ("epoch end", "per prediction"),
                                      ("within", "% of tokens")] if marker in out}
    assert seen == printed
    if verbose:
        assert out.count("per prediction") == 2 and out.startswith("[sklearn_w2v] ")
    # The handler lives for the fit only.
    assert logging.getLogger("sklearn_w2v").handlers == handlers


def test_worker_processes_report_through_the_coordinator(texts, caplog, every_block):
    with engine_hooks(min_tokens_for_processes=0), \
            caplog.at_level(logging.INFO, logger="sklearn_w2v"):
        Word2VecTransformer(epochs=1, vector_size=10, random_state=0, n_jobs=2).fit(texts)
    records = [r for r in caplog.records if "% of tokens" in r.getMessage()]
    assert len(records) >= 3
    assert {record.process for record in records} == {os.getpid()}


def test_doc2vec_logs_its_epochs(texts, caplog):
    with caplog.at_level(logging.INFO, logger="sklearn_w2v"):
        Doc2VecTransformer(epochs=2, vector_size=8, random_state=0).fit(texts[:500])
    assert sum("per prediction" in line for line in messages(caplog)) == 2


def test_a_progress_bar_on_a_terminal_when_tqdm_is_installed(texts, monkeypatch):
    tqdm = pytest.importorskip("tqdm.auto")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    bars = []
    real = tqdm.tqdm

    def recording(*args, **kwargs):
        bars.append(real(*args, **kwargs))
        return bars[-1]

    monkeypatch.setattr(tqdm, "tqdm", recording)
    Word2VecTransformer(epochs=1, vector_size=10, random_state=0, verbose=2).fit(texts)
    (bar,) = bars
    assert bar.n == bar.total > 0
