from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)

from sklearn_w2v._features.document_terms import (
    _sorted_pair_keys,
    document_term_matrix,
    inverse_document_frequency,
)
from sklearn_w2v._features.pooling import (
    POOLING_METHODS,
    _sif_vectors,
    fit_sif_component,
    fit_sif_component_from_corpus,
    pool_documents,
    sif_weights,
)
from sklearn_w2v._text.encoded_corpus import EncodedCorpus

N_WORDS = 7
D = 5

# Repeated tokens, an empty document (also at the start and the end), a one-token document,
# and a word (6) that occurs nowhere.
DOCS = [[], [0, 1, 1, 2], [3], [], [2, 2, 2, 0, 5], [4, 1, 0, 3, 3], []]


def make_corpus(docs):
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    ids = np.array([w for d in docs for w in d], dtype=np.int32)
    return EncodedCorpus(ids=ids, doc_offsets=offsets)


@pytest.fixture
def corpus():
    return make_corpus(DOCS)


@pytest.fixture
def embedding():
    # Mixed signs, and an all-negative row so max pooling must not start from zero.
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(N_WORDS, D))
    emb[3] = -np.abs(emb[3]) - 1.0
    return emb


# --- plain per-document reference implementations -------------------------------------------


def ref_idf(docs, n_words):
    n_docs = len(docs)
    df = np.array([sum(w in d for d in docs) for w in range(n_words)], dtype=float)
    return np.log((1 + n_docs) / (1 + df)) + 1


def ref_pool(docs, emb, pooling, idf=None, weights=None, component=None):
    out = np.zeros((len(docs), emb.shape[1]))
    for i, doc in enumerate(docs):
        if not doc:
            continue
        vecs = np.array([emb[w] for w in doc])
        if pooling == "mean":
            out[i] = vecs.mean(axis=0)
        elif pooling == "sum":
            out[i] = vecs.sum(axis=0)
        elif pooling == "max":
            out[i] = vecs.max(axis=0)
        elif pooling == "tfidf":
            w = np.array([idf[t] for t in doc])  # one entry per token = tf * idf per word
            out[i] = (w[:, None] * vecs).sum(axis=0) / w.sum()
        elif pooling == "sif":
            w = np.array([weights[t] for t in doc])
            x = (w[:, None] * vecs).sum(axis=0) / len(doc)
            if component is not None:
                x = x - (x @ component) * component
            out[i] = x
    return out


# --- document-term matrix and weights ---------------------------------------------------------


def test_document_term_matrix(corpus):
    X = document_term_matrix(corpus, N_WORDS)
    assert sp.issparse(X) and X.format == "csr"
    assert X.shape == (len(DOCS), N_WORDS)
    assert X.dtype == np.float64
    expected = np.zeros((len(DOCS), N_WORDS))
    for i, doc in enumerate(DOCS):
        for w in doc:
            expected[i, w] += 1
    assert_array_equal(X.toarray(), expected)
    assert X.has_canonical_format


def test_corpus_not_modified(corpus, embedding):
    ids, offsets = corpus.ids.copy(), corpus.doc_offsets.copy()
    inverse_document_frequency(corpus, N_WORDS)
    for pooling in POOLING_METHODS:
        pool_documents(
            corpus, embedding, pooling, idf=np.ones(N_WORDS), sif_weights=np.ones(N_WORDS)
        )
    assert_array_equal(corpus.ids, ids)
    assert_array_equal(corpus.doc_offsets, offsets)


def test_document_term_matrix_rejects_out_of_range_ids(corpus):
    with pytest.raises(ValueError, match="ids"):
        document_term_matrix(corpus, 5)


def test_idf_matches_reference_and_sklearn(corpus):
    idf = inverse_document_frequency(corpus, N_WORDS)
    assert idf.dtype == np.float64 and idf.shape == (N_WORDS,)
    assert_allclose(idf, ref_idf(DOCS, N_WORDS))

    vocabulary = {w: w for w in range(N_WORDS)}
    # Integer "tokens" as their own vocabulary; lowercase=False because sklearn would
    # otherwise try to check the (int) vocabulary terms for upper case.
    params = {"analyzer": lambda doc: doc, "vocabulary": vocabulary, "lowercase": False}
    tfidf = TfidfVectorizer(**params).fit(DOCS)
    assert_allclose(idf, tfidf.idf_)
    counts = CountVectorizer(**params).fit_transform(DOCS)
    assert_allclose(idf, TfidfTransformer().fit(counts).idf_)


