"""Vectors by name: downloads from a local HTTP server on 127.0.0.1, never the internet.

A server in a thread serves small vector files under catalogue-shaped entries (injected
with ``engine_hooks(vector_catalogue=...)``): a good one, one whose checksum is wrong, one
cut short, one that stalls, a 404, one cut short once and then resumable. Every request is
recorded, so a test can check what was asked (a range to resume from) and that a second
call asks nothing.
"""

import hashlib
import http.server
import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
import zipfile

import numpy as np
import pytest

from sklearn_w2v import (
    Doc2VecTransformer,
    LowCoverageWarning,
    VectorFile,
    Word2VecTransformer,
    load_word2vec_format,
    save_word2vec_format,
)
from sklearn_w2v._utils import engine_hooks
from sklearn_w2v._vectors import CatalogueEntry
from sklearn_w2v._vectors.pretrained import file_reads
from sklearn_w2v.datasets import fetch_vectors, list_vectors

# Seconds the stalling handler waits before it gives up by itself (well above the
# client's timeout in the tests, so the client times out first).
STALL_SECONDS = 1.5

WORDS = ["the", "cat", "sat", "on", "mat", "dog", "log"]


class _Server:
    """The files, how each path behaves, and the log of requests (path, Range header)."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()

    def requests_for(self, path):
        with self.lock:
            return [r for p, r in self.requests if p == path]


def _handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with state.lock:
                state.requests.append((self.path, self.headers.get("Range")))
                count = sum(1 for p, _ in state.requests if p == self.path)
            behaviour, data = state.routes.get(self.path, ("missing", b""))
            if behaviour == "missing":
                self.send_error(404, "Not Found")
            elif behaviour == "short" or (behaviour == "flaky" and count == 1):
                self._send(data, 200, len(data), data[:len(data) // 2])
            elif behaviour == "stall":
                self._send(data, 200, len(data), data[:10])
                time.sleep(STALL_SECONDS)
            else:
                self._send_ranged(data)

        def _send_ranged(self, data):
            ranged = self.headers.get("Range")
            start = int(ranged[len("bytes="):-1]) if ranged else 0
            if start >= len(data) and ranged:
                self.send_error(416, "Range Not Satisfiable")
                return
            self._send(data, 206 if ranged else 200, len(data) - start, data[start:])

        def _send(self, data, status, length, body):
            self.send_response(status)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

    return Handler


@pytest.fixture
def server():
    state = _Server()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    httpd.shutdown()
    httpd.server_close()


def _vector_file(tmp_path, name, n_extra=0, dimension=4, seed=0):
    """Bytes of a gzip-compressed word2vec text file, its words and vectors."""
    rng = np.random.default_rng(seed)
    words = WORDS + [f"w{i}" for i in range(n_extra)]
    vectors = rng.standard_normal((len(words), dimension)).astype(np.float32)
    path = tmp_path / name
    save_word2vec_format(path, words, vectors)
    return path.read_bytes(), words, vectors


def _entry(server, name, data, behaviour, *, file_name=None, md5="right", size=None):
    file_name = file_name or f"{name}.gz"
    server.routes[f"/{file_name}"] = (behaviour, data)
    checksum = hashlib.md5(data).hexdigest() if md5 == "right" else md5
    return CatalogueEntry(name, f"{server.url}/{file_name}", file_name,
                          len(data) if size is None else size, checksum, 7, 4, "test",
                          server.url, "test vectors")


@pytest.fixture
def catalogue(server, tmp_path):
    data, words, vectors = _vector_file(tmp_path, "source.txt.gz")
    entries = [
        _entry(server, "test-good-4", data, "good"),
        _entry(server, "test-bad-checksum", data, "good", md5="0" * 32),
        _entry(server, "test-short", data, "short"),
        _entry(server, "test-stall", data, "stall"),
        _entry(server, "test-missing", data, "missing"),
        _entry(server, "test-flaky", data, "flaky"),
    ]
    server.words, server.vectors, server.data = words, vectors, data
    return {entry.name: entry for entry in entries}


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """scikit-learn's data folder, through its environment variable."""
    home = tmp_path / "scikit_learn_data"
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(home))
    return home


