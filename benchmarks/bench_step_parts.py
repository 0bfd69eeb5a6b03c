#!/usr/bin/env python
"""Where a hierarchical-softmax minibatch's time goes, against gensim's time per word.

Issue 19 asks skip-gram and CBOW with hierarchical softmax to train faster than gensim.
This benchmark measures how far the NumPy form of that work is from it, part by part, on
real minibatches:

1. gensim trains one epoch of the corpus (``workers=1``, the same in-memory token lists
   and settings as ``bench_train.py``): its microseconds per effective word.
2. Ours trains one whole epoch the same way (``n_jobs=1``): the same figure.
3. Ours trains again, and minibatches ``--skip`` to ``--skip + --record`` of the epoch are
   recorded as the trainer hands them to the step (after subsampling and window
   shrinking, the model as training left it); then the fit stops. Those minibatches are
   replayed, best of ``--repeats`` passes, timing:

   * the whole step and its updates, as ``train_block`` runs them;
   * the step alone (forward, backward, the update lists);
   * the updates alone (per-row cap and scatter-add of every ``RowUpdate``);
   * the *floor*: only the memory traffic and arithmetic that any implementation with
     this minibatch layout cannot avoid, with no elementwise math (no sigmoid, log,
     masks or signs). Skip-gram: gather the windows' context rows and their center's
     path node rows (bucketed as the layer does), and the three batched matrix products
     (logits, hidden gradient, node gradient). CBOW: the windows' hidden sums, the dense
     product with the top nodes and its two gradient products, the gather of the deep
     path steps' node rows and their dot products with the hidden rows. The floor plus
     the updates is what a step costs if everything else were free.

If the floor plus the updates alone exceeds gensim's time per word, the configuration
cannot beat gensim in this form whatever its Python overhead; the report says by how much.
Both trainers run in subprocesses, one after the other, on a quiet machine (see
``README.md``).

Example (about 3 minutes on the full corpus)::

    python benchmarks/bench_step_parts.py
    python benchmarks/bench_step_parts.py --max-tokens 2000000 --output /tmp/parts.md
"""

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))  # the package of this checkout

from bench_train_report import report_preamble  # noqa: E402
from bench_train_runners import (  # noqa: E402
    CONFIGS,
    DEFAULT_CORPUS,
    gensim_settings,
    ours_settings,
    read_corpus,
)

HS_CONFIGS = ("sg-hs", "cbow-hs")


class _Recorded(Exception):
    """Raised by the recording step once it holds the minibatches asked for."""


def _best_seconds(function, repeats):
    best = np.inf
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _record_minibatches(sentences, config, seed, skip, count):
    """Minibatches ``skip .. skip + count`` of a fit, with the step, parameters and block
    random source they were trained with."""
    import sklearn_w2v._training.fitting as fitting

    from sklearn_w2v import Word2VecTransformer

    recorded = {"batches": []}
    original = fitting.make_step

    def recording_make_step(architecture, layer):
        step = original(architecture, layer)
        seen = [0]

        def recording_step(parameters, batch, random):
            seen[0] += 1
            if seen[0] > skip:
                recorded.update(step=step, parameters=parameters, random=random)
                recorded["batches"].append(batch)
                if len(recorded["batches"]) == count:
                    raise _Recorded
            return step(parameters, batch, random)

        return recording_step

    fitting.make_step = recording_make_step
    try:
        Word2VecTransformer(**ours_settings(config, epochs=1, jobs=1,
                                            seed=seed)).fit(sentences)
    except _Recorded:
        pass
    finally:
        fitting.make_step = original
    if len(recorded["batches"]) < count:
        raise SystemExit(f"the fit had only {skip + len(recorded['batches'])} "
                         f"minibatches; lower --skip or --record")
    return recorded


