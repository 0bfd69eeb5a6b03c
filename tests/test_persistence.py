"""Saving models without pickle: ``save`` / ``sklearn_w2v.load``, hostile files, skops.

A saved and loaded estimator must give the original's ``transform``, ``score`` and word
queries bit for bit, and go on training exactly as the original does. A crafted file (not
a zip, a document naming a class, oversized headers, shapes that lie, unknown keys, a
pickle inside an array entry) raises ValueError and runs nothing.
"""

import io
import json
import pickle
import warnings
import zipfile

import numpy as np
import pytest

import sklearn_w2v
from sklearn_w2v import (
    Doc2VecTransformer,
    InconsistentVersionWarning,
    VectorFile,
    Word2VecTransformer,
    save_word2vec_format,
)
from sklearn_w2v._estimators.persistence import SKOPS_TYPES
from sklearn_w2v.datasets import load_sample_corpus

TEXTS = load_sample_corpus(n_lines=600)
TRAIN, HELD_OUT = TEXTS[:500], TEXTS[500:]


def _w2v(**params):
    return Word2VecTransformer(**{"vector_size": 8, "min_count": 2, "epochs": 1,
                                  "n_jobs": 1, "random_state": 0, **params})


def _d2v(**params):
    return Doc2VecTransformer(**{"vector_size": 8, "min_count": 2, "epochs": 2,
                                 "n_jobs": 1, "random_state": 0, **params})


def _init_tuple():
    words = _w2v().fit(TRAIN).index_to_word_[:60]
    return (words, np.random.default_rng(3).standard_normal((60, 8)))


def _from_file(tmp_path):
    path = tmp_path / "vectors.txt"
    fitted = _w2v(min_count=1).fit(TRAIN)
    save_word2vec_format(path, fitted.index_to_word_, fitted.vectors_)
    return Word2VecTransformer.from_word2vec_format(str(path), limit=400, pooling="sum")


def _grown(tmp_path):
    model = _w2v(min_count=3)
    model.partial_fit(TRAIN[:250], grow_vocabulary=True)
    return model.partial_fit(TRAIN[250:], grow_vocabulary=True)


MODELS = {
    "skipgram-negative": lambda tmp: _w2v().fit(TRAIN),
    "cbow-hierarchical-sif": lambda tmp: _w2v(architecture="cbow", objective="hierarchical",
                                              pooling="sif").fit(TRAIN),
    "nce-tfidf-input+output-pandas": lambda tmp: _w2v(
        objective="nce", pooling="tfidf", word_vectors="input+output", normalize=True,
        dtype=np.float64).fit(TRAIN).set_output(transform="pandas"),
    "softmax-fine-tuned-random-state": lambda tmp: _w2v(
        objective="softmax", init=_init_tuple(), min_count=3,
        random_state=np.random.RandomState(5)).fit(TRAIN),
    "pretrained-vector-file": lambda tmp: _w2v(
        init=VectorFile(str(_write_vectors(tmp)), restrict_to=["the", "of", "and", "zz"]),
        epochs=0).fit(TRAIN),
    "loaded-from-word2vec-format": _from_file,
    "partial-fit-grown": _grown,
    "doc2vec-dbow": lambda tmp: _d2v().fit(TRAIN),
    "doc2vec-dm-hierarchical": lambda tmp: _d2v(architecture="dm", objective="hierarchical",
                                                random_state=np.random.RandomState(1),
                                                infer_epochs=3).fit(TRAIN),
    "doc2vec-dbow-words-softmax": lambda tmp: _d2v(dbow_words=True,
                                                   objective="softmax").fit(TRAIN),
}


def _write_vectors(tmp_path):
    path = tmp_path / "glove.txt.gz"
    words = ["the", "of", "and", "a", "to"]
    save_word2vec_format(path, words, np.arange(40, dtype=np.float32).reshape(5, 8) / 7)
    return path


def _fit_quietly(make, tmp_path):
    with warnings.catch_warnings():
        # Coverage warnings of the small pretrained files are not what is tested here.
        warnings.simplefilter("ignore", sklearn_w2v.LowCoverageWarning)
        return make(tmp_path)


