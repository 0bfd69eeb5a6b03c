"""gensim's KeyedVectors query API on the fitted estimator (issue 16): the same answers as
gensim's KeyedVectors on the same vectors, and one KeyError for an unknown word."""

import numpy as np
import pytest

from sklearn_w2v import UnknownWordError, Word2VecTransformer
from sklearn_w2v.evaluation import (
    cosine_similarity_of,
    evaluate_word_pairs,
    most_similar,
)

gensim_models = pytest.importorskip("gensim.models")
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")

WORDS = [f"w{i}" for i in range(60)]


@pytest.fixture(scope="module")
def vectors():
    return np.random.default_rng(1).standard_normal((len(WORDS), 8)).astype(np.float32)


@pytest.fixture(scope="module")
def model(vectors):
    return Word2VecTransformer(init=(WORDS, vectors), epochs=0, vector_size=8,
                               min_count=1).fit([" ".join(WORDS)])


@pytest.fixture(scope="module")
def kv(vectors):
    keyed_vectors = gensim_models.KeyedVectors(8)
    keyed_vectors.add_vectors(WORDS, vectors)
    return keyed_vectors


def _assert_same_ranking(ours, theirs):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)


def test_indexing_and_membership(model, kv):
    np.testing.assert_array_equal(model["w3"], kv["w3"])
    np.testing.assert_array_equal(model[["w3", "w5"]], kv[["w3", "w5"]])
    assert "w3" in model and "nope" not in model and ["unhashable"] not in model
    np.testing.assert_allclose(model.get_vector("w3", norm=True), kv.get_vector("w3", norm=True),
                               rtol=1e-6)
    with pytest.raises(TypeError):
        iter(model)  # rows are looked up by word, not by position


@pytest.mark.parametrize("query", [
    dict(positive=["w1"]),
    dict(positive=["w1", "w2"], negative=["w3"]),
    dict(positive="w4", negative="w5", topn=3),
    dict(positive=[("w1", 2.0), "w2"], negative=[("w3", -0.5)]),
    dict(positive=["w1"], restrict_vocab=20),
    dict(negative=["w7"], topn=5),
])
def test_most_similar_equals_gensims(model, kv, query):
    _assert_same_ranking(model.most_similar(**query), kv.most_similar(**query))


def test_most_similar_with_vectors_and_similar_by_vector(model, kv, vectors):
    vector = vectors[2] * 3 + vectors[9]
    _assert_same_ranking(model.most_similar(positive=[vector, "w4"]),
                         kv.most_similar(positive=[vector, "w4"]))
    _assert_same_ranking(model.similar_by_vector(vector, topn=4, restrict_vocab=30),
                         kv.similar_by_vector(vector, topn=4, restrict_vocab=30))
    _assert_same_ranking(model.similar_by_word("w8"), kv.similar_by_word("w8"))
    np.testing.assert_allclose(model.most_similar("w1", topn=None),
                               kv.most_similar("w1", topn=None), rtol=1e-5)


@pytest.mark.parametrize("query", [
    dict(positive=["w1", "w2"], negative=["w3"]),
    dict(positive=["w6"], topn=4),
    dict(positive=["w1", "w9"], negative=["w2", "w3"]),
])
def test_most_similar_cosmul_equals_gensims(model, kv, query):
    _assert_same_ranking(model.most_similar_cosmul(**query), kv.most_similar_cosmul(**query))


def test_pairwise_queries_equal_gensims(model, kv):
    assert model.similarity("w1", "w2") == pytest.approx(kv.similarity("w1", "w2"), rel=1e-5)
    assert model.distance("w1", "w2") == pytest.approx(kv.distance("w1", "w2"), rel=1e-5)
    assert model.n_similarity(["w1", "w2"], ["w3"]) == pytest.approx(
        kv.n_similarity(["w1", "w2"], ["w3"]), rel=1e-5)
    np.testing.assert_allclose(model.distances("w1", ["w2", "w3"]),
                               kv.distances("w1", ["w2", "w3"]), rtol=1e-5)
    np.testing.assert_allclose(model.distances("w1"), kv.distances("w1"), rtol=1e-4,
                               atol=1e-6)
    words = ["w1", "w2", "w3", "w4", "w5"]
    assert model.doesnt_match(words) == kv.doesnt_match(words)


