"""Tests of the estimator ``FastTextTransformer``: subword training on the shared engine, a
vector for every word, Facebook's models in and out (equal to gensim's), and the behaviour
it shares with Word2VecTransformer (pickles, worker processes, continued training)."""

import inspect
import os
import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from sklearn_w2v import (
    FastTextFile,
    FastTextTransformer,
    LowCoverageWarning,
    UnknownWordError,
    Word2VecTransformer,
)
from sklearn_w2v._model.inputs import NGRAMS
from sklearn_w2v._text.subwords import ngram_buckets
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v.datasets import load_sample_corpus

SMALL = dict(vector_size=12, epochs=2, min_count=3, bucket=5000, random_state=0)


def small(**params):
    return FastTextTransformer(**{**SMALL, **params})


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=1500)


@pytest.fixture(scope="module")
def fitted(texts):
    return small().fit(texts)


def gensim_data(name):
    gensim = pytest.importorskip("gensim")
    return os.path.join(os.path.dirname(gensim.__file__), "test", "test_data", name)


# -------------------------------------------------------------------- the model


def test_shares_word2vecs_parameters_and_their_defaults():
    """Everything but the three subword options is Word2VecTransformer's, with its
    defaults (a change of a default there must be made here too)."""
    ours = inspect.signature(FastTextTransformer.__init__).parameters
    theirs = inspect.signature(Word2VecTransformer.__init__).parameters
    assert set(ours) - set(theirs) == {"min_n", "max_n", "bucket"}
    assert all(ours[name].default is theirs[name].default
               or ours[name].default == theirs[name].default for name in theirs)
    assert (ours["min_n"].default, ours["max_n"].default) == (3, 6)


@pytest.mark.parametrize("options", [dict(max_n=0), dict(min_n=5, max_n=4), dict(bucket=0),
                                     dict(max_n=0, architecture="cbow"),
                                     dict(max_n=0, objective="hierarchical")])
def test_without_subwords_it_is_word2vec_bit_for_bit(texts, options):
    params = {**SMALL, **options}
    subwordless = FastTextTransformer(**params).fit(texts[:600])
    params = {k: v for k, v in params.items() if k not in ("min_n", "max_n", "bucket")}
    word2vec = Word2VecTransformer(**params).fit(texts[:600])
    assert_array_equal(subwordless.vectors_, word2vec.vectors_)
    assert subwordless.loss_curve_ == word2vec.loss_curve_
    assert_array_equal(subwordless.transform(texts[600:700]),
                       word2vec.transform(texts[600:700]))
    assert not hasattr(subwordless, "vectors_ngrams_")


def test_a_words_vector_is_the_mean_of_its_rows(fitted):
    table = ngram_buckets(fitted.index_to_word_, 3, 6, fitted.bucket)
    for row in (0, 7, len(fitted.index_to_word_) - 1):
        rows = [fitted.vectors_vocab_[row], *fitted.vectors_ngrams_[table.of(row)]]
        assert_allclose(fitted.vectors_[row], np.mean(rows, axis=0), rtol=1e-5, atol=1e-7)
    assert fitted.vectors_ngrams_.shape == (5000, 12)


def test_training_learns_the_ngram_rows_and_lowers_the_loss(texts, fitted):
    assert fitted.loss_curve_[-1] < fitted.loss_curve_[0]
    start = small(epochs=1).fit(texts[:10])  # a few documents barely move the rows
    assert np.abs(fitted.vectors_ngrams_).mean() > 2 * np.abs(start.vectors_ngrams_).mean()
    # Words sharing n-grams end up closer than unrelated words.
    assert fitted.similarity("whale", "whales") > fitted.similarity("whale", "into")


@pytest.mark.parametrize("architecture, objective", [("cbow", "negative"),
                                                     ("skipgram", "hierarchical"),
                                                     ("cbow", "softmax"),
                                                     ("skipgram", "nce")])
