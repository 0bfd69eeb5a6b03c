#!/usr/bin/env python
"""Fingerprints of what the package computes, to prove that a refactor changed nothing.

Each case fits an estimator with ``n_jobs=1`` and a fixed ``random_state`` on the embedded
sample corpus and records an MD5 of every array it produces: the fitted vectors of each
matrix, the loss curve, ``transform`` of held-out documents, ``score``, word queries,
evaluation results and the bytes of a saved vector file. The cases cover every
(architecture, objective, share_negatives) of ``Word2VecTransformer``, ``cbow_mean=False``,
every pooling, ``Doc2VecTransformer`` in both modes with inference and scoring, ``init``
(fine-tuned and frozen), ``partial_fit`` (growing the vocabulary), ``warm_start``,
``out_of_core``, the ``theory`` functions and pickles.

Only the public API is used, so the script runs on any checkout. A pickle of every fitted
estimator is written too; ``--load-pickles DIR`` loads the pickles written by another
checkout and records the fingerprints of their ``transform`` and ``score``, which shows
that the models an earlier version saved still load and compute the same.

Example (A = the commit before the refactor, checked out with ``git worktree add``)::

    python benchmarks/fingerprint_fits.py --checkout /tmp/A --output /tmp/a.json \\
        --pickles /tmp/a-pickles
    python benchmarks/fingerprint_fits.py --checkout . --output /tmp/b.json \\
        --load-pickles /tmp/a-pickles
    python benchmarks/fingerprint_fits.py --compare /tmp/a.json /tmp/b.json
"""

import argparse
import hashlib
import json
import pickle
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np


def _md5(value):
    """MD5 of an array (its dtype, shape and bytes), a list of floats or of pairs."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], tuple):
        return hashlib.md5(repr(value).encode()).hexdigest()
    array = np.ascontiguousarray(np.asarray(value))
    digest = hashlib.md5(f"{array.dtype}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def _fitted_arrays(model):
    """Fingerprints of a fitted model's arrays and counters."""
    out = {}
    for name in ("vectors_", "context_vectors_", "node_vectors_", "document_vectors_",
                 "word_counts_", "noise_distribution_", "idf_", "sif_weights_",
                 "sif_component_"):
        if hasattr(model, name):
            out[name] = _md5(getattr(model, name))
    out["loss_curve_"] = _md5(np.asarray(model.loss_curve_, dtype=np.float64))
    out["vocabulary"] = _md5(np.asarray(model.index_to_word_))
    for name in ("n_pairs_", "n_centers_", "n_effective_words_", "epochs_",
                 "batch_size_", "corpus_word_count_"):
        if hasattr(model, name):
            out[name] = int(getattr(model, name))
    if hasattr(model, "huffman_tree_"):
        tree = model.huffman_tree_
        out["huffman_tree_"] = _md5(np.concatenate([np.ravel(tree.points),
                                                    np.ravel(tree.codes)]).astype(np.int64))
    return out


def _outputs(model, held_out):
    """Fingerprints of what a fitted model computes on held-out documents."""
    out = {"transform": _md5(model.transform(held_out))}
    try:
        out["score"] = repr(float(model.score(held_out)))
    except ValueError as error:  # a model that cannot score says why
        out["score"] = f"ValueError: {str(error)[:60]}"
    return out


def _word_queries(model):
    from sklearn_w2v.evaluation import cosine_similarity_of, most_similar

    words = [w for w in ("god", "king", "sea", "man", "day") if w in model.vocabulary_]
    out = {}
    for word in words[:3]:
        out[f"most_similar({word})"] = _md5(model.most_similar(word, topn=5))
        out[f"evaluation.most_similar({word})"] = _md5(most_similar(model, word, topn=5))
    if len(words) >= 3:
        out["analogy"] = _md5(model.most_similar(positive=words[:2], negative=words[2:3],
                                                 topn=5))
        out["similarity"] = repr(float(model.similarity(words[0], words[1])))
        out["cosine_similarity_of"] = repr(float(cosine_similarity_of(model, words[0],
                                                                      words[1])))
    return out


def _evaluation(model, folder):
    from sklearn_w2v.evaluation import evaluate_analogies, evaluate_word_pairs

    words = [w for w in model.index_to_word_[:40]]
    analogies = Path(folder) / "analogies.txt"
    lines = [": section"]
    for k in range(0, 36, 4):
        lines.append(" ".join(words[k:k + 4]))
    analogies.write_text("\n".join(lines) + "\n")
    pairs = Path(folder) / "pairs.tsv"
    pairs.write_text("".join(f"{words[k]}\t{words[k + 1]}\t{k % 7}\n" for k in range(30)))
    result = evaluate_analogies(model, analogies)
    pair_result = evaluate_word_pairs(model, pairs)
    return {"analogies": repr((result.accuracy, result.n_correct, result.n_questions)),
            "word_pairs": repr((pair_result.spearman, pair_result.pearson))}


