"""Honest coverage (issue 16): the share of the tokens of X that have a vector is recorded,
and one warning names the fix when it is low, case mismatches included. Warnings that mean
something (issue 29): transform judges windows of at least 1,000 tokens over its calls and
warns once per cause and fitted model, so predicting one short review at a time is silent
while vectors of another case, tokenizer or language still warn."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_w2v import Word2VecTransformer, save_word2vec_format
from sklearn_w2v._text.coverage import (
    JUDGED_TOKENS,
    Coverage,
    CoverageWatch,
    LowCoverageWarning,
    _encode_counting,
    coverage_of_counts,
    encode_with_coverage,
    fit_coverage,
    transform_corpus,
)
from sklearn_w2v.datasets import load_rotten_tomatoes

# Review sentences in French, written for this test: text of another language than the
# English reviews the models below are fitted on.
FRENCH = """Ce film est une belle surprise, même si le scénario reste un peu prévisible.
Les acteurs jouent avec une sincérité touchante et la mise en scène ne cherche jamais à impressionner.
On sort de la salle avec le sourire, sans pouvoir dire exactement pourquoi.
Le réalisateur prend son temps, peut-être trop, et la deuxième moitié du récit s'essouffle.
La musique accompagne les images sans les écraser, ce qui est rare aujourd'hui.
Malgré quelques longueurs, c'est une œuvre généreuse qui mérite d'être vue en famille.
Un navet prétentieux : les dialogues sonnent faux et personne ne semble croire à cette histoire.
La photographie est superbe, mais elle ne suffit pas à sauver un film aussi vide.
Les enfants riront sans doute, les parents regarderont leur montre.
Une comédie légère, drôle et bien rythmée, portée par une actrice principale épatante.
Il faut saluer le courage du cinéaste, qui ose un sujet difficile sans tomber dans le pathos.
Le montage nerveux donne au film une énergie qui manque à beaucoup de productions récentes.
On regrette que les personnages secondaires soient si peu développés.
Voilà un thriller efficace, qui tient en haleine jusqu'à la dernière minute.
Trop long, trop bavard, et finalement assez ennuyeux malgré un début prometteur.""".splitlines()

# The model of the reviews: default min_count (its vocabulary is what coverage depends on),
# few dimensions and one epoch to keep the module fast.
REVIEWS_MODEL = dict(vector_size=16, epochs=1, random_state=0)

CASED = ["the", "Paris", "London", "city", "is", "a", "big", "NATO", "of"]
LOWER = ["the", "paris", "london", "city", "is", "a", "big", "nato", "of"]


def _file(tmp_path, words, name):
    path = tmp_path / name
    rng = np.random.default_rng(0)
    save_word2vec_format(path, words, rng.standard_normal((len(words), 4)))
    return path


def _low_coverage_warnings(record):
    return [w for w in record if issubclass(w.category, LowCoverageWarning)]


@pytest.fixture(scope="module")
def reviews():
    """``(train texts, train labels, test texts)`` of Rotten Tomatoes."""
    X, y = load_rotten_tomatoes(subset="train", return_X_y=True)
    return X, y, load_rotten_tomatoes(subset="test").data


@pytest.fixture(scope="module")
def reviews_vectors(reviews, tmp_path_factory):
    """The word2vec file of a model fitted on the training reviews."""
    path = tmp_path_factory.mktemp("reviews") / "reviews.txt"
    Word2VecTransformer(**REVIEWS_MODEL).fit(reviews[0]).save_word2vec_format(path)
    return path


def _one_at_a_time(model, documents):
    """Transform each document alone, as a service does; the LowCoverageWarnings raised."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for document in documents:
            model.transform([document])
    return _low_coverage_warnings(record)