def test_every_objective_and_architecture_trains_and_scores(texts, architecture, objective):
    model = small(architecture=architecture, objective=objective, max_vocab_size=600)
    model.fit(texts[:800])
    assert np.isfinite(model.loss_curve_).all()
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert np.isfinite(model.score(texts[800:900]))


# ---------------------------------------------------- a vector for every word


def test_words_outside_the_vocabulary_get_their_ngram_vector(fitted):
    word = "whaleshipping"
    assert word not in fitted.vocabulary_ and word in fitted
    table = ngram_buckets([word], 3, 6, fitted.bucket)
    assert_allclose(fitted[word], fitted.vectors_ngrams_[table.of(0)].mean(axis=0),
                    rtol=1e-5, atol=1e-7)
    assert_allclose(fitted.get_vector(word, norm=True),
                    fitted[word] / np.linalg.norm(fitted[word]), rtol=1e-6)
    assert fitted[[word, "whale"]].shape == (2, 12)
    assert -1 <= fitted.similarity(word, "whale") <= 1
    neighbours = fitted.most_similar(word, topn=3)
    assert neighbours == fitted.most_similar(positive=[fitted.get_vector(word, norm=True)],
                                             topn=3)
    assert fitted.most_similar_cosmul(positive=[word, "king"], topn=2)


def test_a_word_without_ngrams_is_unknown():
    model = small(min_n=6).fit(load_sample_corpus(n_lines=300))
    assert "ab" not in model  # "<ab>" has 4 characters, fewer than min_n
    with pytest.raises(UnknownWordError, match="'ab' is not in the vocabulary"):
        model["ab"]
    with pytest.raises(KeyError):
        model.most_similar("ab")


def test_transform_pools_words_outside_the_vocabulary(fitted, texts):
    word2vec = Word2VecTransformer(**{k: v for k, v in SMALL.items() if k != "bucket"})
    word2vec.fit(texts)
    unknown = ["whaleshipping unwhaled", "kingsmen"]
    assert not word2vec.transform(unknown).any()
    X = fitted.transform(unknown)
    assert_allclose(X[1], fitted["kingsmen"], rtol=1e-5)
    assert_allclose(X[0], (fitted["whaleshipping"] + fitted["unwhaled"]) / 2, rtol=1e-5)
    # A document of known words pools as Word2VecTransformer pools them.
    assert_allclose(fitted.transform(["the whale"])[0],
                    (fitted["the"] + fitted["whale"]) / 2, rtol=1e-5)


@pytest.mark.parametrize("pooling", ["tfidf", "sif", "max", "sum"])
def test_every_pooling_takes_the_new_words(texts, pooling):
    model = small(pooling=pooling).fit(texts[:800])
    X = model.transform(["whaleshipping kingsmen", "the whale"])
    assert np.isfinite(X).all() and X[0].any()


def test_fit_transform_is_fit_then_transform(texts):
    documents = texts[:500] + ["a zymurgical zymurgy"]
    model = small()
    X = model.fit_transform(iter(documents))  # a one-shot iterator
    assert_allclose(X, small().fit(documents).transform(documents), rtol=1e-6)
    assert X[-1].any()


def test_low_coverage_counts_what_ngrams_cover(texts):
    model = small(min_n=5).fit(texts[:300])  # "<zq>" is shorter than 5 characters
    with pytest.warns(LowCoverageWarning, match=r"\(0\.0% of the tokens through the "
                                                r"vocabulary, 25\.0% more through character "
                                                r"n-grams alone\) cover 25\.0%"):
        model.transform(["zq yq xq whaleshipping"] * 300)  # a window of 1,200 tokens


# ----------------------------------------------------------- Facebook's models

GENSIM_MODELS = [("crime-and-punishment.bin", {}), ("lee_fasttext_new.bin", {}),
                 ("lee_fasttext.bin", {}), ("toy-model.bin", {}),
                 ("toy-model-pretrained.bin", {}), ("non_ascii_fasttext.bin", {}),
                 ("cp852_fasttext.bin", dict(encoding="cp852"))]
