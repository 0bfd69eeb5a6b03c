"""The noise distribution of negative sampling and NCE, and its exact O(1) sampler.

``q(w) ∝ count(w) ** ns_exponent`` (:func:`noise_distribution`) is what negative sampling
and NCE draw their noise words from, what NCE's logit offset ``log(K q(w))`` is made of,
and what scoring a negative-sampling model corrects its logits by. :class:`NoiseSampler`
draws from it exactly in O(1) per draw.
"""

import numpy as np

__all__ = ["NoiseSampler", "noise_distribution"]

# Word ids that fit in a uint16: 0 .. 65535.
_UINT16_IDS = 1 << 16


def noise_distribution(counts, ns_exponent=0.75) -> np.ndarray:
    """Noise distribution ``q(w) ∝ count(w) ** ns_exponent``.

    Parameters
    ----------
    counts : array-like of int, shape (n_words,)
        Occurrences of each vocabulary word.
    ns_exponent : float, default=0.75
        0.75 is word2vec's choice; 1 gives the unigram distribution, 0 the
        uniform one. Negative values favour rare words (allowed only when
        every count is positive).

    Returns
    -------
    q : ndarray of float64, shape (n_words,)
        Sums to 1.

    Raises
    ------
    ValueError
        If ``counts`` is empty or negative, ``ns_exponent`` is not finite, or
        it is so far from 0 that the probability of a word with a positive
        count underflows to 0.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("`counts` must be a non-empty one-dimensional array.")
    if np.any(counts < 0):
        raise ValueError("`counts` must be non-negative.")
    if not np.isfinite(ns_exponent):
        raise ValueError(f"`ns_exponent` must be finite, got {ns_exponent!r}.")
    if ns_exponent < 0 and np.any(counts == 0):
        raise ValueError(
            "A negative `ns_exponent` needs every count to be positive "
            "(0 ** negative is infinite)."
        )
    positive = counts > 0
    if not positive.any() and ns_exponent > 0:
        raise ValueError("The noise weights count ** ns_exponent are all zero.")
    # In log space, shifted by the largest: count ** ns_exponent itself overflows or
    # underflows for large |ns_exponent|, while the normalised q may still be fine.
    # 0 ** 0 == 1 (ns_exponent == 0 is uniform over all words); 0 ** positive == 0.
    log_weights = np.full(counts.shape, -np.inf if ns_exponent > 0 else 0.0)
    log_weights[positive] = ns_exponent * np.log(counts[positive])
    weights = np.exp(log_weights - log_weights.max())
    q = weights / weights.sum()
    underflow = positive & (q == 0)
    if underflow.any():
        raise ValueError(
            f"ns_exponent={ns_exponent!r} makes the noise probability "
            f"q(w) ∝ count(w)**ns_exponent underflow to 0 for {int(underflow.sum())} of "
            f"the {counts.size} words, which could then never be noise words and would "
            f"score -inf. Use an ns_exponent closer to 0 (word2vec uses 0.75).")
    return q


class NoiseSampler:
    """Draw word ids from a fixed discrete distribution, exactly, in O(1) per draw.

    word2vec.c draws noise words from a table of 10^8 word ids in which each word fills a
    share of the slots proportional to its probability (rounded); gensim binary-searches the
    cumulative distribution. This sampler combines both, exactly: with ``T`` slots (4 to 16
    per word), word ``w`` fills ``floor(T q_w)`` slots of a table, and the leftover mass
    ``T q_w - floor(T q_w)`` (at most one slot per word, so at most a quarter of the
    draws) goes to a residual distribution sampled by inverse CDF. A draw ``x`` uniform in
    ``[0, T)`` reads the table at ``floor(x)`` when ``x`` falls in it and the residual CDF
    otherwise, so each word is drawn with probability ``(floor(T q_w) + r_w) / T = q_w``.
    Measured several times faster than a binary search of the CDF for every draw (see
    benchmarks/DESIGN.md).

    Parameters
    ----------
    probabilities : array-like of float, shape (n_words,)
        Non-negative weights, e.g. from :func:`noise_distribution`. They are
        normalized to sum to 1.

    Attributes
    ----------
    probabilities : ndarray of float64, shape (n_words,)
        The normalized distribution.
    log_probabilities : ndarray of float64, shape (n_words,)
        ``log(probabilities)``; ``-inf`` where the probability is 0. Used by
        NCE, whose logits subtract ``log(k * q(w))``.
    """

    # Table slots: more slots send fewer draws to the residual binary search (measured
    # faster, see benchmarks/DESIGN.md) but cost 4 bytes each, so large vocabularies
    # get fewer per word, never fewer than 4.
    _SLOTS_PER_WORD = 16
    _MIN_SLOTS_PER_WORD = 4
    _MAX_TABLE_SLOTS = 1 << 22

    def __init__(self, probabilities):
        probabilities = np.asarray(probabilities, dtype=np.float64)
        if probabilities.ndim != 1 or probabilities.size == 0:
            raise ValueError(
                "`probabilities` must be a non-empty one-dimensional array."
            )
        if not np.all(np.isfinite(probabilities)) or np.any(probabilities < 0):
            raise ValueError("`probabilities` must be finite and non-negative.")
        total = probabilities.sum()
        if total <= 0:
            raise ValueError("`probabilities` must not all be zero.")
        self.probabilities = probabilities / total
        with np.errstate(divide="ignore"):
            self.log_probabilities = np.log(self.probabilities)
        n_slots = max(self._MIN_SLOTS_PER_WORD * probabilities.size,
                      min(self._SLOTS_PER_WORD * probabilities.size, self._MAX_TABLE_SLOTS))
        scaled = self.probabilities * n_slots
        whole = np.floor(scaled)
        slots_per_word = whole.astype(np.int64)
        # The table holds the word ids in order, so the ids that do not fit in 16 bits
        # (words 65,536 and up, the rarest of a larger vocabulary) fill its last slots:
        # the first _table_head slots are kept as uint16 and the rest as int32, which
        # halves the table of a vocabulary of about 65k words.
        n_small = min(probabilities.size, _UINT16_IDS)
        self._table = np.repeat(np.arange(n_small, dtype=np.uint16), slots_per_word[:n_small])
        self._table_tail = np.repeat(np.arange(n_small, probabilities.size, dtype=np.int32),
                                     slots_per_word[n_small:])
        self._table_size = self._table.size + self._table_tail.size
        residual_cdf = np.cumsum(scaled - whole)
        self._residual_mass = float(n_slots - self._table_size)
        self._n_slots = float(n_slots)
        # The residual masses sum to n_slots - table size up to rounding: normalising the
        # last entry to exactly 1.0 makes a residual draw in [0, 1) always land in a bin.
        self._residual_cdf = (residual_cdf / residual_cdf[-1] if residual_cdf[-1] > 0
                              else residual_cdf)
        # Trailing zero-probability words share the CDF value 1.0 and can never be
        # selected; clipping to the last positive word (rather than n - 1) keeps that
        # true even if rounding ever pushed a draw past it.
        self._last_possible_id = int(np.flatnonzero(probabilities > 0)[-1])

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        """Draw word ids.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of randomness; the same generator state gives the same ids.
        size : int or tuple of int
            Output shape.

        Returns
        -------
        ids : ndarray of int32, shape ``size``
            Each ``ids[...] == w`` with probability ``probabilities[w]``.
        """
        position = rng.random(size)
        position *= self._n_slots
        slot = position.astype(np.int64)
        n_head, n_table = self._table.size, self._table_size
        ids = (self._table[np.minimum(slot, n_head - 1)].astype(np.int32) if n_head
               else np.zeros(np.shape(position), dtype=np.int32))
        if self._table_tail.size:
            tail = (slot >= n_head) & (slot < n_table)
            if tail.any():
                ids[tail] = self._table_tail[slot[tail] - n_head]
        residual = slot >= n_table
        if residual.any():
            # Position n_table + r * residual_mass, r uniform in [0, 1), is residual draw r.
            r = (position[residual] - n_table) / self._residual_mass
            # side="right": r in [cdf[w-1], cdf[w]) maps to w, so a zero-width bin
            # (no residual mass) is never hit.
            drawn = np.searchsorted(self._residual_cdf, r, side="right")
            ids[residual] = np.minimum(drawn, self._last_possible_id)
        return ids
