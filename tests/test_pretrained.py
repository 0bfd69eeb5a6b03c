"""Pretrained vectors as ``init``: the sources it accepts, the file cache, ``epochs=0``
(vectors used as they are), fine-tuning, loaded models and the errors of bad inputs."""

import gzip
import os
import pickle
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_w2v import Word2VecTransformer, load_word2vec_format
from sklearn_w2v._vectors import pretrained as _pretrained
from sklearn_w2v._vectors import sniff_binary
from sklearn_w2v.datasets import load_rotten_tomatoes, load_sample_corpus

D = 8


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=3000)


@pytest.fixture(scope="module")
def source(texts):
    """A model trained on the first 2,000 lines: the 'pretrained' vectors."""
    return Word2VecTransformer(vector_size=D, epochs=1, min_count=3, random_state=0).fit(
        texts[:2000])


@pytest.fixture
def vector_file(source, tmp_path):
    path = tmp_path / "vectors.txt"
    source.save_word2vec_format(path)
    return path


@pytest.fixture(autouse=True)
def fresh_cache():
    _pretrained.clear_cache()
    yield
    _pretrained.clear_cache()


def pretrained(**params):
    return Word2VecTransformer(**{"vector_size": D, "min_count": 3, "random_state": 0,
                                  **params})


def count_loads():
    """How many files ``init`` reads from now on (the file cache's count of its reads)."""
    before = _pretrained.file_reads()
    return lambda: _pretrained.file_reads() - before


# ------------------------------------------------------------------------- init sources


@pytest.mark.parametrize("kind", ["text", "binary", "text.gz", "binary.bz2", "tuple",
                                  "keyed_vectors"])
def test_every_kind_of_init_gives_the_same_vectors(kind, source, texts, tmp_path):
    words, vectors = source.index_to_word_, source.vectors_
    if kind in ("tuple", "keyed_vectors"):
        init = ((words, vectors) if kind == "tuple"
                else SimpleNamespace(index_to_key=words, vectors=vectors))
    else:
        suffix = {"text": ".txt", "binary": ".bin", "text.gz": ".txt.gz",
                  "binary.bz2": ".bin.bz2"}[kind]
        init = tmp_path / f"vectors{suffix}"
        source.save_word2vec_format(init, binary=kind.startswith("binary"))
    model = pretrained(init=init, epochs=0).fit(texts[2000:2500])
    assert model.index_to_word_ == words
    assert model.vocabulary_ == source.vocabulary_
    # Text files hold the shortest decimal that reads back to the same float32.
    assert_array_equal(model.vectors_, vectors)
    assert model.fitted_parts_.origin == "pretrained"


def test_gensim_keyed_vectors_are_accepted(source, texts):
    keyed_vectors = pytest.importorskip("gensim.models").KeyedVectors(D)
    keyed_vectors.add_vectors(source.index_to_word_, source.vectors_)
    model = pretrained(init=keyed_vectors, epochs=0).fit(texts[2000:2500])
    assert_array_equal(model.vectors_, source.vectors_)
    # The caller's vectors are copied: neither side can change the other.
    keyed_vectors.vectors[0] += 1
    assert_array_equal(model.vectors_[0], source.vectors_[0])


# ------------------------------------------------------ vector_size follows init (issue 29)


@pytest.mark.parametrize("kind", ["text", "tuple", "keyed_vectors", "list of lists"])
def test_vector_size_none_follows_the_dimension_of_init(kind, source, texts, tmp_path):
    """A 50-dimensional GloVe file with the default vector_size asked for vector_size=50;
    the default None now follows init (100 without it)."""
    words, vectors = source.index_to_word_, source.vectors_
    init = {"text": tmp_path / "vectors.txt", "tuple": (words, vectors),
            "keyed_vectors": SimpleNamespace(index_to_key=words, vectors=vectors),
            "list of lists": (words, vectors.tolist())}[kind]
    if kind == "text":
        source.save_word2vec_format(init)
    model = Word2VecTransformer(init=init, epochs=0).fit(texts[2000:2500])
    assert model.vector_size is None and model.vector_size_ == D
    assert_array_equal(model.vectors_, vectors)
    assert model.transform(texts[:2]).shape == (2, D)
    tuned = Word2VecTransformer(init=init, epochs=1, min_count=3).fit(texts[2000:2500])
    assert tuned.vector_size_ == D and tuned.vectors_.shape[1] == D
    assert Word2VecTransformer(epochs=1).fit(texts[:200]).vector_size_ == 100


