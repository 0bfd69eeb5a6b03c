"""The ``sklearn-w2v`` console command, for users of word2vec.c's tools.

``sklearn-w2v train`` takes word2vec.c's option names (``-size``, ``-window``, ``-cbow``,
``-hs``, ``-negative``, ...; each also as ``--size`` and so on) and writes a vector file
that word2vec.c's own tools, gensim and this package read. ``similar``, ``analogy`` and
``evaluate`` query such a file, as word2vec.c's ``distance``, ``word-analogy`` and
``compute-accuracy`` do. Run ``sklearn-w2v COMMAND --help`` for the options of a command.

Only the standard library and the package itself are used; a progress bar comes from
``tqdm`` when it is installed (the ``progress`` extra), otherwise a plain line on stderr.
"""

import argparse
import contextlib
import json
import logging
import math
import os
import sys
import time

from ._version import __version__

__all__ = ["main", "build_parser", "transformer_parameters"]

PROG = "sklearn-w2v"


class _CommandError(Exception):
    """A mistake in the command line that argparse cannot see (exit status 2)."""


# ----------------------------------------------------------------------------- parser


def _iterations(text):
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or 'auto', got {text!r}")
    return value


def _zero_or_one(text):
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")
    return text == "1"


def _both(name):
    """word2vec.c's one-dash name of an option and the usual two-dash one."""
    return (f"-{name}", f"--{name}")


def _add_file_options(parser):
    parser.add_argument("vectors", metavar="VECTORS",
                        help="word2vec.c vector file, text or binary (.gz/.bz2/.xz read "
                             "compressed)")
    parser.add_argument("-binary", "--binary", type=_zero_or_one, default=None,
                        metavar="0|1",
                        help="1 for the binary format, 0 for text (default: told apart by "
                             "the file's first row)")
    parser.add_argument("--unicode-errors", default="strict",
                        choices=["strict", "replace", "ignore"],
                        help="words that are not valid UTF-8, e.g. cut by word2vec.c's "
                             "word length limit (default: strict)")


def _add_neighbour_options(parser):
    parser.add_argument("-n", "--topn", type=int, default=10, metavar="N",
                        help="how many words to print (default: 10)")
    parser.add_argument("--restrict-vocab", type=int, default=None, metavar="N",
                        help="only the N first (most frequent) words are candidates")


# The options of ``train``, in the order --help lists them: (names, add_argument keywords).
# word2vec.c's options keep its one-dash names; each also has a two-dash form.
_WORD2VEC_OPTIONS = (
    (("-train", "--train"), dict(
        dest="train_file", metavar="CORPUS",
        help="the training text, as word2vec.c's -train")),
    (("-o", "-output", "--output"), dict(
        required=True, metavar="FILE",
        help="where to write the vectors (.gz/.bz2/.xz written compressed)")),
    (_both("size"), dict(
        type=int, default=100, metavar="N",
        help="dimension of the word vectors (default: 100) [vector_size]")),
    (_both("window"), dict(
        type=int, default=5, metavar="N",
        help="maximum distance between a word and its context (default: 5) [window]")),
    (_both("sample"), dict(
        type=float, default=1e-3, metavar="T",
        help="subsampling threshold of frequent words, 0 disables it "
             "(default: 1e-3) [sample]")),
    (_both("hs"), dict(
        type=_zero_or_one, default=False, metavar="0|1",
        help="1 trains with hierarchical softmax (default: 0) "
             "[objective='hierarchical']")),
    (_both("negative"), dict(
        type=int, default=None, metavar="K",
        help="noise words per pair of negative sampling (default: 5; 0 with -hs 1) "
             "[negative]")),
    (_both("threads"), dict(
        type=int, default=-1, metavar="N",
        help="worker processes, -1 for all CPUs (default: -1; fits under 2M tokens x "
             "epochs train in one process) [n_jobs]")),
    (_both("iter"), dict(
        type=_iterations, default="auto", metavar="N|auto",
        help="passes over the corpus; auto: ceil(4M / tokens) clipped to 5..50 "
             "(default: auto) [epochs]")),
    (_both("min-count"), dict(
        type=int, default=5, metavar="N",
        help="discard words that occur fewer times (default: 5) [min_count]")),
    (_both("alpha"), dict(
        type=float, default=None, metavar="LR",
        help="starting learning rate (default: 0.025 for skip-gram, 0.05 for CBOW) "
             "[learning_rate]")),
    (_both("cbow"), dict(
        type=_zero_or_one, default=False, metavar="0|1",
        help="1 trains CBOW, 0 skip-gram (default: 0) [architecture]")),
    (_both("binary"), dict(
        type=_zero_or_one, default=None, metavar="0|1",
        help="1 writes the binary format, 0 text (default: 1 if the output name "
             "ends in .bin, else 0)")),
    (_both("save-vocab"), dict(
        default=None, metavar="FILE",
        help="also write the vocabulary, one 'word count' line per word")),
)

