"""Word queries and word2vec-format I/O on the fitted estimator."""

import numpy as np
import pytest

from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_sample_corpus


@pytest.fixture(scope="module")
def model():
    texts = load_sample_corpus(n_lines=4000)
    return Word2VecTransformer(vector_size=16, epochs=2, min_count=3, random_state=0).fit(texts)


def test_get_vector_and_similarity(model):
    king = model.get_vector("king")
    np.testing.assert_array_equal(king, model.vectors_[model.vocabulary_["king"]])
    expected = king @ model.get_vector("god") / (
        np.linalg.norm(king) * np.linalg.norm(model.get_vector("god")))
    assert model.similarity("king", "god") == pytest.approx(expected, rel=1e-5)
    with pytest.raises(KeyError, match="zzzz"):
        model.get_vector("zzzz")


def test_most_similar_excludes_the_query_and_is_sorted(model):
    result = model.most_similar("king", topn=5)
    assert len(result) == 5 and "king" not in [w for w, _ in result]
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)
    # The top neighbour's score is its cosine similarity with the query word.
    assert scores[0] == pytest.approx(model.similarity("king", result[0][0]), rel=1e-5)
    analogy = model.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert not {"king", "woman", "man"} & {w for w, _ in analogy}


def test_input_plus_output_vectors(model):
    both = Word2VecTransformer(**{**model.get_params(), "word_vectors": "input+output"})
    both.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    row = model.vocabulary_["king"]
    np.testing.assert_allclose(both.get_vector("king"),
                               model.vectors_[row] + model.context_vectors_[row])


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_format_round_trip_through_the_estimator(model, tmp_path, binary):
    path = tmp_path / ("vectors.bin" if binary else "vectors.txt")
    model.save_word2vec_format(path, binary=binary)
    loaded = Word2VecTransformer.from_word2vec_format(path, binary=binary)
    assert loaded.vocabulary_ == model.vocabulary_
    np.testing.assert_allclose(loaded.vectors_, model.vectors_, rtol=1e-6)
    docs = ["the king and the whale", "unknownword"]
    np.testing.assert_allclose(loaded.transform(docs), model.transform(docs), rtol=1e-6)
    with pytest.raises(ValueError, match="score"):
        loaded.score(docs)
    with pytest.raises(ValueError, match="pooling='sif'"):
        loaded.set_params(pooling="sif").transform(docs)


def test_gensim_reads_what_the_estimator_writes(model, tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    path = tmp_path / "vectors.bin"
    model.save_word2vec_format(path, binary=True)
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=True)
    assert kv.index_to_key[:5] == sorted(model.vocabulary_, key=model.vocabulary_.get)[:5]
    np.testing.assert_allclose(kv["king"], model.get_vector("king"))
    ours = [w for w, _ in model.most_similar("king", topn=5)]
    assert [w for w, _ in kv.most_similar("king", topn=5)] == ours
