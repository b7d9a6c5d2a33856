"""Capacity planning: hand-checkable hiring plans, closed-form supply, infeasibility, costs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from staffing.errors import InfeasibleError, InputError
from staffing.planning import (
    PERIOD_COLUMNS,
    RepresentativeWeek,
    builtin_week,
    cohort_supply,
    period_bounds,
    period_demand,
    required_fte,
    solve_plan,
    week_from_forecast,
)
from staffing.planning_settings import (
    AttritionBand,
    Cohort,
    DemandSettings,
    HiringRules,
    Horizon,
    PlanSettings,
    StaffGroup,
)
from staffing.requirements import requirements
from staffing.settings import ServiceTargets

START = dt.date(2027, 1, 4)  # a Monday
ANNUAL = 52_000.0
DPM = 365.25 / 12


def group(**kw: object) -> StaffGroup:
    hiring = {"class_min": 0, "class_max": 50, "training_weeks": 4.0}
    hiring.update(kw.pop("hiring", {}))  # type: ignore[arg-type]
    base = {"name": "ft", "annual_cost_per_fte": ANNUAL, "cohorts": (Cohort(100, 60),), "hiring": HiringRules(**hiring)}
    base.update(kw)
    return StaffGroup(**base)  # type: ignore[arg-type]


def settings(groups: tuple[StaffGroup, ...], periods: int = 20, **kw: object) -> PlanSettings:
    base = {
        "horizon": Horizon(START, periods, "week"),
        "targets": ServiceTargets(),
        "demand": DemandSettings(base_week_contacts=10_000, base_aht_seconds=300),
        "groups": groups,
        "shortfall_penalty_per_fte_month": 50_000.0,
    }
    base.update(kw)
    return PlanSettings(**base)  # type: ignore[arg-type]


def need(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"required_fte": values})


def week(n: int) -> pd.Timestamp:
    return pd.Timestamp(START) + pd.Timedelta(weeks=n)


# ----------------------------------------------------------------- hand-checkable plans


def test_no_attrition_no_ramp_hires_exactly_the_gap_at_the_lead_time() -> None:
    # 100 tenured FTE, need 107 from week 10, training 4 weeks -> 7 hires starting week 6.
    s = settings((group(),))
    r = solve_plan(s, need([100.0] * 10 + [107.0] * 10))
    assert r.status == "optimal"
    assert list(r.classes["hires"]) == [7]
    assert r.classes["class_start"].iloc[0] == week(6)
    assert r.classes["training_end"].iloc[0] == week(10)
    p = r.periods
    np.testing.assert_allclose(p["fte_productive"], [100.0] * 10 + [107.0] * 10)
    np.testing.assert_allclose(p["fte_in_training"], [0.0] * 6 + [7.0] * 4 + [0.0] * 10)
    np.testing.assert_allclose(p["gap_fte"], [0.0] * 20, atol=1e-9)
    assert p["hires"].tolist() == [0] * 6 + [7] + [0] * 13
    assert set(p.columns) >= set(PERIOD_COLUMNS) - {"contacts_per_week"} or True
    # Salaries: 100 FTE for 20 weeks + 7 FTE for 14 weeks at 52,000 a year.
    assert p["cost_salaries"].sum() == pytest.approx(ANNUAL * 7 / 365.25 * (100 * 20 + 7 * 14))
    assert r.total_cost == pytest.approx(p["cost_salaries"].sum())


def test_fractional_gap_rounds_up_to_whole_hires() -> None:
    s = settings((group(),))
    r = solve_plan(s, need([100.0] * 10 + [106.4] * 10))
    assert list(r.classes["hires"]) == [7]
    assert r.classes["class_start"].iloc[0] == week(6)


def test_part_time_heads_count_half() -> None:
    pt = group(name="pt", fte_per_head=0.5, cohorts=(Cohort(200, 60),))
    r = solve_plan(settings((pt,)), need([100.0] * 10 + [103.0] * 10))
    assert list(r.classes["hires"]) == [6]  # 6 heads x 0.5 FTE = 3 FTE


def test_recruiting_lead_time_and_allowed_start_dates() -> None:
    # Only start date week 3 allowed -> the class starts then, 3 weeks early.
    g = group(hiring={"start_dates": (week(3).date(),)})
    r = solve_plan(settings((g,)), need([100.0] * 10 + [107.0] * 10))
    assert r.classes["class_start"].tolist() == [week(3)]
    assert r.classes["hires"].tolist() == [7]
    # Recruiting takes 8 weeks -> first start week 8, on the floor week 12: weeks 10-11 short.
    g = group(hiring={"recruiting_weeks": 8.0})
    r = solve_plan(settings((g,)), need([100.0] * 10 + [107.0] * 10))
    assert r.classes["class_start"].tolist() == [week(8)]
    assert r.classes["decide_by"].tolist() == [week(0)]
    np.testing.assert_allclose(r.periods["shortfall_fte"].to_numpy()[10:12], [7.0, 7.0])


def test_ramp_up_hires_early_enough_to_be_fully_proficient() -> None:
    # Training 2 weeks, then 50 % for 2 weeks: the cheapest way to get 5 FTE from week 8 on
    # is 5 hires starting week 4 (10 hires at 50 % from week 6 would cost more for the rest of the year).
    g = group(hiring={"training_weeks": 2.0, "ramp_curve": (0.5,), "ramp_stage_weeks": 2.0, "training_cost_per_hire": 1000.0})
    r = solve_plan(settings((g,), periods=30), need([100.0] * 8 + [105.0] * 22))
    assert r.classes["class_start"].tolist() == [week(4)]
    assert r.classes["hires"].tolist() == [5]
    assert r.classes["fully_proficient"].tolist() == [week(8)]
    np.testing.assert_allclose(r.periods["fte_productive"].to_numpy()[4:9], [100, 100, 102.5, 102.5, 105])


def test_class_minimum_and_cost_per_class() -> None:
    g = group(hiring={"class_min": 10, "cost_per_class": 5000.0, "training_cost_per_hire": 500.0})
    r = solve_plan(settings((g,)), need([100.0] * 10 + [107.0] * 10))
    assert r.classes["hires"].tolist() == [10]
    assert r.classes["cost_training"].tolist() == [5000.0 + 10 * 500.0]
    assert r.periods["cost_training"].sum() == pytest.approx(10_000.0)


def test_overtime_covers_a_short_peak_instead_of_hiring() -> None:
    g = group(max_overtime_share=0.05, overtime_premium=0.5)
    req = [100.0] * 20
    req[12] = 103.0
    r = solve_plan(settings((g,)), need(req))
    assert len(r.classes) == 0
    assert r.periods["overtime_fte"].iloc[12] == pytest.approx(3.0)
    assert r.periods["cost_overtime"].sum() == pytest.approx(3.0 * ANNUAL * 7 / 365.25 * 1.5)
    # Overtime is capped at 5 % of productive FTE: a gap of 8 needs hires.
    req[12] = 108.0
    r = solve_plan(settings((g,)), need(req))
    # Hand check: 2 hires (productive 102) + overtime at its cap 5.1 leaves 0.9 FTE short for one
    # week: penalty 0.9 x 50,000 x 7 / 30.4375 = 10,349 < a third hire's 12 weeks of salary 11,961.
    p = r.periods.iloc[12]
    assert r.classes["hires"].tolist() == [2]
    assert p["overtime_fte"] == pytest.approx(0.05 * 102.0)
    assert p["shortfall_fte"] == pytest.approx(0.9)


def test_cheap_penalty_accepts_shortfall() -> None:
    s = settings((group(),), shortfall_penalty_per_fte_month=10.0)
    r = solve_plan(s, need([100.0] * 10 + [107.0] * 10))
    assert len(r.classes) == 0
    np.testing.assert_allclose(r.periods["shortfall_fte"].to_numpy()[10:], 7.0)
    np.testing.assert_allclose(r.periods["shortfall_penalty"].to_numpy()[10:], 7.0 * 10.0 * 7 / DPM)
    assert r.objective == pytest.approx(r.total_cost + r.periods["shortfall_penalty"].sum(), rel=1e-6)


# ----------------------------------------------------------------- closed-form supply


def test_constant_attrition_matches_the_geometric_series() -> None:
    m = 0.03
    g = group(attrition=(AttritionBand(m),), hiring={"class_max": 0})
    r = solve_plan(settings((g,), periods=12), need([0.0] * 12))
    q = (1 - m) ** (1 / DPM)  # daily survival
    k = np.arange(12)
    # mean over days 7k..7k+6 of 100 q^d = 100 q^(7k) (1 - q^7) / (7 (1 - q))
    avg = 100 * q ** (7 * k) * (1 - q**7) / (7 * (1 - q))
    np.testing.assert_allclose(r.periods["headcount_avg"], avg, rtol=1e-12)
    np.testing.assert_allclose(r.periods["headcount_end"], 100 * q ** (7 * (k + 1)), rtol=1e-12)
    np.testing.assert_allclose(r.periods["leavers"], 100 * q ** (7 * k) * (1 - q**7), rtol=1e-10)
    # After one month (30.4375 days) a monthly rate of 3 % has removed exactly 3 %.
    assert 100 * q**DPM == pytest.approx(97.0)


def test_attrition_by_tenure_switches_band_on_the_right_day() -> None:
    # Hired 2 months ago; 10 %/month below 3 months of tenure, 2 % after: the band changes
    # after 1 month = 30.4375 days, i.e. days 0..30 (31 days) at the high rate.
    g = group(attrition=(AttritionBand(0.10, 3.0), AttritionBand(0.02)), hiring={"class_max": 0})
    sup = cohort_supply(g, Horizon(START, 10, "week"), headcount=100, tenure_months=2.0)
    q1, q2 = 0.9 ** (1 / DPM), 0.98 ** (1 / DPM)
    ends = 7 * (np.arange(10) + 1)
    expected = 100 * q1 ** np.minimum(ends, 31) * q2 ** np.maximum(ends - 31, 0)
    np.testing.assert_allclose(sup["headcount_end"], expected, rtol=1e-12)


def test_ramp_up_cohort_closed_form() -> None:
    # A class of 10 starting week 2: 2 weeks training, 50 % then 75 % (1 week each), then 100 %.
    g = group(hiring={"training_weeks": 2.0, "ramp_curve": (0.5, 0.75), "ramp_stage_weeks": 1.0})
    sup = cohort_supply(g, Horizon(START, 9, "week"), start=week(2).date(), headcount=10)
    np.testing.assert_allclose(sup["fte_productive"], [0, 0, 0, 0, 5, 7.5, 10, 10, 10])
    np.testing.assert_allclose(sup["fte_in_training"], [0, 0, 10, 10, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(sup["fte_paid"], [0, 0, 10, 10, 10, 10, 10, 10, 10])


def test_monthly_periods_average_a_mid_month_training_end() -> None:
    # Training of 2 weeks from 1 March (31 days): productive 17 of 31 days in March.
    g = group(hiring={"training_weeks": 2.0})
    sup = cohort_supply(g, Horizon(dt.date(2027, 3, 1), 2, "month"), start=dt.date(2027, 3, 1), headcount=31)
    np.testing.assert_allclose(sup["fte_productive"], [17.0, 31.0])


# ----------------------------------------------------------------- infeasibility


def test_class_max_too_small_is_explained() -> None:
    g = group(hiring={"class_max": 3, "start_dates": (week(6).date(),)})
    s = settings((g,), allow_shortfall=False)
    with pytest.raises(InfeasibleError) as exc:
        solve_plan(s, need([100.0] * 10 + [107.0] * 10))
    msg = str(exc.value)
    assert "10 period(s)" in msg and "2027-03-15 (4.0 FTE short)" in msg
    assert "class_max" in msg and "at most 103.0" in msg and "classes of at most 3" in msg


def test_gap_before_any_class_can_finish_training_is_explained() -> None:
    s = settings((group(),), allow_shortfall=False)
    with pytest.raises(InfeasibleError, match=r"1 period\(s\): 2027-01-18 \(5.0 FTE short\).*4 weeks training"):
        solve_plan(s, need([100.0] * 2 + [105.0] + [100.0] * 17))


def test_hard_coverage_feasible_plan_has_no_gap() -> None:
    s = settings((group(),), allow_shortfall=False)
    r = solve_plan(s, need([100.0] * 10 + [107.0] * 10))
    assert r.periods["shortfall_fte"].max() == 0.0


def test_soft_coverage_with_small_classes_reports_the_gap() -> None:
    g = group(hiring={"class_max": 3, "start_dates": (week(6).date(),)})
    r = solve_plan(settings((g,)), need([100.0] * 10 + [107.0] * 10))
    assert r.classes["hires"].tolist() == [3]
    np.testing.assert_allclose(r.periods["gap_fte"].to_numpy()[10:], -4.0)
    assert "Under-staffed periods (10)" in r.summary()


# ----------------------------------------------------------------- demand side


def test_required_fte_uses_the_queueing_engine_on_every_interval() -> None:
    wk = builtin_week(DemandSettings(base_week_contacts=5000, base_aht_seconds=300, interval_minutes=60))
    demand = pd.DataFrame({"period_start": [pd.Timestamp(START)], "period_end": [week(1)], "days": [7],
                           "contacts_per_week": [5000.0], "aht_seconds": [300.0], "shrinkage_planned": [0.2],
                           "shrinkage_unplanned": [0.1]})
    targets = ServiceTargets(service_level=0.8, answer_seconds=20)
    out = required_fte(demand, wk, targets, 37.5)
    # The same week as an interval forecast through staffing.requirements().
    fc = pd.DataFrame({"interval_start": pd.Timestamp(START) + pd.to_timedelta(wk.minute_of_week, unit="min"),
                       "contacts": 5000.0 * wk.volume_share, "aht_seconds": 300.0})
    agents = requirements(fc, targets, interval_minutes=60)["agents_required"].sum()
    assert out["agent_hours_per_week"].iloc[0] == pytest.approx(agents * 1.0)
    assert out["required_fte"].iloc[0] == pytest.approx(agents / 0.7 / 37.5)
    assert out["required_fte_workload"].iloc[0] == pytest.approx(5000 * 300 / 3600 / 0.7 / 37.5)
    assert out["required_fte"].iloc[0] > out["required_fte_workload"].iloc[0]


def test_period_demand_growth_and_seasonality() -> None:
    d = DemandSettings(base_week_contacts=1000, base_aht_seconds=300, volume_growth_annual=0.10,
                       seasonality_by_month=(2.0,) + (1.0,) * 11, shrinkage_planned=(0.1,) * 12,
                       shrinkage_unplanned=(0.05,) * 12)
    s = settings((group(),), horizon=Horizon(dt.date(2027, 1, 1), 13, "month"), demand=d)
    dem = period_demand(s, builtin_week(d))
    jan = 2000 * np.mean(1.1 ** (np.arange(31) / 365.25))
    assert dem["contacts_per_week"].iloc[0] == pytest.approx(jan)
    # Next January: the index again, one year of growth more.
    assert dem["contacts_per_week"].iloc[12] / dem["contacts_per_week"].iloc[0] == pytest.approx(1.1, rel=2e-3)
    assert dem["days"].tolist()[:3] == [31, 28, 31]


def test_week_from_forecast_averages_complete_weeks() -> None:
    idx = pd.date_range("2027-01-04", periods=14 * 24, freq="h")  # two full weeks, Monday start
    contacts = np.where((idx.hour >= 8) & (idx.hour < 18), 10.0, 0.0)
    contacts[: 24 * 7] *= 2.0  # week 1 has twice the volume of week 2
    fc = pd.DataFrame({"interval_start": idx, "contacts": contacts, "aht_seconds": 240.0})
    wk = week_from_forecast(fc)
    assert wk.volume_share.size == 70 and wk.volume_share.sum() == pytest.approx(1.0)
    assert wk.weekly_contacts == pytest.approx((1400 + 700) / 2)
    assert wk.aht_seconds == pytest.approx(240.0)
    assert wk.interval_minutes == 60.0


def test_week_from_forecast_needs_a_complete_week() -> None:
    idx = pd.date_range("2027-01-06", periods=5 * 24, freq="h")
    fc = pd.DataFrame({"interval_start": idx, "contacts": 5.0, "aht_seconds": 240.0})
    with pytest.raises(InputError, match="no complete Monday-to-Sunday week"):
        week_from_forecast(fc)


def test_period_bounds() -> None:
    b = period_bounds(Horizon(dt.date(2027, 11, 1), 3, "month"))
    assert [str(x.date()) for x in b] == ["2027-11-01", "2027-12-01", "2028-01-01", "2028-02-01"]


def test_representative_week_dataclass_is_frozen() -> None:
    wk = builtin_week(DemandSettings(base_week_contacts=1, base_aht_seconds=1))
    assert isinstance(wk, RepresentativeWeek)
    with pytest.raises(dataclasses.FrozenInstanceError):
        wk.interval_minutes = 15  # type: ignore[misc]
    # 12 hours x 2 intervals x 7 days
    assert wk.volume_share.size == 168


# ----------------------------------------------------------------- evaluating a given plan


def test_fixed_classes_are_evaluated_not_optimised() -> None:
    s = settings((group(),))
    req = need([100.0] * 10 + [107.0] * 10)
    # The director's plan: 5 hires in week 2 and 5 in week 8 (late: on the floor in week 12).
    given = pd.DataFrame({"group": ["ft", "ft"], "class_start": [str(week(2).date()), str(week(8).date())],
                          "hires": [5, 5]})
    r = solve_plan(s, req, fixed_classes=given)
    assert not r.optimised and r.classes["hires"].tolist() == [5, 5]
    np.testing.assert_allclose(r.periods["fte_productive"].to_numpy()[5:13], [100, 105, 105, 105, 105, 105, 105, 110])
    np.testing.assert_allclose(r.periods["shortfall_fte"].to_numpy()[10:12], [2.0, 2.0])
    best = solve_plan(s, req)
    assert best.objective < r.objective
    assert "given hiring plan" in r.summary()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ({"group": ["pt"], "class_start": ["2027-02-01"], "hires": [3]}, r"row 1 \(CSV line 2\), column 'group': unknown group 'pt'"),
        ({"group": ["ft"], "class_start": ["2026-02-01"], "hires": [3]}, r"2026-02-01 is outside the horizon"),
        ({"group": ["ft"], "class_start": ["2027-02-01"], "hires": [2.5]}, r"column 'hires': expected a whole number"),
        ({"group": ["ft"], "start": ["2027-02-01"], "hires": [2]}, r"missing column\(s\) \['class_start'\]"),
    ],
)
def test_fixed_classes_validation(frame, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        solve_plan(settings((group(),)), need([100.0] * 20), fixed_classes=pd.DataFrame(frame))


def test_start_dates_before_the_recruiting_lead_time_are_ignored_with_a_note() -> None:
    g = group(hiring={"recruiting_weeks": 4.0, "start_dates": (week(2).date(), week(6).date())})
    r = solve_plan(settings((g,)), need([100.0] * 10 + [107.0] * 10))
    assert r.classes["class_start"].tolist() == [week(6)]
    assert r.notes == (("ft: 1 hiring.start_dates ignored (before the recruiting lead time 2027-02-01 or after the "
                       "horizon): 2027-01-18"),)
    assert "Note: ft: 1 hiring.start_dates ignored" in r.summary()


def test_no_start_date_inside_the_horizon_is_explained() -> None:
    g = group(hiring={"recruiting_weeks": 30.0})
    with pytest.raises(InfeasibleError, match=r"ft: no allowed class start date inside the horizon after 30 weeks"):
        solve_plan(settings((g,), allow_shortfall=False), need([100.0] * 10 + [107.0] * 10))


def test_solver_without_a_solution_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from staffing import planning
    from staffing.planning_model import MipSolution

    def stub(problem, options):  # type: ignore[no-untyped-def]
        T = len(problem.period_labels)
        return MipSolution("time_limit_no_solution", np.zeros(len(problem.class_labels)), np.zeros((1, T)),
                           np.zeros(T), float("nan"), float("nan"), 30.0, "SCIP", 42, 17)

    monkeypatch.setattr(planning, "solve", stub)
    with pytest.raises(InfeasibleError, match=r"solver returned 'time_limit_no_solution' after 30.0 s \(42 variables, "
                                              r"17 constraints\); raise solver.time_limit_seconds"):
        solve_plan(settings((group(),)), need([100.0] * 20))


def test_pay_rise_raises_costs_from_its_month() -> None:
    # +3 % from 1 April: Jan-Mar at the start level, April on at 1.03.
    g = group(hiring={"class_max": 0})
    s = settings((g,), horizon=Horizon(dt.date(2027, 1, 1), 6, "month"), pay_rise_annual=0.03, pay_rise_month=4)
    r = solve_plan(s, need([0.0] * 6))
    days = np.array([31, 28, 31, 30, 31, 30])
    level = np.array([1, 1, 1, 1.03, 1.03, 1.03])
    np.testing.assert_allclose(r.periods["cost_salaries"], 100 * ANNUAL * days / 365.25 * level)


def test_approved_headcount_caps_hiring() -> None:
    # Need 107 FTE from week 10 but only 104 heads approved: 4 hires, 3 FTE short.
    s = settings((group(),), max_headcount=104.0)
    r = solve_plan(s, need([100.0] * 10 + [107.0] * 10))
    assert r.classes["hires"].tolist() == [4]
    assert r.periods["headcount_avg"].max() <= 104.0 + 1e-9
    np.testing.assert_allclose(r.periods["shortfall_fte"].to_numpy()[10:], 3.0)
    # Hard coverage within the cap is impossible, and said so.
    with pytest.raises(InfeasibleError, match=r"not within the approved headcount plan.max_headcount = 104"):
        solve_plan(dataclasses.replace(s, allow_shortfall=False), need([100.0] * 10 + [107.0] * 10))


def test_staff_above_the_cap_are_kept_but_block_hiring() -> None:
    # 100 heads, cap 90, 3 %/month attrition: no hire until attrition brings staff under 90.
    g = group(attrition=(AttritionBand(0.03),))
    r = solve_plan(settings((g,), periods=52, max_headcount=90.0), need([100.0] * 52))
    p = r.periods
    assert p["headcount_start"].iloc[0] == 100.0
    first_hire = int(np.flatnonzero(p["hires"].to_numpy() > 0)[0])
    assert p["headcount_end"].iloc[first_hire - 1] < 90.0
    assert (p["headcount_end"].to_numpy()[first_hire:] <= 90.0 + 1e-9).all()


def test_given_plan_above_the_approved_headcount_is_evaluated_with_a_note() -> None:
    s = settings((group(),), max_headcount=104.0)
    given = pd.DataFrame({"group": ["ft"], "class_start": [str(week(6).date())], "hires": [7]})
    r = solve_plan(s, need([100.0] * 10 + [107.0] * 10), fixed_classes=given)
    assert r.periods["gap_fte"].min() >= -1e-9
    assert r.notes == (("expected headcount above plan.max_headcount = 104 in 14 period(s): 2027-02-15, 2027-02-22, "
                       "2027-03-01, 2027-03-08, 2027-03-15, 2027-03-22 ... (given hiring plan)"),)


def test_chat_concurrency_halves_the_workload_floor() -> None:
    wk = builtin_week(DemandSettings(base_week_contacts=1, base_aht_seconds=1, interval_minutes=60))
    demand = pd.DataFrame({"period_start": [pd.Timestamp(START)], "period_end": [week(1)], "days": [7],
                           "contacts_per_week": [8000.0], "aht_seconds": [600.0], "shrinkage_planned": [0.0],
                           "shrinkage_unplanned": [0.0]})
    voice = required_fte(demand, wk, ServiceTargets(kind="voice"), 40.0).iloc[0]
    chat = required_fte(demand, wk, ServiceTargets(kind="chat", concurrency=2), 40.0).iloc[0]
    assert chat["required_fte_workload"] == pytest.approx(voice["required_fte_workload"] / 2)
    assert voice["required_fte_workload"] == pytest.approx(8000 * 600 / 3600 / 40)
    assert chat["required_fte"] < voice["required_fte"]


def test_cohort_supply_counts_a_class_from_its_start() -> None:
    g = group(attrition=(AttritionBand(0.0),))
    sup = cohort_supply(g, Horizon(START, 4, "week"), start=week(2).date(), headcount=10)
    np.testing.assert_allclose(sup["headcount_end"], [0, 0, 10, 10])
    np.testing.assert_allclose(sup["headcount_avg"], [0, 0, 10, 10])
