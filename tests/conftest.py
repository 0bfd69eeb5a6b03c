"""Fixtures and helpers shared by the test modules.

Tests reach into a fit through the engine hooks (``sklearn_w2v._utils.engine_hooks``), not
by replacing functions of the package: small blocks and worker processes for a small
corpus, and the named points a fit announces, where a test watches or interrupts it.
"""

import pytest

from sklearn_w2v._utils import engine_hooks

# The points a fit announces, in order (see sklearn_w2v._training.fit): before it plans,
# reads, chooses the vocabulary, learns the statistics of its extras, trains (set up, then
# the trainer's start), learns its extras after training, and assembles its state.
FIT_EVENTS = ["plan", "count", "vocabulary", "statistics", "train", "training", "extras",
              "assemble"]


@pytest.fixture
def many_blocks():
    """Blocks of 4,096 tokens, and worker processes for any corpus when n_jobs > 1."""
    with engine_hooks(block_size=4096, min_tokens_for_processes=0):
        yield


def stop_at(event, error=KeyboardInterrupt, before=None):
    """Engine hooks under which a fit raises ``error`` when it reaches ``event``, after
    calling ``before(details)`` if given."""

    def on_event(name, details):
        if name == event:
            if before is not None:
                before(details)
            raise error("stopped by the test")
    return engine_hooks(on_event=on_event)


def recording(events, *names):
    """Engine hooks that append ``(name, details)`` to ``events`` for each of ``names``."""

    def on_event(name, details):
        if name in names:
            events.append((name, details))
    return engine_hooks(on_event=on_event)


@pytest.fixture
def training_starts():
    """``(matrices, config, n_tokens)`` of each training run the test starts: copies of the
    parameter matrices as the trainer receives them, its configuration, and the tokens of
    the corpus it trains on."""
    starts = []

    def on_event(name, details):
        if name == "training":
            starts.append(({key: matrix.copy() for key, matrix in details["parameters"].items()},
                           details["config"], details["corpus"].n_tokens))
    with engine_hooks(on_event=on_event):
        yield starts
