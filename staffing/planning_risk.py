"""Attrition risk of a capacity plan: how likely is each period to be short?

The plan itself uses *expected* headcounts. Here the leavers of every cohort (current staff
by tenure and each hiring class) are drawn at random: at each period boundary the survivors
of a cohort are ``Binomial(survivors so far, p)`` with ``p`` the cohort's expected survival
over that period (the same tenure-banded, daily-compounded attrition as the plan), so the
mean of the simulation equals the plan's expectation and the spread is that of independent
leavers. A cohort's productive FTE in a period scales with its survivors at the period start
(or its class start). Overtime is kept at the plan's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.planning import (
    CLASS_START,
    FTE_PRODUCTIVE,
    GROUP,
    HIRES,
    OVERTIME_FTE,
    PERIOD_START,
    REQUIRED_FTE,
    PlanResult,
    _cohort_days,
    _day_grid,
    _period_mean,
    period_bounds,
)
from staffing.planning_settings import DAYS_PER_MONTH, PlanSettings

SUPPLY_FTE_P10 = "supply_fte_p10"
SUPPLY_FTE_P50 = "supply_fte_p50"
SUPPLY_FTE_P90 = "supply_fte_p90"
PROB_SHORT = "prob_short"
EXPECTED_SHORT_FTE = "expected_short_fte"
RISK_COLUMNS = (PERIOD_START, REQUIRED_FTE, "supply_fte_expected", SUPPLY_FTE_P10, SUPPLY_FTE_P50, SUPPLY_FTE_P90,
                PROB_SHORT, EXPECTED_SHORT_FTE)


@dataclass(frozen=True)
class _Cohort:
    heads: int
    reference_alive: np.ndarray   # (T,) expected survival share at each period's reference day
    productive: np.ndarray        # (T,) expected productive FTE of the whole cohort per period
    first_period: int             # first period in which the cohort exists


def _cohorts(settings: PlanSettings, result: PlanResult) -> list[_Cohort]:
    bounds = period_bounds(settings.horizon)
    _, first, length = _day_grid(bounds)
    n_days = int(length.sum())
    T = len(length)
    out: list[_Cohort] = []
    by_name = {g.name: g for g in settings.groups}

    def add(group, start_day: int, tenure_days: float, heads: float) -> None:  # type: ignore[no-untyped-def]
        if heads <= 0:
            return
        if abs(heads - round(heads)) > 1e-9:
            raise InputError(f"risk: cohort of group '{group.name}' has {heads:g} people; expected whole people.")
        alive, prod, _ = _cohort_days(group, np.array([start_day]), np.array([tenure_days]), n_days)
        ref_days = np.maximum(first, start_day)
        first_period = int(np.searchsorted(np.append(first, n_days), start_day, side="right") - 1)
        out.append(_Cohort(
            heads=round(heads),
            reference_alive=alive[0, ref_days],
            productive=heads * group.fte_per_head * _period_mean(prod[0, :-1], first, length),
            first_period=max(first_period, 0),
        ))

    for group in settings.groups:
        for c in group.cohorts:
            add(group, 0, c.tenure_months * DAYS_PER_MONTH, c.headcount)
    for _, row in result.classes.iterrows():
        start_day = int((pd.Timestamp(row[CLASS_START]) - bounds[0]).days)
        add(by_name[row[GROUP]], start_day, 0.0, float(row[HIRES]))
    assert all(c.reference_alive.shape == (T,) for c in out)
    return out


def attrition_risk(settings: PlanSettings, result: PlanResult, *, n_sims: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Distribution of the productive FTE of a plan under random attrition.

    Parameters
    ----------
    settings : PlanSettings
        The settings the plan was made with (groups, attrition, ramp-up).
    result : PlanResult
        The plan (its classes are kept fixed; current staff must be whole people).
    n_sims : int
        Number of simulated futures (>= 100).
    seed : int
        Random seed (results are reproducible).

    Returns
    -------
    pandas.DataFrame
        :data:`RISK_COLUMNS`: ``period_start``, ``required_fte``, ``supply_fte_expected``
        (the plan's productive FTE + overtime), ``supply_fte_p10``/``p50``/``p90`` (FTE),
        ``prob_short`` (share of futures with supply below the requirement) and
        ``expected_short_fte`` (mean FTE short).
    """
    if isinstance(n_sims, bool) or not isinstance(n_sims, int) or n_sims < 100:
        raise InputError(f"risk: n_sims expected a whole number >= 100, found {n_sims!r}.")
    rng = np.random.default_rng(seed)
    p = result.periods
    T = len(p)
    overtime = p[OVERTIME_FTE].to_numpy(dtype=float)
    supply = np.tile(overtime, (n_sims, 1))
    for c in _cohorts(settings, result):
        n = np.full(n_sims, c.heads, dtype=np.int64)
        ratio = np.zeros((n_sims, T))
        for t in range(c.first_period, T):
            if t > c.first_period:
                prev, cur = c.reference_alive[t - 1], c.reference_alive[t]
                n = rng.binomial(n, min(cur / prev, 1.0) if prev > 0 else 0.0)
            expected = c.heads * c.reference_alive[t]
            ratio[:, t] = n / expected if expected > 0 else 0.0
        supply += ratio * c.productive[None, :]
    required = p[REQUIRED_FTE].to_numpy(dtype=float)
    short = np.maximum(required[None, :] - supply, 0.0)
    q10, q50, q90 = np.quantile(supply, [0.1, 0.5, 0.9], axis=0)
    return pd.DataFrame({
        PERIOD_START: p[PERIOD_START].to_numpy(),
        REQUIRED_FTE: required,
        "supply_fte_expected": p[FTE_PRODUCTIVE].to_numpy(dtype=float) + overtime,
        SUPPLY_FTE_P10: q10, SUPPLY_FTE_P50: q50, SUPPLY_FTE_P90: q90,
        PROB_SHORT: (supply < required[None, :] - 1e-9).mean(axis=0),
        EXPECTED_SHORT_FTE: short.mean(axis=0),
    })