def _folder(data_home):
    return data_home / "sklearn_w2v" / "vectors"


def test_fetch_downloads_verifies_and_a_second_call_makes_no_request(server, catalogue,
                                                                     data_home):
    with engine_hooks(vector_catalogue=catalogue):
        path = fetch_vectors("test-good-4")
        assert path == _folder(data_home) / "test-good-4.gz"
        assert path.read_bytes() == server.data
        assert sorted(os.listdir(path.parent)) == ["test-good-4.gz"]  # no partial left
        assert fetch_vectors("test-good-4") == path
        assert fetch_vectors("test-good-4", download_if_missing=False) == path
        assert list_vectors()[0]["downloaded"]
    assert len(server.requests_for("/test-good-4.gz")) == 1


def test_data_home_argument_and_download_if_missing(server, catalogue, tmp_path):
    with engine_hooks(vector_catalogue=catalogue):
        with pytest.raises(OSError, match="download_if_missing=False"):
            fetch_vectors("test-good-4", data_home=tmp_path / "elsewhere",
                          download_if_missing=False)
        assert server.requests == []
        path = fetch_vectors("test-good-4", data_home=tmp_path / "elsewhere")
    assert path.parent == tmp_path / "elsewhere" / "sklearn_w2v" / "vectors"


def test_init_by_name_downloads_once_and_reads_once_per_process(server, catalogue,
                                                                data_home):
    docs = ["the cat sat on the mat", "the dog sat on the log"]
    with engine_hooks(vector_catalogue=catalogue):
        reads = file_reads()
        model = Word2VecTransformer(init="test-good-4", vector_size=4, epochs=0).fit(docs)
        again = Word2VecTransformer(init="test-good-4", vector_size=4, epochs=0).fit(docs)
        doc2vec = Doc2VecTransformer(init="test-good-4", vector_size=4, epochs=1,
                                     min_count=1, n_jobs=1, random_state=0).fit(docs)
        with pytest.warns(LowCoverageWarning):  # 4 of the 12 tokens have a vector
            restricted = Word2VecTransformer(
                init=VectorFile("test-good-4", restrict_to=["dog", "cat", "zebra"]),
                vector_size=4, epochs=0).fit(docs)
        limited = Word2VecTransformer(init=VectorFile("test-good-4", limit=2),
                                      vector_size=4, epochs=0).fit(["the cat"])
    assert model.index_to_word_ == server.words
    np.testing.assert_array_equal(model.vectors_, server.vectors)
    assert again.vectors_ is model.vectors_  # the one cached read-only matrix
    assert file_reads() - reads == 3  # the plain file, restricted, limited
    assert doc2vec.index_to_word_[:len(WORDS)] == server.words
    assert restricted.index_to_word_ == ["cat", "dog"]
    assert limited.index_to_word_ == ["the", "cat"]
    assert len(server.requests_for("/test-good-4.gz")) == 1


def test_wrong_checksum_deletes_the_file_and_names_expected_and_found(server, catalogue,
                                                                     data_home):
    found = hashlib.md5(server.data).hexdigest()
    with engine_hooks(vector_catalogue=catalogue):
        with pytest.raises(OSError, match=f"MD5 checksum {found}.*expects {'0' * 32}"):
            fetch_vectors("test-bad-checksum", delay=0)
    assert os.listdir(_folder(data_home)) == []
    assert len(server.requests_for("/test-bad-checksum.gz")) == 1


def test_a_download_cut_short_is_retried_and_never_used(server, catalogue, data_home):
    with engine_hooks(vector_catalogue=catalogue):
        with pytest.raises(OSError, match=r"failed 3 times.*closed after \d+ of \d+ bytes"):
            fetch_vectors("test-short", n_retries=2, delay=0)
        assert len(server.requests_for("/test-short.gz")) == 3
        assert not (_folder(data_home) / "test-short.gz").exists()
        # init does not read the partial file: it asks the server again (and fails again).
        with pytest.raises(OSError, match="test-short"):
            Word2VecTransformer(init="test-short", vector_size=4, epochs=0).fit(["the cat"])
    assert len(server.requests_for("/test-short.gz")) > 3


