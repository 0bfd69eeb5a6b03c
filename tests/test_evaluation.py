"""Tests for sklearn_w2v.evaluation: analogies, word pairs, most_similar.

The reference is gensim 4.4 on identical vectors: same words, same row order, same float32
values. Synthetic data makes accuracy neither 0 nor 1 by planting d = b - a + c (+ noise) for
some questions.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from sklearn_w2v._vectors import unit_rows
from sklearn_w2v.evaluation import (
    AnalogyResult,
    WordPairResult,
    _answer_analogies,
    _folded_lookup,
    cosine_similarity_of,
    evaluate_analogies,
    evaluate_word_pairs,
    most_similar,
)

# gensim's most_similar_cosmul calls its own deprecated init_sims().
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "eval"
DIM = 24


def _keyed_vectors(words, vectors):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    kv = keyedvectors.KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    return kv


def _gensim_analogies(kv, path, **kwargs):
    score, sections = kv.evaluate_word_analogies(str(path), **kwargs)
    per_section = {}
    for s in sections[:-1]:  # the last one is gensim's "Total accuracy"
        entry = per_section.setdefault(s["section"], [0, 0])
        entry[0] += len(s["correct"])
        entry[1] += len(s["correct"]) + len(s["incorrect"])
    total = sections[-1]
    n_correct = len(total["correct"])
    return score, n_correct, n_correct + len(total["incorrect"]), per_section


def _assert_same_as_gensim(result, gensim):
    score, n_correct, n_evaluated, per_section = gensim
    assert result.n_correct == n_correct
    assert result.n_evaluated == n_evaluated
    assert result.accuracy == pytest.approx(score)
    assert list(result.sections) == list(per_section)
    for name, (correct, total) in per_section.items():
        assert (result.sections[name]["correct"], result.sections[name]["total"]) == (
            correct,
            total,
        ), name


def _plant(vectors, words, questions, rng, noise=0.05):
    """Set vec[d] = vec[b] - vec[a] + vec[c] + noise, in question order."""
    index = {w: i for i, w in enumerate(words)}
    for a, b, c, d in questions:
        ia, ib, ic, id_ = (index[w.lower()] for w in (a, b, c, d))
        v = vectors[ib] - vectors[ia] + vectors[ic]
        vectors[id_] = v + noise * np.linalg.norm(v) * rng.standard_normal(vectors.shape[1])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """300 words, four sections of analogies, some planted, some OOV, some upper-case."""
    rng = np.random.default_rng(42)
    words = [f"w{i:03d}" for i in range(300)]
    vectors = rng.standard_normal((300, DIM)).astype(np.float32)
    sources, targets = words[:200], words[200:]

    planted, lines = [], []
    for s in range(4):
        lines.append(f": section-{s}")
        for q in range(60):
            a, b, c = rng.choice(sources, 3, replace=False)
            if q % 2 == 0:  # planted: each target word is used once
                d = targets[s * 25 + q // 2] if q // 2 < 25 else rng.choice(sources)
                if q // 2 < 25:
                    planted.append((a, b, c, d))
            else:
                d = rng.choice(words)
            if q % 7 == 3:
                a = a.upper()  # only found with case_insensitive=True
            if q % 11 == 5:
                c = "oov-word"
            lines.append(f"{a} {b} {c} {d}")
        lines.append("")  # blank lines are skipped
    lines.append(": all-oov")
    lines.append("nothere w001 w002 w003")
    _plant(vectors, words, planted, rng)

    directory = tmp_path_factory.mktemp("eval")
    questions = directory / "questions.txt"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")

    pair_lines = ["# a comment", "# word1\tword2\tscore"]
    for i in range(120):
        w1, w2 = rng.choice(words, 2)
        if i % 9 == 0:
            w1 = "oov-word"
        if i % 5 == 1:
            w2 = w2.upper()
        # A human score correlated with the dot product, so correlations are not ~0.
        known = w1 in words and w2.lower() in words
        dot = float(vectors[words.index(w1)] @ vectors[words.index(w2.lower())]) if known else 0.0
        pair_lines.append(f"{w1}\t{w2}\t{dot + rng.normal(0, 3):.2f}")
    pairs = directory / "pairs.tsv"
    pairs.write_text("\n".join(pair_lines) + "\n", encoding="utf-8")
    return words, vectors, questions, pairs


# ----------------------------------------------------------------------------- analogies


@pytest.mark.parametrize("restrict_vocab", [300_000, 150])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_analogies_equal_gensim(synthetic, restrict_vocab, case_insensitive):
    words, vectors, questions, _ = synthetic
    kv = _keyed_vectors(words, vectors)
    result = evaluate_analogies(
        (words, vectors),
        questions,
        restrict_vocab=restrict_vocab,
        case_insensitive=case_insensitive,
    )
    gensim = _gensim_analogies(
        kv, questions, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    _assert_same_as_gensim(result, gensim)
    assert 0 < result.accuracy < 1
    assert result.n_questions == 241
    assert result.coverage == pytest.approx(result.n_evaluated / 241)
    assert result.coverage < 1
    assert result.sections["all-oov"] == {"correct": 0, "total": 0, "accuracy": 0.0}


def test_analogy_result_fields(synthetic):
    words, vectors, questions, _ = synthetic
    result = evaluate_analogies((words, vectors), questions)
    assert isinstance(result, AnalogyResult)
    assert list(result.sections) == ["section-0", "section-1", "section-2", "section-3", "all-oov"]
    assert sum(s["correct"] for s in result.sections.values()) == result.n_correct
    assert sum(s["total"] for s in result.sections.values()) == result.n_evaluated
    s0 = result.sections["section-0"]
    assert s0["accuracy"] == pytest.approx(s0["correct"] / s0["total"])
    with pytest.raises(AttributeError):
        result.accuracy = 1.0  # frozen


def test_gzip_files(synthetic, tmp_path):
    import gzip

    words, vectors, questions, pairs = synthetic
    for source in (questions, pairs):
        with gzip.open(tmp_path / (source.name + ".gz"), "wb") as out:
            out.write(source.read_bytes())
    model = (words, vectors)
    assert evaluate_analogies(model, tmp_path / "questions.txt.gz") == evaluate_analogies(
        model, questions
    )
    assert evaluate_word_pairs(model, tmp_path / "pairs.tsv.gz") == evaluate_word_pairs(
        model, pairs
    )


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_and_corrupt_compressed_files(synthetic, tmp_path, suffix):
    import bz2
    import gzip
    import lzma

    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    words, vectors, questions, pairs = synthetic
    model = (words, vectors)
    compressed = tmp_path / ("pairs.tsv" + suffix)
    compressed.write_bytes(compress(pairs.read_bytes()))
    assert evaluate_word_pairs(model, compressed) == evaluate_word_pairs(model, pairs)
    truncated = tmp_path / ("questions.txt" + suffix)
    truncated.write_bytes(compress(questions.read_bytes())[:-30])
    with pytest.raises(ValueError, match=f"{re.escape(str(truncated))}: cannot read it as"):
        evaluate_analogies(model, truncated)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogies_batch_size_invariant(synthetic, tmp_path, method):
    # Questions over a small word pool: blocks of many questions share few words and take the
    # shared-word path, batch_size=1 scores each question with its own products. Both paths
    # must give the same answers, and the same as gensim.
    words, vectors, _, _ = synthetic
    rng = np.random.default_rng(11)
    pool = words[:12]
    lines = [": pool"] + [" ".join(rng.choice(pool, 3, replace=False)) + f" {w}" for w in
                          rng.choice(words[:40], 400)]
    path = tmp_path / "pool.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = [
        evaluate_analogies((words, vectors), path, method=method, batch_size=bs)
        for bs in (1, 7, 1024)
    ]
    assert results[0] == results[1] == results[2]
    assert results[0].n_evaluated == 400

    kv = _keyed_vectors(words, vectors)
    quads = [line.split() for line in lines[1:]]
    hits = sum(_gensim_top1(kv, *q[:3], method == "3cosmul") == q[3] for q in quads)
    assert results[0].n_correct == hits


def test_analogies_model_object_and_float64(synthetic):
    words, vectors, questions, _ = synthetic

    class Fitted:
        vocabulary_ = {w: i for i, w in enumerate(words)}
        embedding_ = vectors

    expected = evaluate_analogies((words, vectors), questions)
    assert evaluate_analogies(Fitted(), questions) == expected
    as64 = evaluate_analogies((words, vectors.astype(np.float64)), questions)
    assert as64.n_correct == evaluate_analogies((words, vectors), questions).n_correct


def _gensim_top1(kv, a, b, c, cosmul):
    if cosmul:
        return kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=1)[0][0]
    return kv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_per_question_answers_equal_gensim(synthetic, method):
    """Our answer for each question is gensim's most_similar(_cosmul) top-1."""
    words, vectors, questions, _ = synthetic
    kv = _keyed_vectors(words, vectors)
    index = {w: i for i, w in enumerate(words)}
    quads = [
        line.split()
        for line in questions.read_text().splitlines()
        if line and not line.startswith(":") and all(w in index for w in line.split())
    ]
    rows = np.array([[index[w] for w in q] for q in quads])
    _, canonical = _folded_lookup(words, len(words), lambda w: w)
    ours = _answer_analogies(
        unit_rows(vectors), rows[:, 0], rows[:, 1], rows[:, 2], canonical, method, 64
    )
    theirs = [_gensim_top1(kv, *q[:3], method == "3cosmul") for q in quads]
    assert [words[i] for i in ours] == theirs

    # And the accuracy from evaluate_analogies equals counting gensim's top-1 hits.
    result = evaluate_analogies(
        (words, vectors), questions, method=method, case_insensitive=False
    )
    assert result.n_evaluated == len(quads)
    assert result.n_correct == sum(t == q[3] for t, q in zip(theirs, quads))