def test_sif_weights_formula():
    counts = np.array([10, 0, 5, 85])
    for alpha in (1e-3, 0.1):
        p = counts / counts.sum()
        assert_allclose(sif_weights(counts, alpha=alpha), alpha / (alpha + p))
    assert_allclose(sif_weights(counts)[1], 1.0)
    assert_allclose(sif_weights(np.zeros(3)), np.ones(3))
    with pytest.raises(ValueError, match="alpha"):
        sif_weights(counts, alpha=0)
    with pytest.raises(ValueError, match="non-negative"):
        sif_weights([1, -1])


# --- pooling ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pooling", ["mean", "sum", "max"])
def test_simple_pooling_matches_reference(corpus, embedding, pooling):
    out = pool_documents(corpus, embedding, pooling)
    assert out.shape == (len(DOCS), D)
    assert_allclose(out, ref_pool(DOCS, embedding, pooling), atol=1e-12)


def test_max_pooling_with_negative_values(corpus, embedding):
    out = pool_documents(corpus, embedding, "max")
    # Document 2 is the single all-negative word 3: a zero-initialised max would give 0.
    assert np.all(out[2] < 0)
    assert_array_equal(out[2], embedding[3])
    assert_array_equal(out[5], embedding[[4, 1, 0, 3, 3]].max(axis=0))


def test_max_pooling_in_blocks(corpus, embedding):
    expected = pool_documents(corpus, embedding, "max")
    # A budget of one vector per block: each token is a block, so documents span blocks.
    assert_array_equal(pool_documents(corpus, embedding, "max", max_block_bytes=1), expected)


@pytest.mark.parametrize("block_tokens", [1, 2, 3, 7, 64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pooling_is_the_same_for_any_block_size(block_tokens, dtype):
    # Random documents of 0 to 20 tokens, so that blocks of a few tokens start and end in
    # the middle of documents, next to empty ones, and span several documents.
    rng = np.random.default_rng(block_tokens)
    docs = [list(rng.integers(0, N_WORDS, rng.integers(0, 21))) for _ in range(60)]
    docs[0], docs[-1] = [], []
    corpus = make_corpus(docs)
    embedding = rng.normal(size=(N_WORDS, D)).astype(dtype)
    expected = ref_pool(docs, embedding, "max").astype(dtype)
    out = pool_documents(corpus, embedding, "max",
                         max_block_bytes=block_tokens * D * np.dtype(dtype).itemsize)
    assert out.dtype == dtype
    assert_array_equal(out, expected)


def test_max_pooling_one_huge_document_uses_bounded_memory():
    import tracemalloc

    # 2M tokens of 16-dim float64 vectors: gathered at once they would take 256 MB.
    rng = np.random.default_rng(0)
    n_words, d, n_tokens = 1000, 16, 2_000_000
    ids = rng.integers(0, n_words, n_tokens, dtype=np.int32)
    corpus = EncodedCorpus(ids=ids, doc_offsets=np.array([0, 0, n_tokens, n_tokens]))
    embedding = rng.normal(size=(n_words, d))
    tracemalloc.start()
    try:
        out = pool_documents(corpus, embedding, "max")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert_array_equal(out[1], embedding[np.unique(ids)].max(axis=0))
    assert_array_equal(out[[0, 2]], 0)


def test_tfidf_pooling_matches_reference(corpus, embedding):
    idf = inverse_document_frequency(corpus, N_WORDS)
    out = pool_documents(corpus, embedding, "tfidf", idf=idf)
    assert_allclose(out, ref_pool(DOCS, embedding, "tfidf", idf=idf), atol=1e-12)


def test_sif_pooling_matches_reference(corpus, embedding):
    counts = np.bincount(corpus.ids, minlength=N_WORDS)
    w = sif_weights(counts, alpha=0.05)
    out = pool_documents(corpus, embedding, "sif", sif_weights=w)
    assert_allclose(out, ref_pool(DOCS, embedding, "sif", weights=w), atol=1e-12)

    c = fit_sif_component(out)
    removed = pool_documents(corpus, embedding, "sif", sif_weights=w, sif_component=c)
    assert_allclose(
        removed, ref_pool(DOCS, embedding, "sif", weights=w, component=c), atol=1e-12
    )


def test_sif_component_removal_gives_orthogonal_vectors():
    rng = np.random.default_rng(1)
    n_words, d = 50, 8
    # A shared offset gives the documents a clear common direction, as word vectors do.
    emb = rng.normal(size=(n_words, d)) + 3.0 * rng.normal(size=d)
    docs = [list(rng.integers(0, n_words, size=rng.integers(0, 12))) for _ in range(40)]
    docs[3] = []
    corpus = make_corpus(docs)
    w = sif_weights(np.bincount(corpus.ids, minlength=n_words))
    X = pool_documents(corpus, emb, "sif", sif_weights=w)
    c = fit_sif_component(X)
    assert_allclose(np.linalg.norm(c), 1.0)

    removed = pool_documents(corpus, emb, "sif", sif_weights=w, sif_component=c)
    assert np.abs(removed @ c).max() < 1e-10
    assert np.abs(X @ c).max() > 0.1  # the removal did something
    assert_array_equal(removed[3], 0)
    # A non-unit component is normalised first.
    assert_allclose(
        pool_documents(corpus, emb, "sif", sif_weights=w, sif_component=5 * c), removed
    )


def test_fit_sif_component():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 4))
    X[[0, 7]] = 0
    c = fit_sif_component(X)
    nonzero = X[np.any(X != 0, axis=1)]
    _, _, vt = np.linalg.svd(nonzero, full_matrices=False)  # uncentred, zero rows excluded
    assert_allclose(np.abs(c @ vt[0]), 1.0)
    # Deterministic sign: the largest-magnitude entry is positive, also for -X.
    assert c[np.argmax(np.abs(c))] > 0
    assert_allclose(fit_sif_component(-X), c)
    # Not centred: the component of an offset cloud follows the offset.
    offset = np.array([0.0, 0.0, 10.0, 0.0])
    c_off = fit_sif_component(rng.normal(size=(100, 4)) + offset)
    assert c_off[2] > 0.99
    assert fit_sif_component(X.astype(np.float32)).dtype == np.float32


