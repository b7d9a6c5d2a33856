"""Prediction quantiles of the contacts per interval.

Model: the count ``Y`` of an interval with mean forecast ``mu`` is over-dispersed Poisson
around a day-level factor ``L`` (a busy day is busy all day):

``Y | L ~ mean mu L, variance phi mu L``,   ``L ~ lognormal with E[L] = 1, sd(log L) = s``,

so ``Var Y = phi mu + mu^2 (exp(s^2) - 1)``.  ``phi`` (>= 1) is the variance/mean ratio of
interval counts around *actual* daily totals times the profile; ``s`` is the error of the
daily total (log scale) from the rolling-origin backtest of the chosen model, or from its
in-sample residuals.  Quantiles are those of a negative binomial with that mean and
variance (Poisson when the variance does not exceed the mean) - a moment-matched
approximation of the mixture, exact for ``s = 0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from forecasting.errors import InputError

__all__ = ["interval_quantiles"]


def interval_quantiles(
    mean: np.ndarray,
    quantiles: Sequence[float],
    *,
    dispersion: float = 1.0,
    daily_log_sd: float = 0.0,
) -> dict[float, np.ndarray]:
    """Quantiles of the contacts per interval.

    Parameters
    ----------
    mean : array_like
        Mean forecast per interval, contacts (>= 0).
    quantiles : sequence of float
        Probabilities in (0, 1).
    dispersion : float
        Variance/mean ratio ``phi`` of the interval counts given the day (>= 1 for
        Poisson or more variable arrivals).
    daily_log_sd : float
        Standard deviation ``s`` of the log daily total error.

    Returns
    -------
    dict
        Probability -> array of quantiles (contacts, integers as floats), shape of ``mean``.
    """
    mu = np.maximum(np.asarray(mean, dtype=float), 0.0)
    if dispersion <= 0 or daily_log_sd < 0:
        raise InputError("dispersion must be > 0 and daily_log_sd >= 0.")
    var = dispersion * mu + mu**2 * np.expm1(daily_log_sd**2)
    out: dict[float, np.ndarray] = {}
    over = var > mu * (1 + 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(over, mu / var, 1.0)
        n = np.where(over, mu**2 / (var - mu), 1.0)
    for q in quantiles:
        if not 0 < q < 1:
            raise InputError(f"quantile must be in (0, 1), found {q!r}.")
        nb = stats.nbinom.ppf(q, np.where(over, n, 1.0), np.where(over, p, 0.5))
        po = stats.poisson.ppf(q, mu)
        val = np.where(over, nb, po)
        out[float(q)] = np.where(mu > 0, val, 0.0).astype(float)
    return out