def test_3cosmul_differs_from_3cosadd(synthetic):
    words, vectors, questions, _ = synthetic
    add = evaluate_analogies((words, vectors), questions, method="3cosadd")
    mul = evaluate_analogies((words, vectors), questions, method="3cosmul")
    assert add.n_evaluated == mul.n_evaluated
    assert 0 < mul.accuracy < 1


def _case_variant_setup(tmp_path, n_variants):
    """'king'-like question whose answer is beaten by n_variants case variants of 'c'."""
    rng = np.random.default_rng(7)
    base = ["aa", "bb", "cc", "dd"] + [f"f{i}" for i in range(30)]
    # Case variants of "cc": distinct strings with the same upper-case form.
    variants = ["Cc", "cC", "CC"][:n_variants]
    words = base + variants
    vectors = rng.standard_normal((len(words), DIM)).astype(np.float32)
    a, b, c, d = (vectors[i] for i in range(4))
    target = b - a + c
    vectors[3] = target + 0.3 * np.linalg.norm(target) * rng.standard_normal(DIM)
    for k in range(len(variants)):
        # Variants closer to the target than the answer "dd".
        vectors[len(base) + k] = target + 0.01 * (k + 1) * rng.standard_normal(DIM)
    path = tmp_path / "q.txt"
    path.write_text(": s\naa bb cc dd\nAA BB CC DD\naa cc bb dd\n", encoding="utf-8")
    return words, vectors, path


