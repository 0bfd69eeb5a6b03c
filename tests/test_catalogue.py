"""The catalogue of named word vectors, list_vectors, and zip archives as vector files.

The entries of gensim-data keep its names, sizes, record counts, licences and MD5
checksums as its ``list.json`` publishes them; the others say that no checksum is
published and are checked by size. Nothing here touches the network.
"""

import io
import re
import zipfile

import numpy as np
import pytest

from sklearn_w2v import load_word2vec_format
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v._vectors import CATALOGUE, CatalogueEntry
from sklearn_w2v.datasets import fetch_vectors, list_vectors

# name -> (file_size, num_records, checksum) as gensim-data's list.json publishes them.
GENSIM_DATA = {
    "glove-wiki-gigaword-50": (69182535, 400000, "c289bc5d7f2f02c6dc9f2f9b67641813"),
    "glove-wiki-gigaword-100": (134300434, 400000, "40ec481866001177b8cd4cb0df92924f"),
    "glove-wiki-gigaword-200": (264336934, 400000, "59652db361b7a87ee73834a6c391dfc1"),
    "glove-wiki-gigaword-300": (394362229, 400000, "29e9329ac2241937d55b852e8284e89b"),
    "glove-twitter-25": (109885004, 1193514, "50db0211d7e7a2dcd362c6b774762793"),
    "glove-twitter-50": (209216938, 1193514, "c168f18641f8c8a00fe30984c4799b2b"),
    "glove-twitter-100": (405932991, 1193514, "b04f7bed38756d64cf55b58ce7e97b15"),
    "glove-twitter-200": (795373100, 1193514, "e52e8392d1860b95d5308a525817d8f9"),
    "word2vec-google-news-300": (1743563840, 3000000, "a5e5354d40acb95f9ec66d5977d140ef"),
    "fasttext-wiki-news-subwords-300": (1005007116, 999999,
                                        "de2bb3a20c46ce65c9c131e1ad9a77af"),
    "conceptnet-numberbatch-17-06-300": (1225497562, 1917247,
                                         "fd642d457adcd0ea94da0cd21b150847"),
}


@pytest.mark.parametrize("name", sorted(GENSIM_DATA))
def test_gensim_data_entries_are_as_published(name):
    entry = CATALOGUE[name]
    assert (entry.file_size, entry.n_words, entry.md5) == GENSIM_DATA[name]
    assert entry.url == ("https://github.com/RaRe-Technologies/gensim-data/releases/"
                         f"download/{name}/{name}.gz")
    assert entry.file_name == f"{name}.gz"
    assert entry.dimension == int(name.rsplit("-", 1)[1])


def test_every_entry_is_checked_by_checksum_or_says_why_by_size():
    assert len(CATALOGUE) == 15
    for name, entry in CATALOGUE.items():
        assert entry.name == name
        assert entry.url.startswith("https://")
        assert entry.file_name.endswith((".gz", ".zip"))  # read by suffix
        assert entry.file_size > 0 and entry.n_words > 0 and entry.dimension > 0
        assert entry.licence and entry.source.startswith("http")
        if entry.md5 is None:
            assert entry.provenance.startswith("no checksum is published")
            assert f"{entry.file_size:,}" in entry.provenance
        else:
            assert re.fullmatch("[0-9a-f]{32}", entry.md5)


def test_list_vectors_shows_the_catalogue(tmp_path):
    rows = list_vectors(data_home=tmp_path)
    assert [row["name"] for row in rows] == list(CATALOGUE)
    row = rows[1]
    assert {key: row[key] for key in ("name", "dimension", "vocabulary", "size_on_disk",
                                      "licence", "source", "downloaded")} == {
        "name": "glove-wiki-gigaword-100", "dimension": 100, "vocabulary": 400000,
        "size_on_disk": 134300434, "licence": "http://opendatacommons.org/licenses/pddl/",
        "source": "https://nlp.stanford.edu/projects/glove/", "downloaded": False}
    pd = pytest.importorskip("pandas")
    frame = list_vectors(data_home=tmp_path, as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc["fasttext-crawl-300", "dimension"] == 300


def test_a_catalogue_is_injected_for_a_block_only():
    entry = CatalogueEntry("mine", "http://127.0.0.1:1/mine.gz", "mine.gz", 10, None, 1, 2,
                           "test", "http://127.0.0.1:1", "a test entry")
    with engine_hooks(vector_catalogue={"mine": entry}):
        assert [row["name"] for row in list_vectors()] == ["mine"]
    assert "mine" not in [row["name"] for row in list_vectors()]


def test_an_unknown_name_suggests_close_names():
    with pytest.raises(ValueError, match="Did you mean 'glove-wiki-gigaword-100'"):
        fetch_vectors("glove-wiki-gigaword-10", download_if_missing=False)


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


GLOVE = "the 0.1 0.2\ncat 1.0 0.5\ndog 0.0 1.0\n"


def test_a_zip_member_is_read_like_the_file(tmp_path):
    path = tmp_path / "glove.zip"
    path.write_bytes(_zip({"readme.md": "notes", "glove.6B.2d.txt": GLOVE}))
    words, vectors = load_word2vec_format(path)
    assert words == ["the", "cat", "dog"]
    np.testing.assert_array_equal(vectors, np.float32([[0.1, 0.2], [1.0, 0.5], [0.0, 1.0]]))
    words, _ = load_word2vec_format(path, restrict_to={"dog"})
    assert words == ["dog"]


def test_a_zip_of_several_vector_files_names_them(tmp_path):
    path = tmp_path / "glove.6B.zip"
    path.write_bytes(_zip({"glove.6B.50d.txt": GLOVE, "glove.6B.100d.txt": GLOVE}))
    with pytest.raises(ValueError, match=r"holds 2 files \('glove.6B.50d.txt', "
                                         r"'glove.6B.100d.txt'\)\. Extract"):
        load_word2vec_format(path)


def test_a_damaged_zip_raises_a_clear_error(tmp_path):
    data = _zip({"vectors.txt": GLOVE * 200})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match="cut.zip: cannot read it as a zip archive"):
        load_word2vec_format(cut)
    # A flipped byte in the member's data: inflating or the CRC-32 check fails.
    damaged = bytearray(data)
    damaged[60] ^= 0xFF
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="bad.zip"):
        load_word2vec_format(bad)