def test_an_explicit_vector_size_must_be_the_dimension_of_init(source, texts):
    """A grid over vector_size compares what it says: a size init does not have is the
    clear error, not silently init's."""
    init = (source.index_to_word_, source.vectors_)
    search = GridSearchCV(Word2VecTransformer(init=init, epochs=0),
                          {"vector_size": [D, 2 * D]}, cv=2, error_score="raise",
                          scoring=lambda est, X, y=None: 0.0)
    with pytest.raises(ValueError, match=rf"holds vectors of dimension {D}, but "
                                         rf"vector_size={2 * D}; set vector_size={D}, or "
                                         r"vector_size=None \(the default\) to follow init"):
        search.fit(texts[2000:2400])
    fitted = Word2VecTransformer(init=init, epochs=0, vector_size=D).fit(texts[:100])
    assert fitted.vector_size_ == D


def test_continued_training_keeps_the_fitted_dimension(source, texts):
    init = (source.index_to_word_, source.vectors_)
    model = Word2VecTransformer(init=init, epochs=1, min_count=3, warm_start=True,
                                random_state=0).fit(texts[2000:2300])
    # warm_start and partial_fit continue from the model (init is ignored): its dimension.
    model.set_params(init=None).fit(texts[2300:2600])
    model.partial_fit(texts[2600:2900])
    assert model.vector_size_ == D and len(model.loss_curve_) == 3
    # A new fit without init is the default 100, not the old model's.
    assert model.set_params(warm_start=False).fit(texts[:200]).vector_size_ == 100


def test_doc2vec_vector_size_follows_init(source, texts):
    from sklearn_w2v import Doc2VecTransformer

    init = (source.index_to_word_, source.vectors_)
    model = Doc2VecTransformer(init=init, architecture="dm", epochs=2, min_count=3,
                               random_state=0).fit(texts[2000:2300])
    assert model.vector_size is None and model.vector_size_ == D
    assert model.document_vectors_.shape == (300, D)
    assert model.transform(texts[:3]).shape == (3, D)
    assert np.isfinite(model.score(texts[:20]))
    with pytest.raises(ValueError, match=rf"set vector_size={D}"):
        Doc2VecTransformer(init=init, vector_size=D + 1).fit(texts[:100])


@pytest.mark.parametrize("kind", ["Word2Vec", "FastText", "Doc2Vec"])
def test_a_gensim_model_is_accepted_through_its_wv(kind, texts):
    """A gensim model (not its .wv) was refused without a word about .wv."""
    models = pytest.importorskip("gensim.models")
    sentences = [text.split() for text in texts[:300]]
    if kind == "Doc2Vec":
        corpus = [models.doc2vec.TaggedDocument(words, [i])
                  for i, words in enumerate(sentences)]
        gensim_model = models.Doc2Vec(corpus, vector_size=6, min_count=1, epochs=1, seed=0,
                                      workers=1)
    else:
        gensim_model = getattr(models, kind)(sentences, vector_size=6, min_count=1,
                                              epochs=1, seed=0, workers=1)
    model = Word2VecTransformer(init=gensim_model, epochs=0).fit(texts[:300])
    assert model.vector_size_ == 6
    assert model.index_to_word_ == gensim_model.wv.index_to_key
    assert_allclose(model.vectors_, gensim_model.wv.vectors)
    with pytest.raises(ValueError, match=rf"init \(a {kind}'s \.wv\) holds vectors of "
                                         r"dimension 6, but vector_size=5"):
        Word2VecTransformer(init=gensim_model, epochs=0, vector_size=5).fit(texts[:10])


