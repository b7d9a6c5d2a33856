"""Property tests: monotone requirements and supply, and an independent check of solved plans."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.planning import builtin_week, cohort_supply, required_fte, solve_plan
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

WEEK = builtin_week(DemandSettings(base_week_contacts=1, base_aht_seconds=1, interval_minutes=60))
START = dt.date(2027, 1, 4)


def fte(volumes: list[float], aht: float, sl: float) -> np.ndarray:
    n = len(volumes)
    demand = pd.DataFrame({
        "period_start": pd.date_range(START, periods=n, freq="7D"), "period_end": pd.date_range(START, periods=n, freq="7D"),
        "days": 7, "contacts_per_week": volumes, "aht_seconds": aht, "shrinkage_planned": 0.15,
        "shrinkage_unplanned": 0.05,
    })
    return required_fte(demand, WEEK, ServiceTargets(service_level=sl, answer_seconds=20), 37.5)["required_fte"].to_numpy()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 20_000), min_size=2, max_size=6), st.floats(60, 900), st.floats(0.5, 0.95))
def test_required_fte_is_monotone_in_volume_aht_and_service_level(volumes: list[float], aht: float, sl: float) -> None:
    vol = np.sort(np.asarray(volumes))
    base = fte(list(vol), aht, sl)
    assert np.all(np.diff(base) >= -1e-9)                       # more volume, never fewer FTE
    assert np.all(fte(list(vol), aht + 15, sl) >= base - 1e-9)  # longer calls
    assert np.all(fte(list(vol), aht, min(sl + 0.03, 0.99)) >= base - 1e-9)  # stricter target


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 0.2), st.floats(0, 0.2), st.floats(0, 24), st.floats(0, 6), st.floats(0.5, 1.0))
def test_cohort_supply_shrinks_with_time_and_attrition(m1: float, m2: float, tenure: float, training: float,
                                                       p: float) -> None:
    lo, hi = sorted((m1, m2))
    horizon = Horizon(START, 12, "week")

    def sup(rate: float) -> pd.DataFrame:
        g = StaffGroup("g", 40_000.0, attrition=(AttritionBand(rate),),
                       hiring=HiringRules(training_weeks=training, ramp_curve=(p,), ramp_stage_weeks=2.0))
        return cohort_supply(g, horizon, headcount=50, tenure_months=tenure)

    a, b = sup(lo), sup(hi)
    assert np.all(np.diff(a["headcount_end"]) <= 1e-9)
    assert np.all(b["headcount_avg"] <= a["headcount_avg"] + 1e-9)
    assert np.all(a["fte_productive"] <= a["fte_paid"] + 1e-9)
    assert np.all(a["fte_in_training"] + a["fte_productive"] <= a["fte_paid"] + 1e-9)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.floats(60, 140), min_size=10, max_size=10),
    st.integers(0, 5), st.integers(5, 40), st.floats(0, 0.1), st.floats(0, 0.05), st.booleans(),
)
def test_solved_plans_pass_an_independent_check(req: list[float], cmin: int, cmax: int, ot: float, attr: float,
                                                part_time: bool) -> None:
    groups = [StaffGroup("ft", 45_000.0, cohorts=(Cohort(80, 30),), attrition=(AttritionBand(attr),),
                         max_overtime_share=ot,
                         hiring=HiringRules(class_min=cmin, class_max=cmax, training_weeks=2, ramp_curve=(0.5,),
                                            ramp_stage_weeks=1, training_cost_per_hire=800, cost_per_class=2000))]
    if part_time:
        groups.append(StaffGroup("pt", 47_000.0, fte_per_head=0.5, cohorts=(Cohort(30, 10),),
                                 hiring=HiringRules(class_max=10, training_weeks=1, start_every_periods=2)))
    s = PlanSettings(Horizon(START, 10, "week"), ServiceTargets(),
                     DemandSettings(base_week_contacts=1, base_aht_seconds=1), tuple(groups))
    r = solve_plan(s, pd.DataFrame({"required_fte": req}))
    p, g, c = r.periods, r.groups, r.classes
    # Productive FTE recomputed cohort by cohort with cohort_supply (independent of the model matrices).
    by_name = {x.name: x for x in groups}
    productive = np.zeros(10)
    for x in groups:
        for co in x.cohorts:
            productive += cohort_supply(x, s.horizon, headcount=co.headcount,
                                        tenure_months=co.tenure_months)["fte_productive"].to_numpy()
    for _, row in c.iterrows():
        productive += cohort_supply(by_name[row["group"]], s.horizon, start=row["class_start"].date(),
                                    headcount=row["hires"])["fte_productive"].to_numpy()
    np.testing.assert_allclose(p["fte_productive"], productive, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(p["shortfall_fte"], np.maximum(p["required_fte"] - p["supply_fte"], 0), atol=1e-6)
    # Class sizes within their rules, and whole people.
    for _, row in c.iterrows():
        rules = {x.name: x.hiring for x in groups}[row["group"]]
        assert rules.class_min <= row["hires"] <= rules.class_max
    # Overtime within its cap, per group and period.
    share = g["group"].map({x.name: x.max_overtime_share for x in groups})
    assert np.all(g["overtime_fte"] <= share * g["fte_productive"] + 1e-6)
    # Headcount flow and cost identities.
    np.testing.assert_allclose(g["headcount_start"] + g["hires"] - g["leavers"], g["headcount_end"], atol=1e-9)
    np.testing.assert_allclose(r.total_cost, p["cost_total"].sum())
    np.testing.assert_allclose(r.objective, r.total_cost + p["shortfall_penalty"].sum(), rtol=1e-6)