def _case(name, make, data, held_out, folder, pickles, queries=True):
    model = make(data)
    record = {**_fitted_arrays(model), **_outputs(model, held_out)}
    if queries and hasattr(model, "most_similar"):
        record.update(_word_queries(model))
    if pickles is not None:
        with open(Path(pickles) / f"{name}.pkl", "wb") as f:
            pickle.dump(model, f)
    return record


def cases():
    """(name, fit function, queries) of every case."""
    from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer

    base = dict(vector_size=24, window=4, min_count=3, epochs=2, n_jobs=1, random_state=0)
    out = []
    for architecture in ("skipgram", "cbow"):
        for objective in ("negative", "nce", "hierarchical", "softmax"):
            for share in (True, False):
                def make(data, a=architecture, o=objective, s=share):
                    return Word2VecTransformer(architecture=a, objective=o,
                                               share_negatives=s, **base).fit(data)
                out.append((f"w2v-{architecture}-{objective}-share{int(share)}", make, True))
    out.append(("w2v-cbow-sum", lambda data: Word2VecTransformer(
        architecture="cbow", cbow_mean=False, **base).fit(data), True))
    for pooling in ("sum", "max", "tfidf", "sif"):
        out.append((f"w2v-pooling-{pooling}", lambda data, p=pooling: Word2VecTransformer(
            pooling=p, normalize=p == "sif", **base).fit(data), False))
    out.append(("w2v-input+output", lambda data: Word2VecTransformer(
        word_vectors="input+output", **base).fit(data), True))
    out.append(("w2v-float64", lambda data: Word2VecTransformer(
        dtype=np.float64, **base).fit(data), False))
    out.append(("w2v-out-of-core", lambda data: Word2VecTransformer(
        out_of_core=True, **base).fit(data), False))
    for architecture, extra in (("dbow", {}), ("dbow", {"dbow_words": True}),
                                ("dm", {}), ("dm", {"dm_mean": False})):
        for objective in ("negative", "hierarchical", "softmax", "nce"):
            suffix = "-words" if extra.get("dbow_words") else (
                "-sum" if "dm_mean" in extra else "")

            def make(data, a=architecture, o=objective, e=extra):
                return Doc2VecTransformer(architecture=a, objective=o, **e,
                                          **base).fit(data)
            out.append((f"d2v-{architecture}{suffix}-{objective}", make, False))
    return out