OUTSIDE = ["steamtrain", "паровоз", "rechtsschutzversicherungsgesellschaften", "který",
           "札幌", "x😀y", "a\u0301b"]


@pytest.mark.parametrize("name, options", GENSIM_MODELS)
def test_facebook_models_load_equal_to_gensims(name, options):
    fasttext = pytest.importorskip("gensim.models.fasttext")
    path = gensim_data(name)
    expected = fasttext.load_facebook_model(path, **options).wv
    model = FastTextTransformer.from_fasttext_format(path, **options)
    assert model.index_to_word_ == list(expected.index_to_key)
    assert_allclose(model.vectors_, expected.vectors, rtol=1e-5, atol=1e-6)
    assert_allclose(model.vectors_ngrams_, expected.vectors_ngrams)
    for word in OUTSIDE:
        assert_allclose(model[word], expected[word], rtol=1e-5, atol=1e-6, err_msg=word)
    assert model.fitted_parts_.origin == "loaded"
    assert (model.min_n, model.max_n, model.bucket) == (expected.min_n, expected.max_n,
                                                        expected.bucket)


def test_vectors_equal_fasttexts_own():
    """crime-and-punishment.vec holds the vectors fastText itself printed for the words of
    crime-and-punishment.bin; the values OUTSIDE the vocabulary are those gensim's tests
    took from fastText."""
    pytest.importorskip("gensim")
    model = FastTextTransformer.from_fasttext_format(gensim_data("crime-and-punishment.bin"))
    with open(gensim_data("crime-and-punishment.vec"), encoding="utf-8") as f:
        rows = [line.split() for line in f.read().splitlines()[1:]]
    for word, *values in rows:
        if word == "</s>":
            # fastText's end of sentence has no n-grams; gensim, and so this package,
            # give it those of "<</s>>" like any word.
            continue
        assert_allclose(model[word], np.array(values, dtype=float), atol=1e-5, err_msg=word)
    assert_allclose(model["steamtrain"], [0.031988, 0.022966, 0.059483, 0.094547, 0.062693],
                    atol=1e-5)


def test_a_supervised_model_is_refused():
    with pytest.raises(ValueError, match="supervised"):
        FastTextTransformer.from_fasttext_format(gensim_data("pang_lee_polarity_fasttext.bin"))


def test_our_models_are_read_by_gensim(fitted, tmp_path):
    fasttext = pytest.importorskip("gensim.models.fasttext")
    path = tmp_path / "ours.bin"
    fitted.save_fasttext_format(path)
    loaded = fasttext.load_facebook_model(str(path))
    assert list(loaded.wv.index_to_key) == fitted.index_to_word_
    assert_allclose(loaded.wv.vectors, fitted.vectors_, rtol=1e-5, atol=1e-6)
    for word in ["whaleshipping", *OUTSIDE]:
        assert_allclose(loaded.wv[word], fitted[word], rtol=1e-5, atol=1e-6)
    assert_array_equal(loaded.syn1neg, fitted.context_vectors_)
    assert (loaded.sg, loaded.wv.bucket, loaded.window) == (1, 5000, 5)
    again = FastTextTransformer.from_fasttext_format(path, pooling="tfidf")
    assert_array_equal(again.vectors_, fitted.vectors_)
    assert again.pooling == "tfidf"
    held_out = ["the whale and the sea were great and the king said to them"]
    assert again.score(held_out) == pytest.approx(fitted.score(held_out), rel=1e-6)


def test_cbow_scores_with_its_ngram_rows(texts, tmp_path):
    """score evaluates the model it trains: CBOW's hidden vector is the mean of all the
    rows of the window, not the mean of the words' vectors."""
    model = small(architecture="cbow").fit(texts[:500])
    held_out = texts[500:560]
    words_only = Word2VecTransformer._scored_inputs(model)
    assert words_only[1]["input"] is model.vectors_
    score = model.score(held_out)
    model.save_fasttext_format(tmp_path / "cbow.bin")
    loaded = FastTextTransformer.from_fasttext_format(tmp_path / "cbow.bin")
    assert loaded.architecture == "cbow"
    assert loaded.score(held_out) == pytest.approx(score, rel=1e-6)