def test_fit_sif_component_all_empty():
    c = fit_sif_component(np.zeros((3, 4)))
    assert_array_equal(c, np.zeros(4))


@pytest.mark.parametrize("pooling", POOLING_METHODS)
def test_empty_documents_give_zero_rows(corpus, embedding, pooling):
    idf = inverse_document_frequency(corpus, N_WORDS)
    w = sif_weights(np.bincount(corpus.ids, minlength=N_WORDS))
    kwargs = {"idf": idf, "sif_weights": w}
    with np.errstate(all="raise"):
        out = pool_documents(corpus, embedding, pooling, **kwargs)
        normed = pool_documents(corpus, embedding, pooling, normalize=True, **kwargs)
    for i in (0, 3, 6):
        assert_array_equal(out[i], 0)
        assert_array_equal(normed[i], 0)
    assert np.all(np.isfinite(out))


def test_all_documents_empty(embedding):
    corpus = make_corpus([[], []])
    for pooling in POOLING_METHODS:
        out = pool_documents(
            corpus, embedding, pooling, idf=np.ones(N_WORDS), sif_weights=np.ones(N_WORDS)
        )
        assert_array_equal(out, np.zeros((2, D)))


@pytest.mark.parametrize("pooling", POOLING_METHODS)
def test_normalize(corpus, embedding, pooling):
    kwargs = {
        "idf": inverse_document_frequency(corpus, N_WORDS),
        "sif_weights": sif_weights(np.bincount(corpus.ids, minlength=N_WORDS)),
    }
    raw = pool_documents(corpus, embedding, pooling, **kwargs)
    out = pool_documents(corpus, embedding, pooling, normalize=True, **kwargs)
    nonempty = np.array([len(d) > 0 for d in DOCS])
    assert_allclose(np.linalg.norm(out[nonempty], axis=1), 1.0)
    assert_allclose(out[nonempty], raw[nonempty] / np.linalg.norm(raw[nonempty], axis=1)[:, None])
    assert_array_equal(out[~nonempty], 0)


@pytest.mark.parametrize("pooling", POOLING_METHODS)
@pytest.mark.parametrize("normalize", [False, True])
def test_dtype_preserved(corpus, embedding, pooling, normalize):
    emb32 = embedding.astype(np.float32)
    kwargs = {
        "idf": inverse_document_frequency(corpus, N_WORDS),
        "sif_weights": sif_weights(np.bincount(corpus.ids, minlength=N_WORDS)),
        "sif_component": np.ones(D) / np.sqrt(D),
    }
    out32 = pool_documents(corpus, emb32, pooling, normalize=normalize, **kwargs)
    out64 = pool_documents(corpus, embedding, pooling, normalize=normalize, **kwargs)
    assert out32.dtype == np.float32
    assert out64.dtype == np.float64
    assert_allclose(out32, out64, rtol=1e-5, atol=1e-5)