def test_from_word2vec_format_follows_the_file_and_checks_an_explicit_size(vector_file,
                                                                           texts):
    loaded = Word2VecTransformer.from_word2vec_format(vector_file)
    assert loaded.vector_size is None and loaded.vector_size_ == D
    assert clone(loaded).fit(texts[:100]).vector_size_ == D
    with pytest.raises(ValueError, match=rf"dimension {D}, but vector_size=3; set "
                                         rf"vector_size={D}"):
        Word2VecTransformer.from_word2vec_format(vector_file, vector_size=3)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("writer", ["ours", "gensim"])
def test_binary_and_text_files_are_told_apart(binary, writer, source, tmp_path):
    path = tmp_path / "vectors"
    if writer == "gensim":
        keyed_vectors = pytest.importorskip("gensim.models").KeyedVectors(D)
        keyed_vectors.add_vectors(source.index_to_word_, source.vectors_)
        # gensim writes no newline after binary vectors, word2vec.c does.
        keyed_vectors.save_word2vec_format(str(path), binary=binary)
    else:
        source.save_word2vec_format(path, binary=binary)
    assert sniff_binary(path) is binary


def test_a_text_file_whose_first_row_is_malformed_is_reported_as_text(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("2 3\nking 0.1 0.2\nqueen 0.1 0.2 0.3\n")
    with pytest.raises(ValueError, match=r"vectors.txt: line 2: expected a word and 3 values"):
        pretrained(init=path, epochs=0, vector_size=3).fit(["king queen"])


def test_a_file_is_read_once_per_process_and_again_when_it_changes(vector_file, texts):
    loads = count_loads()
    search = GridSearchCV(pretrained(init=vector_file, epochs=0),
                          {"pooling": ["mean", "tfidf"]}, cv=3,
                          scoring=lambda est, X, y=None: 0.0)
    search.fit(texts[2000:2600])
    assert loads() == 1  # 6 fits and a refit, one read
    clone(search.best_estimator_).fit(texts[:100])
    assert loads() == 1
    # A rewritten file (new size and modification time) is read again.
    stat = os.stat(vector_file)
    with open(vector_file, "a") as f:
        f.write("\n")
    os.utime(vector_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    pretrained(init=vector_file, epochs=0).fit(texts[:100])
    assert loads() == 2


def test_models_share_the_read_only_matrix_of_a_file(vector_file, texts):
    first = pretrained(init=vector_file, epochs=0).fit(texts[:300])
    second = pretrained(init=vector_file, epochs=0, pooling="sif").fit(texts[300:600])
    assert first.vectors_ is second.vectors_
    assert not first.vectors_.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        first.vectors_[0, 0] = 1.0
    restored = pickle.loads(pickle.dumps(first))
    assert_array_equal(restored.vectors_, first.vectors_)
    assert_array_equal(restored.transform(texts[:5]), first.transform(texts[:5]))


# ------------------------------------------------------------------ epochs=0: as they are


def test_epochs_0_learns_only_what_pooling_needs(source, vector_file, texts):
    X = texts[2000:2600]
    model = pretrained(init=vector_file, epochs=0, pooling="tfidf").fit(X)
    assert model.fitted_parts_.origin == "pretrained"
    assert model.fitted_parts_.idf and model.fitted_parts_.word_counts
    assert not model.fitted_parts_.output_vectors
    assert not hasattr(model, "context_vectors_") and model.n_pairs_ == 0
    assert model.loss_curve_ == []
    # Counts and idf are those of X over the pretrained vocabulary; a pretrained word
    # that X lacks has count 0 and the largest idf.
    counts = dict.fromkeys(source.index_to_word_, 0)
    for doc in X:
        for token in doc.split():
            if token in counts:
                counts[token] += 1
    assert_array_equal(model.word_counts_, [counts[w] for w in model.index_to_word_])
    absent = [row for row, w in enumerate(model.index_to_word_) if counts[w] == 0]
    assert absent and np.all(model.idf_[absent] == model.idf_.max())
    # Words of X outside the pretrained vocabulary are unknown to transform.
    doc = "the whale zzyzx"
    expected = model.idf_[[model.vocabulary_["the"], model.vocabulary_["whale"]]]
    vectors = model.vectors_[[model.vocabulary_["the"], model.vocabulary_["whale"]]]
    assert_allclose(model.transform([doc])[0], expected @ vectors / expected.sum(),
                    rtol=1e-5)
    assert "zzyzx" not in model.vocabulary_


# The vectors of the sample corpus cover about 64% of the reviews' tokens: each fit with
# them warns so, rightly (text of another kind); the search is what this test is about.
@pytest.mark.filterwarnings("ignore::sklearn_w2v.LowCoverageWarning")
def test_grid_search_tunes_pooling_and_fine_tuning_epochs_over_pretrained_vectors(
        vector_file):
    train = load_rotten_tomatoes(subset="train")
    rows = np.random.default_rng(0).permutation(len(train.data))[:600]
    X, y = [train.data[i] for i in rows], np.asarray(train.target)[rows]
    pipe = Pipeline([("w2v", pretrained(init=vector_file, min_count=2)),
                     ("clf", LogisticRegression(max_iter=500))])
    search = GridSearchCV(pipe, {"w2v__pooling": ["mean", "tfidf", "sif"],
                                 "w2v__epochs": [0, 1]}, cv=2)
    search.fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    origins = {params["w2v__epochs"]: est for params, est in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"])}
    assert set(origins) == {0, 1}
    best = search.best_estimator_.named_steps["w2v"]
    expected = "pretrained" if best.epochs == 0 else "fine-tuned"
    assert best.fitted_parts_.origin == expected


def test_what_epochs_0_cannot_do_says_how(vector_file, texts):
    model = pretrained(init=vector_file, epochs=0).fit(texts[:300])
    with pytest.raises(ValueError, match="score needs output vectors.*epochs > 0"):
        model.score(texts[300:400])
    with pytest.raises(ValueError, match="input\\+output.*epochs > 0"):
        model.set_params(word_vectors="input+output").transform(texts[:2])
    with pytest.raises(ValueError, match="input\\+output.*epochs=0"):
        pretrained(init=vector_file, epochs=0, word_vectors="input+output").fit(texts[:300])
    with pytest.raises(ValueError, match="epochs=0.*init is None"):
        pretrained(epochs=0).fit(texts[:300])


# ----------------------------------------------------------------------- fine-tuning


def test_fine_tuning_keeps_absent_words_and_appends_new_ones(source, vector_file, texts,
                                                            training_starts):
    X = texts[2000:3000] + ["zzyzx quux " * 3] * 2
    model = pretrained(init=vector_file, epochs=2).fit(X)
    n_known = len(source.index_to_word_)
    assert model.fitted_parts_.origin == "fine-tuned"
    # Pretrained rows first, in the file's order; then X's new words by descending count.
    assert model.index_to_word_[:n_known] == source.index_to_word_
    new_words = model.index_to_word_[n_known:]
    assert {"zzyzx", "quux"} <= set(new_words)
    new_counts = model.word_counts_[n_known:]
    assert np.all(np.diff(new_counts) <= 0)
    x_counts = Counter(t for doc in X for t in doc.split())
    assert set(new_words) == {w for w, c in x_counts.items()
                              if c >= 3 and w not in source.vocabulary_}
    assert_array_equal(new_counts, [x_counts[w] for w in new_words])
    # Training started from the pretrained input vectors, word2vec.c's start for the new
    # rows (uniform in [-0.5/d, 0.5/d)) and zero output vectors.
    start = training_starts[0][0]
    assert_array_equal(start["input"][:n_known], source.vectors_)
    assert np.all(np.abs(start["input"][n_known:]) <= 0.5 / D)
    assert np.any(start["input"][n_known:] != 0)
    assert not start["output"].any()
    # Pretrained words that X does not contain were never trained: their input vectors
    # are exactly as given and their output vectors still zero.
    absent = [row for row, w in enumerate(source.index_to_word_) if w not in x_counts]
    # (A word seen once or twice may lose every context to subsampling.)
    present = [row for row, w in enumerate(source.index_to_word_) if x_counts[w] >= 3]
    assert absent and present
    assert_array_equal(model.vectors_[absent], source.vectors_[absent])
    assert not model.context_vectors_[absent].any()
    assert np.all(np.any(model.vectors_[present] != source.vectors_[present], axis=1))
    assert model.noise_distribution_[absent].sum() == 0  # never drawn as noise either
    # A fine-tuned model is a normal fitted model.
    assert np.isfinite(model.score(texts[:100]))
    assert len(model.most_similar("zzyzx", topn=3)) == 3
    # Held-out pairs with a context that fine-tuning never saw are skipped, not -inf:
    # the score equals that of a model whose softmax has only the trained outputs.
    trained = model.noise_distribution_ > 0
    assert not trained.all()


def test_fine_tuned_vectors_round_trip_through_a_file(vector_file, texts, tmp_path):
    model = pretrained(init=vector_file, epochs=1).fit(texts[2000:2600])
    path = tmp_path / "tuned.bin"
    model.save_word2vec_format(path, binary=True)
    words, vectors = load_word2vec_format(path, binary=True)
    assert words == model.index_to_word_
    assert_array_equal(vectors, model.vectors_)
    again = pretrained(init=path, epochs=0).fit(texts[:100])
    assert_array_equal(again.transform(texts[:20]), model.transform(texts[:20]))


def test_max_vocab_size_caps_the_rows_added_to_pretrained_ones(source, vector_file, texts):
    n_known = len(source.index_to_word_)
    model = pretrained(init=vector_file, epochs=1, max_vocab_size=n_known + 5).fit(
        texts[2000:3000])
    assert len(model.index_to_word_) == n_known + 5
    # Pretrained rows are never dropped, even below the cap.
    model = pretrained(init=vector_file, epochs=1, max_vocab_size=10).fit(texts[2000:3000])
    assert model.index_to_word_ == source.index_to_word_


# ------------------------------------------------------------------------- loaded models


def test_from_word2vec_format_is_a_pretrained_model_that_fits_like_one(vector_file, texts):
    loaded = Word2VecTransformer.from_word2vec_format(vector_file, pooling="sif")
    assert loaded.fitted_parts_.origin == "loaded"
    assert loaded.get_params()["init"] == vector_file and loaded.epochs == 0
    with pytest.raises(ValueError, match="pooling='sif' needs statistics.*fit\\(X\\)"):
        loaded.transform(texts[:2])
    with pytest.raises(ValueError, match="score needs output vectors.*loaded"):
        loaded.score(texts[:50])
    fitted = clone(loaded).fit(texts[:500])  # a grid search's clone
    assert fitted.fitted_parts_.origin == "pretrained"
    assert_array_equal(fitted.vectors_, loaded.vectors_)
    assert fitted.transform(texts[:3]).shape == (3, D)
    loaded.fit(texts[:500])
    assert_array_equal(loaded.transform(texts[:3]), fitted.transform(texts[:3]))


# ------------------------------------------------------------------ bad inputs, named


def write(tmp_path, name, content):
    path = tmp_path / name
    (gzip.open if name.endswith(".gz") else open)(path, "wb").write(content)
    return path


BAD_FILES = {
    # name: (content, what the message must say)
    "more_claimed.txt": (b"3 2\na 0.1 0.2\nb 0.3 0.4\n",
                         r"more_claimed.txt: line 4: unexpected end of file; the header "
                         r"declares 3 words but only 2"),
    "fewer_claimed.txt": (b"1 2\na 0.1 0.2\nb 0.3 0.4\n",
                          r"fewer_claimed.txt: line 3: the header declares 1 words but "
                          r"the file has more"),
    "empty.txt": (b"", r"empty.txt: line 1: file is empty"),
    "no_words.txt": (b"0 2\n", r"no_words.txt'? holds no vectors"),
    "dimension.txt": (b"2 3\na 0.1 0.2 0.3\nb 0.3 0.4 0.5\n",
                      r"dimension.txt'? holds vectors of dimension 3, but vector_size=2; "
                      r"set vector_size=3"),
    "lying.bin": (b"2 2\na " + np.float32([0.1, 0.2]).tobytes(),
                  r"lying.bin: byte offset \d+: unexpected end of file while reading "
                  r"word 2 of 2"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_a_bad_vector_file_names_itself_and_leaves_the_model_as_it_was(
        name, method, texts, tmp_path):
    content, message = BAD_FILES[name]
    path = write(tmp_path, name, content)
    model = pretrained(vector_size=2, epochs=1).fit(texts[:300])
    before = (dict(model.vocabulary_), model.vectors_.copy(), list(model.loss_curve_))
    model.set_params(init=path, epochs=0 if method == "fit" else 1)
    if method == "partial_fit":
        model = clone(model)  # an unfitted model's first call reads init
        before = None
    with pytest.raises(ValueError, match=message):
        getattr(model, method)(texts[300:400])
    if before is None:
        assert not hasattr(model, "vectors_")
    else:
        assert model.vocabulary_ == before[0]
        assert_array_equal(model.vectors_, before[1])
        assert model.loss_curve_ == before[2]


@pytest.mark.parametrize("init, message", [
    ((["a", "b"], np.zeros((3, D))), r"one vector per word.*2 rows; got shape \(3, 8\)"),
    ((["a", "a"], np.zeros((2, D))), r"'a' appears twice \(rows 0 and 1\)"),
    ((["a", 7], np.zeros((2, D))), r"words must be str, found 7"),
    ((["a", "b"], np.array([[0.0] * D, [np.nan] * D])), r"vector of 'b' \(row 1\) holds nan"),
    ((["a"], np.zeros((1, 3))), r"dimension 3, but vector_size=8; set vector_size=3"),
    ((["a", "b"],), r"\(words, vectors\) tuple, got a tuple of length 1"),
    (42, r"init must be None, the path of a word2vec file.*got int"),
])
def test_bad_vectors_in_memory_are_named(init, message, texts):
    model = pretrained(epochs=1).fit(texts[:200])
    vectors = model.vectors_.copy()
    with pytest.raises((ValueError, TypeError), match=message):
        model.set_params(init=init, epochs=0).fit(texts[:200])
    assert_array_equal(model.vectors_, vectors)


@pytest.mark.parametrize("init, message", [
    ((["a", "b"], np.zeros((3, D))), r"one vector per word.*2 rows; got shape \(3, 8\)"),
    ((["a", "b"], [[0.0, 1.0], [2.0]]), r"2-D array of numbers"),
    ((["a", "b"], np.zeros(2)), r"one vector per word"),
    ((["a", "b"],), r"\(words, vectors\) tuple, got a tuple of length 1"),
    (42, r"init must be None, the path of a word2vec file.*gensim model.*got int"),
    (SimpleNamespace(wv=42), r"init must be None.*got SimpleNamespace"),
])
def test_bad_init_is_named_when_vector_size_follows_it(init, message, texts):
    with pytest.raises((ValueError, TypeError), match=message):
        Word2VecTransformer(init=init, epochs=0).fit(texts[:20])


def test_a_missing_file_is_a_file_not_found_error(tmp_path, texts):
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        pretrained(init=tmp_path / "nowhere.txt", epochs=0).fit(texts[:10])
