"""Erlang B / C / A against published values and independent computations."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pandas as pd
import pytest

from staffing import erlang

# ----------------------------------------------------------------------------- independent references


def erlang_b_recursion(n: int, a: float) -> float:
    """Textbook recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1 (Cooper 1981, eq. 3.1.4)."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c_mpmath(n: int, a: float) -> float:
    """Erlang C with 50-digit arithmetic from the defining sums (no shared code with the engine)."""
    mpmath.mp.dps = 50
    a = mpmath.mpf(a)
    top = a**n / mpmath.factorial(n) * n / (n - a)
    bottom = mpmath.fsum(a**k / mpmath.factorial(k) for k in range(n)) + top
    return float(top / bottom)


def birth_death_erlang_a(n: int, lam: float, mu: float, theta: float, t: float) -> dict[str, float]:
    """Exact M/M/n+M measures from the truncated birth-death chain (Garnett et al. 2002).

    State k = contacts in system; birth rate lam, death rate min(k, n) mu + max(k - n, 0) theta.
    Service level 'answered within t over offered' is computed by conditioning on the queue
    found on arrival and integrating the virtual waiting time numerically (mpmath.quad).
    """
    mpmath.mp.dps = 80
    lam, mu, theta, t = (mpmath.mpf(v) for v in (lam, mu, theta, t))
    kmax = n + int(lam / theta + 50 * mpmath.sqrt(lam / theta + 1) + 200)
    logp = [mpmath.mpf(0)]
    for k in range(1, kmax + 1):
        death = min(k, n) * mu + max(k - n, 0) * theta
        logp.append(logp[-1] + mpmath.log(lam) - mpmath.log(death))
    m = max(logp)
    p = [mpmath.e ** (v - m) for v in logp]
    z = mpmath.fsum(p)
    p = [v / z for v in p]
    p_wait = mpmath.fsum(p[n:])
    # arrival finding j waiting: served w.p. prod_{m=0}^{j} (n mu + m theta) / (n mu + (m+1) theta)
    p_ab = mpmath.mpf(0)
    sl_late = mpmath.mpf(0)
    for j, pj in enumerate(p[n:]):
        if pj < mpmath.mpf(10) ** -25:
            continue
        rates = [n * mu + m * theta for m in range(j + 1)]
        served = mpmath.fprod(r / (r + theta) for r in rates)
        p_ab += pj * (1 - served)
        # P(served and wait > t | j): wait is a hypoexponential with rates r + theta (conditioned
        # on being served); probability of exceeding t computed by numerical integration of
        # its density via the Laplace-free formula for distinct rates.
        tot = [r + theta for r in rates]
        tail = mpmath.fsum(
            mpmath.fprod(tot[l] / (tot[l] - tot[i]) for l in range(len(tot)) if l != i) * mpmath.e ** (-tot[i] * t)
            for i in range(len(tot))
        )
        sl_late += pj * served * tail
    sl = 1 - p_ab - sl_late
    return {"prob_wait": float(p_wait), "prob_abandon": float(p_ab), "service_level": float(sl)}


# ----------------------------------------------------------------------------- published values


def test_erlang_c_published_10_erlangs() -> None:
    # 100 calls per 30 minutes, AHT 180 s = 10 Erlangs. Published: 13 agents 79.56 % within 20 s,
    # 14 agents 88.84 % and ASA 7.84 s (issue #3; the classic Erlang C worked example, e.g.
    # callcentrehelper.com "Erlang C formula - made simple").
    sl = erlang.service_level_erlang_c(np.array([13, 14]), 10.0, 180.0, 20.0)
    assert sl[0] == pytest.approx(0.7956, abs=5e-5)
    assert sl[1] == pytest.approx(0.8884, abs=5e-5)
    assert erlang.asa_erlang_c(14, 10.0, 180.0) == pytest.approx(7.84, abs=5e-3)


