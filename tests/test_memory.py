"""What fit holds in memory: bounded block temporaries, light worker processes, and a
coordinator that does not hold the model and the corpus twice (issue 19, section 4)."""

import os
import pickle
import subprocess
import sys
import tracemalloc

import numpy as np

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v._text.encoded_corpus import EncodedCorpus
from sklearn_w2v._text.minibatches import block_minibatches
from sklearn_w2v._training import workers
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v.datasets import load_sample_corpus

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_blocks_minibatch_temporaries_stay_bounded():
    """A full block of 65,536 tokens, every token a center with up to 10 contexts: the
    minibatch grids are built 1 << 18 int32 slots at a time (10.6 MiB at 1 << 20 int64
    slots, 5.1 MiB now)."""
    rng = np.random.default_rng(0)
    n = 65_536
    corpus = EncodedCorpus(rng.integers(0, 1000, n), np.arange(0, n + 1, 64))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        n_pairs = 0
        for batch in block_minibatches(corpus, 0, n, window=5, batch_size=256,
                                       shrink_windows=True, keep_probability=None,
                                       rng=np.random.default_rng(1)):
            n_pairs += batch.n_pairs
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert n_pairs > 5 * n
    assert peak < 7 * 2**20


def test_worker_processes_do_not_import_scikit_learn(tmp_path, many_blocks):
    """What a worker unpickles (the task function, the step, the configuration and the
    corpus) imports NumPy, SciPy and the training modules, not scikit-learn."""
    captured = []

    def on_event(name, details):
        if name == "shared":
            parameters, corpus, step, config = details["shared"]
            captured.append(pickle.dumps((workers.train_block_in_worker, corpus, step,
                                          config)))

    with engine_hooks(on_event=on_event):
        Word2VecTransformer(n_jobs=2, epochs=1, vector_size=8, random_state=0).fit(
            load_sample_corpus())
    assert captured
    path = tmp_path / "task.pkl"
    path.write_bytes(captured[0])
    code = ("import pickle, sys; pickle.loads(open(sys.argv[1], 'rb').read()); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'sklearn', 'pandas', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": PACKAGE_ROOT}).stdout
    assert out.strip() == "[]"


def test_processes_hold_the_model_and_corpus_once(many_blocks):
    """With worker processes, the coordinator's matrices and corpus arrays are the shared
    maps while training runs (not private copies next to them); afterwards the dict holds
    plain arrays with the trained values and the shared files are gone."""
    seen = {}

    def on_event(name, details):
        if name == "training":  # the matrices the fit trains, before the workers start
            seen["originals"] = details["parameters"]
        elif name == "shared" and "shared" not in seen:
            parameters, corpus = details["shared"][:2]
            originals = seen["originals"]
            seen["shared"] = all(np.shares_memory(originals[key], parameters[key])
                                 for key in originals)
            seen["corpus_mapped"] = isinstance(corpus._stored.base, np.memmap)
            seen["files"] = [parameters[key].filename for key in originals]

    with engine_hooks(on_event=on_event):
        model = Word2VecTransformer(n_jobs=2, epochs=2, vector_size=8,
                                    random_state=0).fit(load_sample_corpus())
    assert seen["shared"] and seen["corpus_mapped"]
    assert not any(os.path.exists(name) for name in seen["files"])
    for matrix in (model.vectors_, model.context_vectors_):
        assert type(matrix) is np.ndarray and matrix.flags.writeable
        assert not isinstance(matrix.base, np.memmap)
        assert np.isfinite(matrix).all() and np.abs(matrix).max() > 0


def test_a_vocabulary_just_above_uint16_trains_and_draws_every_word():
    """65,600 words: ids of 65,535 and up are escaped in the corpus and are in the int32
    tail of the noise table; every word gets trained."""
    n_words = 65_600
    words = [f"w{i}" for i in range(n_words)]
    rng = np.random.default_rng(0)
    # Each word 3 times, nearly uniform: every word fills noise-table slots.
    order = rng.permutation(np.repeat(np.arange(n_words), 3))
    documents = [[words[i] for i in order[start:start + 20]]
                 for start in range(0, order.size, 20)]
    model = Word2VecTransformer(min_count=1, sample=0, epochs=1, vector_size=4,
                                random_state=0, batch_size=1024).fit(documents)
    assert len(model.vocabulary_) == n_words
    # Output rows start at zero and move only when the word is a context or a noise word.
    moved = np.abs(model.context_vectors_).sum(axis=1) > 0
    assert moved.all()