def _continued_cases(data, held_out, folder, pickles):
    """init (file and tuple, frozen and fine-tuned), warm_start, partial_fit."""
    from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer

    base = dict(vector_size=24, window=4, min_count=3, epochs=2, n_jobs=1, random_state=0)
    records = {}
    first = Word2VecTransformer(**base).fit(data[: len(data) // 2])
    path = Path(folder) / "vectors.txt"
    first.save_word2vec_format(path)
    binary = Path(folder) / "vectors.bin"
    first.save_word2vec_format(binary, binary=True)
    records["saved-text"] = {"bytes": _md5(np.frombuffer(path.read_bytes(), np.uint8))}
    records["saved-binary"] = {"bytes": _md5(np.frombuffer(binary.read_bytes(), np.uint8))}
    pairs = (list(first.index_to_word_), np.asarray(first.vectors_))
    makers = {
        "init-file-finetune": lambda d: Word2VecTransformer(init=str(path), **base).fit(d),
        "init-file-frozen": lambda d: Word2VecTransformer(
            init=str(path), **{**base, "epochs": 0}).fit(d),
        "init-tuple-finetune-hs": lambda d: Word2VecTransformer(
            init=pairs, objective="hierarchical", **base).fit(d),
        "init-tuple-frozen-sif": lambda d: Word2VecTransformer(
            init=pairs, pooling="sif", **{**base, "epochs": 0}).fit(d),
        "d2v-init-dm": lambda d: Doc2VecTransformer(architecture="dm", init=pairs,
                                                   **base).fit(d),
        "from-word2vec-format": lambda d: Word2VecTransformer.from_word2vec_format(binary),
    }

    def warm(d):
        model = Word2VecTransformer(warm_start=True, **base).fit(d[: len(d) // 2])
        return model.fit(d)

    def warm_hs(d):
        model = Word2VecTransformer(warm_start=True, objective="hierarchical",
                                    **base).fit(d[: len(d) // 2])
        return model.fit(d[len(d) // 2:])

    def partial(d, grow=True, objective="negative"):
        model = Word2VecTransformer(objective=objective, **base)
        for start in range(0, len(d), len(d) // 4):
            model.partial_fit(d[start:start + len(d) // 4], grow_vocabulary=grow)
        return model

    def fit_transform(d):
        model = Word2VecTransformer(pooling="tfidf", **base)
        model._fingerprint_fit_transform = _md5(model.fit_transform(d))
        return model

    makers.update({"warm-start": warm, "warm-start-hs": warm_hs,
                   "partial-fit-grow": partial,
                   "partial-fit-fixed": lambda d: partial(d, grow=False),
                   "partial-fit-hs": lambda d: partial(d, grow=False,
                                                       objective="hierarchical"),
                   "fit-transform-tfidf": fit_transform})
    for name, make in makers.items():
        records[name] = _case(name, make, data, held_out, folder, pickles)
    d2v = Doc2VecTransformer(**base)
    records["d2v-fit-transform"] = {"fit_transform": _md5(d2v.fit_transform(data)),
                                    **_outputs(d2v, held_out)}
    return records


def _theory_records(data, held_out):
    from sklearn_w2v import Doc2VecTransformer, Word2VecTransformer, theory

    base = dict(vector_size=24, window=4, min_count=3, epochs=2, n_jobs=1, random_state=0)
    small = data[:400]
    records = {}
    for objective in ("negative", "nce", "softmax", "hierarchical"):
        model = Word2VecTransformer(objective=objective, **base).fit(small)
        counts = theory.cooccurrence_counts(small, model)
        record = {"cooccurrence_counts": _md5(counts.toarray()),
                  "conditional_log_probabilities": _md5(
                      theory.conditional_log_probabilities(counts)),
                  "model_log_probabilities": _md5(theory.model_log_probabilities(model))}
        if objective != "hierarchical":
            record["pmi_targets"] = _md5(theory.pmi_targets(counts, model))
            record["pair_scores"] = _md5(theory.pair_scores(model))
        records[f"theory-{objective}"] = record
    d2v = Doc2VecTransformer(**base).fit(small)
    records["theory-documents"] = {
        "document_word_counts": _md5(theory.document_word_counts(small, d2v).toarray()),
        "document_scores": _md5(theory.document_scores(d2v))}
    return records


def fingerprint(args):
    sys.path.insert(0, str(Path(args.checkout).resolve()))
    import sklearn_w2v
    from sklearn_w2v.datasets import load_sample_corpus

    texts = load_sample_corpus(n_lines=args.n_lines + 400)
    data, held_out = texts[:args.n_lines], texts[args.n_lines:]
    records = {"package": sklearn_w2v.__file__}
    if args.pickles:
        Path(args.pickles).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, make, queries in cases():
            records[name] = _case(name, make, data, held_out, folder, args.pickles,
                                  queries)
            print(name, flush=True)
        records.update(_continued_cases(data, held_out, folder, args.pickles))
        records.update(_theory_records(data, held_out))
        records["evaluation"] = _evaluation(
            sklearn_w2v.Word2VecTransformer(vector_size=24, min_count=3, epochs=2, n_jobs=1,
                                            random_state=0).fit(data), folder)
        if args.load_pickles:
            for path in sorted(Path(args.load_pickles).glob("*.pkl")):
                with open(path, "rb") as f:
                    model = pickle.load(f)
                records[f"pickle-{path.stem}"] = _outputs(model, held_out)
    return records


def compare(path_a, path_b):
    """Print the fingerprints that differ; exit 1 if any does."""
    a, b = json.loads(Path(path_a).read_text()), json.loads(Path(path_b).read_text())
    differences, n_compared = [], 0
    for case in sorted(set(a) | set(b)):
        if case == "package":
            continue
        if case.startswith("pickle-"):
            continue  # compared below, against the fits that wrote them
        for key in sorted(set(a.get(case, {})) | set(b.get(case, {}))):
            n_compared += 1
            if a.get(case, {}).get(key) != b.get(case, {}).get(key):
                differences.append(f"{case}.{key}: {a.get(case, {}).get(key)} != "
                                   f"{b.get(case, {}).get(key)}")
    n_pickles = 0
    for side in (a, b):
        for case, record in side.items():
            if case.startswith("pickle-"):
                fitted = a.get(case[len("pickle-"):], {})
                for key in ("transform", "score"):
                    n_pickles += 1
                    if record.get(key) != fitted.get(key):
                        differences.append(f"{case}.{key}: loaded {record.get(key)} != "
                                           f"fitted {fitted.get(key)}")
    print(f"{n_compared} fingerprints compared ({a['package']} against {b['package']}), "
          f"{n_pickles} of loaded pickles; {len(differences)} differ")
    for line in differences:
        print("  " + line)
    return 1 if differences else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--n-lines", type=int, default=1600)
    parser.add_argument("--pickles", type=Path, help="write a pickle of every fitted case")
    parser.add_argument("--load-pickles", type=Path,
                        help="load the pickles another checkout wrote")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    records = fingerprint(args)
    text = json.dumps(records, indent=1, sort_keys=True)
    if args.output:
        args.output.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
