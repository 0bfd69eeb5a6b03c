"""Corpora larger than memory: read_lines, the encoded corpus in files (out_of_core=True),
its folder's life cycle, and training from it in one and in two processes."""

import bz2
import glob
import gzip
import lzma
import os
import pickle
import tempfile

import numpy as np
import pytest
from conftest import stop_at
from numpy.testing import assert_array_equal

from sklearn_w2v import Word2VecTransformer, read_lines
from sklearn_w2v._text.analyzer import build_analyzer, iter_token_lists
from sklearn_w2v._text.corpus_folder import (
    CORPUS_FOLDER_PREFIX,
    MappedCorpus,
    encode_to_folder,
    remap_in_folder,
)
from sklearn_w2v._text.encoded_corpus import count_and_encode, remap_corpus
from sklearn_w2v._text.vocabulary import build_vocabulary
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v.datasets import load_sample_corpus, sample_corpus_path


@pytest.fixture(scope="module")
def texts():
    return load_sample_corpus(n_lines=3000)


def model(**params):
    return Word2VecTransformer(**{"vector_size": 8, "min_count": 2, "epochs": 1,
                                  "random_state": 0, **params})


def corpus_folders(root=None):
    root = tempfile.gettempdir() if root is None else root
    return glob.glob(os.path.join(root, f"{CORPUS_FOLDER_PREFIX}{os.getpid()}_*"))


# -------------------------------------------------------------------------- read_lines


@pytest.mark.parametrize("suffix, opener", [(".txt", open), (".txt.gz", gzip.open),
                                            (".txt.bz2", bz2.open), (".txt.xz", lzma.open)])
def test_read_lines_reads_every_format_lazily_and_again(suffix, opener, tmp_path):
    path = tmp_path / f"corpus{suffix}"
    with opener(path, "wb") as f:
        f.write("the whale\r\nand the sea\n\nvoil\u00e0 fin".encode("utf-8"))
    lines = read_lines(path)
    assert list(lines) == ["the whale", "and the sea", "", "voil\u00e0 fin"]
    assert list(lines) == list(lines)  # iterable again: each iteration reads the file
    assert "corpus" in repr(lines)


