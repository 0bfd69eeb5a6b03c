"""Progress of a fit as ``logging`` records: what it read, how far each epoch is, and each
epoch's summary.

Every record goes to the ``sklearn_w2v`` logger at INFO, as gensim logs its training, so a
user routes, filters or silences them with the standard ``logging`` configuration. The
estimators' ``verbose`` keeps scikit-learn's meaning and prints through the same records:
for the duration of a fit a handler on that logger writes to standard output the records
whose detail level is at most ``verbose`` (1: the vocabulary and the epoch lines, 2: also
the progress within each epoch, at most once a second). A record within an epoch also
carries ``w2v_done``, the share of the whole training done.

Worker processes never log or print: the coordinator receives each block's report as the
block finishes (:class:`~sklearn_w2v._training.workers.ProcessBlockRunner` consumes the workers'
results as a generator) and reports for them. With ``verbose >= 2`` on a terminal, and
``tqdm`` installed (an optional extra, never a requirement), a progress bar replaces the
lines within an epoch.
"""

import contextlib
import logging
import sys
import time

from .._utils import current_hooks

logger = logging.getLogger("sklearn_w2v")



class _DetailFilter(logging.Filter):
    """Passes the records whose ``w2v_detail`` is at most ``verbose``."""

    def __init__(self, verbose):
        super().__init__()
        self.verbose = verbose

    def filter(self, record):
        return getattr(record, "w2v_detail", 1) <= self.verbose


@contextlib.contextmanager
def verbose_output(verbose, stream=None):
    """While active, print the package's records up to detail ``verbose`` to ``stream``
    (standard output by default); nothing for ``verbose <= 0``."""
    if not verbose or verbose <= 0:
        yield
        return
    handler = logging.StreamHandler(sys.stdout if stream is None else stream)
    handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
    handler.addFilter(_DetailFilter(verbose))
    with records_to(handler):
        yield


@contextlib.contextmanager
def records_to(handler):
    """While active, the package's records go to ``handler`` too, whatever the logging
    configuration's level (the logger is set to INFO for the duration if it is higher)."""
    previous_level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def log_vocabulary(n_documents, n_tokens, n_words, seconds):
    """The record of the vocabulary pass."""
    logger.info("collected %s words from %s documents (%s tokens) in %.1f s",
                f"{n_words:,}", f"{n_documents:,}", f"{n_tokens:,}", seconds,
                extra={"w2v_detail": 1})


class EpochProgress:
    """Reports the blocks of one training run as they finish.

    Parameters
    ----------
    epochs : int
    epoch_tokens : int
        Corpus tokens of one epoch.
    verbose : int
        The estimator's ``verbose`` (a progress bar needs 2 or more).
    interval : float or None
        Seconds between progress records; None is the engine hooks' ``progress_interval``
        (one second).
    """

    def __init__(self, epochs, epoch_tokens, verbose=0, interval=None):
        self.epochs = epochs
        self.epoch_tokens = max(int(epoch_tokens), 1)
        self.interval = current_hooks().progress_interval if interval is None else interval
        self._bar = _progress_bar(epochs * self.epoch_tokens) if verbose >= 2 else None
        self._started = time.perf_counter()

    def start_epoch(self, epoch):
        self.epoch = epoch
        self._epoch_started = self._last = time.perf_counter()
        self._tokens = self._loss = self._predictions = self._words = 0

    def block_done(self, task, report):
        """Called by the runner with each finished block (in any order)."""
        self._tokens += task.stop - task.start
        self._loss += report.loss
        self._predictions += report.n_predictions
        self._words += report.n_effective_words
        if self._bar is not None:
            self._bar.update(task.stop - task.start)
            return
        now = time.perf_counter()
        if now - self._last < self.interval or self._tokens >= self.epoch_tokens:
            return
        self._last = now
        seconds = now - self._epoch_started
        share = self._tokens / self.epoch_tokens
        done = (self.epoch + share) / self.epochs
        eta = (now - self._started) * (1 - done) / max(done, 1e-9)
        loss = self._loss / self._predictions if self._predictions else float("nan")
        logger.info("epoch %d/%d: %.1f%% of tokens, %s words/s, loss %.4f so far, ETA %.0f s",
                    self.epoch + 1, self.epochs, 100 * share,
                    f"{self._words / max(seconds, 1e-9):,.0f}", loss, eta,
                    extra={"w2v_detail": 2, "w2v_done": done})

    def epoch_done(self, report):
        """The record of a finished epoch (a trainer's ``EpochReport``)."""
        elapsed = time.perf_counter() - self._started
        words_per_second = report.n_effective_words / max(report.seconds, 1e-9)
        remaining = elapsed / report.epoch * (self.epochs - report.epoch)
        logger.info("epoch %d/%d: loss %.4f per prediction, %s predictions, %s words/s, "
                    "%.1f s, ETA %.0f s", report.epoch, self.epochs, report.mean_loss,
                    f"{report.n_pairs:,}", f"{words_per_second:,.0f}", report.seconds,
                    remaining, extra={"w2v_detail": 1})
        if self._bar is not None and report.epoch == self.epochs:
            self._bar.close()


def _progress_bar(total):
    """A tqdm bar over ``total`` tokens when standard error is a terminal and tqdm is
    installed, else None (progress lines instead)."""
    if not getattr(sys.stderr, "isatty", lambda: False)():
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="tok", unit_scale=True, desc="sklearn_w2v", leave=False)
