"""Attrition risk: the simulation's mean and spread against the binomial closed form."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from staffing.errors import InputError
from staffing.planning import solve_plan
from staffing.planning_risk import attrition_risk
from staffing.planning_settings import (
    AttritionBand,
    Cohort,
    DemandSettings,
    HiringRules,
    Horizon,
    PlanSettings,
    StaffGroup,
)
from staffing.settings import ServiceTargets

DPM = 365.25 / 12


def settings(rate: float, hiring: HiringRules | None = None) -> PlanSettings:
    g = StaffGroup("ft", 40_000.0, cohorts=(Cohort(100, 36),), attrition=(AttritionBand(rate),),
                   hiring=hiring or HiringRules())
    return PlanSettings(Horizon(dt.date(2027, 1, 4), 8, "week"), ServiceTargets(),
                        DemandSettings(base_week_contacts=1, base_aht_seconds=1), (g,))


def test_binomial_mean_and_spread() -> None:
    s = settings(0.04)
    r = solve_plan(s, pd.DataFrame({"required_fte": [80.0] * 8}))
    risk = attrition_risk(s, r, n_sims=20_000, seed=1)
    q = 0.96 ** (1 / DPM)
    # Period t (t >= 1) scales with the survivors at its start: Binomial(100, q^(7t)).
    t = 6
    a = q ** (7 * t)
    expected = r.periods["fte_productive"].iloc[t]
    sd = expected / (100 * a) * np.sqrt(100 * a * (1 - a))
    # P10 of a near-normal: mean - 1.2816 sd (binomial granularity: within 0.5 head).
    assert risk["supply_fte_p50"].iloc[t] == pytest.approx(expected, abs=1.0)
    assert risk["supply_fte_p10"].iloc[t] == pytest.approx(expected - 1.2816 * sd, abs=1.0)
    # The first period scales with the staff at the horizon start: no randomness yet.
    assert risk["supply_fte_p10"].iloc[0] == risk["supply_fte_p90"].iloc[0] == pytest.approx(r.periods["fte_productive"].iloc[0])
    assert (risk["prob_short"] == 0).all()  # 80 needed, about 91 expected at worst, sd about 2.8


def test_no_attrition_is_deterministic_and_tight_plans_are_coin_flips() -> None:
    s = settings(0.0)
    r = solve_plan(s, pd.DataFrame({"required_fte": [100.0] * 8}))
    risk = attrition_risk(s, r, n_sims=500)
    np.testing.assert_allclose(risk["supply_fte_p10"], 100.0)
    np.testing.assert_allclose(risk["prob_short"], 0.0)
    # With attrition, a plan that exactly meets the expected requirement is short about half the time.
    s = settings(0.05, HiringRules(class_max=50, training_weeks=1.0))
    req = solve_plan(s, pd.DataFrame({"required_fte": [0.0] * 8})).periods["fte_productive"].to_numpy()
    r = solve_plan(s, pd.DataFrame({"required_fte": req}))
    risk = attrition_risk(s, r, n_sims=4000)
    assert 0.3 < risk["prob_short"].iloc[5] < 0.7


def test_risk_validates_the_number_of_simulations() -> None:
    s = settings(0.02)
    r = solve_plan(s, pd.DataFrame({"required_fte": [90.0] * 8}))
    with pytest.raises(InputError, match="n_sims expected a whole number >= 100"):
        attrition_risk(s, r, n_sims=10)
