"""Read time and peak memory of our vector file reader against gensim's, on the same files.

Generates one file of ``--words`` x ``--dim`` random float32 vectors in each format that
gensim writes (word2vec text, word2vec binary, text without header as GloVe ships it),
then reads each with ``sklearn_w2v.load_word2vec_format`` and gensim's
``KeyedVectors.load_word2vec_format`` (``no_header=True`` for the GloVe-style file; ours
finds the format out by itself), alternating the two readers ``--repeats`` times. Every read
runs in a fresh subprocess, which reports its wall time and its peak resident memory
(``ru_maxrss``, the high-water mark of the whole process) minus that of the same process
after the imports, so the figures compare the readers, not the libraries' import cost.

    python benchmarks/bench_loading.py --words 400000 --dim 300 --out RESULTS-loading.md

The files (about 1.4 GB of text each at 400k x 300) go to a temporary folder deleted
afterwards, or are kept in ``--folder`` and reused by the next run with the same sizes.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

# Run in the child process: import, note the memory, read, report. The peak is VmHWM, the
# resident high-water mark of this process image (ru_maxrss would not do: Linux carries it
# over exec from the parent, which held the vectors it wrote).
_CHILD = r"""
import json, sys, time
reader, path, binary, no_header = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
if reader == "ours":
    from sklearn_w2v import load_word2vec_format
    read = lambda: load_word2vec_format(path)
else:
    from gensim.models import KeyedVectors
    read = lambda: KeyedVectors.load_word2vec_format(path, binary=binary, no_header=no_header)

def high_water_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

before = high_water_kib()
start = time.perf_counter()
result = read()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_kib": high_water_kib(), "before_kib": before}))
"""

FORMATS = [
    # name, file name, binary, no_header
    ("word2vec text", "vectors.txt", False, False),
    ("word2vec binary", "vectors.bin", True, False),
    ("text without header (GloVe)", "vectors.glove.txt", False, True),
]


def write_files(folder, n_words, dim, seed=0):
    """Write the three files with gensim's own writer (those not already in ``folder``);
    return their paths by format."""
    paths = {name: os.path.join(folder, f"{n_words}x{dim}-{file_name}")
             for name, file_name, _, _ in FORMATS}
    missing = [(name, binary, no_header) for name, _, binary, no_header in FORMATS
               if not os.path.exists(paths[name])]
    if not missing:
        return paths
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(seed)
    keyed_vectors = KeyedVectors(dim)
    # Word-like keys of varied length; normal values of the scale of trained vectors.
    words = [f"w{i}x{'y' * (i % 7)}" for i in range(n_words)]
    keyed_vectors.add_vectors(words, (0.3 * rng.standard_normal((n_words, dim))).astype(
        np.float32))
    for name, binary, no_header in missing:
        keyed_vectors.save_word2vec_format(paths[name], binary=binary,
                                           write_header=not no_header)
    return paths


def _selected(formats):
    if formats is None:
        return FORMATS
    keys = dict(zip(("text", "binary", "glove"), FORMATS))
    return [keys[key] for key in formats.split(",")]


def read_once(reader, path, binary, no_header):
    """Wall time (s) and peak memory increase (MiB) of one read in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, reader, path, "1" if binary else "0",
         "1" if no_header else "0"],
        check=True, capture_output=True, text=True,
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    return report["seconds"], (report["peak_kib"] - report["before_kib"]) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--folder", default=None)
    parser.add_argument("--out", default=None, help="write the markdown table here")
    parser.add_argument("--formats", default=None,
                        help="comma-separated subset of: text, binary, glove")
    args = parser.parse_args()

    with (tempfile.TemporaryDirectory() if args.folder is None
          else contextlib.nullcontext(args.folder)) as folder:
        start = time.perf_counter()
        paths = write_files(folder, args.words, args.dim)
        print(f"files ready in {time.perf_counter() - start:.0f} s", flush=True)
        rows = []
        for name, _, binary, no_header in _selected(args.formats):
            size = os.path.getsize(paths[name]) / 2**20
            runs = {"ours": [], "gensim": []}
            for _ in range(args.repeats):
                for reader in ("ours", "gensim"):  # alternating, as the machine drifts
                    runs[reader].append(read_once(reader, paths[name], binary, no_header))
                    print(name, reader, runs[reader][-1], flush=True)
            best = {reader: (min(s for s, _ in r), max(m for _, m in r))
                    for reader, r in runs.items()}
            rows.append((name, size, best["ours"], best["gensim"]))
    table = format_table(rows, args)
    print(table)
    if args.out:
        with open(args.out, "w") as fout:
            fout.write(table)


def format_table(rows, args):
    lines = [
        f"| file ({args.words:,} words x {args.dim}) | MiB | ours s | gensim s | time ratio "
        "| ours peak MiB | gensim peak MiB | memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size, (our_s, our_m), (gensim_s, gensim_m) in rows:
        lines.append(
            f"| {name} | {size:.0f} | {our_s:.2f} | {gensim_s:.2f} | {our_s / gensim_s:.2f}x "
            f"| {our_m:.0f} | {gensim_m:.0f} | {_ratio(our_m, gensim_m)} |")
    return "\n".join(lines) + "\n"


def _ratio(ours, gensim):
    return f"{ours / gensim:.2f}x" if gensim > 0 else "n/a"


if __name__ == "__main__":
    main()