_PACKAGE_OPTIONS = (
    (("--objective",), dict(
        default=None, choices=["negative", "nce", "softmax", "hierarchical"],
        help="output layer, for the two word2vec.c has no option for: "
             "noise-contrastive estimation and the full softmax (default: "
             "negative, or hierarchical with -hs 1) [objective]")),
    (("--min-alpha",), dict(
        type=float, default=1e-4, metavar="LR",
        help="final learning rate of the linear decay (default: 1e-4) "
             "[min_learning_rate]")),
    (("--max-vocab-size",), dict(
        type=int, default=None, metavar="N",
        help="keep only the N most frequent words [max_vocab_size]")),
    (("--ns-exponent",), dict(
        type=float, default=0.75, metavar="E",
        help="noise distribution count^E (default: 0.75) [ns_exponent]")),
    (("--batch-size",), dict(
        type=_iterations, default="auto", metavar="N|auto",
        help="windows per minibatch (default: auto) [batch_size]")),
    (("--tokens",), dict(
        default="words", choices=["words", "whitespace"],
        help="words: lowercase, then runs of word characters (the "
             "transformer's default); whitespace: split on whitespace and "
             "keep case, as word2vec.c (default: words)")),
    (("--seed",), dict(
        type=int, default=None, metavar="N",
        help="random seed; with -threads 1 the vectors are then "
             "bit-identical from run to run [random_state]")),
    (("--out-of-core",), dict(
        action="store_true",
        help="keep the encoded corpus in a temporary folder instead of "
             "memory, for corpora larger than RAM [out_of_core]")),
    (("--encoding",), dict(
        default="utf-8",
        help="encoding of CORPUS (default: utf-8)")),
    (("--progress",), dict(
        default="auto", choices=["auto", "always", "never"],
        help="progress on stderr during training, within each epoch "
             "and after it; auto: only when stderr is a terminal "
             "(default: auto)")),
)


def _add_train_parser(commands):
    train = commands.add_parser(
        "train", help="train word vectors on a text file, as word2vec.c does",
        description="Train word vectors on CORPUS (one document per line; .gz/.bz2/.xz "
                    "read compressed) and write them in word2vec.c's format. The options "
                    "with one dash are word2vec.c's; each also has a two-dash form.",
        epilog="The defaults are Word2VecTransformer's except -threads, and differ from "
               "word2vec.c's in three places: skip-gram (word2vec.c: -cbow 1), 'auto' "
               "iterations (word2vec.c: 5) and all CPUs (word2vec.c: 12 threads). "
               "Names in brackets are the Word2VecTransformer parameters. word2vec.c's "
               "-hs 1 with -negative K trains both output layers at once; this package "
               "trains one objective, so give -negative 0 with -hs 1. Not supported: "
               "-classes, -read-vocab, -debug.",
        allow_abbrev=False)
    train.add_argument("corpus", nargs="?", metavar="CORPUS",
                       help="training text, one document per line (or -train CORPUS)")
    for title, options in (("word2vec.c's options", _WORD2VEC_OPTIONS),
                           ("options of this package", _PACKAGE_OPTIONS)):
        group = train.add_argument_group(title)
        for names, settings in options:
            group.add_argument(*names, **settings)
    train.set_defaults(run=_run_train)


