"""Where training starts: the parameter matrices of a fit, and its random seeds."""

from numbers import Integral

import numpy as np

from .._model import WORD_INPUTS

# Values of the initial vectors drawn at once: a 1 MB float64 temporary instead of two
# (n_words, d) float64 matrices.
INIT_BLOCK_VALUES = 1 << 17


def initial_parameters(start, n_words, d, dtype, rng, layer, inputs=WORD_INPUTS):
    """Input matrix and the layer's matrix: the starting rows copied, word2vec.c's start for
    the rest (input rows uniform in [-0.5/d, 0.5/d), the layer's rows zero); and the
    matrices the input side adds (fastText's n-gram rows), the start's copied or drawn as
    the input rows are, after them."""
    n_known = 0 if start is None else len(start.words)
    parameters = {
        "input": np.empty((n_words, d), dtype=dtype),
        layer.parameter: np.zeros((layer.n_rows(n_words), d), dtype=dtype),
    }
    if n_known:
        parameters["input"][:n_known] = start.vectors
        previous_output = start.layer_matrix(layer.parameter)
        if previous_output is not None:
            parameters[layer.parameter][:len(previous_output)] = previous_output
    # Drawn straight into the matrix: a separate array would hold a second copy of it.
    initial_center_vectors(rng, n_words - n_known, d, dtype, out=parameters["input"][n_known:])
    for name, n_rows in inputs.extra_rows().items():
        kept = None if start is None else start.extra_matrix(name)
        parameters[name] = (np.array(kept, dtype=dtype) if kept is not None
                            else initial_extra_rows(rng, n_rows, d, dtype))
    return parameters


def initial_extra_rows(rng, n_rows, d, dtype, *, block_values=INIT_BLOCK_VALUES):
    """The start of an input side's extra rows (fastText's n-gram rows): uniform in
    [-1/d, 1/d), as fastText and gensim start them, drawn in the matrix's own dtype
    (millions of rows: float32 draws take a fraction of the time of float64 draws
    converted; benchmarks/DESIGN.md)."""
    vectors = np.empty((n_rows, d), dtype=dtype)
    flat = vectors.reshape(-1)
    for first in range(0, flat.size, block_values):
        block = flat[first:first + block_values]
        rng.random(out=block, dtype=block.dtype)
        block -= 0.5
        block *= 2.0 / d
    return vectors


def initial_center_vectors(rng, n_words, d, dtype, out=None, *,
                           block_values=INIT_BLOCK_VALUES):
    """word2vec.c's ``(u - 0.5) / d`` with u uniform in [0, 1), drawn in blocks of about
    ``block_values`` values (into ``out`` if given).

    ``Generator.random`` fills arrays from one stream in C order, so the blocks hold the
    same values as one ``rng.random((n_words, d))`` draw.
    """
    vectors = np.empty((n_words, d), dtype=dtype) if out is None else out
    rows = max(1, block_values // d)
    for first in range(0, n_words, rows):
        block = rng.random((min(rows, n_words - first), d))
        block -= 0.5
        block /= d
        vectors[first:first + len(block)] = block
    return vectors


def seed_sequence_of(random_state):
    """A SeedSequence from scikit-learn's random_state convention."""
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, Integral):
        return np.random.SeedSequence(int(random_state))
    # scikit-learn only here: worker processes import this package without it.
    from sklearn.utils import check_random_state

    # A RandomState instance: draw the seed from it, so successive fits differ.
    rng = check_random_state(random_state)
    return np.random.SeedSequence(int(rng.randint(np.iinfo(np.int32).max)))


__all__ = ["INIT_BLOCK_VALUES", "initial_center_vectors", "initial_extra_rows",
           "initial_parameters", "seed_sequence_of"]
