"""Intrinsic evaluation of word vectors: analogies, word-pair similarity, nearest neighbours.

The analogy and word-pair protocols follow gensim 4.4's
``KeyedVectors.evaluate_word_analogies`` and ``KeyedVectors.evaluate_word_pairs`` rule for rule,
so numbers computed here are comparable with numbers reported with gensim (and with
word2vec.c's ``compute-accuracy``, which gensim's analogy evaluation reproduces). The
computation is vectorized: a block of analogy questions is answered with one matrix product
against the whole restricted vocabulary.

Every public function accepts a fitted model exposing ``vocabulary_`` (word -> row, rows
in descending corpus frequency) and ``embedding_`` (the matrix used for queries), a gensim
``KeyedVectors`` (or any object with its ``index_to_key`` and ``vectors``), the path of a
word vector file (any format :func:`~sklearn_w2v.load_word2vec_format` reads), or a
``(words, vectors)`` tuple with ``words`` in row order.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Literal

import numpy as np
from scipy import stats
from sklearn.exceptions import UndefinedMetricWarning

from ._utils import PathLike, WordVectorsSource
from ._vectors import (
    COSMUL_EPSILON,
    MAX_WORD_BYTES,
    WordVectors,
    cosines,
    open_for_reading,
)

# Longest line of a question or word-pair file: four words of at most MAX_WORD_BYTES
# (a pair and a score take less), separators, and room for a long comment or section name.
_MAX_LINE_BYTES = 4 * (MAX_WORD_BYTES + 1) + 4096

__all__ = [
    "AnalogyResult",
    "WordPairResult",
    "cosine_similarity_of",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "most_similar",
]

# gensim's analogy evaluation inspects only the top 5 candidates (after dropping the three
# question rows) for one that is not a case variant of a question word.
_GENSIM_TOPN = 5

# Largest analogy score block, in matrix elements (256 MiB of float32).
_MAX_BLOCK_ELEMENTS = 1 << 26


@dataclass(frozen=True)
class AnalogyResult:
    """Result of :func:`evaluate_analogies`.

    Attributes
    ----------
    accuracy : float
        ``n_correct / n_evaluated`` (0.0 when nothing could be evaluated, as gensim reports).
        This is gensim's "Total accuracy".
    n_correct : int
        Questions answered correctly.
    n_evaluated : int
        Questions whose four words are all in the restricted vocabulary.
    n_questions : int
        All questions in the file.
    coverage : float
        ``n_evaluated / n_questions``.
    sections : dict of str to dict
        Per section, in file order: ``{"correct": int, "total": int, "accuracy": float}``,
        where ``total`` counts the evaluated questions of the section and ``accuracy`` is 0.0
        for a section without evaluated questions (as gensim reports). Sections with the same
        name are merged.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v.evaluation import evaluate_analogies
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "questions.txt")
    >>> with open(path, "w") as f:  # the format of word2vec's questions-words.txt
    ...     _ = f.write(": family\\nman king woman queen\\nking man queen woman\\n"
    ...                 ": food\\napple pear king queen\\n")
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> result = evaluate_analogies((words, vectors), path)
    >>> result.sections["family"]
    {'correct': 2, 'total': 2, 'accuracy': 1.0}
    >>> folder.cleanup()
    """

    accuracy: float
    n_correct: int
    n_evaluated: int
    n_questions: int
    coverage: float
    sections: dict


@dataclass(frozen=True)
class WordPairResult:
    """Result of :func:`evaluate_word_pairs`.

    Attributes
    ----------
    spearman, spearman_pvalue : float
        Spearman rank correlation between model cosine similarity and human score, and its
        two-sided p-value (:func:`scipy.stats.spearmanr`). NaN, with an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`, when the model gives all pairs
        the same similarity; so are the Pearson values.
    pearson, pearson_pvalue : float
        Pearson correlation and its two-sided p-value (:func:`scipy.stats.pearsonr`).
    n_pairs : int
        Pairs evaluated (both words in the restricted vocabulary).
    n_oov : int
        Pairs skipped because a word is out of the restricted vocabulary.
    oov_fraction : float
        ``n_oov / (n_pairs + n_oov)``, a fraction in [0, 1]. gensim reports the same quantity
        as a percentage.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v.evaluation import evaluate_word_pairs
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "pairs.tsv")
    >>> with open(path, "w") as f:  # word1, word2, human score (WordSim-353's format)
    ...     _ = f.write("king\\tqueen\\t8.5\\nking\\tman\\t6.0\\nking\\tapple\\t0.5\\n"
    ...                 "man\\twoman\\t8.0\\nqueen\\tpear\\t1.0\\n")
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> result = evaluate_word_pairs((words, vectors), path)
    >>> result.n_pairs, result.n_oov  # "pear" has no vector
    (4, 1)
    >>> folder.cleanup()
    """

    spearman: float
    spearman_pvalue: float
    pearson: float
    pearson_pvalue: float
    n_pairs: int
    n_oov: int
    oov_fraction: float


def _check_restrict_vocab(restrict_vocab, n_words):
    if restrict_vocab is None:
        return n_words
    if isinstance(restrict_vocab, bool) or int(restrict_vocab) != restrict_vocab:
        raise ValueError(f"restrict_vocab must be None or a positive int, got {restrict_vocab!r}")
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be None or a positive int, got {restrict_vocab!r}")
    return min(int(restrict_vocab), n_words)


def _fold_function(case_insensitive):
    # gensim folds case with str.upper (both the vocabulary and the questions); lower() would
    # differ for a few characters such as 'ß' ('SS' when uppercased), so we do the same.
    return str.upper if case_insensitive else (lambda word: word)


def _folded_lookup(words, n_restrict, fold):
    """Map folded word -> its first (most frequent) row among the first ``n_restrict`` rows.

    Returns the lookup and ``canonical``, the row each of those rows' folded word maps to.
    """
    lookup = {}
    # Iterate from the end so that the most frequent case variant overwrites the others,
    # exactly like gensim's ``{k.upper(): index for k in reversed(ok_keys)}``.
    for row in range(n_restrict - 1, -1, -1):
        lookup[fold(words[row])] = row
    canonical = np.fromiter(
        (lookup[fold(words[row])] for row in range(n_restrict)), dtype=np.intp, count=n_restrict
    )
    return lookup, canonical


def _read_lines(path, open_file):
    """Yield ``(line_number, text)`` for a UTF-8 text file, compressed if its name ends in
    ``.gz``, ``.bz2`` or ``.xz`` (corrupt compressed data raises ValueError naming it).

    Lines are read with a bound, as the vector files are: a file of one huge line (a binary
    file passed by mistake) is refused after ``_MAX_LINE_BYTES`` bytes, not read whole.
    ``open_file(path)`` is the context manager that opens the file for binary reading
    (:func:`~sklearn_w2v._vectors.open_for_reading`).
    """
    path = os.fspath(path)
    with open_file(path) as fin:
        line_no = 0
        while raw := fin.readline(_MAX_LINE_BYTES + 1):
            line_no += 1
            if len(raw) > _MAX_LINE_BYTES:
                raise ValueError(
                    f"{path}: line {line_no}: longer than {_MAX_LINE_BYTES} bytes, more than "
                    f"the few words (of at most {MAX_WORD_BYTES} bytes each) of a question "
                    "or word-pair line; is this the right file?"
                )
            try:
                yield line_no, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path}: line {line_no}: not valid UTF-8 ({exc})") from None


def _read_analogies(path, fold, *, open_file=open_for_reading):
    """Parse a questions-words file into section names, per-question section and words."""
    section_names = []
    question_section = []
    questions = []
    for line_no, line in _read_lines(path, open_file):
        if line.startswith(": "):
            # gensim's exact rule for the section name.
            section_names.append(line.lstrip(": ").strip())
            continue
        fields = line.split()
        if not fields:
            continue  # blank lines are skipped (gensim skips them without counting)
        if not section_names:
            raise ValueError(
                f"{path}: line {line_no}: expected a section header ': name' before the "
                "first question"
            )
        if len(fields) != 4:
            raise ValueError(
                f"{path}: line {line_no}: expected 4 words 'a b c d' (a is to b as c is to d) "
                f"or a section header ': name', found {len(fields)} fields"
            )
        question_section.append(len(section_names) - 1)
        questions.append([fold(word) for word in fields])
    return section_names, np.asarray(question_section, dtype=np.intp), questions


def evaluate_analogies(
    model: WordVectorsSource,
    path: PathLike,
    *,
    restrict_vocab: int | None = 300_000,
    method: Literal["3cosadd", "3cosmul"] = "3cosadd",
    case_insensitive: bool = True,
    batch_size: int = 1024,
) -> AnalogyResult:
    """Accuracy on word analogy questions ("a is to b as c is to ?"), Google protocol.

    Implements the protocol of word2vec.c's ``compute-accuracy`` as gensim 4.4's
    ``KeyedVectors.evaluate_word_analogies`` does, so the accuracies agree with gensim's:

    * The file has ``: section name`` lines followed by questions ``a b c d``.
    * Only the ``restrict_vocab`` most frequent words (the first rows) are used, both to look
      up question words and as candidate answers.
    * With ``case_insensitive`` the vocabulary and the questions are case-folded (with
      ``str.upper``, as gensim does); a folded word stands for its most frequent variant.
    * A question with any word outside the restricted vocabulary is skipped; it counts in
      ``n_questions`` but not in ``n_evaluated`` (see ``coverage``).
    * The answer is the candidate with the best score among the restricted vocabulary minus
      the three question words (and, when case-folding, their case variants). Like gensim,
      only the five best candidates other than the question rows are inspected: if all five are
      case variants of question words, the fifth one is taken as the answer.

    Parameters
    ----------
    model : fitted model, KeyedVectors, path or tuple of (list of str, ndarray)
        A model with ``vocabulary_`` and ``embedding_``, a gensim ``KeyedVectors``, the
        path of a vector file, or ``(words, vectors)``; rows in descending frequency order.
    path : str or os.PathLike
        Questions file in the format of ``questions-words.txt`` (UTF-8; ``.gz``, ``.bz2``
        or ``.xz`` compressed files are decompressed).
    restrict_vocab : int or None, default=300_000
        Number of most frequent words to use; None uses all.
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
        ``"3cosadd"``: maximize ``cos(x, b) - cos(x, a) + cos(x, c)`` (the vector offset
        method; gensim's ``most_similar``). ``"3cosmul"``: maximize
        ``cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-6)`` with ``cos' = (1 + cos) / 2``
        (Levy & Goldberg 2014, eq. 4, as gensim's ``most_similar_cosmul`` computes it; note
        gensim's epsilon 1e-6 rather than the paper's 1e-3).
    case_insensitive : bool, default=True
        Fold case of the vocabulary and the questions.
    batch_size : int, default=1024
        Maximum number of questions scored together. The two score buffers take
        ``2 * batch_size * min(restrict_vocab, n_words)`` floats; the block is made smaller
        when one buffer would exceed 2**26 elements (256 MiB of float32).

    Returns
    -------
    AnalogyResult
        Overall and per-section accuracy and coverage.

    Raises
    ------
    ValueError
        If the file is malformed (the message names the file and line) or has no questions,
        or a parameter is invalid.

    Notes
    -----
    Where we differ from gensim: a line that is neither a section header, a blank line nor
    four words raises ValueError (gensim logs and skips it); gensim's evaluation has no
    3CosMul option (its ``similarity_function`` argument is ignored), the 3cosmul answers
    agree with its ``most_similar_cosmul``; vectors of norm zero give cosine 0 here and NaN in
    gensim.

    References
    ----------
    Mikolov, Chen, Corrado & Dean (2013), "Efficient Estimation of Word Representations in
    Vector Space". Levy & Goldberg (2014), "Linguistic Regularities in Sparse and Explicit
    Word Representations".

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v.evaluation import evaluate_analogies
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "questions.txt")
    >>> with open(path, "w") as f:  # the format of word2vec's questions-words.txt
    ...     _ = f.write(": family\\nman king woman queen\\nking man queen woman\\n"
    ...                 ": food\\napple pear king queen\\n")
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> result = evaluate_analogies((words, vectors), path)
    >>> result.accuracy, result.n_evaluated, result.n_questions  # "pear" has no vector
    (1.0, 2, 3)
    >>> round(result.coverage, 3)
    0.667
    >>> folder.cleanup()
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"method must be '3cosadd' or '3cosmul', got {method!r}")
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    word_vectors = WordVectors.of(model)
    n_restrict = _check_restrict_vocab(restrict_vocab, len(word_vectors))
    fold = _fold_function(case_insensitive)
    lookup, canonical = _folded_lookup(word_vectors.words, n_restrict, fold)

    section_names, question_section, questions = _read_analogies(path, fold)
    n_questions = len(questions)
    if n_questions == 0:
        raise ValueError(f"{os.fspath(path)}: no analogy questions found")
    rows = np.array(
        [[lookup.get(word, -1) for word in question] for question in questions], dtype=np.intp
    ).reshape(n_questions, 4)
    evaluated = (rows >= 0).all(axis=1)
    rows_ok = rows[evaluated]

    predicted = _answer_analogies(
        word_vectors.unit_rows(n_restrict), rows_ok[:, 0], rows_ok[:, 1], rows_ok[:, 2],
        canonical, method, int(batch_size))
    # A prediction is right when it folds to the expected word; comparing canonical rows does
    # that without strings (predicted == -1: every candidate was excluded).
    correct = (predicted >= 0) & (canonical[predicted] == rows_ok[:, 3])

    ok_section = question_section[evaluated]
    n_sections = len(section_names)
    totals = np.bincount(ok_section, minlength=n_sections)
    corrects = np.bincount(ok_section[correct], minlength=n_sections)
    sections: dict[str, dict] = {}
    for name, total, n_right in zip(section_names, totals.tolist(), corrects.tolist()):
        entry = sections.setdefault(name, {"correct": 0, "total": 0, "accuracy": 0.0})
        entry["correct"] += n_right
        entry["total"] += total
        entry["accuracy"] = entry["correct"] / entry["total"] if entry["total"] else 0.0

    n_evaluated = int(evaluated.sum())
    n_correct = int(correct.sum())
    return AnalogyResult(
        accuracy=n_correct / n_evaluated if n_evaluated else 0.0,
        n_correct=n_correct,
        n_evaluated=n_evaluated,
        n_questions=n_questions,
        coverage=n_evaluated / n_questions,
        sections=sections,
    )


def _answer_analogies(unit, a, b, c, canonical, method, batch_size):
    """Best candidate row for each question ``a : b :: c : ?``; -1 if there is none.

    ``unit`` holds the unit-normalized restricted vocabulary; ``a``, ``b``, ``c`` are
    canonical rows. ``canonical[r]`` is the canonical row of row ``r``; rows whose canonical
    row is another row are case variants, excluded together with their canonical word.
    """
    n_rows = unit.shape[0]
    n = len(a)
    predicted = np.full(n, -1, dtype=np.intp)
    if n == 0:
        return predicted

    # Case variants grouped by canonical row; usually empty (a lowercased vocabulary).
    variant_rows = np.flatnonzero(canonical != np.arange(n_rows))
    variants: dict[int, list[int]] = {}
    for row in variant_rows.tolist():
        variants.setdefault(int(canonical[row]), []).append(row)

    # Cap the block so that its two score-sized buffers stay near 2 x 256 MiB of float32 even
    # for a 300k-word vocabulary, whatever batch_size asks for.
    block = max(1, min(batch_size, n, _MAX_BLOCK_ELEMENTS // n_rows))
    scores = np.empty((block, n_rows), dtype=unit.dtype)
    work = np.empty_like(scores)
    unit_aug = _with_column(unit, 1.0) if method == "3cosmul" else None
    for start in range(0, n, block):
        stop = min(start + block, n)
        qa, qb, qc = a[start:stop], b[start:stop], c[start:stop]
        m = stop - start
        out = scores[:m]
        _block_scores(unit, unit_aug, qa, qb, qc, method, out, work)
        local = np.arange(m)
        out[local, qa] = -np.inf
        out[local, qb] = -np.inf
        out[local, qc] = -np.inf

        # Questions touching a word with case variants: exclude the variants too, but keep
        # their scores to reproduce gensim's five-candidate window (rare; a Python loop).
        special = []
        if variants:
            for i in range(m):
                variant_list: list[int] = []
                for q in {int(qa[i]), int(qb[i]), int(qc[i])}:
                    variant_list.extend(variants.get(q, ()))
                if variant_list:
                    vrows = np.asarray(variant_list, dtype=np.intp)
                    special.append((i, vrows, out[i, vrows].copy()))
                    out[i, vrows] = -np.inf

        best = out.argmax(axis=1)
        best_score = out[local, best]
        best[best_score == -np.inf] = -1
        for i, vrows, vscores in special:
            ahead = vscores > best_score[i]
            if ahead.sum() >= _GENSIM_TOPN or best[i] == -1:
                # gensim's window holds only variants of question words: its answer is the
                # last candidate it looked at.
                order = np.argsort(-vscores[ahead], kind="stable")
                ranked = vrows[ahead][order]
                if len(ranked):
                    best[i] = ranked[min(_GENSIM_TOPN, len(ranked)) - 1]
        predicted[start:stop] = best
    return predicted


def _block_scores(unit, unit_aug, qa, qb, qc, method, out, work):
    """Write the analogy scores of questions ``qa : qb :: qc : ?`` against all rows to ``out``.

    Questions in a block share few distinct words (a file's sections reuse them), so the
    cosines of the distinct words are computed with one small product and each question's
    scores are assembled from those rows; when the words are too many for that to pay, the
    scores come from one product per question word slot. ``work`` is scratch space as large
    as ``out``.
    """
    m = len(qa)
    if method == "3cosadd":
        # argmax_x cos(x, b - a + c) = argmax_x (x.b - x.a + x.c) for unit vectors, which is
        # also gensim's ranking: it normalizes the mean of the unit vectors, a positive
        # rescaling that does not change the argmax.
        uniq, inv = np.unique(np.concatenate([qa, qb, qc]), return_inverse=True)
        if 4 * len(uniq) > 3 * m:
            np.matmul(unit[qb] + unit[qc] - unit[qa], unit.T, out=out)
            return
        cos = work[: len(uniq)]
        np.matmul(unit[uniq], unit.T, out=cos)
        for j, (ia, ib, ic) in enumerate(zip(inv[:m].tolist(), inv[m : 2 * m].tolist(),
                                             inv[2 * m :].tolist())):
            row = out[j]
            np.add(cos[ib], cos[ic], out=row)
            np.subtract(row, cos[ia], out=row)
        return

    # 3CosMul. A constant column appended to the query vectors turns each product into
    # 1 + cos (or 1 + cos + 2 eps) inside the GEMM. The factors 1/2 of cos' = (1 + cos) / 2
    # rescale every score by the same 1/2, so (1+cos_b)(1+cos_c) / (1 + cos_a + 2 eps) ranks
    # exactly like gensim's cos'_b cos'_c / (cos'_a + eps).
    eps_column = 1.0 + 2 * COSMUL_EPSILON
    uniq_bc, inv_bc = np.unique(np.concatenate([qb, qc]), return_inverse=True)
    uniq_a, inv_a = np.unique(qa, return_inverse=True)
    k = len(uniq_bc) + len(uniq_a)
    if k > m:
        tmp = work[:m]
        np.matmul(_with_column(unit[qb], 1.0), unit_aug.T, out=out)
        np.matmul(_with_column(unit[qc], 1.0), unit_aug.T, out=tmp)
        out *= tmp
        np.matmul(_with_column(unit[qa], eps_column), unit_aug.T, out=tmp)
        out /= tmp
        return
    queries = np.concatenate(
        [_with_column(unit[uniq_bc], 1.0), _with_column(unit[uniq_a], eps_column)]
    )
    factors = work[:k]
    np.matmul(queries, unit_aug.T, out=factors)
    inv_a = inv_a + len(uniq_bc)
    for j, (ia, ib, ic) in enumerate(zip(inv_a.tolist(), inv_bc[:m].tolist(),
                                         inv_bc[m:].tolist())):
        row = out[j]
        np.multiply(factors[ib], factors[ic], out=row)
        np.divide(row, factors[ia], out=row)


def _with_column(matrix, value):
    """``matrix`` with a constant column ``value`` appended."""
    out = np.empty((matrix.shape[0], matrix.shape[1] + 1), dtype=matrix.dtype)
    out[:, :-1] = matrix
    out[:, -1] = value
    return out


def evaluate_word_pairs(
    model: WordVectorsSource, path: PathLike, *, restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True, delimiter: str | None = "\t"
) -> WordPairResult:
    """Correlation of cosine similarity with human similarity scores (e.g. WordSim-353).

    Follows gensim 4.4's ``KeyedVectors.evaluate_word_pairs``: lines starting with ``#`` and
    blank lines are ignored; pairs with a word outside the ``restrict_vocab`` most frequent
    words are skipped and counted as out-of-vocabulary; with ``case_insensitive`` the words
    are case-folded (``str.upper``, as gensim does) and a folded word stands for its most
    frequent variant.

    Parameters
    ----------
    model : fitted model, KeyedVectors, path or tuple of (list of str, ndarray)
        A model with ``vocabulary_`` and ``embedding_``, a gensim ``KeyedVectors``, the
        path of a vector file, or ``(words, vectors)``; rows in descending frequency order.
    path : str or os.PathLike
        File of ``word1<delimiter>word2<delimiter>score`` lines (UTF-8; ``.gz``, ``.bz2``
        or ``.xz`` compressed files are decompressed).
    restrict_vocab : int or None, default=300_000
        Number of most frequent words to use; None uses all.
    case_insensitive : bool, default=True
        Fold case of the vocabulary and the pairs.
    delimiter : str or None, default="\\t"
        Field separator; None splits on runs of whitespace.

    Returns
    -------
    WordPairResult
        Spearman and Pearson correlations with p-values, and out-of-vocabulary counts.
        ``oov_fraction`` is a fraction in [0, 1], whereas gensim returns a percentage.

    Raises
    ------
    ValueError
        If a line does not have three fields or its score is not a finite number (the message
        names the file and line), a line is longer than a word-pair line can be, fewer than
        two pairs are in the vocabulary, or all of them have the same human score.

    Warns
    -----
    sklearn.exceptions.UndefinedMetricWarning
        If the model gives all the pairs the same cosine similarity (all vectors equal or
        zero, say): the correlations are undefined, and they and their p-values are NaN.

    Notes
    -----
    Where we differ from gensim: malformed lines raise instead of being skipped, and words are
    stripped of surrounding whitespace (gensim would look up ``" cat"`` in a file written
    with ``", "`` separators and count it out of vocabulary).

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v.evaluation import evaluate_word_pairs
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "pairs.tsv")
    >>> with open(path, "w") as f:  # word1, word2, human score (WordSim-353's format)
    ...     _ = f.write("king\\tqueen\\t8.5\\nking\\tman\\t6.0\\nking\\tapple\\t0.5\\n"
    ...                 "man\\twoman\\t8.0\\nqueen\\tpear\\t1.0\\n")
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> result = evaluate_word_pairs((words, vectors), path)
    >>> round(result.spearman, 2), round(result.pearson, 2)
    (0.4, 0.76)
    >>> folder.cleanup()
    """
    word_vectors = WordVectors.of(model)
    n_restrict = _check_restrict_vocab(restrict_vocab, len(word_vectors))
    fold = _fold_function(case_insensitive)
    lookup, _ = _folded_lookup(word_vectors.words, n_restrict, fold)
    gold, first, second, n_oov = _read_word_pairs(path, lookup, fold, delimiter)
    n_pairs = len(gold)
    if n_pairs < 2:
        # A correlation of fewer than two pairs is undefined (scipy returns nan).
        found = "no word pair has" if n_pairs == 0 else "only 1 word pair has"
        raise ValueError(
            f"{path}: {found} both words in the {n_restrict} most frequent words "
            f"({n_oov} pairs out of vocabulary); a correlation needs at least 2 pairs. "
            "Raise restrict_vocab or use a larger file."
        )
    vectors = word_vectors.vectors
    model_sim = cosines(vectors[first], vectors[second])
    spearman, pearson = _correlations(np.asarray(gold), model_sim, path)
    return WordPairResult(
        spearman=float(spearman.statistic),
        spearman_pvalue=float(spearman.pvalue),
        pearson=float(pearson.statistic),
        pearson_pvalue=float(pearson.pvalue),
        n_pairs=n_pairs,
        n_oov=n_oov,
        oov_fraction=n_oov / (n_pairs + n_oov),
    )


def _read_word_pairs(path, lookup, fold, delimiter, *, open_file=open_for_reading):
    """``(gold, first, second, n_oov)`` of a word-pair file: the human scores and the rows
    of the pairs whose (case-folded) words ``lookup`` finds, and how many pairs it does
    not."""
    gold, first, second = [], [], []
    n_oov = 0
    for line_no, line in _read_lines(path, open_file):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split(delimiter)
        if len(fields) != 3:
            raise ValueError(
                f"{path}: line {line_no}: expected 'word1{_show(delimiter)}word2"
                f"{_show(delimiter)}score', found {len(fields)} fields"
            )
        score = _score(fields[2], path, line_no)
        row1 = lookup.get(fold(fields[0].strip()), -1)
        row2 = lookup.get(fold(fields[1].strip()), -1)
        if row1 < 0 or row2 < 0:
            n_oov += 1
            continue
        gold.append(score)
        first.append(row1)
        second.append(row2)
    return gold, first, second, n_oov


def _score(field, path, line_no):
    """The human score of a word-pair line, a finite number."""
    try:
        score = float(field)
    except ValueError:
        raise ValueError(
            f"{path}: line {line_no}: score {field.strip()!r} is not a number"
        ) from None
    if not math.isfinite(score):
        # A nan or inf score turns both correlations into nan without a word.
        raise ValueError(
            f"{path}: line {line_no}: score {field.strip()!r} is not finite; "
            "expected a number such as 7.35"
        )
    return score


def _correlations(gold, model_sim, path):
    """Spearman's and Pearson's results of ``gold`` against ``model_sim``.

    A correlation with a constant is undefined. Constant human scores mean the file cannot
    rank anything: an error. Constant similarities say something about the model (all its
    vectors equal or zero, say): NaN correlations and p-values, with a warning that says so
    (scipy's own ConstantInputWarning is replaced by it).
    """
    if np.all(gold == gold[0]):
        raise ValueError(
            f"{path}: all {gold.size} word pairs in the vocabulary have the same human "
            f"score ({gold[0]:g}); a correlation needs scores that differ"
        )
    if np.all(model_sim == model_sim[0]):
        warnings.warn(
            f"all {model_sim.size} word pairs have the same cosine similarity "
            f"({model_sim[0]:g}) in this model, so their correlations with the human scores "
            "are undefined: spearman, pearson and their p-values are NaN. Are the vectors "
            "trained (not all equal or zero)?",
            UndefinedMetricWarning, stacklevel=3,
        )
        undefined = SimpleNamespace(statistic=math.nan, pvalue=math.nan)
        return undefined, undefined
    return stats.spearmanr(gold, model_sim), stats.pearsonr(gold, model_sim)


def _show(delimiter):
    return "<whitespace>" if delimiter is None else repr(delimiter)[1:-1]


def most_similar(model: WordVectorsSource, positive: str | Iterable[str] = (),
                 negative: str | Iterable[str] = (), *, topn: int | None = 10,
                 restrict_vocab: int | None = None) -> list[tuple[str, float]]:
    """Words closest by cosine to the mean of ``positive`` minus ``negative`` words.

    Same semantics as gensim's ``KeyedVectors.most_similar``, computed as the estimators'
    ``most_similar`` computes it (one implementation): every query word's vector is
    normalized to unit length, the mean of the positive ones and the negated negative ones is
    normalized, and the candidates are ranked by cosine with it (their dot product with it
    divided by their norm, in the vectors' dtype, as gensim), the query words excluded.
    ``most_similar(model, ["king", "woman"], ["man"])`` answers "man is to king as woman is
    to ?".

    Parameters
    ----------
    model : fitted model, KeyedVectors, path or tuple of (list of str, ndarray)
        A model with ``vocabulary_`` and ``embedding_``, a gensim ``KeyedVectors``, the
        path of a vector file, or ``(words, vectors)``.
    positive : str or sequence of str, default=()
        Words that pull towards them.
    negative : str or sequence of str, default=()
        Words that push away.
    topn : int or None, default=10
        Number of neighbours to return; None returns every candidate, ranked.
    restrict_vocab : int or None, default=None
        Only the first (most frequent) ``restrict_vocab`` words are candidates. Query words
        may lie outside that range.

    Returns
    -------
    list of (str, float)
        ``(word, cosine)`` pairs, most similar first.

    Raises
    ------
    UnknownWordError
        A ``KeyError`` (and ``ValueError``), if a query word is not in the vocabulary.
    ValueError
        If no query word is given.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import most_similar
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> most_similar((words, vectors), ["king", "woman"], ["man"], topn=1)
    [('queen', 0.958...)]
    """
    positive = [positive] if isinstance(positive, str) else list(positive)
    negative = [negative] if isinstance(negative, str) else list(negative)
    if not positive and not negative:
        raise ValueError("cannot compute similarity with no input words")
    if topn is not None and (isinstance(topn, bool) or int(topn) != topn or topn < 0):
        raise ValueError(f"topn must be None or a non-negative int, got {topn!r}")
    word_vectors = WordVectors.of(model)
    n_restrict = _check_restrict_vocab(restrict_vocab, len(word_vectors))
    for word in positive + negative:
        word_vectors.row(word)  # words only (not the vectors the estimators take)
    if topn == 0:
        return []
    # topn=None: every candidate, ranked (the estimators' most_similar returns an array).
    return word_vectors.most_similar(positive, negative,
                                     len(word_vectors) if topn is None else int(topn),
                                     n_restrict)


def cosine_similarity_of(model: WordVectorsSource, word1: str, word2: str) -> float:
    """Cosine similarity of two words' vectors.

    Parameters
    ----------
    model : fitted model, KeyedVectors, path or tuple of (list of str, ndarray)
        A model with ``vocabulary_`` and ``embedding_``, a gensim ``KeyedVectors``, the
        path of a vector file, or ``(words, vectors)``.
    word1, word2 : str
        The words.

    Returns
    -------
    float
        The cosine, in [-1, 1], computed in float64 (as the estimators' ``similarity``);
        0.0 if either vector is zero.

    Raises
    ------
    UnknownWordError
        A ``KeyError`` (and ``ValueError``), if a word is not in the vocabulary.

    Examples
    --------
    >>> from sklearn_w2v.evaluation import cosine_similarity_of
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [-1, 0, 0]])
    >>> round(cosine_similarity_of((words, vectors), "king", "queen"), 3)
    0.5
    """
    return WordVectors.of(model).similarity(word1, word2)