def _skipgram_floor(layer, parameters, batches):
    """Gathers and the three batched products of the skip-gram grid, bucketed as the
    layer buckets a minibatch's windows by path length."""
    inputs, nodes = parameters["input"], parameters[layer.parameter]
    tree = layer.tree
    # Index arrays are prepared outside the timed part: the floor is the row traffic.
    plans = []
    for batch in batches:
        order = np.argsort(tree.lengths[batch.centers], kind="stable")
        buckets = []
        for windows in np.array_split(order, min(layer.grid_buckets, len(order))):
            points = tree.paths(batch.centers[windows])[0]
            buckets.append((batch.window_contexts[windows], np.ascontiguousarray(points)))
        plans.append(buckets)

    def gathers():
        for buckets in plans:
            for contexts, points in buckets:
                np.take(inputs, contexts, axis=0)
                np.take(nodes, points, axis=0)

    gathered = [[(np.take(inputs, c, axis=0), np.take(nodes, p, axis=0)) for c, p in b]
                for b in plans]

    def products():
        for buckets in gathered:
            for hidden, node_rows in buckets:
                logits = np.matmul(hidden, node_rows.transpose(0, 2, 1))  # (b, 2m, L)
                np.matmul(logits, node_rows)                              # hidden grad
                np.matmul(logits.transpose(0, 2, 1), hidden)              # node grad

    return {"gather input and node rows": gathers, "three batched products": products}


def _cbow_floor(layer, parameters, batches, mean):
    """The hidden sums, the dense top-node products and the deep steps' gather and dot
    products of CBOW's split paths."""
    from sklearn_w2v._model.architectures import combined_hidden
    from sklearn_w2v._model.inputs import WORD_INPUTS

    nodes = parameters[layer.parameter]
    split = layer.split
    top = np.take(nodes, split.top_nodes, axis=0)
    deep = [split.deep_steps(batch.centers) for batch in batches]
    owners = [np.repeat(np.arange(len(p) - 1), np.diff(p)) for _, _, p in deep]
    hidden = [combined_hidden(WORD_INPUTS, parameters, batch, mean)[0] for batch in batches]

    def hidden_sums():
        for batch in batches:
            combined_hidden(WORD_INPUTS, parameters, batch, mean)

    def top_products():
        for rows in hidden:
            logits = rows @ top.T
            logits @ top
            logits.T @ rows

    def deep_steps():
        for rows, (points, _, _), owner in zip(hidden, deep, owners):
            node_rows = np.take(nodes, points, axis=0)
            np.einsum("ij,ij->i", node_rows, np.take(rows, owner, axis=0))

    return {"hidden sums (context rows)": hidden_sums,
            "top nodes: three dense products": top_products,
            "deep steps: gather node rows, dot products": deep_steps}


def worker_ours(args, sentences):
    from sklearn_w2v import Word2VecTransformer
    from sklearn_w2v._model.sparse_rows import RowUpdateCap
    from sklearn_w2v._training.trainer import MAX_UPDATES_PER_ROW, apply_updates
    from sklearn_w2v._training.workers import _keep_freed_heap

    model = Word2VecTransformer(**ours_settings(args.config, epochs=1, jobs=1,
                                                seed=args.seed)).fit(sentences)
    fit_us = 1e6 * model.training_seconds_ / model.n_effective_words_
    recorded = _record_minibatches(sentences, args.config, args.seed, args.skip,
                                   args.record)
    # A fit's workers keep freed heap memory (see _keep_freed_heap); so does this replay,
    # so that it times the work and not page faults of the temporaries.
    _keep_freed_heap()
    step, parameters, random = (recorded["step"], recorded["parameters"],
                                recorded["random"])
    batches = recorded["batches"]
    words = sum(batch.n_effective_words for batch in batches)
    windows = sum(len(batch.centers) for batch in batches)
    caps = {name: RowUpdateCap(len(m), MAX_UPDATES_PER_ROW) for name, m in parameters.items()}
    rate = 1e-6  # the work of an update does not depend on its size; keep the model still

    def whole():
        for batch in batches:
            apply_updates(parameters, step(parameters, batch, random).updates, caps, rate)

    def step_alone():
        for batch in batches:
            step(parameters, batch, random)

    results = [step(parameters, batch, random) for batch in batches]

    def updates_alone():
        for result in results:
            apply_updates(parameters, result.updates, caps, rate)

    if step.architecture.name == "skipgram":
        floor = _skipgram_floor(step.layer, parameters, batches)
    else:
        floor = _cbow_floor(step.layer, parameters, batches, step.architecture.mean)
    with np.errstate(over="ignore"):
        parts = {"step and updates (as trained)": _best_seconds(whole, args.repeats),
                 "step alone": _best_seconds(step_alone, args.repeats),
                 "updates alone (cap, scatter-add)": _best_seconds(updates_alone,
                                                                   args.repeats)}
        floor_seconds = {name: _best_seconds(f, args.repeats) for name, f in floor.items()}
    return {"fit_us_per_word": fit_us, "words": words, "windows": windows,
            "minibatches": len(batches),
            "parts_us_per_word": {k: 1e6 * v / words for k, v in parts.items()},
            "floor_us_per_word": {k: 1e6 * v / words for k, v in floor_seconds.items()}}