def test_coverage_of_counts_counts_tokens_types_and_case_variants():
    vocabulary = {word: row for row, word in enumerate(CASED)}
    coverage = coverage_of_counts(["the", "paris", "nato", "zzz", "city", "big,", "(city)"],
                                  [10, 4, 2, 3, 1, 2, 1], vocabulary)
    assert coverage == Coverage(n_tokens=23, n_tokens_covered=11, n_types=7,
                                n_types_covered=2, n_tokens_case_variant=6,
                                case_hint="vectors are cased",
                                examples=("paris", "zzz", "nato", "big,", "(city)"),
                                n_tokens_punctuation=3)
    assert coverage.token_share == pytest.approx(11 / 23)
    assert coverage.type_share == pytest.approx(2 / 7)
    lowercase = coverage_of_counts(["Paris", "the"], [3, 1], set(LOWER))
    assert lowercase.case_hint == "vectors are lowercase"
    assert lowercase.n_tokens_case_variant == 3


def test_transform_with_cased_vectors_and_a_lowercasing_analyzer_warns_once(tmp_path):
    # Rows of zeros, and one warning that says why and what to change.
    model = Word2VecTransformer.from_word2vec_format(_file(tmp_path, CASED, "cased.txt"))
    documents = ["Paris London " * 20, "London " * 20] * 20  # 1,200 tokens: one window
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        X = model.transform(documents)
    assert not X.any()  # still zeros, as documented
    (warning,) = _low_coverage_warnings(record)
    message = str(warning.message)
    assert "cover 0.0% of the tokens of X (0 of 1,200; 0 of 2 distinct words)" in message
    assert "the vectors are cased but the analyzer lowercases: set lowercase=False" in message
    # Once per cause: the same mistake again is not repeated, call after call.
    assert not _one_at_a_time(model, documents)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fixed = Word2VecTransformer.from_word2vec_format(
            _file(tmp_path, CASED, "cased2.txt"), lowercase=False)
        assert fixed.transform(documents).any()


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


def test_predicting_single_short_reviews_through_the_fitted_pipeline_is_silent(reviews):
    """Issue 29: a pipeline fitted on the training reviews warned at predict on short test
    reviews (a 3-word review of rare names has no known word); judged over windows of
    1,000 tokens, the test reviews are what they are: text like the training text."""
    X, y, test = reviews
    pipe = make_pipeline(Word2VecTransformer(**REVIEWS_MODEL),
                         LogisticRegression(max_iter=1000)).fit(X, y)
    model = pipe[0]
    lengths = [len(model._build_analyzer()(text)) for text in test[:250]]
    assert min(lengths) <= 3 and sum(lengths) > 4 * JUDGED_TOKENS  # several windows judged
    with warnings.catch_warnings():
        warnings.simplefilter("error", LowCoverageWarning)
        for text in test[:250]:
            assert pipe.predict([text]).shape == (1,)
    # The model's vocabulary misses some words of the test reviews: judged one at a time
    # (as before), some of them warned.
    alone = [encode_with_coverage([model._build_analyzer()(text)], model.vocabulary_)[1]
             for text in test[:250]]
    assert sum(coverage.token_share < 0.7 for coverage in alone) >= 10


def test_text_of_another_language_warns_once_per_model(reviews, reviews_vectors):
    X, _, _ = reviews
    model = Word2VecTransformer(**REVIEWS_MODEL).fit(X)
    documents = FRENCH * 6  # about 1,200 tokens
    (warning,) = _one_at_a_time(model, documents)
    message = str(warning.message)
    assert message.startswith("The vectors of this model cover ")
    assert "of the tokens of the documents of the last " in message
    assert "The model was fitted on other text (another language" in message
    assert "lower min_count (now 5)" in message
    assert not _one_at_a_time(model, documents)  # once per cause
    # The same vectors as pretrained ones: the message names init, and a refit (a new
    # fitted model) judges again.
    loaded = Word2VecTransformer.from_word2vec_format(reviews_vectors)
    with pytest.warns(LowCoverageWarning, match=r"^The vectors of init='.*reviews\.txt' "
                                                r"cover \d+\.\d% of the tokens of X"):
        loaded.transform(documents)
    model.fit(X)
    assert len(_one_at_a_time(model, documents)) == 1