def test_a_model_without_subwords_is_written_as_fasttexts_word2vec(texts, tmp_path):
    model = small(max_n=0).fit(texts[:300])
    model.save_fasttext_format(tmp_path / "w2v.bin")
    loaded = FastTextTransformer.from_fasttext_format(tmp_path / "w2v.bin")
    assert (loaded.max_n, loaded.bucket) == (0, 0) and "xyzzy" not in loaded
    assert_array_equal(loaded.vectors_, model.vectors_)


def test_init_from_a_fasttext_model(fitted, texts, tmp_path):
    path = str(tmp_path / "start.bin")
    fitted.save_fasttext_format(path)
    frozen = small(init=path, epochs=0).fit(texts[:200])
    assert frozen.fitted_parts_.origin == "pretrained"
    assert_array_equal(frozen.vectors_, fitted.vectors_)
    assert_array_equal(frozen["whaleshipping"], fitted["whaleshipping"])
    assert np.isfinite(frozen.score(texts[200:260]))  # its output vectors came too
    tuned = small(init=path, epochs=1).fit(texts[:200])
    assert tuned.fitted_parts_.origin == "fine-tuned"
    assert not np.array_equal(tuned.vectors_ngrams_, fitted.vectors_ngrams_)
    assert tuned.index_to_word_[:len(fitted.index_to_word_)] == fitted.index_to_word_
    # Another estimator takes each word's fastText vector.
    word2vec = Word2VecTransformer(init=path, vector_size=12, epochs=0).fit(texts[:200])
    assert_allclose(word2vec.vectors_, fitted.vectors_, rtol=1e-6)
    # The n-gram rows belong to their hashing: other options are refused.
    with pytest.raises(ValueError, match="hashes its n-grams with min_n=3, max_n=6, "
                                         "bucket=5000.*set min_n=3"):
        small(init=path, min_n=2, epochs=0).fit(texts[:200])
    with pytest.raises(ValueError, match="set vector_size=12"):
        small(init=path, vector_size=10, epochs=0).fit(texts[:200])


def test_init_of_an_older_format_through_fasttextfile(texts):
    path = gensim_data("lee_fasttext.bin")
    loaded = FastTextTransformer.from_fasttext_format(path)
    assert isinstance(loaded.init, FastTextFile)  # no magic number: read as asked
    refitted = clone(loaded).fit(texts[:100])
    assert_array_equal(refitted.vectors_, loaded.vectors_)
    assert refitted.coverage_.n_tokens_by_ngrams > 0


def test_fit_coverage_from_a_model_counts_ngrams(fitted, tmp_path):
    path = str(tmp_path / "start.bin")
    fitted.save_fasttext_format(path)
    model = small(init=path, epochs=0).fit(["whaleshipping and the whale"])
    coverage = model.coverage_
    assert (coverage.n_tokens, coverage.n_tokens_covered, coverage.n_tokens_by_ngrams) == (
        4, 4, 1)


# ------------------------------------------------------------ shared behaviour


def test_pickles_and_clones(fitted):
    again = pickle.loads(pickle.dumps(fitted))
    assert_array_equal(again.transform(["whaleshipping the whale"]),
                       fitted.transform(["whaleshipping the whale"]))
    assert clone(fitted).get_params() == fitted.get_params()