def test_erlang_c_published_10000_calls_per_hour() -> None:
    # 10,000 calls per hour, AHT 300 s: 847 agents give 78.74 % (issue #3).
    a = 10_000 * 300 / 3600
    assert erlang.service_level_erlang_c(847, a, 300.0, 20.0) == pytest.approx(0.7874, abs=5e-5)
    assert erlang.service_level_erlang_c(848, a, 300.0, 20.0) >= 0.8


def test_erlang_a_published_values() -> None:
    # Erlang A, patience 120 s, SL = answered within 20 s / offered (issue #3):
    # 10 Erlangs (AHT 180): 12 agents 82.56 %, 11 agents 74.22 %, abandonment 6.16 % at 12.
    res = erlang.erlang_a(np.array([11, 12]), 10.0, 180.0, 120.0, 20.0)
    assert res.service_level[0] == pytest.approx(0.7422, abs=5e-5)
    assert res.service_level[1] == pytest.approx(0.8256, abs=5e-5)
    assert res.prob_abandon[1] == pytest.approx(0.0616, abs=5e-5)
    # 10,000 calls/h at AHT 300 s: 755 agents 80.29 %, 754 agents 79.77 %.
    a = 10_000 * 300 / 3600
    res = erlang.erlang_a(np.array([754, 755]), a, 300.0, 120.0, 20.0)
    assert res.service_level[0] == pytest.approx(0.7977, abs=5e-5)
    assert res.service_level[1] == pytest.approx(0.8029, abs=5e-5)


# ----------------------------------------------------------------------------- independent computations