def test_cased_vectors_with_lowercase_text_warn_once_about_case(reviews, tmp_path):
    """Vectors of capitalised words (a cased corpus) against the lowercasing analyzer, one
    review at a time: one warning that names lowercase=False."""
    X, _, test = reviews
    cased = Word2VecTransformer(**REVIEWS_MODEL, lowercase=False).fit(
        [text.title() for text in X])
    cased.save_word2vec_format(tmp_path / "cased.txt")
    model = Word2VecTransformer.from_word2vec_format(tmp_path / "cased.txt")
    (warning,) = _one_at_a_time(model, test[:100])
    assert "the vectors are cased but the analyzer lowercases: set lowercase=False" in str(
        warning.message)
    fixed = Word2VecTransformer.from_word2vec_format(tmp_path / "cased.txt", lowercase=False)
    assert not _one_at_a_time(fixed, [text.title() for text in test[:100]])


def test_an_analyzer_that_keeps_punctuation_warns_about_it(reviews, reviews_vectors):
    _, _, test = reviews
    model = Word2VecTransformer.from_word2vec_format(
        reviews_vectors, analyzer=lambda text: text.lower().split())
    with pytest.warns(LowCoverageWarning, match=r"would have one without their leading or "
                                                r"trailing punctuation") as record:
        model.transform(test)
    assert "film." in str(record[0].message) or "it." in str(record[0].message)
    default = Word2VecTransformer.from_word2vec_format(reviews_vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LowCoverageWarning)
        default.transform(test)


def test_transform_does_not_repeat_what_fit_warned_about(tmp_path):
    path = _file(tmp_path, LOWER, "v.txt")
    documents = ["the zorblax of quuxes blorp", "London is a city"] * 100  # 6 of 9 known
    with pytest.warns(LowCoverageWarning, match="fine-tune them on X"):
        model = Word2VecTransformer(init=path, epochs=0, min_count=1).fit(documents)
    assert model._coverage_watch.warned == {"low"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", LowCoverageWarning)
        model.transform(documents)
    # Training continued from the model warns about nothing at fit: transform judges.
    assert Word2VecTransformer(min_count=1, epochs=1, sample=0).fit(
        documents)._coverage_watch.warned == set()


def test_the_watch_judges_windows_of_calls_and_starts_over_when_pickled():
    vocabulary = {"a": 0, "b": 1}
    watch = CoverageWatch(min_tokens=10)
    judged = []

    def judge(window, warned):
        judged.append((window.n_tokens, window.n_tokens_covered, window.n_calls,
                       sorted(window.missing), warned))
        return {"low"}

    for tokens in (["a", "x", "x"], ["y"], ["b", "a", "x", "z", "z", "z"], ["a"]):
        _, counts = _encode_counting([tokens], vocabulary)
        watch.add(counts, judge)
    assert judged == [(10, 3, 3, ["x", "y", "z"], frozenset())]
    assert watch.n_pending_tokens == 1 and watch.warned == {"low"}
    copy = pickle.loads(pickle.dumps(watch))
    assert copy.min_tokens == 10 and copy.warned == set() and copy.n_pending_tokens == 0


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
                                  init=None, lowercase=True,
                                  watch=CoverageWatch(min_tokens=4))
    assert corpus.ids.tolist() == [0] and corpus.doc_offsets.tolist() == [0, 1, 1]
    with pytest.warns(LowCoverageWarning, match=r"^The vectors of init \(a \(words, "
                                                r"vectors\) tuple\) cover 25\.0%"):
        transform_corpus(iter(token_lists), vocabulary, pretrained=True, init=init,
                         lowercase=True, watch=CoverageWatch(min_tokens=4))
    # Without a watch, the documents are judged alone: 4 tokens say nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("error", LowCoverageWarning)
        transform_corpus(iter(token_lists), vocabulary, pretrained=False, init=None,
                         lowercase=True)