def test_missing_inputs_raise(corpus, embedding):
    with pytest.raises(ValueError, match="needs idf"):
        pool_documents(corpus, embedding, "tfidf")
    with pytest.raises(ValueError, match="needs sif_weights"):
        pool_documents(corpus, embedding, "sif")
    with pytest.raises(ValueError, match="idf must have shape"):
        pool_documents(corpus, embedding, "tfidf", idf=np.ones(3))
    with pytest.raises(ValueError, match="pooling must be one of"):
        pool_documents(corpus, embedding, "median")


def test_random_corpus_matches_reference():
    rng = np.random.default_rng(3)
    n_words, d = 30, 6
    emb = rng.normal(size=(n_words, d))
    docs = [list(rng.integers(0, n_words, size=rng.integers(0, 9))) for _ in range(60)]
    corpus = make_corpus(docs)
    idf = inverse_document_frequency(corpus, n_words)
    w = sif_weights(np.bincount(corpus.ids, minlength=n_words), alpha=0.01)
    assert_allclose(idf, ref_idf(docs, n_words))
    for pooling in POOLING_METHODS:
        out = pool_documents(corpus, emb, pooling, idf=idf, sif_weights=w)
        expected = ref_pool(docs, emb, pooling, idf=idf, weights=w)
        assert_allclose(out, expected, atol=1e-12, err_msg=pooling)


def test_sif_component_from_corpus_equals_the_whole_matrix_version():
    from sklearn_w2v._features.document_terms import _document_chunks

    rng = np.random.default_rng(5)
    lengths = rng.integers(0, 12, size=300)
    ids = rng.integers(0, 40, size=lengths.sum()).astype(np.int32)
    corpus = EncodedCorpus(ids=ids, doc_offsets=np.concatenate([[0], np.cumsum(lengths)]))
    embedding = rng.standard_normal((40, 6))
    weights = sif_weights(rng.integers(1, 50, size=40))
    whole = fit_sif_component(pool_documents(corpus, embedding, "sif", sif_weights=weights))
    chunked_docs = list(_document_chunks(corpus.doc_offsets, max_tokens=50))
    assert len(chunked_docs) > 10  # the chunking is really exercised below
    chunked = fit_sif_component_from_corpus(corpus, embedding, weights, chunk_tokens=50)
    idf_chunked = inverse_document_frequency(corpus, 40, chunk_tokens=50)
    np.testing.assert_allclose(chunked, whole, atol=1e-10)
    np.testing.assert_allclose(idf_chunked, inverse_document_frequency(corpus, 40))


def test_idf_and_sif_component_of_a_corpus_with_ids_above_16_bits():
    """Ids stored escaped (>= 65535) are read back by the chunked idf / SIF fitting."""
    rng = np.random.default_rng(7)
    n_words = 65_600
    docs = [list(rng.integers(65_500, n_words, size=rng.integers(0, 10))) for _ in range(400)]
    corpus = make_corpus(docs)
    assert corpus._escaped_ids.size > 0
    df = Counter(w for doc in docs for w in set(doc))
    df = np.array([df[w] for w in range(n_words)], dtype=float)
    expected_idf = np.log((1 + len(docs)) / (1 + df)) + 1
    assert_allclose(inverse_document_frequency(corpus, n_words), expected_idf)
    embedding = rng.standard_normal((n_words, 4))
    weights = sif_weights(rng.integers(1, 50, size=n_words))
    whole = fit_sif_component(pool_documents(corpus, embedding, "sif", sif_weights=weights))
    chunked = fit_sif_component_from_corpus(corpus, embedding, weights)
    np.testing.assert_allclose(chunked, whole, atol=1e-10)
    with pytest.raises(ValueError, match="must lie in"):
        inverse_document_frequency(corpus, n_words - 1)


def random_corpus(rng, n_docs, n_words, max_length=12):
    docs = [list(rng.integers(0, n_words, size=rng.integers(0, max_length)))
            for _ in range(n_docs)]
    return docs, make_corpus(docs)


def test_document_term_matrix_in_chunks_equals_summed_duplicates():
    rng = np.random.default_rng(11)
    docs, corpus = random_corpus(rng, 200, 25)
    docs[7:10] = [[], [], []]  # empty documents inside a chunk
    corpus = make_corpus(docs)
    # copy=True: sum_duplicates rewrites indptr in place, which is the corpus's offsets.
    reference = sp.csr_matrix(
        (np.ones(corpus.n_tokens), corpus.ids, corpus.doc_offsets), shape=(200, 25), copy=True)
    reference.sum_duplicates()
    X = document_term_matrix(corpus, 25, chunk_tokens=5)
    for name in ("data", "indices", "indptr"):
        assert getattr(X, name).dtype == getattr(reference, name).dtype, name
        assert_array_equal(getattr(X, name), getattr(reference, name), err_msg=name)
    assert X.has_canonical_format


