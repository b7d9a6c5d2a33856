"""Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M) performance measures.

Every function takes scalars, numpy arrays or pandas Series (one value per
interval) and broadcasts them; nothing loops over intervals in Python.

Numerics
--------
No factorials and no powers are formed.  Erlang B is the ratio of a Poisson
probability to a Poisson distribution function,

.. math:: B(n, a) = \\frac{a^n e^{-a} / n!}{\\sum_{k \\le n} a^k e^{-a} / k!}
          = \\frac{p(n; a)}{Q(n + 1, a)},

evaluated in logarithms with ``gammaln`` and the regularised upper incomplete
gamma function ``Q`` (``scipy.special.gammaincc``).  Where ``Q`` would
underflow (far fewer servers than Erlangs, which only Erlang A searches reach)
the reciprocal series :math:`1/B = \\sum_j \\prod_{i<j} (n-i)/a` is summed
instead; it converges geometrically there.  Results are exact to about 1e-13
for any load up to at least 20,000 servers and 15,000 Erlangs.

Erlang A uses the incomplete-gamma closed forms of Mandelbaum & Zeltyn, with
the waiting-time distribution written as regularised incomplete gamma
functions (derivation in :func:`erlang_a`).

References
----------
.. [1] Cooper, R. B. (1981). *Introduction to Queueing Theory*, 2nd ed., ch. 3.
.. [2] Garnett, O., Mandelbaum, A. & Reiman, M. (2002). Designing a call center
   with impatient customers. *M&SOM* 4(3), 208-227.
.. [3] Mandelbaum, A. & Zeltyn, S. (2007). Service engineering in action: the
   Palm/Erlang-A queue, with applications to call centers. In *Advances in
   Services Innovations*, Springer, 17-45.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import special

ArrayLike: TypeAlias = float | int | np.ndarray | pd.Series

#: Service-level definitions for Erlang A (see :func:`erlang_a`).
ServiceLevelDefinition = Literal["offered", "answered", "offered_excl_short_abandons"]

_LOG_TINY = -700.0  # below this, exp() underflows: switch to series evaluations
_SERIES_TERMS = 600


#: Offered loads at or below this (Erlangs) are treated as zero by Erlang A (no underflow).
TINY_LOAD_ERLANGS = 1e-200

def _as_array(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _wrap(result: np.ndarray, like: tuple[ArrayLike, ...]) -> ArrayLike:
    """Return a float for scalar input, a Series (with the first Series' index) for Series input."""
    for item in like:
        if isinstance(item, pd.Series):
            return pd.Series(np.broadcast_to(result, item.shape), index=item.index)
    if result.ndim == 0:
        return float(result)
    return result


def erlang_b_log(agents: ArrayLike, erlangs: ArrayLike) -> np.ndarray:
    """Natural logarithm of the Erlang B blocking probability.

    Parameters
    ----------
    agents : array_like
        Number of servers ``n`` (integer values, >= 0).
    erlangs : array_like
        Offered load ``a`` in Erlangs (>= 0).

    Returns
    -------
    numpy.ndarray
        ``log B(n, a)``; ``0`` where ``a == 0`` and ``n == 0``, ``-inf`` where ``a == 0 < n``.
    """
    n, a = np.broadcast_arrays(_as_array(agents), _as_array(erlangs))
    n = n.astype(float)
    a = a.astype(float)
    out = np.empty(n.shape, dtype=float)
    zero_load = a <= 0
    out[zero_load] = np.where(n[zero_load] <= 0, 0.0, -np.inf)
    pos = ~zero_load
    if pos.any():
        nn, aa = n[pos], a[pos]
        with np.errstate(divide="ignore", under="ignore"):
            log_pmf = nn * np.log(aa) - aa - special.gammaln(nn + 1.0)
            q = special.gammaincc(nn + 1.0, aa)
            log_q = np.log(q)
        res = log_pmf - log_q
        bad = ~np.isfinite(log_q) | (log_q < _LOG_TINY)
        if bad.any():
            res[bad] = -np.log(_inverse_b_series(nn[bad], aa[bad]))
        out[pos] = res
    return out


def _inverse_b_series(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``1/B(n, a) = sum_{j>=0} prod_{i<j} (n - i)/a`` for integer ``n`` well below ``a``."""
    total = np.ones_like(n)
    term = np.ones_like(n)
    for i in range(_SERIES_TERMS):
        term = term * np.maximum(n - i, 0.0) / a
        total += term
        if not (term > 1e-18 * total).any():
            break
    return total


def erlang_b(agents: ArrayLike, erlangs: ArrayLike) -> ArrayLike:
    """Erlang B: probability that a call is blocked in an M/M/n/n loss system.

    Parameters
    ----------
    agents : array_like
        Number of servers (integer values).
    erlangs : array_like
        Offered load in Erlangs (arrival rate x mean handle time).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Blocking probability in [0, 1].

    References
    ----------
    Cooper (1981), eq. 3.1.1; evaluated as a Poisson pmf over a Poisson cdf.
    """
    return _wrap(np.exp(erlang_b_log(agents, erlangs)), (agents, erlangs))


def erlang_c(agents: ArrayLike, erlangs: ArrayLike) -> ArrayLike:
    """Erlang C: probability that an arriving call waits (M/M/n, infinite patience).

    Parameters
    ----------
    agents : array_like
        Number of agents ``n``.
    erlangs : array_like
        Offered load ``a`` in Erlangs.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        ``P(W > 0)``; 1 where ``n <= a`` (unstable queue), 0 where ``a == 0``.

    Notes
    -----
    :math:`C = n B / (n - a (1 - B))` with ``B`` the Erlang B probability [1]_.
    """
    return _wrap(_erlang_c(_as_array(agents), _as_array(erlangs)), (agents, erlangs))


def _erlang_c(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    n, a = np.broadcast_arrays(n, a)
    b = np.exp(erlang_b_log(n, a))
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(stable, n * b / (n - a * (1.0 - b)), 1.0)
    c = np.where(a <= 0, 0.0, c)
    return np.clip(c, 0.0, 1.0)


def service_level_erlang_c(
    agents: ArrayLike, erlangs: ArrayLike, aht_seconds: ArrayLike, answer_seconds: ArrayLike
) -> ArrayLike:
    """Share of calls answered within ``answer_seconds`` in M/M/n (Erlang C).

    Parameters
    ----------
    agents : array_like
        Number of agents.
    erlangs : array_like
        Offered load in Erlangs.
    aht_seconds : array_like
        Average handle time in seconds.
    answer_seconds : array_like
        Service-level threshold ``T`` in seconds.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        :math:`1 - C \\exp(-(n - a) T / AHT)`; 0 where ``n <= a``, 1 where ``a == 0``.
    """
    n, a, aht, t = np.broadcast_arrays(*map(_as_array, (agents, erlangs, aht_seconds, answer_seconds)))
    c = _erlang_c(n, a)
    sl = np.where(n > a, 1.0 - c * np.exp(-np.maximum(n - a, 0.0) * t / aht), 0.0)
    sl = np.where(a <= 0, 1.0, sl)
    return _wrap(np.clip(sl, 0.0, 1.0), (agents, erlangs, aht_seconds, answer_seconds))


def asa_erlang_c(agents: ArrayLike, erlangs: ArrayLike, aht_seconds: ArrayLike) -> ArrayLike:
    """Average speed of answer in seconds for M/M/n (Erlang C), over all offered calls.

    Returns ``inf`` where ``n <= a`` and 0 where ``a == 0``.  Formula: :math:`C \\cdot AHT / (n - a)`.
    """
    n, a, aht = np.broadcast_arrays(*map(_as_array, (agents, erlangs, aht_seconds)))
    c = _erlang_c(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(n > a, c * aht / (n - a), np.inf)
    asa = np.where(a <= 0, 0.0, asa)
    return _wrap(asa, (agents, erlangs, aht_seconds))


def occupancy_erlang_c(agents: ArrayLike, erlangs: ArrayLike) -> ArrayLike:
    """Agent occupancy ``a / n`` for M/M/n, capped at 1 (0 where ``n == 0``)."""
    n, a = np.broadcast_arrays(_as_array(agents), _as_array(erlangs))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, np.minimum(a / n, 1.0), 0.0)
    return _wrap(occ, (agents, erlangs))


# ----------------------------------------------------------------------------- Erlang A


def _log_gammainc_lower(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log P(x, y)``, the regularised lower incomplete gamma function, without underflow.

    Direct ``log(gammainc)`` where that is representable; otherwise the series
    :math:`P(x, y) = y^x e^{-y} / \\Gamma(x + 1) \\sum_k y^k / \\prod_{i=1}^k (x + i)`
    (Abramowitz & Stegun 6.5.29), which converges geometrically where ``P`` is tiny (``y << x``).
    """
    x, y = np.broadcast_arrays(x, y)
    out = np.empty(x.shape, dtype=float)
    with np.errstate(divide="ignore", under="ignore"):
        p = special.gammainc(x, y)
        logp = np.log(p)
    good = np.isfinite(logp) & (logp > _LOG_TINY)
    out[good] = logp[good]
    bad = ~good
    if bad.any():
        xb, yb = x[bad], y[bad]
        with np.errstate(divide="ignore"):
            prefix = xb * np.log(yb) - yb - special.gammaln(xb + 1.0)
        total = np.ones_like(xb)
        term = np.ones_like(xb)
        for i in range(1, 20 * _SERIES_TERMS):
            term = term * yb / (xb + i)
            total += term
            if not (term > 1e-18 * total).any():
                break
        out[bad] = prefix + np.log(total)
    return out


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state measures of an M/M/n+M (Erlang A) queue, one value per interval.

    Attributes
    ----------
    prob_wait : ndarray
        Probability that an arriving contact has to wait, ``P(W > 0)``.
    prob_abandon : ndarray
        Probability that an offered contact abandons, ``P(Ab)``.
    service_level : ndarray
        Share of *offered* contacts answered within the threshold.
    service_level_answered : ndarray
        Share of *answered* contacts answered within the threshold.
    service_level_excl_short_abandons : ndarray
        Answered within the threshold over (offered minus contacts that abandoned
        within the threshold).
    asa_seconds : ndarray
        Average wait of answered contacts (the usual ACD "average speed of answer").
    mean_wait_seconds : ndarray
        Average wait of all offered contacts, answered or abandoned (``P(Ab) * patience``).
    occupancy : ndarray
        Carried load over agents, ``a (1 - P(Ab)) / n``.
    """

    prob_wait: np.ndarray
    prob_abandon: np.ndarray
    service_level: np.ndarray
    service_level_answered: np.ndarray
    service_level_excl_short_abandons: np.ndarray
    asa_seconds: np.ndarray
    mean_wait_seconds: np.ndarray
    occupancy: np.ndarray


def erlang_a(
    agents: ArrayLike,
    erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    answer_seconds: ArrayLike = 20.0,
    *,
    with_asa: bool = True,
) -> ErlangAResult:
    """Erlang A (M/M/n+M): Poisson arrivals, exponential service and exponential patience.

    Parameters
    ----------
    agents : array_like
        Number of agents ``n`` (integer values >= 0).
    erlangs : array_like
        Offered load ``a = lambda * AHT`` in Erlangs.
    aht_seconds : array_like
        Average handle time ``1/mu`` in seconds.
    patience_seconds : array_like
        Mean patience ``1/theta`` in seconds (time a caller is willing to wait).
    answer_seconds : array_like
        Service-level threshold ``T`` in seconds.
    with_asa : bool
        Compute ``asa_seconds`` (a sum over the queue length; NaN when False, which is about
        four times faster).

    Returns
    -------
    ErlangAResult
        Arrays broadcast to the common shape of the inputs.

    Notes
    -----
    With :math:`x = n\\mu/\\theta`, :math:`y = \\lambda/\\theta`, Erlang B
    :math:`B = B(n, a)` and :math:`P(\\cdot,\\cdot)` the regularised lower
    incomplete gamma function:

    * :math:`A(x, y) = x e^y y^{-x} \\Gamma(x) P(x, y)` and
      :math:`P(W>0) = A B / (1 + (A - 1) B)` [3]_;
    * a waiting contact that finds ``j`` others queued waits, if patient enough,
      the ``(j+1)``-th smallest of ``x + j`` exponential clocks of rate theta, so
      summing over the stationary queue gives
      :math:`P(\\text{served}, W > t \\mid W > 0) = (x/y) P(x + 1, y e^{-\\theta t}) / P(x, y)`;
    * :math:`P(Ab \\mid W > 0) = 1 - (x/y) P(x+1, y) / P(x, y)`; the mean wait of all
      offered contacts is :math:`P(Ab)/\\theta` (Little's law applied to abandonment);
    * the mean wait of served contacts sums :math:`\\sum_{m=0}^{j} 1/(\\theta(x+m+1))`
      over the queue found on arrival, weighted by the chance of being served,
      :math:`x/(x+j+1)`; this sum is evaluated over the truncated queue distribution.

    Service level is, by default, answered within ``T`` over offered (abandoned
    contacts count as failures).  The two common alternatives are returned too.
    """
    n, a, aht, pat, t = np.broadcast_arrays(
        *map(_as_array, (agents, erlangs, aht_seconds, patience_seconds, answer_seconds))
    )
    shape = n.shape
    n, a, aht, pat, t = (v.ravel().astype(float) for v in (n, a, aht, pat, t))
    size = n.size
    prob_wait = np.zeros(size)
    prob_ab = np.zeros(size)
    sl = np.ones(size)
    sl_ans = np.ones(size)
    sl_excl = np.ones(size)
    asa = np.zeros(size)
    occ = np.zeros(size)

    # loads below 1e-200 Erlangs are no load: their arrival rate underflows (lam / theta = 0)
    live = a > TINY_LOAD_ERLANGS
    none = live & (n <= 0)
    prob_wait[none] = 1.0
    prob_ab[none] = 1.0
    sl[none] = 0.0
    sl_ans[none] = np.nan
    sl_excl[none] = 0.0
    asa[none] = np.nan
    act = live & (n > 0)
    if act.any():
        nn, aa, hh, pp, tt = n[act], a[act], aht[act], pat[act], t[act]
        theta = 1.0 / pp
        mu = 1.0 / hh
        lam = aa * mu
        x = nn * mu / theta
        y = lam / theta
        log_b = erlang_b_log(nn, aa)
        log_p_x_y = _log_gammainc_lower(x, y)
        log_a_fn = np.log(x) + y - x * np.log(y) + special.gammaln(x) + log_p_x_y
        # P(W>0) = 1 / (1 + (1 - B) / (A B)), written to avoid overflow of A.
        with np.errstate(divide="ignore", over="ignore"):
            log_ratio = np.log1p(-np.exp(log_b)) - log_a_fn - log_b
        pw = special.expit(-log_ratio)
        served_given_wait = np.exp((np.log(x) - np.log(y)) + _log_gammainc_lower(x + 1.0, y) - log_p_x_y)
        served_late_given_wait = np.exp(
            (np.log(x) - np.log(y)) + _log_gammainc_lower(x + 1.0, y * np.exp(-theta * tt)) - log_p_x_y
        )
        served_given_wait = np.clip(served_given_wait, 0.0, 1.0)
        served_late_given_wait = np.clip(served_late_given_wait, 0.0, served_given_wait)
        ab_given_wait = 1.0 - served_given_wait
        p_ab = pw * ab_given_wait
        answered_within = (1.0 - pw) + pw * (served_given_wait - served_late_given_wait)
        # Contacts that abandon within T: P(tau < min(V, T)) summed like the above; equals
        # P(Ab) - P(abandon after T) and P(abandon after T | W>0) = P(V > T, tau in (T, V)).
        # P(tau > T, V > T) = e^{-theta T} P(V > T) and P(V > T | W>0) is the same sum with
        # the x/(x+j+1) weight removed: P(x, y e^{-theta T}) / P(x, y).
        v_late = np.exp(_log_gammainc_lower(x, y * np.exp(-theta * tt)) - log_p_x_y)
        ab_after_t = np.clip(np.exp(-theta * tt) * v_late - served_late_given_wait, 0.0, 1.0)
        ab_within_t = np.clip(p_ab - pw * ab_after_t, 0.0, 1.0)
        prob_wait[act] = pw
        prob_ab[act] = p_ab
        sl[act] = np.clip(answered_within, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            sl_ans[act] = np.clip(answered_within / (1.0 - p_ab), 0.0, 1.0)
            sl_excl[act] = np.clip(answered_within / (1.0 - ab_within_t), 0.0, 1.0)
        asa[act] = _erlang_a_asa_answered(x, y, theta, pw, p_ab) if with_asa else np.nan
        occ[act] = np.minimum(aa * (1.0 - p_ab) / nn, 1.0)

    def shaped(v: np.ndarray) -> np.ndarray:
        return v.reshape(shape)

    return ErlangAResult(
        prob_wait=shaped(prob_wait),
        prob_abandon=shaped(prob_ab),
        service_level=shaped(sl),
        service_level_answered=shaped(sl_ans),
        service_level_excl_short_abandons=shaped(sl_excl),
        asa_seconds=shaped(asa),
        mean_wait_seconds=shaped(prob_ab * pat),
        occupancy=shaped(occ),
    )


def _erlang_a_asa_answered(
    x: np.ndarray, y: np.ndarray, theta: np.ndarray, pw: np.ndarray, p_ab: np.ndarray
) -> np.ndarray:
    """Mean wait of served contacts: sum over the queue found on arrival (truncated where negligible).

    Queue weights ``w_j`` are proportional to :math:`y^j / \\prod_{i=1}^{j} (x+i)`; a contact
    finding ``j`` waiting is served with probability ``x/(x+j+1)`` and then waited
    :math:`(\\psi(x+j+2) - \\psi(x+1))/\\theta` on average (competing exponential clocks).
    Evaluated in blocks of ``j`` so memory stays bounded for heavy loads.
    """
    out = np.zeros_like(x)
    peak = np.maximum(y - x, 0.0)
    j_max = np.ceil(peak + 14.0 * np.sqrt(y + 1.0) + 40.0)
    order = np.argsort(j_max)
    # Group intervals with similar truncation points to keep the 2-D blocks small.
    groups = np.array_split(order, max(1, int(np.ceil(x.size / 256))))
    for idx in groups:
        if idx.size == 0:
            continue
        jm = int(j_max[idx].max())
        j = np.arange(jm + 1, dtype=float)[None, :]
        xi = x[idx][:, None]
        yi = y[idx][:, None]
        log_w = j * np.log(yi) - (special.gammaln(xi + j + 1.0) - special.gammaln(xi + 1.0))
        log_w -= log_w.max(axis=1, keepdims=True)
        w = np.exp(log_w)
        w /= w.sum(axis=1, keepdims=True)
        served = xi / (xi + j + 1.0)
        wait = (special.digamma(xi + j + 2.0) - special.digamma(xi + 1.0)) / theta[idx][:, None]
        numer = (w * served * wait).sum(axis=1)
        out[idx] = numer
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = pw * out / (1.0 - p_ab)
    return np.where(1.0 - p_ab > 0, asa, np.nan)