@pytest.mark.parametrize(
    "n,a",
    [(1, 0.5), (5, 4.2), (13, 10.0), (50, 47.5), (300, 280.0), (848, 833.33), (2000, 1990.0), (5019, 5000.0)],
)
def test_erlang_b_matches_recursion(n: int, a: float) -> None:
    assert erlang.erlang_b(n, a) == pytest.approx(erlang_b_recursion(n, a), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("n,a", [(14, 10.0), (120, 100.0), (848, 833.333), (5019, 5000.0), (20000, 15000.0), (15100, 15000.0)])
def test_erlang_c_matches_high_precision(n: int, a: float) -> None:
    expected = erlang_c_mpmath(n, a)
    got = erlang.erlang_c(n, a)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_erlang_b_far_below_load_uses_series() -> None:
    # n << a: Poisson cdf underflows; B must still be exact. Reference: recursion.
    for n, a in [(100, 15000.0), (5000, 15000.0), (9000, 14000.0)]:
        assert erlang.erlang_b(n, a) == pytest.approx(erlang_b_recursion(n, a), rel=1e-9)


def test_no_warnings_and_finite_at_scale() -> None:
    n = np.arange(1, 20001, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = erlang.erlang_b(n, 15000.0)
        c = erlang.erlang_c(n, 15000.0)
        sl = erlang.service_level_erlang_c(n, 15000.0, 300.0, 20.0)
        asa = erlang.asa_erlang_c(n, 15000.0, 300.0)
        res = erlang.erlang_a(n[::50], 15000.0, 300.0, 120.0, 20.0)
    assert np.all(np.isfinite(b)) and np.all(np.isfinite(c)) and np.all(np.isfinite(sl))
    assert np.all(np.diff(b) <= 0)
    assert np.all(np.diff(sl) >= -1e-15)
    assert np.all(np.isinf(asa[n <= 15000])) and np.all(np.isfinite(asa[n > 15000]))
    for field in ("prob_wait", "prob_abandon", "service_level", "asa_seconds", "occupancy"):
        assert np.all(np.isfinite(getattr(res, field))), field


@pytest.mark.parametrize(
    "n,erlangs,aht,patience,t",
    [(12, 10.0, 180.0, 120.0, 20.0), (8, 10.0, 180.0, 60.0, 30.0), (3, 2.5, 300.0, 600.0, 20.0), (40, 45.0, 240.0, 90.0, 15.0)],
)
def test_erlang_a_matches_birth_death_chain(n: int, erlangs: float, aht: float, patience: float, t: float) -> None:
    mu = 1 / aht
    ref = birth_death_erlang_a(n, erlangs * mu, mu, 1 / patience, t)
    res = erlang.erlang_a(n, erlangs, aht, patience, t)
    assert float(res.prob_wait) == pytest.approx(ref["prob_wait"], abs=1e-9)
    assert float(res.prob_abandon) == pytest.approx(ref["prob_abandon"], abs=1e-9)
    assert float(res.service_level) == pytest.approx(ref["service_level"], abs=1e-9)


def test_erlang_a_internal_consistency() -> None:
    # Mean wait of all offered contacts = P(Ab) * patience (Little's law on abandonment), and it
    # must equal the answered share's mean wait plus the abandoners' mean wait (<= patience).
    res = erlang.erlang_a(np.array([5, 10, 20]), 10.0, 180.0, 120.0, 20.0)
    assert np.all(res.asa_seconds * (1 - res.prob_abandon) <= res.mean_wait_seconds + 1e-12)
    # Erlang A tends to Erlang C as patience grows.
    a_inf = erlang.erlang_a(14, 10.0, 180.0, 1e9, 20.0)
    assert float(a_inf.service_level) == pytest.approx(erlang.service_level_erlang_c(14, 10.0, 180.0, 20.0), abs=1e-6)
    assert float(a_inf.asa_seconds) == pytest.approx(erlang.asa_erlang_c(14, 10.0, 180.0), rel=1e-5)


def test_erlang_a_matches_simulation() -> None:
    """Small discrete-event simulation of M/M/n+M (FCFS); tolerance from its confidence interval."""
    rng = np.random.default_rng(12345)
    n, aht, patience, t, lam = 9, 180.0, 120.0, 20.0, 10.0 / 180.0
    m = 60_000
    arrivals = np.cumsum(rng.exponential(1 / lam, m))
    service = rng.exponential(aht, m)
    pat = rng.exponential(patience, m)
    free = np.zeros(n)
    waits = np.empty(m)
    served = np.zeros(m, dtype=bool)
    for i in range(m):  # FCFS: a contact takes the earliest-free agent if it is still there then
        k = int(np.argmin(free))
        start = max(arrivals[i], free[k])
        w = start - arrivals[i]
        if w <= pat[i]:
            free[k] = start + service[i]
            served[i] = True
            waits[i] = w
        else:
            waits[i] = pat[i]
    burn = 2000
    within = served[burn:] & (waits[burn:] <= t)
    batches = np.array_split(np.arange(m - burn), 20)
    sl_b = np.array([within[b].mean() for b in batches])
    ab_b = np.array([(~served[burn:][b]).mean() for b in batches])
    res = erlang.erlang_a(n, 10.0, aht, patience, t)
    for est, exact in ((sl_b, res.service_level), (ab_b, res.prob_abandon)):
        half = 4.0 * est.std(ddof=1) / np.sqrt(len(est))  # ~4 standard errors: fails on a real bias
        assert abs(est.mean() - float(exact)) < half


def test_inputs_scalar_array_series() -> None:
    s = pd.Series([13.0, 14.0], index=["a", "b"])
    out = erlang.service_level_erlang_c(s, 10.0, 180.0, 20.0)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"]
    assert isinstance(erlang.erlang_c(14, 10.0), float)
    assert erlang.erlang_c(np.array([14, 15]), 10.0).shape == (2,)


def test_zero_load() -> None:
    assert erlang.erlang_c(0, 0.0) == 0.0
    assert erlang.service_level_erlang_c(0, 0.0, 300.0, 20.0) == 1.0
    assert erlang.asa_erlang_c(3, 0.0, 300.0) == 0.0
    res = erlang.erlang_a(0, 0.0, 300.0, 120.0, 20.0)
    assert float(res.service_level) == 1.0 and float(res.prob_abandon) == 0.0