def _add_query_parsers(commands):
    similar = commands.add_parser(
        "similar", help="nearest words by cosine, as word2vec.c's distance",
        description="Print the words closest by cosine to the mean of the unit vectors of "
                    "WORDs (minus those of --negative words), one 'word<TAB>cosine' line "
                    "each. Without WORDs, every line of standard input is a query and the "
                    "answers are separated by blank lines.",
        allow_abbrev=False)
    _add_file_options(similar)
    similar.add_argument("words", nargs="*", metavar="WORD", help="query words")
    similar.add_argument("--negative", nargs="+", default=[], metavar="WORD",
                         help="words whose vectors are subtracted")
    _add_neighbour_options(similar)
    similar.set_defaults(run=_run_similar)

    analogy = commands.add_parser(
        "analogy", help="A is to B as C is to ?, as word2vec.c's word-analogy",
        description="Print the answers to 'A is to B as C is to ?': the words closest to "
                    "B - A + C (3CosAdd on unit vectors, the query words excluded), one "
                    "'word<TAB>cosine' line each. Without A B C, every line of standard "
                    "input is a question of three words.",
        allow_abbrev=False)
    _add_file_options(analogy)
    analogy.add_argument("words", nargs="*", metavar="A B C", help="the three words")
    _add_neighbour_options(analogy)
    analogy.set_defaults(run=_run_analogy)

    evaluate = commands.add_parser(
        "evaluate", help="analogy accuracy and word-pair correlation, gensim's protocol",
        description="Evaluate the vectors on analogy questions (questions-words.txt "
                    "format, word2vec.c's compute-accuracy protocol as gensim applies it) "
                    "and on word pairs with human similarity scores (e.g. WordSim-353).",
        allow_abbrev=False)
    _add_file_options(evaluate)
    evaluate.add_argument("--analogies", action="append", default=[], metavar="FILE",
                          help="analogy questions file (may be repeated)")
    evaluate.add_argument("--word-pairs", action="append", default=[], metavar="FILE",
                          help="'word1 word2 score' file (may be repeated)")
    evaluate.add_argument("--restrict-vocab", type=int, default=300_000, metavar="N",
                          help="use only the N most frequent words (default: 300000)")
    evaluate.add_argument("--method", default="3cosadd", choices=["3cosadd", "3cosmul"],
                          help="analogy rule (default: 3cosadd)")
    evaluate.add_argument("--case-sensitive", action="store_true",
                          help="do not fold case (default: fold, as gensim)")
    evaluate.add_argument("--delimiter", default="\t", metavar="SEP",
                          help="field separator of the word-pair files; 'whitespace' for "
                               "runs of blanks (default: tab)")
    evaluate.add_argument("--sections", action="store_true",
                          help="also print the accuracy of each analogy section")
    evaluate.add_argument("--json", action="store_true",
                          help="print the results as one JSON object")
    evaluate.set_defaults(run=_run_evaluate)