def _saved_and_loaded(model, tmp_path):
    path = tmp_path / "model.skw2v"
    model.save(path)
    return sklearn_w2v.load(path)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and a.tobytes() == b.tobytes())
    if isinstance(a, np.random.RandomState):
        return all(_same(x, y) for x, y in zip(a.get_state(), b.get_state()))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__"):
        return type(a) is type(b) and all(_same(getattr(a, f), getattr(b, f))
                                          for f in a.__dataclass_fields__)
    return type(a) is type(b) and (a == b or (a != a and b != b))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_loaded_estimator_equals_the_saved_one_bit_for_bit(kind, tmp_path):
    model = _fit_quietly(MODELS[kind], tmp_path)
    loaded = _saved_and_loaded(model, tmp_path)
    assert type(loaded) is type(model)
    # What a model keeps for its session only (transform's coverage watch) is not saved:
    # the loaded model starts it over, as a copy or a pickle does.
    transient = set(getattr(model, "_transient_attributes", ()))
    original_state = {key: value for key, value in vars(model).items()
                      if key not in transient}
    loaded_state = vars(loaded)
    assert not transient & loaded_state.keys()
    assert original_state.keys() == loaded_state.keys()
    for name, value in original_state.items():
        if name == "init" and isinstance(value, tuple):  # stored as (list, array)
            assert list(value[0]) == loaded.init[0]
            np.testing.assert_array_equal(np.asarray(value[1]), loaded.init[1])
        else:
            assert _same(value, loaded_state[name]), name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sklearn_w2v.LowCoverageWarning)
        _assert_same_results(model, loaded)


def _assert_same_results(model, loaded):
    if isinstance(model, Doc2VecTransformer):
        assert model.transform(HELD_OUT).tobytes() == loaded.transform(HELD_OUT).tobytes()
        assert model.score(HELD_OUT) == loaded.score(HELD_OUT)
        return
    original, again = model.transform(HELD_OUT), loaded.transform(HELD_OUT)
    assert type(original) is type(again)
    assert np.asarray(original).tobytes() == np.asarray(again).tobytes()
    word = model.index_to_word_[-1]
    assert model.most_similar(word, topn=5) == loaded.most_similar(word, topn=5)
    assert model.get_feature_names_out().tolist() == loaded.get_feature_names_out().tolist()
    if model.fitted_parts_.output_vectors or model.fitted_parts_.node_vectors:
        assert model.score(HELD_OUT) == loaded.score(HELD_OUT)


@pytest.mark.parametrize("kind", ["skipgram-negative", "partial-fit-grown",
                                  "cbow-hierarchical-sif"])
def test_a_loaded_estimator_goes_on_training_as_the_saved_one(kind, tmp_path):
    model = _fit_quietly(MODELS[kind], tmp_path)
    loaded = _saved_and_loaded(model, tmp_path)
    grow = kind == "partial-fit-grown"
    model.partial_fit(HELD_OUT, grow_vocabulary=grow)
    loaded.partial_fit(HELD_OUT, grow_vocabulary=grow)
    assert model.index_to_word_ == loaded.index_to_word_
    assert model.vectors_.tobytes() == loaded.vectors_.tobytes()


def test_an_unfitted_estimator_round_trips(tmp_path):
    model = Word2VecTransformer(vector_size=12, window=3, temp_folder=tmp_path / "x")
    loaded = _saved_and_loaded(model, tmp_path)
    assert loaded.get_params() == model.get_params()
    assert not hasattr(loaded, "vectors_")


def test_save_replaces_the_file_whole(tmp_path):
    path = tmp_path / "model.skw2v"
    _w2v().fit(TRAIN).save(path)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        _w2v(tokenizer=str.split).fit(TRAIN).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.skw2v"]


def test_a_file_object_loads(tmp_path):
    model = _w2v().fit(TRAIN)
    model.save(tmp_path / "model.skw2v")
    loaded = sklearn_w2v.load(io.BytesIO((tmp_path / "model.skw2v").read_bytes()))
    assert loaded.vectors_.tobytes() == model.vectors_.tobytes()


@pytest.mark.parametrize("params, named", [
    ({"tokenizer": str.split}, "tokenizer="),
    ({"analyzer": str.split, "preprocessor": str.lower}, "preprocessor=.*analyzer=|"
                                                         "analyzer=.*preprocessor="),
    ({"epoch_callback": lambda *args: None}, "epoch_callback="),
])
def test_callables_are_refused_with_the_fix(params, named, tmp_path):
    model = _w2v(**params)
    with pytest.raises(ValueError, match=named) as caught:
        model.save(tmp_path / "model.skw2v")
    message = str(caught.value)
    assert "token_pattern" in message and "epoch_callback=None" in message
    assert "pickle" in message
    assert not (tmp_path / "model.skw2v").exists()


def test_a_keyed_vectors_init_is_refused_with_the_fix(tmp_path):
    class KeyedVectors:
        index_to_key = ["cat", "dog"]
        vectors = np.eye(2, 8)

    with pytest.raises(ValueError, match=r"init=\(kv.index_to_key, kv.vectors\)"):
        _w2v(init=KeyedVectors()).save(tmp_path / "model.skw2v")


