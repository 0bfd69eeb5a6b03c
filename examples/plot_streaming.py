"""Streaming a corpus larger than memory

A corpus need not fit in memory to train word vectors on it. Three tools:

* :func:`~sklearn_w2v.read_lines` reads a text file lazily, one document per line
  (``.gz``, ``.bz2`` and ``.xz`` files decompressed on the fly); it can be iterated again
  for each pass.
* ``partial_fit(chunk, grow_vocabulary=True)`` trains one pass over each chunk of a
  stream that arrives in pieces; the vocabulary grows as new frequent words appear.
* ``fit(..., out_of_core=True)`` reads the documents once, writes the corpus encoded as
  word ids (2 bytes a word) to a temporary folder, and streams every epoch from there; the
  folder is removed when ``fit`` returns. The model is the one an in-memory fit gives.

The corpus is the compressed sample corpus shipped with the package (4.7 million words);
the same code runs unchanged on a file far larger than memory.

Run it with ``python examples/plot_streaming.py`` (the whole file, about a minute on 2
cores) or add ``--quick`` (its first 40,000 lines, about 15 seconds; the gallery page
shows a quick run).
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="Stream a corpus from a file.")
parser.add_argument("--quick", action="store_true", help="the first lines only")
QUICK = parser.parse_known_args()[0].quick
n_lines, chunk_lines = (40_000, 5_000) if QUICK else (None, 20_000)

# %%
# Read a file lazily
# ------------------
import itertools

from sklearn_w2v import read_lines
from sklearn_w2v.datasets import sample_corpus_path

path = sample_corpus_path()
lines = read_lines(path)  # nothing is read yet
print(path.name, f"{path.stat().st_size / 2**20:.1f} MiB compressed; first line:",
      next(iter(lines))[:70], "...")


def documents():
    """The corpus, or its first ``n_lines`` lines in the quick run; read afresh each call."""
    return lines if n_lines is None else itertools.islice(lines, n_lines)


def chunks(documents, size):
    """Consecutive lists of ``size`` documents; only one chunk is in memory at a time."""
    iterator = iter(documents)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# %%
# A stream in chunks: partial_fit
# -------------------------------
# The first call builds the vocabulary from its chunk; with ``grow_vocabulary=True``
# later calls append rows for words whose count, summed over the calls, reaches
# ``min_count``. The learning rate decays with the number of words trained on, whatever
# the chunk sizes.
from sklearn_w2v import Word2VecTransformer

stream = Word2VecTransformer(random_state=0)
history = []
for chunk in chunks(documents(), chunk_lines):
    stream.partial_fit(chunk, grow_vocabulary=True)
    lines_seen = (history[-1][0] if history else 0) + len(chunk)
    history.append((lines_seen, len(stream.vocabulary_), stream.loss_curve_[-1]))
    neighbours = [w for w, _ in stream.most_similar("three", topn=4)]
    print(f"{lines_seen:>7,} lines: {len(stream.vocabulary_):>6,} words, mean loss "
          f"{stream.loss_curve_[-1]:.3f}; three -> {', '.join(neighbours)}")

# %%
# The vocabulary grows with the stream while the loss of each new chunk falls.
import matplotlib.pyplot as plt
import numpy as np

seen, vocabulary_size, loss = np.array(history).T
fig, (ax_vocab, ax_loss) = plt.subplots(1, 2, figsize=(11, 3.8))
ax_vocab.plot(seen, vocabulary_size, marker="o")
ax_vocab.set_ylabel("words with a vector")
ax_vocab.set_title("partial_fit(chunk, grow_vocabulary=True)")
ax_loss.plot(seen, loss, marker="o", color="tab:red")
ax_loss.set_ylabel("mean loss of the chunk's pass")
ax_loss.set_title("Each chunk is trained on once")
for ax in (ax_vocab, ax_loss):
    ax.set_xlabel("lines streamed")
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %%
# Several epochs over a file: out_of_core=True
# --------------------------------------------
# ``fit`` reads the documents once, so a one-shot iterator is enough. During the fit the
# encoded corpus lives in a folder under ``temp_folder`` (the system's temporary folder
# by default; point it at a large disk). The ``epoch_callback`` below looks at that
# folder after every epoch.
import tempfile
import time
from pathlib import Path

scratch = tempfile.TemporaryDirectory()
on_disk = []


def folder_size(report, vectors, context_vectors):
    on_disk.append(sum(f.stat().st_size for f in Path(scratch.name).rglob("*")
                       if f.is_file()))


epochs = 2 if QUICK else 1
started = time.perf_counter()
streamed = Word2VecTransformer(epochs=epochs, random_state=0, out_of_core=True,
                               temp_folder=scratch.name, epoch_callback=folder_size)
streamed.fit(documents())
print(f"out_of_core fit: {time.perf_counter() - started:.1f} s, "
      f"{streamed.corpus_word_count_:,} words; encoded corpus on disk during fit "
      f"{max(on_disk) / 2**20:.1f} MiB ({max(on_disk) / streamed.corpus_word_count_:.1f} "
      f"bytes a word); left after fit: {list(Path(scratch.name).iterdir())}")

# %%
# The same fit with the documents in memory gives the same vectors, bit for bit (with
# ``n_jobs=1`` and the same ``random_state``): ``out_of_core`` changes where the corpus
# lives, not what is learned.
in_memory = Word2VecTransformer(epochs=epochs, random_state=0).fit(list(documents()))
print("identical vectors:", np.array_equal(streamed.vectors_, in_memory.vectors_))
scratch.cleanup()