def test_document_term_matrix_and_idf_of_a_corpus_without_documents():
    empty = EncodedCorpus(ids=np.zeros(0, dtype=np.int32), doc_offsets=[0])
    X = document_term_matrix(empty, 4)
    assert X.shape == (0, 4) and X.nnz == 0
    assert_array_equal(inverse_document_frequency(empty, 4), np.ones(4))


def test_idf_and_document_term_matrix_when_pair_keys_need_64_bits():
    """2**20 words and thousands of documents per chunk do not fit (doc, word) in 32 bits."""
    rng = np.random.default_rng(12)
    n_words = 2**20
    docs, corpus = random_corpus(rng, 5000, n_words, max_length=4)
    docs[0] = [n_words - 1, n_words - 1, 3]  # the largest id, repeated
    corpus = make_corpus(docs)
    keys, _ = _sorted_pair_keys(corpus.ids, corpus.doc_offsets, n_words)
    assert keys.dtype == np.uint64
    df = Counter(w for doc in docs for w in set(doc))
    df = np.array([df[w] for w in range(n_words)], dtype=float)
    expected_idf = np.log((1 + len(docs)) / (1 + df)) + 1
    assert_allclose(inverse_document_frequency(corpus, n_words), expected_idf)
    X = document_term_matrix(corpus, n_words)
    assert X[0, n_words - 1] == 2 and X[0, 3] == 1
    assert_array_equal(np.asarray(X.sum(axis=1)).ravel(), [len(doc) for doc in docs])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sif_vectors_of_a_chunk_are_bit_identical_to_pool_documents(dtype):
    """fit_sif_component_from_corpus pools exactly as transform's pool_documents does."""
    rng = np.random.default_rng(13)
    docs, corpus = random_corpus(rng, 300, 50, max_length=30)
    embedding = rng.standard_normal((50, 8)).astype(dtype)
    weights = sif_weights(rng.integers(1, 100, size=50))
    expected = pool_documents(corpus, embedding, "sif", sif_weights=weights)
    pooled = _sif_vectors(corpus.ids, corpus.doc_offsets, embedding, weights)
    assert pooled.dtype == np.float64
    assert_array_equal(pooled, expected.astype(np.float64))


def test_sif_component_from_corpus_does_not_depend_on_blas_threads():
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(14)
    docs, corpus = random_corpus(rng, 1000, 200)
    # d = 100: OpenBLAS splits this (d, d) product differently over two threads, which
    # would change the last bits of the component if fitting were not pinned to one
    # thread.
    embedding = rng.standard_normal((200, 100))
    weights = sif_weights(rng.integers(1, 100, size=200))
    components = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            components.append(fit_sif_component_from_corpus(corpus, embedding, weights))
    assert_array_equal(components[0], components[1])


def test_sif_component_from_corpus_checks_its_inputs(corpus, embedding):
    weights = np.ones(N_WORDS)
    with pytest.raises(ValueError, match="embedding must be 2-D"):
        fit_sif_component_from_corpus(corpus, embedding[0], weights)
    with pytest.raises(ValueError, match=r"sif_weights must have shape \(7,\)"):
        fit_sif_component_from_corpus(corpus, embedding, weights[:-1])
    with pytest.raises(ValueError, match="must lie in"):
        fit_sif_component_from_corpus(corpus, embedding[:-2], weights[:-2])


def test_corpus_like_object_with_ids_and_offsets_gives_the_same_results():
    from types import SimpleNamespace

    rng = np.random.default_rng(15)
    docs, corpus = random_corpus(rng, 100, 20)
    plain = SimpleNamespace(ids=corpus.ids.astype(np.int64),
                            doc_offsets=corpus.doc_offsets.astype(np.int64))
    embedding = rng.standard_normal((20, 4))
    weights = sif_weights(rng.integers(1, 50, size=20))
    small = {"chunk_tokens": 30}
    assert_array_equal(inverse_document_frequency(plain, 20, **small),
                       inverse_document_frequency(corpus, 20, **small))
    assert_array_equal(document_term_matrix(plain, 20, **small).toarray(),
                       document_term_matrix(corpus, 20, **small).toarray())
    assert_array_equal(fit_sif_component_from_corpus(plain, embedding, weights, **small),
                       fit_sif_component_from_corpus(corpus, embedding, weights, **small))