def test_worker_processes_share_the_ngram_matrix(texts):
    seen = []

    def on_event(name, details):
        if name == "shared":
            ngrams = details["shared"][0][NGRAMS]
            seen.append((type(ngrams), ngrams.flags.writeable,
                         os.path.dirname(ngrams.filename) == details["folder"]))

    with engine_hooks(block_size=4096, min_tokens_for_processes=0, on_event=on_event):
        two = small(n_jobs=2).fit(texts)
    # One copy in the shared folder, mapped writable by the workers (not pickled to each).
    assert seen == [(np.memmap, True, True)]
    with engine_hooks(block_size=4096):
        one = small(n_jobs=1).fit(texts)
    assert two.n_pairs_ == one.n_pairs_  # the same windows, trained by two processes
    assert_allclose(two.loss_curve_, one.loss_curve_, rtol=0.05)
    assert type(two.vectors_ngrams_) is np.ndarray


def test_warm_start_and_partial_fit_go_on_from_the_ngram_rows(texts, training_starts):
    model = small(warm_start=True).fit(texts[:400])
    rows = model.vectors_ngrams_.copy()
    model.fit(texts[400:800])
    assert_array_equal(training_starts[-1][0][NGRAMS], rows)
    streamed, before = small(), None
    for start in range(0, 600, 200):
        streamed.partial_fit(texts[start:start + 200], grow_vocabulary=True)
        if before is not None:  # each call starts from the rows the last one left
            assert_array_equal(training_starts[-1][0][NGRAMS], before)
        before = streamed.vectors_ngrams_.copy()
    assert len(streamed.loss_curve_) == 3
    with pytest.raises(ValueError, match="fitted with max_n=6, but now max_n=5"):
        model.set_params(max_n=5).fit(texts[:100])


def test_out_of_core_trains_the_same(texts):
    in_memory = small().fit(texts[:500])
    on_disk = small(out_of_core=True).fit(texts[:500])
    assert_array_equal(on_disk.vectors_ngrams_, in_memory.vectors_ngrams_)


def test_float64_and_bad_parameters(texts):
    model = small(dtype=np.float64).fit(texts[:200])
    assert model.vectors_ngrams_.dtype == np.float64 == model["xyzzy"].dtype
    with pytest.raises(ValueError, match="bucket"):
        small(bucket=-1).fit(texts[:10])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small(min_n=1, max_n=2).fit(texts[:200]).transform(["a b"])


def test_saved_without_pickle_and_loaded(fitted, tmp_path):
    """The package's model files (data only) hold a FastTextTransformer too: its n-gram
    rows, its coverage with n-grams, a FastTextFile init."""
    from sklearn_w2v import load

    fitted.save(tmp_path / "model.zip")
    loaded = load(tmp_path / "model.zip")
    assert type(loaded) is FastTextTransformer
    assert_array_equal(loaded.vectors_ngrams_, fitted.vectors_ngrams_)
    assert_array_equal(loaded["whaleshipping"], fitted["whaleshipping"])
    older = FastTextTransformer.from_fasttext_format(gensim_data("lee_fasttext.bin"))
    older = older.fit(["the whaleshipping of the sea"])
    older.save(tmp_path / "older.zip")
    again = load(tmp_path / "older.zip")
    assert again.init == older.init and again.coverage_ == older.coverage_
    assert again.coverage_.n_tokens_by_ngrams == 1


def test_skops_sees_only_the_package_types(fitted):
    skops_io = pytest.importorskip("skops.io")
    from sklearn_w2v._estimators.persistence import SKOPS_TYPES

    untrusted = skops_io.get_untrusted_types(data=skops_io.dumps(fitted))
    assert set(untrusted) <= set(SKOPS_TYPES) | {"builtins.frozenset"}
    assert_array_equal(skops_io.loads(skops_io.dumps(fitted), trusted=untrusted).vectors_,
                       fitted.vectors_)


def test_the_files_dimension_and_hashing_cannot_be_overridden():
    path = gensim_data("toy-model.bin")
    assert FastTextTransformer.from_fasttext_format(path).vector_size_ == 5
    with pytest.raises(ValueError, match="dimension 5, but vector_size=10"):
        FastTextTransformer.from_fasttext_format(path, vector_size=10)
    with pytest.raises(ValueError, match="max_n=5, but .* hashes its n-grams with max_n=6"):
        FastTextTransformer.from_fasttext_format(path, max_n=5)