def test_a_subclass_is_not_saved(tmp_path):
    class Mine(Word2VecTransformer):
        pass

    with pytest.raises(ValueError, match="package's own estimators"):
        Mine(vector_size=4).save(tmp_path / "model.skw2v")


# ----------------------------------------------------------------------- hostile files


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.skw2v"
    _w2v(objective="hierarchical").fit(TRAIN).save(path)
    return path


def _entries(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path, edit, compression=zipfile.ZIP_STORED):
    """Rewrite the file with ``edit(document, entries)`` applied."""
    entries = _entries(path)
    document = json.loads(entries.pop("model.json"))
    edit(document, entries)
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("model.json", json.dumps(document))
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _entry_of(document, attribute):
    return document["attributes"][attribute]["entry"]


class _Sentinel:
    """An object whose unpickling would create a file: proof that nothing ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _load_fails(path, match):
    with pytest.raises(ValueError, match=match):
        sklearn_w2v.load(path)


def test_not_a_model_file(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("2 2\ncat 1 0\ndog 0 1\n")
    _load_fails(path, "not a model file of sklearn-w2v")
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(_Sentinel(tmp_path / "ran")))
    _load_fails(pickled, "not a model file")
    assert not (tmp_path / "ran").exists()


def test_a_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[:len(data) // 2])
    _load_fails(saved, "not a model file")


@pytest.mark.parametrize("name", ["subprocess.Popen", "builtins.eval", "os.system",
                                  "KeyedVectorsMixin", ["Word2VecTransformer"]])
def test_a_document_naming_another_class_is_refused(saved, name, tmp_path):
    def edit(document, entries):
        document["estimator"] = name

    _rewrite(saved, edit)
    _load_fails(saved, "not one of the package's estimators")


def test_a_value_naming_a_class_is_refused(saved):
    def edit(document, entries):
        document["attributes"]["fitted_parts_"]["kind"] = "builtins.eval"

    _rewrite(saved, edit)
    _load_fails(saved, "the attribute fitted_parts_ is .*not a value of a model file")


def test_a_pickle_inside_an_array_entry_is_never_unpickled(saved, tmp_path):
    def edit(document, entries):
        buffer = io.BytesIO()
        np.save(buffer, np.array([_Sentinel(tmp_path / "ran")], dtype=object),
                allow_pickle=True)
        entries[_entry_of(document, "vectors_")] = buffer.getvalue()

    _rewrite(saved, edit)
    _load_fails(saved, r"holds an array .*dtype\('O'\).* but the document declares")
    assert not (tmp_path / "ran").exists()

    def declare_objects(document, entries):
        document["arrays"][_entry_of(document, "vectors_")]["dtype"] = "|O"

    _rewrite(saved, declare_objects)
    _load_fails(saved, "not a dtype of numbers")


def test_an_oversized_document_is_refused_before_it_is_read(saved):
    def edit(document, entries):
        document["parameters"]["token_pattern"] = "x" * (1 << 20)

    _rewrite(saved, edit)
    _load_fails(saved, "declares 1,0.* bytes, more than the 1,048,576")


def test_an_oversized_npy_header_is_refused(saved):
    def edit(document, entries):
        name = _entry_of(document, "vectors_")
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 8), " \
                 + " " * 20000 + "}\n"
        entries[name] = b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") \
            + header.encode("latin1")

    _rewrite(saved, edit)
    _load_fails(saved, "not a valid .npy array .*[Hh]eader")


def test_shapes_that_lie_are_refused_without_allocating(saved):
    def edit(document, entries):
        name = _entry_of(document, "vectors_")
        document["arrays"][name]["shape"] = [10 ** 9, 300]  # 1.2 TB declared
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f4", "fortran_order": False, "shape": (10 ** 9, 300)})
        entries[name] = header.getvalue() + entries[name][128:]

    _rewrite(saved, edit)
    _load_fails(saved, "holds [0-9,]+ bytes, but its header and shape make "
                       "1,200,000,000,128")


def test_a_header_that_contradicts_the_declaration_is_refused(saved):
    def edit(document, entries):
        document["arrays"][_entry_of(document, "vectors_")]["shape"] = [3, 8]

    _rewrite(saved, edit)
    _load_fails(saved, r"holds an array .* but the document declares shape \(3, 8\)")


def test_attributes_that_contradict_each_other_are_refused(saved):
    def edit(document, entries):
        for attribute in ("vectors_", "node_vectors_"):
            name = _entry_of(document, attribute)
            array = np.load(io.BytesIO(entries[name]))[:-1]
            buffer = io.BytesIO()
            np.save(buffer, array)
            entries[name] = buffer.getvalue()
            document["arrays"][name]["shape"] = list(array.shape)

    _rewrite(saved, edit)
    _load_fails(saved, "vectors_ must be [0-9]+ x 8 of float32")


@pytest.mark.parametrize("where", ["top", "parameters", "attributes", "fields", "kind"])
def test_unknown_keys_are_refused(saved, where):
    def edit(document, entries):
        if where == "top":
            document["evil"] = 1
        elif where == "parameters":
            document["parameters"]["evil"] = 1
        elif where == "attributes":
            document["attributes"]["evil_"] = 1
        elif where == "fields":
            document["attributes"]["fitted_parts_"]["fields"]["evil"] = True
        else:
            document["attributes"]["n_pairs_"] = {"kind": "float", "value": "nan", "x": 1}

    _rewrite(saved, edit)
    _load_fails(saved, "keys|no parameter|no fitted attribute|fields")


def test_entries_that_are_not_declared_or_are_compressed(saved, tmp_path):
    def add(document, entries):
        entries["arrays/999.npy"] = entries[_entry_of(document, "vectors_")]

    _rewrite(saved, add)
    _load_fails(saved, "entries and the declared arrays differ")
    other = tmp_path / "compressed.skw2v"
    _w2v().fit(TRAIN).save(other)
    _rewrite(other, lambda document, entries: None, compression=zipfile.ZIP_DEFLATED)
    _load_fails(other, "is compressed")


def test_invalid_json_duplicates_and_constants_are_refused(saved):
    entries = _entries(saved)
    text = entries.pop("model.json").decode()
    for bad in (text[:-1], text.replace('"vector_size": 8', '"vector_size": 8, '
                                        '"vector_size": 9', 1),
                text.replace('"window": 5', '"window": NaN', 1)):
        with zipfile.ZipFile(saved, "w") as archive:
            archive.writestr("model.json", bad)
            for name, data in entries.items():
                archive.writestr(name, data)
        _load_fails(saved, "not valid JSON")


def test_values_nested_without_end_are_refused(saved):
    def edit(document, entries):
        value = "x"
        for _ in range(300):
            value = {"kind": "list", "items": [value]}
        document["parameters"]["token_pattern"] = value

    _rewrite(saved, edit)
    _load_fails(saved, "nested deeper|not valid JSON|token_pattern. parameter")


def test_invalid_parameters_are_refused(saved):
    def edit(document, entries):
        document["parameters"]["vector_size"] = -3

    _rewrite(saved, edit)
    _load_fails(saved, "parameters are not valid.*vector_size")


def test_versions(saved):
    def older(document, entries):
        document["sklearn_w2v_version"] = "0.0.1"

    _rewrite(saved, older)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1"):
        sklearn_w2v.load(saved)

    def newer_format(document, entries):
        document["format_version"] = 2

    _rewrite(saved, newer_format)
    _load_fails(saved, "format version 2.*upgrade")


def test_words_that_are_not_utf8_are_refused(saved):
    def edit(document, entries):
        name = document["attributes"]["index_to_word_"]["bytes"]
        array = np.load(io.BytesIO(entries[name]))
        array[0] = 0xFF
        buffer = io.BytesIO()
        np.save(buffer, array)
        entries[name] = buffer.getvalue()

    _rewrite(saved, edit)
    _load_fails(saved, "not valid UTF-8")


# ------------------------------------------------------------------------------ pickle


def test_pickles_keep_the_fitted_structure(tmp_path):
    model = _w2v().fit(TRAIN)
    again = pickle.loads(pickle.dumps(model))
    assert again._structure == model._structure
    assert isinstance(again._structure["dtype"], np.dtype)
    assert again.transform(TRAIN).tobytes() == model.transform(TRAIN).tobytes()


# ------------------------------------------------------------------------------- skops


@pytest.mark.parametrize("kind", ["cbow-hierarchical-sif", "softmax-fine-tuned-random-state",
                                  "doc2vec-dm-hierarchical", "pretrained-vector-file"])
def test_skops_round_trip_lists_only_the_package_types(kind, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    model = _fit_quietly(MODELS[kind], tmp_path)
    data = skops_io.dumps(model)
    untrusted = skops_io.get_untrusted_types(data=data)
    assert untrusted and set(untrusted) <= set(SKOPS_TYPES) | {"builtins.frozenset"}
    assert all(name.startswith("sklearn_w2v.") for name in untrusted
               if name != "builtins.frozenset")
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        skops_io.loads(data)
    loaded = skops_io.loads(data, trusted=untrusted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sklearn_w2v.LowCoverageWarning)
        _assert_same_results(model, loaded)