def worker_gensim(args, sentences):
    from gensim.models import Word2Vec

    model = Word2Vec(**gensim_settings(args.config, epochs=1, workers=1, seed=args.seed))
    model.build_vocab(sentences)
    started = time.perf_counter()
    effective, _ = model.train(sentences, total_examples=model.corpus_count, epochs=1)
    seconds = time.perf_counter() - started
    return {"fit_us_per_word": 1e6 * seconds / effective}


def _run(args, kind, config):
    command = [sys.executable, __file__, "--worker", kind, "--config", config,
               "--corpus", str(args.corpus), "--seed", str(args.seed),
               "--skip", str(args.skip), "--record", str(args.record),
               "--repeats", str(args.repeats)]
    if args.max_tokens:
        command += ["--max-tokens", str(args.max_tokens)]
    print(f"{kind} {config} ...", flush=True)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _report(args, results, n_tokens, minutes):
    lines = report_preamble(
        "Hierarchical softmax: where a minibatch's time goes, against gensim",
        "bench_step_parts.py", minutes, f"Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {platform.processor() or platform.machine()}")
    lines += [f"Corpus: `{args.corpus}`"
              + (f", first {n_tokens:,} tokens" if args.max_tokens else
                 f", the whole corpus ({n_tokens:,} tokens)")
              + f". One epoch, one process/thread each, settings of `bench_train.py`. "
              f"Replayed: minibatches {args.skip + 1}-{args.skip + args.record} of the "
              f"epoch, best of {args.repeats} passes. All figures are microseconds per "
              f"effective word (lower is faster); the last column divides by gensim's.", ""]
    for config, r in results.items():
        ours, gensim = r["ours"], r["gensim"]["fit_us_per_word"]
        lines += [f"## {CONFIGS[config]['label']}", "",
                  f"{ours['minibatches']} minibatches, {ours['windows']:,} windows, "
                  f"{ours['words']:,} effective words.", "",
                  "| what | µs per word | / gensim's whole fit |", "|---|---:|---:|",
                  f"| gensim, whole epoch | {gensim:.3f} | 1.00 |",
                  f"| ours, whole epoch | {ours['fit_us_per_word']:.3f} | "
                  f"{ours['fit_us_per_word'] / gensim:.2f} |"]
        for name, value in ours["parts_us_per_word"].items():
            lines.append(f"| ours replayed: {name} | {value:.3f} | {value / gensim:.2f} |")
        floor = sum(ours["floor_us_per_word"].values())
        for name, value in ours["floor_us_per_word"].items():
            lines.append(f"| floor: {name} | {value:.3f} | {value / gensim:.2f} |")
        updates = ours["parts_us_per_word"]["updates alone (cap, scatter-add)"]
        lines += [f"| **floor, all parts** | **{floor:.3f}** | **{floor / gensim:.2f}** |",
                  f"| **floor + updates** | **{floor + updates:.3f}** | "
                  f"**{(floor + updates) / gensim:.2f}** |", ""]
    lines += ["A floor + updates ratio above 1.00 means this minibatch form of the "
              "configuration is slower than gensim from its row traffic and products alone, "
              "before any of the elementwise work (sigmoids, logs, masks, signs) and the "
              "Python calls that the step adds.", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", default=list(HS_CONFIGS),
                        choices=HS_CONFIGS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", type=int, default=3000,
                        help="minibatches trained before the recorded ones")
    parser.add_argument("--record", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-step-parts.md")
    parser.add_argument("--worker", choices=("ours", "gensim"), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus} (pass --corpus)")
    if args.worker:
        sentences, n_tokens = read_corpus(args.corpus, args.max_tokens)
        worker = worker_ours if args.worker == "ours" else worker_gensim
        print(json.dumps({"n_tokens": n_tokens, **worker(args, sentences)}))
        return
    started = time.perf_counter()
    results = {}
    for config in args.configs:
        results[config] = {"gensim": _run(args, "gensim", config),
                           "ours": _run(args, "ours", config)}
    n_tokens = results[args.configs[0]]["ours"]["n_tokens"]
    report = _report(args, results, n_tokens, (time.perf_counter() - started) / 60)
    args.output.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
