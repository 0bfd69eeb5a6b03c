"""Honest coverage (issue 16): the share of the tokens of X that have a vector is recorded,
and one warning names the fix when it is low, case mismatches included."""

import warnings

import numpy as np
import pytest

from sklearn_w2v import Word2VecTransformer, save_word2vec_format
from sklearn_w2v._text.coverage import (
    Coverage,
    LowCoverageWarning,
    coverage_of_counts,
    encode_with_coverage,
    fit_coverage,
    transform_corpus,
)

CASED = ["the", "Paris", "London", "city", "is", "a", "big", "NATO", "of"]
LOWER = ["the", "paris", "london", "city", "is", "a", "big", "nato", "of"]


def _file(tmp_path, words, name):
    path = tmp_path / name
    rng = np.random.default_rng(0)
    save_word2vec_format(path, words, rng.standard_normal((len(words), 4)))
    return path


def _low_coverage_warnings(record):
    return [w for w in record if issubclass(w.category, LowCoverageWarning)]


def test_coverage_of_counts_counts_tokens_types_and_case_variants():
    vocabulary = {word: row for row, word in enumerate(CASED)}
    coverage = coverage_of_counts(["the", "paris", "nato", "zzz", "city"],
                                  [10, 4, 2, 3, 1], vocabulary)
    assert coverage == Coverage(n_tokens=20, n_tokens_covered=11, n_types=5,
                                n_types_covered=2, n_tokens_case_variant=6,
                                case_hint="vectors are cased",
                                examples=("paris", "zzz", "nato"))
    assert coverage.token_share == pytest.approx(0.55)
    assert coverage.type_share == pytest.approx(0.4)
    lowercase = coverage_of_counts(["Paris", "the"], [3, 1], set(LOWER))
    assert lowercase.case_hint == "vectors are lowercase"
    assert lowercase.n_tokens_case_variant == 3


def test_transform_with_cased_vectors_and_a_lowercasing_analyzer_warns_once(tmp_path):
    # Rows of zeros, and one warning that says why and what to change.
    model = Word2VecTransformer.from_word2vec_format(_file(tmp_path, CASED, "cased.txt"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        X = model.transform(["Paris London", "London"])
    assert not X.any()  # still zeros, as documented
    (warning,) = _low_coverage_warnings(record)
    message = str(warning.message)
    assert "cover 0.0% of the tokens of X (0 of 3; 0 of 2 distinct words)" in message
    assert "the vectors are cased but the analyzer lowercases: set lowercase=False" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fixed = Word2VecTransformer.from_word2vec_format(
            _file(tmp_path, CASED, "cased2.txt"), lowercase=False)
        assert fixed.transform(["Paris London"]).any()


def test_lowercase_vectors_with_a_case_keeping_analyzer_say_lowercase_true(tmp_path):
    path = _file(tmp_path, LOWER, "glove.txt")
    with pytest.warns(LowCoverageWarning, match="set lowercase=True"):
        Word2VecTransformer(init=path, epochs=0, vector_size=4, min_count=1,
                            lowercase=False).fit(["Paris is a big city", "London"])


def test_fit_with_init_records_coverage_and_warns_when_low(tmp_path):
    path = _file(tmp_path, LOWER, "v.txt")
    docs = ["the city is big", "the zorblax of quuxes"]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model = Word2VecTransformer(init=path, epochs=0, vector_size=4, min_count=1).fit(docs)
    assert model.coverage_.n_tokens == 8 and model.coverage_.n_tokens_covered == 6
    assert model.coverage_.n_types == 7 and model.coverage_.n_types_covered == 5
    assert not _low_coverage_warnings(record)  # 75% of the tokens: not low
    with pytest.warns(LowCoverageWarning, match=r"cover 25\.0% .* fine-tune them on X"):
        model.fit(["zorblax quuxes blorp the"])
    assert model.coverage_.token_share == pytest.approx(0.25)


def test_fine_tuning_records_the_coverage_of_the_pretrained_vectors(tmp_path):
    path = _file(tmp_path, LOWER, "v.txt")
    docs = ["the city is big and the city is old"] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LowCoverageWarning)
        model = Word2VecTransformer(init=path, epochs=1, vector_size=4, min_count=1,
                                    sample=0, random_state=0).fit(docs)
    assert model.coverage_.n_tokens == 27
    assert model.coverage_.n_tokens_covered == 21  # "and", "old" are new rows
    assert "old" in model.vocabulary_


def test_training_from_scratch_records_no_coverage(tmp_path):
    model = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0).fit(
        ["a b c a b"])
    assert model.coverage_ is None
    refit = Word2VecTransformer(init=_file(tmp_path, LOWER, "v.txt"), epochs=0,
                                vector_size=4, min_count=1).fit(["the city"])
    assert refit.coverage_.token_share == 1.0
    # A later fit without init does not keep the coverage of the earlier one.
    refit.set_params(init=None, epochs=1, sample=0).fit(["a b c a b"])
    assert refit.coverage_ is None


def test_encode_with_coverage_counts_what_encode_drops():
    vocabulary = {"a": 0, "b": 1}
    corpus, coverage = encode_with_coverage(iter([["a", "x", "a"], [], ["y", "b", "x"]]),
                                            vocabulary)
    assert corpus.n_docs == 3 and corpus.n_tokens == 3
    assert (coverage.n_tokens, coverage.n_tokens_covered) == (6, 3)
    assert (coverage.n_types, coverage.n_types_covered) == (4, 2)
    assert coverage.examples == ("x", "y")


def test_out_of_core_fit_records_the_same_coverage(tmp_path):
    path = _file(tmp_path, LOWER, "v.txt")
    docs = ["the city is big", "the zorblax of quuxes"]
    params = dict(init=path, epochs=0, vector_size=4, min_count=1)
    in_memory = Word2VecTransformer(**params).fit(docs)
    on_disk = Word2VecTransformer(**params, out_of_core=True, temp_folder=tmp_path).fit(docs)
    assert on_disk.coverage_ == in_memory.coverage_


def test_the_calls_of_fit_and_transform_need_no_estimator():
    """fit_coverage and transform_corpus take the vocabulary and where the vectors come
    from: pretrained vectors name ``init``, a model's own vectors name the model."""
    vocabulary = {"a": 0, "b": 1}
    init = (["a", "b"], [[1.0], [0.0]])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        coverage = fit_coverage(["a", "x"], [1, 9], vocabulary, pretrained=False, init=None,
                                lowercase=True)
    assert coverage.token_share == pytest.approx(0.1) and not record  # its own: no warning
    with pytest.warns(LowCoverageWarning, match=r"^The vectors of init \(a \(words, vectors\) "
                                                r"tuple\) cover 10\.0%.*fine-tune them"):
        fit_coverage(["a", "x"], [1, 9], vocabulary, pretrained=True, init=init,
                     lowercase=True)
    token_lists = [["a", "x", "x"], ["y"]]
    with pytest.warns(LowCoverageWarning, match=r"^The vectors of this model cover 25\.0%.*"
                                                r"fitted on other text"):
        corpus = transform_corpus(iter(token_lists), vocabulary, pretrained=False,
                                  init=None, lowercase=True)
    assert corpus.ids.tolist() == [0] and corpus.doc_offsets.tolist() == [0, 1, 1]
    with pytest.warns(LowCoverageWarning, match=r"^The vectors of init \(a \(words, "
                                                r"vectors\) tuple\) cover 25\.0%"):
        transform_corpus(iter(token_lists), vocabulary, pretrained=True, init=init,
                         lowercase=True)