def test_a_stalled_server_times_out(server, catalogue, data_home):
    started = time.monotonic()
    with engine_hooks(vector_catalogue=catalogue):
        with pytest.raises(OSError, match="failed 2 times.*timed out"):
            fetch_vectors("test-stall", n_retries=1, delay=0, timeout=0.2)
    assert time.monotonic() - started < 2 * STALL_SECONDS
    assert len(server.requests_for("/test-stall.gz")) == 2
    assert not (_folder(data_home) / "test-stall.gz").exists()


def test_a_404_is_reported_at_once(server, catalogue, data_home):
    with engine_hooks(vector_catalogue=catalogue):
        with pytest.raises(OSError, match="HTTP 404"):
            fetch_vectors("test-missing", n_retries=3, delay=0)
    assert len(server.requests_for("/test-missing.gz")) == 1


def test_a_retry_resumes_where_the_connection_closed(server, catalogue, data_home):
    with engine_hooks(vector_catalogue=catalogue):
        path = fetch_vectors("test-flaky", delay=0)
    assert path.read_bytes() == server.data
    ranges = server.requests_for("/test-flaky.gz")
    assert ranges == [None, f"bytes={len(server.data) // 2}-"]


@pytest.fixture
def big_entry(server, tmp_path):
    """A file of several read chunks (1 MiB each), uncompressed."""
    data, _, _ = _vector_file(tmp_path, "big.txt", n_extra=12000, dimension=16, seed=1)
    assert len(data) > 2 * (1 << 20)
    server.data = data
    return {"test-big": _entry(server, "test-big", data, "good", file_name="test-big.txt")}


def _interrupt_after_first_chunk(name, details):
    if name == "download":
        raise KeyboardInterrupt


def test_an_interrupted_download_resumes_and_its_partial_file_is_never_read(
        server, big_entry, data_home):
    folder = _folder(data_home)
    with engine_hooks(vector_catalogue=big_entry, on_event=_interrupt_after_first_chunk):
        with pytest.raises(KeyboardInterrupt):
            fetch_vectors("test-big")
    partial = folder / f".test-big.txt.{os.getpid()}.part"
    assert os.listdir(folder) == [partial.name]
    assert partial.stat().st_size == 1 << 20
    with engine_hooks(vector_catalogue=big_entry):
        path = fetch_vectors("test-big")
    assert path.read_bytes() == server.data
    assert server.requests_for("/test-big.txt") == [None, f"bytes={1 << 20}-"]
    assert os.listdir(folder) == ["test-big.txt"]


def test_the_partial_file_of_a_process_that_is_gone_is_resumed(server, big_entry,
                                                               data_home):
    folder = _folder(data_home)
    folder.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(gone.stdout)
    (folder / f".test-big.txt.{pid}.part").write_bytes(server.data[:5000])
    with engine_hooks(vector_catalogue=big_entry):
        path = fetch_vectors("test-big")
    assert path.read_bytes() == server.data
    assert server.requests_for("/test-big.txt") == ["bytes=5000-"]
    assert os.listdir(folder) == ["test-big.txt"]


def test_a_resumed_file_that_does_not_verify_is_downloaded_again_from_the_start(
        server, catalogue, data_home):
    folder = _folder(data_home)
    folder.mkdir(parents=True)
    (folder / f".test-good-4.gz.{os.getpid()}.part").write_bytes(b"x" * 50)  # not ours
    with engine_hooks(vector_catalogue=catalogue):
        path = fetch_vectors("test-good-4", delay=0)
    assert path.read_bytes() == server.data
    assert server.requests_for("/test-good-4.gz") == ["bytes=50-", None]