@pytest.mark.parametrize("n_variants", [0, 2, 3])
def test_case_variants_excluded_like_gensim(tmp_path, n_variants):
    words, vectors, path = _case_variant_setup(tmp_path, n_variants)
    kv = _keyed_vectors(words, vectors)
    for case_insensitive in (True, False):
        result = evaluate_analogies((words, vectors), path, case_insensitive=case_insensitive)
        gensim = _gensim_analogies(kv, path, case_insensitive=case_insensitive)
        _assert_same_as_gensim(result, gensim)
    # Variants of a question word are never the answer when folding case.
    assert evaluate_analogies((words, vectors), path).n_correct == 3


def test_gensim_five_candidate_window(tmp_path):
    """With >= 5 case variants of question words ahead of the answer, gensim gives up."""
    rng = np.random.default_rng(3)
    variants = ["Cc", "cC", "CC", "Bb", "bB", "BB"]
    words = ["aa", "bb", "cc", "dd"] + [f"f{i}" for i in range(30)] + variants
    vectors = rng.standard_normal((len(words), DIM)).astype(np.float32)
    target = vectors[1] - vectors[0] + vectors[2]
    vectors[3] = target + 0.3 * np.linalg.norm(target) * rng.standard_normal(DIM)
    for k in range(len(variants)):
        vectors[34 + k] = target + 0.01 * (k + 1) * rng.standard_normal(DIM)
    path = tmp_path / "q.txt"
    path.write_text(": s\naa bb cc dd\n", encoding="utf-8")
    kv = _keyed_vectors(words, vectors)
    result = evaluate_analogies((words, vectors), path)
    _assert_same_as_gensim(result, _gensim_analogies(kv, path))
    assert result.n_correct == 0  # gensim's quirk, reproduced