def test_read_lines_names_the_file_and_line_it_cannot_decode(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(ValueError, match=r"latin1.txt: line 2: cannot decode with utf-8"):
        list(read_lines(path))
    assert list(read_lines(path, errors="replace"))[1] == "caf\ufffd"
    assert list(read_lines(path, encoding="latin-1"))[1] == "caf\u00e9"
    with pytest.raises(LookupError):
        read_lines(path, encoding="no-such-codec")


def test_fit_on_read_lines_equals_fit_on_the_list(tmp_path, texts):
    path = tmp_path / "corpus.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("\n".join(texts[:800]) + "\n")
    from_file = model().fit(read_lines(path))
    from_list = model().fit(texts[:800])
    assert from_file.vocabulary_ == from_list.vocabulary_
    assert_array_equal(from_file.vectors_, from_list.vectors_)


def test_the_sample_corpus_path_reads_like_load_sample_corpus():
    first = next(iter(read_lines(sample_corpus_path())))
    assert first == load_sample_corpus(n_lines=1)[0]


# ----------------------------------------------------------------------- the stored corpus


def encoded_in_both_ways(token_lists, folder, chunk_tokens):
    in_memory = count_and_encode(token_lists)
    on_disk = encode_to_folder(token_lists, folder, chunk_tokens=chunk_tokens)
    return in_memory, on_disk


def test_the_files_hold_the_same_corpus_as_memory(tmp_path):
    # Small chunks, 66,000 distinct words (ids past 16 bits are escaped), empty documents.
    chunk_tokens = 1000
    rng = np.random.default_rng(0)
    tokens = [f"w{i}" for i in rng.permutation(66_000)]
    tokens += [f"w{i}" for i in rng.integers(0, 50, size=20_000)]
    rng.shuffle(tokens)
    cuts = np.cumsum(rng.integers(0, 60, size=len(tokens) // 20))
    cuts = np.concatenate([[0], cuts[cuts < len(tokens)], [len(tokens)]])
    docs = [tokens[a:b] for a, b in zip(cuts[:-1], cuts[1:])]  # some empty
    assert any(not doc for doc in docs)
    (words, counts, memory), (words2, counts2, disk) = encoded_in_both_ways(
        docs, tmp_path, chunk_tokens)
    assert words == words2 and np.array_equal(counts, counts2)
    assert isinstance(disk, MappedCorpus) and disk._escaped_ids.size > 0
    assert_array_equal(disk.ids, memory.ids)
    assert_array_equal(disk.doc_offsets, memory.doc_offsets)
    assert disk.id_bounds(chunk_tokens=chunk_tokens) == memory.id_bounds()
    assert_array_equal(disk.document_slice(3, 9).ids, memory.document_slice(3, 9).ids)
    # Remapped to vocabulary ids, chunk by chunk into new files.
    _, _, old_to_new = build_vocabulary(words, counts, min_count=2)
    remapped = remap_in_folder(disk, old_to_new, str(tmp_path), chunk_tokens=chunk_tokens)
    expected = remap_corpus(memory, old_to_new)
    assert_array_equal(remapped.ids, expected.ids)
    assert_array_equal(remapped.doc_offsets, expected.doc_offsets)
    assert not os.path.exists(tmp_path / "ids.u2")  # the provisional files are gone


def test_a_mapped_corpus_pickles_as_its_file_names(tmp_path):
    docs = [["a", "b", "c"] * 1000] * 40
    _, _, disk = encode_to_folder(docs, str(tmp_path))
    data = pickle.dumps(disk)
    assert len(data) < 1000 < disk.nbytes
    restored = pickle.loads(data)
    assert_array_equal(restored.ids, disk.ids)
    part = pickle.loads(pickle.dumps(disk.document_slice(10, 12)))
    assert_array_equal(part.ids, disk.document_slice(10, 12).ids)


# ---------------------------------------------------------------------- out-of-core fit


def test_the_files_of_texts_written_in_many_chunks_hold_what_a_fit_keeps_in_memory(
        texts, tmp_path):
    """What fit reads from the files, written and remapped in many chunks, is what it
    keeps in memory (the fit below writes these texts in one chunk)."""
    token_lists = list(iter_token_lists(texts, build_analyzer()))
    words, counts, memory = count_and_encode(token_lists)
    words2, counts2, disk = encode_to_folder(token_lists, str(tmp_path), chunk_tokens=5000)
    assert words == words2 and np.array_equal(counts, counts2)
    _, _, old_to_new = build_vocabulary(words, counts, min_count=2)
    remapped = remap_in_folder(disk, old_to_new, str(tmp_path), chunk_tokens=5000)
    expected = remap_corpus(memory, old_to_new, in_place=True)
    assert expected.n_tokens > 5 * 5000  # many chunks
    assert_array_equal(remapped.ids, expected.ids)
    assert_array_equal(remapped.doc_offsets, expected.doc_offsets)


@pytest.mark.parametrize("pooling", ["mean", "tfidf", "sif"])
def test_out_of_core_fit_equals_the_in_memory_fit(pooling, texts):
    disk = model(out_of_core=True, pooling=pooling, epochs=2)
    X_disk = disk.fit_transform(texts)
    memory = model(pooling=pooling, epochs=2)
    X_memory = memory.fit_transform(texts)
    assert disk.vocabulary_ == memory.vocabulary_
    assert_array_equal(disk.vectors_, memory.vectors_)
    assert_array_equal(X_disk, X_memory)
    assert not corpus_folders()


def test_the_folder_goes_where_asked_and_is_removed_after_fit(texts, tmp_path):
    seen = []

    def on_event(name, details):
        if name == "vocabulary":  # the corpus is written, the vocabulary not yet chosen
            folder = details["store"].folder
            seen.append((folder, sorted(os.listdir(folder))))

    with engine_hooks(on_event=on_event):
        model(out_of_core=True, temp_folder=tmp_path).fit(texts[:500])
    folder, files = seen[0]
    assert os.path.dirname(folder) == str(tmp_path)
    assert "ids.u2" in files
    assert not os.path.exists(folder) and not corpus_folders(tmp_path)


# The points of a fit right after the corpus is written, remapped, trained on and pooled:
# the folder holds files by then.
@pytest.mark.parametrize("stage", ["vocabulary", "statistics", "extras", "assemble"])
@pytest.mark.parametrize("error", [KeyboardInterrupt, ValueError])
def test_the_folder_is_removed_on_errors_and_the_model_kept(stage, error, texts, tmp_path):
    fitted = model(out_of_core=True, temp_folder=tmp_path, pooling="sif").fit(texts[:300])
    vectors = fitted.vectors_.copy()
    with stop_at(stage, error), pytest.raises(error):
        fitted.fit(texts[300:900])
    assert not corpus_folders(tmp_path)
    assert_array_equal(fitted.vectors_, vectors)


def test_a_missing_temp_folder_is_named(texts, tmp_path):
    with pytest.raises(ValueError, match="temp_folder=.*nowhere.*not an existing folder"):
        model(out_of_core=True, temp_folder=tmp_path / "nowhere").fit(texts[:50])


def test_two_processes_train_from_the_files(texts, many_blocks):
    """Workers map the corpus files themselves: the shared folder gets the vectors, not
    a copy of the corpus."""
    shared = []

    def on_event(name, details):
        if name == "shared":
            folder = details["folder"]
            shared.extend(os.path.getsize(os.path.join(folder, name))
                          for name in os.listdir(folder) if name.endswith(".npy"))

    with engine_hooks(on_event=on_event):
        model(n_jobs=2, epochs=1).fit(texts)
        # In memory, the corpus's 2-byte ids are copied into the shared folder (.npy) ...
        ids_file = 2 * model().fit(texts).corpus_word_count_ + 128
        assert ids_file in shared
        shared.clear()
        two = model(out_of_core=True, n_jobs=2, epochs=2).fit(texts)
    # ... from files, only the vectors and the noise table are.
    assert len(shared) == 3 and ids_file not in shared
    one = model(out_of_core=True, n_jobs=1, epochs=2).fit(texts)
    assert two.n_pairs_ == one.n_pairs_
    words = [w for w in ("god", "king", "man", "day", "water", "land") if w in one.vocabulary_]
    sims_one = [one.similarity(a, b) for a in words for b in words if a < b]
    sims_two = [two.similarity(a, b) for a in words for b in words if a < b]
    assert np.corrcoef(sims_one, sims_two)[0, 1] > 0.9
    assert not corpus_folders()
