"""Learning-rate schedules: the step size as a function of the tokens trained so far.

The trainer asks a schedule for the rate of each minibatch with the number of corpus tokens
(before subsampling) that this training run has processed before it. Two schedules:

* :class:`LinearDecay`, word2vec.c's: from ``initial`` to ``final`` linearly over a run whose
  length is known in advance (``fit``: epochs x corpus tokens).
* :class:`InverseTimeDecay`, for ``partial_fit``, where nobody knows how much text will
  follow: the rate depends only on the tokens the model has been trained on so far, so the
  same stream cut into chunks of any size gets the same rates.
"""

from dataclasses import dataclass

__all__ = ["InverseTimeDecay", "LinearDecay", "linear_learning_rate"]


def linear_learning_rate(initial, final, progress):
    """Learning rate decayed linearly from ``initial`` to ``final`` as ``progress`` goes 0 → 1."""
    return initial - (initial - final) * min(max(progress, 0.0), 1.0)


@dataclass(frozen=True)
class LinearDecay:
    """``initial`` → ``final`` linearly over ``total_tokens`` tokens, then ``final``."""

    initial: float
    final: float
    total_tokens: float

    def rate(self, tokens):
        """The learning rate after ``tokens`` tokens of the run."""
        return linear_learning_rate(self.initial, self.final,
                                    tokens / max(self.total_tokens, 1.0))


@dataclass(frozen=True)
class InverseTimeDecay:
    """``initial / (1 + t / half_life)``, never below ``final``; ``t`` counts from the first
    token the model was ever trained on.

    ``tokens_before`` is where this run starts on that clock (the tokens of the earlier
    calls). The rate halves after ``half_life`` tokens, is a third after twice as many, and
    so on: it keeps decreasing however long the stream is (the sum of the rates diverges,
    the Robbins-Monro condition, so words keep learning), without needing its length.
    """

    initial: float
    final: float
    half_life: float
    tokens_before: float = 0.0

    def rate(self, tokens):
        """The learning rate after ``tokens`` tokens of this run."""
        elapsed = self.tokens_before + tokens
        return max(self.final, self.initial / (1.0 + elapsed / self.half_life))