def test_upper_case_vocabulary_most_frequent_variant_wins(tmp_path):
    # "Paris" (row 0) and "paris" (row 5): case-insensitive lookups use the most frequent row.
    rng = np.random.default_rng(5)
    words = ["Paris", "france", "berlin", "germany", "x", "paris"] + [f"f{i}" for i in range(20)]
    vectors = rng.standard_normal((len(words), DIM)).astype(np.float32)
    vectors[3] = vectors[2] - vectors[0] + vectors[1] + 0.01 * rng.standard_normal(DIM)
    path = tmp_path / "q.txt"
    path.write_text(": capitals\nparis france berlin germany\n", encoding="utf-8")
    kv = _keyed_vectors(words, vectors)
    for case_insensitive in (True, False):
        result = evaluate_analogies((words, vectors), path, case_insensitive=case_insensitive)
        gensim = _gensim_analogies(kv, path, case_insensitive=case_insensitive)
        _assert_same_as_gensim(result, gensim)
    assert evaluate_analogies((words, vectors), path).n_correct == 1
    # restrict_vocab=5 drops row 5 ("paris") but "Paris" still matches case-insensitively.
    assert evaluate_analogies((words, vectors), path, restrict_vocab=5).n_evaluated == 1
    assert (
        evaluate_analogies((words, vectors), path, restrict_vocab=5, case_insensitive=False)
        .n_evaluated
        == 0
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("a b c d\n", r"line 1: expected a section header"),
        (": s\na b c d\na b c\n", r"line 3: expected 4 words"),
        (": s\na b c d e\n", r"line 2: expected 4 words"),
        (": s\n\n", r"no analogy questions"),
    ],
)
def test_analogies_malformed(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        evaluate_analogies((["a", "b", "c", "d"], np.eye(4)), path)
    if "line" in message:
        assert str(path) in str(info.value)


def test_analogies_not_utf8(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b": s\na b c \xff\n")
    with pytest.raises(ValueError, match="line 2: not valid UTF-8"):
        evaluate_analogies((["a", "b", "c", "d"], np.eye(4)), path)


def test_analogies_parameter_validation(synthetic):
    words, vectors, questions, _ = synthetic
    with pytest.raises(ValueError, match="method"):
        evaluate_analogies((words, vectors), questions, method="3cosmax")
    with pytest.raises(ValueError, match="batch_size"):
        evaluate_analogies((words, vectors), questions, batch_size=0)
    with pytest.raises(ValueError, match="restrict_vocab"):
        evaluate_analogies((words, vectors), questions, restrict_vocab=0)


# ----------------------------------------------------------------------------- word pairs


@pytest.mark.parametrize("restrict_vocab", [300_000, 150])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_word_pairs_equal_gensim(synthetic, restrict_vocab, case_insensitive):
    words, vectors, _, pairs = synthetic
    kv = _keyed_vectors(words, vectors)
    result = evaluate_word_pairs(
        (words, vectors), pairs, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    pearson, spearman, oov_percent = kv.evaluate_word_pairs(
        str(pairs), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    assert isinstance(result, WordPairResult)
    assert result.spearman == pytest.approx(spearman[0], abs=1e-6)
    assert result.spearman_pvalue == pytest.approx(spearman[1], rel=1e-4)
    assert result.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert result.pearson_pvalue == pytest.approx(pearson[1], rel=1e-4)
    assert result.oov_fraction * 100 == pytest.approx(oov_percent)
    assert result.n_pairs + result.n_oov == 120
    assert 0 < result.oov_fraction < 1


def test_word_pairs_delimiter_and_errors(tmp_path):
    words, vectors = ["a", "b", "c", "d"], np.random.default_rng(0).standard_normal((4, 5))
    path = tmp_path / "p.csv"
    path.write_text("a, b, 1\na, c, 2\nb, d, 3\nzz, a, 4\n", encoding="utf-8")
    result = evaluate_word_pairs((words, vectors), path, delimiter=",")
    assert (result.n_pairs, result.n_oov, result.oov_fraction) == (3, 1, 0.25)
    path.write_text("a b 1\n  \nc d 2\nb d 3\n", encoding="utf-8")
    assert evaluate_word_pairs((words, vectors), path, delimiter=None).n_pairs == 3

    path.write_text("# c\na\tb\t1\na\tc\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p.csv: line 3: expected 'word1\\tword2\\tscore'"):
        evaluate_word_pairs((words, vectors), path)
    path.write_text("a\tb\thigh\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 1: score 'high' is not a number"):
        evaluate_word_pairs((words, vectors), path)
    path.write_text("x\ty\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no word pair"):
        evaluate_word_pairs((words, vectors), path)


@pytest.mark.parametrize("score", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_word_pairs_non_finite_score_names_file_and_line(tmp_path, score):
    words, vectors = ["a", "b", "c", "d"], np.random.default_rng(0).standard_normal((4, 5))
    path = tmp_path / "p.tsv"
    path.write_text(f"# header\na\tb\t1\nc\td\t{score}\nb\tc\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"p.tsv: line 3: score '{score}' is not finite"):
        evaluate_word_pairs((words, vectors), path)


def test_word_pairs_fewer_than_two_pairs_says_how_many_and_where(tmp_path):
    words, vectors = ["a", "b", "c", "d"], np.random.default_rng(0).standard_normal((4, 5))
    path = tmp_path / "p.tsv"
    path.write_text("a\tb\t1\nx\ty\t2\nc\tzz\t3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p.tsv: only 1 word pair has both words in the 4 "
                       r"most frequent words \(2 pairs out of vocabulary\); a correlation "
                       r"needs at least 2 pairs"):
        evaluate_word_pairs((words, vectors), path)
    path.write_text("x\ty\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p.tsv: no word pair has .* \(1 pairs out of"):
        evaluate_word_pairs((words, vectors), path)


# ----------------------------------------------------------------------------- most_similar


@pytest.mark.parametrize(
    "positive, negative, topn, restrict_vocab",
    [
        (["w001"], [], 10, None),
        (["w010", "w020"], ["w030"], 5, None),
        (["w010", "w020"], ["w030"], 7, 100),
        (["w250"], [], 4, 100),  # query word outside the restricted range
        ([], ["w005"], 3, None),
        (["w001", "w001", "w002"], ["w003", "w004"], 12, None),
    ],
)
def test_most_similar_equals_gensim(synthetic, positive, negative, topn, restrict_vocab):
    words, vectors, _, _ = synthetic
    kv = _keyed_vectors(words, vectors)
    ours = most_similar(
        (words, vectors), positive, negative, topn=topn, restrict_vocab=restrict_vocab
    )
    theirs = kv.most_similar(
        positive=positive, negative=negative, topn=topn, restrict_vocab=restrict_vocab
    )
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_most_similar_conventions(synthetic):
    words, vectors, _, _ = synthetic
    model = (words, vectors)
    assert most_similar(model, "w001", topn=3) == most_similar(model, ["w001"], topn=3)
    everything = most_similar(model, ["w001"], topn=None)
    assert len(everything) == len(words) - 1
    assert "w001" not in {w for w, _ in everything}
    scores = [s for _, s in everything]
    assert scores == sorted(scores, reverse=True)
    assert most_similar(model, ["w001"], topn=0) == []
    assert len(most_similar(model, ["w001"], topn=10_000)) == len(words) - 1
    with pytest.raises(ValueError, match=r"word 'xyz' is not in the vocabulary \(300 words\)"):
        most_similar(model, ["w001"], ["xyz"])
    with pytest.raises(ValueError, match="no input"):
        most_similar(model)


def test_cosine_similarity_of(synthetic):
    words, vectors, _, _ = synthetic
    kv = _keyed_vectors(words, vectors)
    assert cosine_similarity_of((words, vectors), "w001", "w002") == pytest.approx(
        float(kv.similarity("w001", "w002")), abs=1e-6
    )
    assert cosine_similarity_of((words, vectors), "w003", "w003") == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"word 'nope' is not in the vocabulary"):
        cosine_similarity_of((words, vectors), "w001", "nope")


def test_model_input_validation():
    class Unfitted:
        def fit(self, X):
            return self

    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        most_similar(Unfitted(), ["a"])
    with pytest.raises(TypeError, match="fitted model"):
        most_similar(object(), ["a"])
    with pytest.raises(TypeError, match="tuple"):
        most_similar((["a"], np.eye(1), 3), ["a"])
    with pytest.raises(ValueError, match="unique"):
        most_similar((["a", "a"], np.eye(2)), ["a"])
    with pytest.raises(ValueError, match="2 words but 3 vectors"):
        most_similar((["a", "b"], np.eye(3)), ["a"])


# ----------------------------------------------------------------------------- real data


@pytest.mark.shared_data
def test_real_files_equal_gensim():
    questions = SHARED_EVAL / "questions-words.txt"
    pairs = SHARED_EVAL / "wordsim353.tsv"
    if not (questions.exists() and pairs.exists()):
        pytest.skip(f"{SHARED_EVAL} not available")
    rng = np.random.default_rng(0)
    seen, words = set(), []
    quads = []
    for line in questions.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            continue
        quads.append(line.lower().split())
        for w in quads[-1]:
            if w not in seen:
                seen.add(w)
                words.append(w)
    for line in pairs.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            for w in line.lower().split("\t")[:2]:
                if w not in seen:
                    seen.add(w)
                    words.append(w)
    words = [words[i] for i in rng.permutation(len(words))]
    words = words[: int(0.9 * len(words))]  # some OOV questions and pairs
    words[5] = words[5].capitalize()  # a case that only folding finds
    vectors = rng.standard_normal((len(words), 50)).astype(np.float32)
    index = {w: i for i, w in enumerate(words)}
    planted = [q for q in quads[::7] if all(w.lower() in index for w in q)]
    _plant(vectors, words, planted, rng, noise=0.2)
    kv = _keyed_vectors(words, vectors)

    for restrict_vocab in (300_000, 600):
        result = evaluate_analogies((words, vectors), questions, restrict_vocab=restrict_vocab)
        _assert_same_as_gensim(
            result, _gensim_analogies(kv, questions, restrict_vocab=restrict_vocab)
        )
        assert result.n_questions == 19544
        pearson, spearman, oov_percent = kv.evaluate_word_pairs(
            str(pairs), restrict_vocab=restrict_vocab
        )
        ours = evaluate_word_pairs((words, vectors), pairs, restrict_vocab=restrict_vocab)
        assert ours.spearman == pytest.approx(spearman[0], abs=1e-6)
        assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
        assert ours.oov_fraction * 100 == pytest.approx(oov_percent)
    assert 0 < evaluate_analogies((words, vectors), questions).accuracy < 1

    # 3CosMul on a sample of questions, against gensim's most_similar_cosmul.
    sample = [q for q in quads[::40] if all(w in index for w in q)]
    rows = np.array([[index[w] for w in q] for q in sample])
    _, canonical = _folded_lookup(words, len(words), lambda w: w)
    ours = _answer_analogies(
        unit_rows(vectors), rows[:, 0], rows[:, 1], rows[:, 2], canonical, "3cosmul", 256
    )
    theirs = [_gensim_top1(kv, *q[:3], True) for q in sample]
    assert len(sample) > 50
    assert [words[i] for i in ours] == theirs