def build_parser():
    """The argument parser of the ``sklearn-w2v`` command.

    Returns
    -------
    argparse.ArgumentParser
        With the subcommands ``train``, ``similar``, ``analogy`` and ``evaluate``.
    """
    parser = argparse.ArgumentParser(
        prog=PROG, allow_abbrev=False,
        description="word2vec on the command line, with word2vec.c's option names: train "
                    "vectors on a text file, then query and evaluate a vector file. "
                    f"'{PROG} COMMAND --help' lists the options of a command.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_train_parser(commands)
    _add_query_parsers(commands)
    return parser


# ----------------------------------------------------------------------------- train


def transformer_parameters(args):
    """Word2VecTransformer parameters for the parsed options of ``train``.

    Parameters
    ----------
    args : argparse.Namespace
        What ``build_parser().parse_args(["train", ...])`` returns.

    Returns
    -------
    dict
        Keyword arguments of :class:`~sklearn_w2v.Word2VecTransformer`.

    Raises
    ------
    _CommandError
        If the options ask for two output layers at once, or for none.
    """
    from ._model import layer_class

    objective = args.objective
    if args.hs:
        if objective not in (None, "hierarchical"):
            raise _CommandError(f"-hs 1 contradicts --objective {objective}")
        objective = "hierarchical"
    objective = objective or "negative"
    if objective == "hierarchical" and args.negative:
        raise _CommandError(
            f"hierarchical softmax with -negative {args.negative}: word2vec.c would train "
            "both output layers, this package trains one; give -negative 0 with -hs 1")
    negative = 5 if args.negative is None else args.negative
    if layer_class(objective).uses_noise_words and negative < 1:
        raise _CommandError(
            "-negative 0 without -hs 1 trains nothing (word2vec.c too); give -hs 1 or "
            "--objective softmax")
    params = {
        "objective": objective,
        "architecture": "cbow" if args.cbow else "skipgram",
        "vector_size": args.size,
        "window": args.window,
        "sample": args.sample,
        "n_jobs": args.threads,
        "epochs": args.iter,
        "min_count": args.min_count,
        "learning_rate": "auto" if args.alpha is None else args.alpha,
        "min_learning_rate": args.min_alpha,
        "max_vocab_size": args.max_vocab_size,
        "ns_exponent": args.ns_exponent,
        "batch_size": args.batch_size,
        "random_state": args.seed,
        "out_of_core": args.out_of_core,
    }
    # The transformer validates K only for the noise objectives; keep its default
    # otherwise so that -negative 0 -hs 1 is not passed on as a meaningless value.
    if layer_class(objective).uses_noise_words:
        params["negative"] = negative
    if args.tokens == "whitespace":
        # word2vec.c's reader: any run of whitespace ends a word, and case is kept.
        params["analyzer"] = str.split
    return params


class _Progress:
    """Progress on stderr while ``train`` runs: a tqdm bar when tqdm is installed, otherwise
    one line rewritten in place, as word2vec.c shows it.

    The bar advances after each epoch (``epoch``, the estimator's ``epoch_callback``: epoch,
    loss, words/s, time left); within an epoch the package's progress records (share of
    the epoch's tokens, words/s, loss so far, ETA; see :mod:`sklearn_w2v._training.progress`) reach
    :meth:`within` through :class:`_ProgressRecords`.
    """

    def __init__(self, stream, total_epochs):
        self.stream = stream
        self.total = total_epochs if isinstance(total_epochs, int) else None
        self.started = time.perf_counter()
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
        else:
            # tqdm follows the terminal's size, and draws nothing on one that reports
            # zero rows and columns (a pseudo-terminal nobody sized): give it 80 x 24.
            sized = _terminal_columns(stream) > 0
            self.bar = tqdm(total=self.total, unit="epoch", file=stream, leave=True,
                            dynamic_ncols=sized, ncols=None if sized else 80,
                            nrows=None if sized else 24)

    def stage(self, text):
        if self.bar is not None:
            self.bar.set_description_str(text)
        else:
            self.stream.write(f"\r{text}\x1b[K")
            self.stream.flush()

    def within(self, text, done=None):
        """Progress within an epoch, ``done`` the share of the whole training: the bar
        moves to it (in epochs) with ``text`` after it, or the line shows ``text``."""
        if self.bar is not None:
            self.bar.set_description_str("training", refresh=False)
            if done is not None and self.total:
                self.bar.n = round(done * self.total, 2)
            # The bar counts the epochs already: the text without "epoch 1/5: ".
            self.bar.set_postfix_str(text.split(": ", 1)[-1])
        else:
            self.stream.write(f"\r{text}\x1b[K")
            self.stream.flush()

    def epoch(self, report, vectors=None, output_vectors=None):
        speed = report.n_effective_words / report.seconds if report.seconds > 0 else math.inf
        if self.bar is not None:
            self.bar.set_description_str("training")
            self.bar.set_postfix_str(f"loss {report.mean_loss:.4f}, {speed:,.0f} words/s")
            self.bar.update(report.epoch - self.bar.n)  # within() moved it part of the way
            return
        of = f"/{self.total}" if self.total else ""
        line = (f"epoch {report.epoch}{of}  loss {report.mean_loss:.4f}  "
                f"{speed:,.0f} words/s")
        if self.total:
            elapsed = time.perf_counter() - self.started
            left = elapsed / report.epoch * (self.total - report.epoch)
            line += f"  {left:.0f} s left"
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()
        else:
            self.stream.write("\n")
            self.stream.flush()


class _ProgressRecords(logging.Handler):
    """Hands the ``sklearn_w2v`` logger's records to a :class:`_Progress`: the progress
    within an epoch (detail 2) to its line, the vocabulary record as its stage (the epoch
    records are shown from ``epoch_callback``, which carries the numbers)."""

    def __init__(self, progress):
        super().__init__(level=logging.INFO)
        self.progress = progress

    def emit(self, record):
        detail = getattr(record, "w2v_detail", 1)
        message = record.getMessage()
        if detail >= 2:
            self.progress.within(message, getattr(record, "w2v_done", None))
        elif message.startswith("collected "):
            self.progress.stage(message)


def _terminal_columns(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def _show_progress(mode, stream):
    if mode == "always":
        return True
    if mode == "never":
        return False
    # A bar in a log file or a pipe is noise: only a person at a terminal wants it.
    return hasattr(stream, "isatty") and stream.isatty()


def _run_train(args):
    from ._estimators import Word2VecTransformer
    from ._text import read_lines
    from ._training import records_to

    corpus = args.corpus or args.train_file
    if corpus is None or (args.corpus and args.train_file):
        raise _CommandError("give the corpus once: as CORPUS or as -train CORPUS")
    params = transformer_parameters(args)
    binary = args.binary
    if binary is None:
        binary = str(args.output).endswith((".bin", ".bin.gz", ".bin.bz2", ".bin.xz"))
    stderr = sys.stderr
    progress = _Progress(stderr, args.iter) if _show_progress(args.progress, stderr) \
        else None
    if progress is not None:
        params["epoch_callback"] = progress.epoch
        progress.stage(f"reading and counting {corpus} ...")
    model = Word2VecTransformer(**params)
    started = time.perf_counter()
    try:
        with (records_to(_ProgressRecords(progress)) if progress is not None
              else contextlib.nullcontext()):
            model.fit(read_lines(corpus, encoding=args.encoding))
    finally:
        if progress is not None:
            progress.close()
    model.save_word2vec_format(args.output, binary=binary)
    if args.save_vocab:
        _save_vocabulary(args.save_vocab, model.index_to_word_, model.word_counts_)
    stderr.write(
        f"{PROG}: {len(model.index_to_word_):,} words x {model.vectors_.shape[1]}, "
        f"{model.epochs_} epochs, {model.corpus_word_count_:,} training tokens per epoch, "
        f"{time.perf_counter() - started:.1f} s; wrote {args.output} "
        f"({'binary' if binary else 'text'})\n")
    return 0


def _save_vocabulary(path, words, counts):
    # word2vec.c's -save-vocab format: "word count", most frequent first.
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for word, count in zip(words, counts.tolist()):
            out.write(f"{word} {count}\n")


# ----------------------------------------------------------------------------- queries


def _load(args):
    from ._vectors import load_word2vec_format, sniff_binary

    binary = sniff_binary(args.vectors) if args.binary is None else args.binary
    return load_word2vec_format(args.vectors, binary=binary,
                                unicode_errors=args.unicode_errors)


def _queries(words, n_words, name):
    """The command line's query, or one query per line of standard input."""
    if words:
        if n_words is not None and len(words) != n_words:
            raise _CommandError(f"{name} takes {n_words} words, got {len(words)}")
        yield words, False
        return
    for line in sys.stdin:
        query = line.split()
        if query:
            yield query, True


def _print_neighbours(neighbours):
    for word, cosine in neighbours:
        print(f"{word}\t{cosine:.6f}")


def _answer(queries, ask):
    """Print the answer to each query; on standard input a bad query does not end the
    session (word2vec.c's distance says "Out of dictionary word!" and goes on)."""
    status = 0
    answered = 0
    for query, interactive in queries:
        try:
            neighbours = ask(query)
        except ValueError as exc:
            if not interactive:
                raise
            print(f"{PROG}: {exc}", file=sys.stderr, flush=True)
            status = 1
            continue
        if answered:
            print()
        answered += 1
        _print_neighbours(neighbours)
        sys.stdout.flush()
    return status


def _run_similar(args):
    from .evaluation import most_similar

    model = _load(args)
    return _answer(_queries(args.words, None, "similar"),
                   lambda query: most_similar(model, positive=query,
                                              negative=args.negative, topn=args.topn,
                                              restrict_vocab=args.restrict_vocab))


def _run_analogy(args):
    from .evaluation import most_similar

    model = _load(args)

    def ask(query):
        if len(query) != 3:
            raise ValueError(f"an analogy is three words, got {len(query)}: "
                             f"{' '.join(query)}")
        a, b, c = query
        return most_similar(model, positive=[b, c], negative=[a], topn=args.topn,
                            restrict_vocab=args.restrict_vocab)
    return _answer(_queries(args.words, 3, "analogy"), ask)


def _run_evaluate(args):
    from .evaluation import evaluate_analogies, evaluate_word_pairs

    if not args.analogies and not args.word_pairs:
        raise _CommandError("give --analogies FILE and/or --word-pairs FILE")
    model = _load(args)
    delimiter = None if args.delimiter == "whitespace" else args.delimiter
    results: dict[str, dict] = {"analogies": {}, "word_pairs": {}}
    for path in args.analogies:
        result = evaluate_analogies(model, path, restrict_vocab=args.restrict_vocab,
                                    method=args.method,
                                    case_insensitive=not args.case_sensitive)
        results["analogies"][path] = vars(result)
        if not args.json:
            print(f"analogies {path}: accuracy {result.accuracy:.2%} "
                  f"({result.n_correct}/{result.n_evaluated}), coverage "
                  f"{result.coverage:.1%} of {result.n_questions} questions")
            if args.sections:
                for name, section in result.sections.items():
                    print(f"  {name}: {section['accuracy']:.2%} "
                          f"({section['correct']}/{section['total']})")
    for path in args.word_pairs:
        pairs = evaluate_word_pairs(model, path, restrict_vocab=args.restrict_vocab,
                                    case_insensitive=not args.case_sensitive,
                                    delimiter=delimiter)
        results["word_pairs"][path] = vars(pairs)
        if not args.json:
            print(f"word pairs {path}: Spearman {pairs.spearman:.4f} "
                  f"(p={pairs.spearman_pvalue:.2g}), Pearson {pairs.pearson:.4f}, "
                  f"{pairs.n_pairs} pairs, {pairs.oov_fraction:.1%} out of vocabulary")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


# ----------------------------------------------------------------------------- main


def main(argv=None):
    """Run the ``sklearn-w2v`` command.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 on success, 1 when the work failed (a file that cannot be
        read, a word that is not in the vocabulary), 2 for a wrong command line.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except _CommandError as exc:
        parser.exit(2, f"{PROG} {_command_of(args)}: error: {exc}\n")
    except (ValueError, TypeError, OSError) as exc:
        # The package's messages name the file, line or word; a traceback adds nothing
        # for a command-line user.
        parser.exit(1, f"{PROG}: error: {exc}\n")
    except KeyboardInterrupt:
        parser.exit(130, f"{PROG}: interrupted\n")


def _command_of(args):
    return {_run_train: "train", _run_similar: "similar", _run_analogy: "analogy",
            _run_evaluate: "evaluate"}[args.run]