@pytest.mark.parametrize("query", [
    lambda m: m["nope"], lambda m: m[["w1", "nope"]], lambda m: m.get_vector("nope"),
    lambda m: m.most_similar("nope"), lambda m: m.most_similar_cosmul(["w1"], ["nope"]),
    lambda m: m.similarity("w1", "nope"), lambda m: m.doesnt_match(["w1", "nope"]),
    lambda m: m.n_similarity(["nope"], ["w1"]), lambda m: most_similar(m, ["nope"]),
    lambda m: cosine_similarity_of(m, "w1", "nope"),
])
def test_an_unknown_word_in_any_query_is_a_key_error(model, query):
    # One error for every query: a KeyError as gensim's lookups raise, and a ValueError.
    with pytest.raises(KeyError, match=r"word 'nope' is not in the vocabulary \(60 words\)"):
        query(model)
    with pytest.raises(ValueError):  # still, for code written for the earlier versions
        query(model)
    assert issubclass(UnknownWordError, KeyError)


def test_to_keyedvectors_round_trips_and_is_a_copy(model):
    kv = model.to_keyedvectors()
    assert isinstance(kv, gensim_models.KeyedVectors)
    assert kv.index_to_key == model.index_to_word_
    np.testing.assert_array_equal(kv.vectors, model.vectors_)
    kv.vectors[0] += 1
    assert not np.array_equal(kv.vectors[0], model.vectors_[0])


def test_to_keyedvectors_carries_the_word_counts(tmp_path):
    """get_vecattr(word, "count") raised: the counts were dropped. They are the model's
    word_counts_, so gensim's frequency-based code (sort_by_descending_frequency, a
    vocabulary built from the counts) sees what the model saw."""
    docs = ["the cat and the dog", "the cat", "a bird"] * 3
    trained = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, sample=0,
                                  random_state=0).fit(docs)
    kv = trained.to_keyedvectors()
    counts = {word: int(kv.get_vecattr(word, "count")) for word in kv.index_to_key}
    assert counts == {word: int(trained.word_counts_[row])
                      for word, row in trained.vocabulary_.items()}
    assert counts["the"] == 9 and counts["bird"] == 3
    # Vectors loaded from a file have no counts to carry.
    trained.save_word2vec_format(tmp_path / "v.txt")
    loaded = Word2VecTransformer.from_word2vec_format(tmp_path / "v.txt").to_keyedvectors()
    with pytest.raises(KeyError):
        loaded.get_vecattr("the", "count")
    # Pretrained words that X lacks count 0 (epochs=0 learns the counts of X).
    words = trained.index_to_word_ + ["zebra"]
    init = (words, np.eye(len(words)))
    pretrained = Word2VecTransformer(init=init, epochs=0).fit(docs).to_keyedvectors()
    assert int(pretrained.get_vecattr("the", "count")) == 9
    assert int(pretrained.get_vecattr("zebra", "count")) == 0


def test_evaluation_accepts_keyedvectors_a_model_and_a_path(model, kv, tmp_path):
    # Every function takes what init= takes, a KeyedVectors included.
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("w1\tw2\t3.0\nw1\tw3\t5.0\nw2\tw4\t1.0\nw5\tw6\t7.0\n")
    vector_file = tmp_path / "v.txt"
    kv.save_word2vec_format(str(vector_file), write_header=False)
    results = [evaluate_word_pairs(source, pairs, case_insensitive=False)
               for source in (model, kv, vector_file)]
    assert results[0].spearman == pytest.approx(results[1].spearman)
    assert results[0].spearman == pytest.approx(results[2].spearman)
    expected = kv.evaluate_word_pairs(str(pairs), case_insensitive=False)
    assert results[1].spearman == pytest.approx(expected[1].statistic)


def test_analogies_accept_keyedvectors_and_agree_with_gensim(model, kv, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(": s\nw1 w2 w3 w4\nw5 w6 w7 w8\nw1 w3 w5 w7\nw2 w9 w4 nope\n")
    from sklearn_w2v.evaluation import evaluate_analogies

    ours = evaluate_analogies(kv, questions, case_insensitive=False)
    assert ours == evaluate_analogies(model, questions, case_insensitive=False)
    score, _ = kv.evaluate_word_analogies(str(questions), case_insensitive=False)
    assert ours.accuracy == pytest.approx(score) and ours.n_evaluated == 3