def test_a_live_download_of_another_process_is_waited_for(server, catalogue, data_home):
    folder = _folder(data_home)
    folder.mkdir(parents=True)
    partial = folder / f".test-good-4.gz.{os.getppid()}.part"
    partial.write_bytes(server.data[:10])

    def finish():
        time.sleep(0.3)
        (folder / "test-good-4.gz").write_bytes(server.data)
        partial.unlink()

    finisher = threading.Thread(target=finish)
    finisher.start()
    with engine_hooks(vector_catalogue=catalogue):
        path = fetch_vectors("test-good-4", timeout=5)
    finisher.join()
    assert path.read_bytes() == server.data
    assert server.requests == []


def test_progress_is_logged_without_a_terminal(server, big_entry, data_home, caplog):
    with caplog.at_level(logging.INFO, logger="sklearn_w2v"):
        with engine_hooks(vector_catalogue=big_entry, progress_interval=0.0):
            fetch_vectors("test-big")
    messages = [record.getMessage() for record in caplog.records]
    assert any("test-big: downloading test-big.txt" in m for m in messages)
    assert any(re.fullmatch(r"test-big: 1\.0 MB of 2\.\d MB \(4\d%\)", m) for m in messages)
    assert any("downloaded and verified" in m for m in messages)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_on_a_terminal(server, big_entry, data_home, monkeypatch):
    pytest.importorskip("tqdm")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with engine_hooks(vector_catalogue=big_entry):
        fetch_vectors("test-big")
    assert "test-big:   0%|" in terminal.getvalue()  # tqdm's bar, of the file's size
    assert "/2.07M" in terminal.getvalue()


def test_a_zip_archive_checked_by_size_is_read_member_by_member(server, tmp_path,
                                                                data_home):
    # GloVe's form: a text file without header, the only member of a zip archive.
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((len(WORDS), 3)).astype(np.float32)
    text = "".join(f"{w} {' '.join(map(repr, v.tolist()))}\n" for w, v in zip(WORDS, vectors))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("glove.test.3d.txt", text)
    data = buffer.getvalue()
    entries = {"test-zip": _entry(server, "test-zip", data, "good",
                                  file_name="glove.test.3d.zip", md5=None)}
    with engine_hooks(vector_catalogue=entries):
        model = Word2VecTransformer(init="test-zip", vector_size=3, epochs=0).fit(["cat"])
    assert model.index_to_word_ == WORDS
    np.testing.assert_array_equal(model.vectors_, vectors)
    # Checked by size where there is no checksum: a wrong size is refused.
    entries = {"test-zip": _entry(server, "test-zip", data, "good",
                                  file_name="other.zip", md5=None, size=len(data) + 1)}
    with engine_hooks(vector_catalogue=entries):
        with pytest.raises(OSError, match=f"has {len(data):,} bytes, but the catalogue "
                                          f"expects {len(data) + 1:,}"):
            fetch_vectors("test-zip", delay=0)


def test_a_file_of_that_name_wins_and_a_misspelt_name_is_named(server, catalogue,
                                                               data_home, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_word2vec_format("test-good-4", ["cat", "dog"], np.ones((2, 4), np.float32))
    with engine_hooks(vector_catalogue=catalogue):
        model = Word2VecTransformer(init="test-good-4", vector_size=4, epochs=0).fit(["cat"])
        assert model.index_to_word_ == ["cat", "dog"]
        with pytest.raises(FileNotFoundError, match="did you mean 'test-good-4'"):
            Word2VecTransformer(init="test-god-4", vector_size=4, epochs=0).fit(["cat"])
        with pytest.raises(ValueError, match="Did you mean 'test-good-4'.*list_vectors"):
            fetch_vectors("test-god-4")
    assert server.requests == []


@pytest.mark.parametrize("option, value", [("n_retries", -1), ("delay", -1.0),
                                           ("timeout", 0), ("n_retries", 1.5)])
def test_fetch_options_are_checked(option, value):
    with pytest.raises(ValueError, match=option):
        fetch_vectors("glove-wiki-gigaword-100", **{option: value})


def test_the_downloaded_file_is_what_the_readers_read(server, catalogue, data_home):
    with engine_hooks(vector_catalogue=catalogue):
        words, vectors = load_word2vec_format(fetch_vectors("test-good-4"))
    assert words == server.words
    np.testing.assert_array_equal(vectors, server.vectors)
