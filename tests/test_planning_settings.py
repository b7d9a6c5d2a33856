"""PLAN.toml loading and validation, scenarios, sensitivity and the ``wfm plan`` command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffing.cli import main
from staffing.errors import InputError
from staffing.planning import PERIOD_COLUMNS, compare_scenarios, plan, sensitivity_table
from staffing.planning_settings import (
    AttritionBand,
    HiringRules,
    Horizon,
    Scenario,
    StaffGroup,
    load_plan,
    settings_from_mapping,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "plan.toml"

SMALL = """
[plan]
start = 2027-01-01
periods = 6
period = "month"
paid_hours_per_fte_week = 37.5

[targets]
service_level = 0.8
answer_seconds = 20

[demand]
base_week_contacts = 3000
base_aht_seconds = 300
shrinkage_planned = 0.15
shrinkage_unplanned = 0.05

[[groups]]
name = "ft"
annual_cost_per_fte = 40000
cohorts = [{ headcount = 16, tenure_months = 24 }]
attrition = 0.02
[groups.hiring]
class_min = 2
class_max = 10
training_weeks = 4

[[scenarios]]
name = "busy"
volume_multiplier = 1.2
"""


def doc(text: str = SMALL) -> dict:
    return tomllib.loads(text)


def test_example_plan_loads_and_is_documented() -> None:
    s = load_plan(EXAMPLE)
    assert s.horizon == Horizon(dt.date(2027, 1, 1), 18, "month")
    assert [g.name for g in s.groups] == ["full_time", "part_time"]
    assert s.groups[0].attrition[0] == AttritionBand(0.06, 3.0)
    assert s.groups[0].hiring.ramp_curve == (0.5, 0.75, 0.9)
    assert len(s.scenarios) == 6
    readme = (ROOT / "README.md").read_text()
    for key in ("class_max", "recruiting_weeks", "shrinkage_unplanned", "seasonality_by_month",
                "shortfall_penalty_per_fte_month", "attrition_multiplier", "ramp_stage_weeks", "max_headcount",
                "pay_rise_annual", "volume_from_forecast", "seasonality_history_csv", "shrinkage_unplanned_points"):
        assert f"`{key}`" in readme, key


def test_scalar_values_expand_to_twelve_months() -> None:
    s = settings_from_mapping(doc())
    assert s.demand.shrinkage_planned == (0.15,) * 12
    assert s.groups[0].attrition == (AttritionBand(0.02),)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["groups"][0]["hiring"].update(class_min=12),
         r"groups\[ft\].hiring: 'class_min' \(12\) is larger than 'class_max' \(10\)"),
        (lambda d: d["groups"][0]["hiring"].update(class_size=5), r"groups\[ft\].hiring: unknown key\(s\) \['class_size'\]"),
        (lambda d: d["plan"].update(start=dt.date(2027, 1, 15)), r"\[plan\]: 'start': expected the first day of a month"),
        (lambda d: d["plan"].pop("start"), r"\[plan\]: missing key 'start'"),
        (lambda d: d["demand"].update(shrinkage_planned=0.7, shrinkage_unplanned=0.3),
         r"\[demand\]: 'shrinkage_planned' \+ 'shrinkage_unplanned' for month 1 is 1"),
        (lambda d: d["demand"].update(seasonality_by_month=[1.0] * 11),
         r"\[demand\]: 'seasonality_by_month': expected a number or a list of 12 numbers"),
        (lambda d: d["groups"][0].update(attrition=1.5), r"groups\[ft\].attrition: 'monthly_rate': expected a share"),
        (lambda d: d["groups"][0].update(attrition=[{"max_tenure_months": 3, "monthly_rate": 0.05}]),
         r"the last band must be open-ended"),
        (lambda d: d["targets"].update(shrinkage=0.3), r"'targets.shrinkage': leave it at 0"),
        (lambda d: d["targets"].update(service_level=80), r"\[targets\].*'service_level'"),
        (lambda d: d.update(budget={}), r"unknown table\(s\) \['budget'\]"),
        (lambda d: d["plan"].update(pay_rise_month=13), r"\[plan\]: 'pay_rise_month': expected a calendar month 1..12"),
        (lambda d: d["scenarios"][0].update(volume_multiplier=0), r"scenarios\[busy\]: 'volume_multiplier'"),
        (lambda d: d["groups"][0]["hiring"].update(start_dates=["2027-02-30"]), r"'start_dates': expected a date"),
    ],
)
def test_validation_names_the_table_and_key(edit, message) -> None:  # type: ignore[no-untyped-def]
    d = doc()
    edit(d)
    with pytest.raises(InputError, match=message):
        settings_from_mapping(d, source="plan.toml")


def test_attrition_by_tenure_band_lookup() -> None:
    g = StaffGroup("x", 40000.0, attrition=(AttritionBand(0.08, 3), AttritionBand(0.04, 12), AttritionBand(0.02)))
    np.testing.assert_allclose(g.monthly_attrition([0, 2.99, 3, 11.9, 12, 60]), [0.08, 0.08, 0.04, 0.04, 0.02, 0.02])


def test_settings_are_frozen() -> None:
    h = HiringRules(class_max=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.class_max = 6  # type: ignore[misc]


def test_small_plan_end_to_end_and_scenarios() -> None:
    s = settings_from_mapping(doc())
    base = plan(s)
    assert base.status == "optimal"
    p = base.periods
    assert list(p.columns) == list(PERIOD_COLUMNS)
    # Required FTE is consistent with its definition.
    np.testing.assert_allclose(p["required_fte"], p["agent_hours_per_week"] / 0.8 / 37.5)
    np.testing.assert_allclose(p["cost_total"], p["cost_salaries"] + p["cost_training"] + p["cost_overtime"])
    assert base.total_cost == pytest.approx(p["cost_total"].sum())
    # Headcount flows: start + hires - leavers = end, and end = next start.
    np.testing.assert_allclose(p["headcount_start"] + p["hires"] - p["leavers"], p["headcount_end"])
    np.testing.assert_allclose(p["headcount_end"].to_numpy()[:-1], p["headcount_start"].to_numpy()[1:])
    comp = compare_scenarios(s, base=base)
    busy = comp.summary.set_index("scenario").loc["busy"]
    # +20 % volume needs more FTE, but less than +20 %: queueing economies of scale.
    ratio = busy["required_fte_mean"] / comp.summary["required_fte_mean"].iloc[0]
    assert 1.05 < ratio < 1.2
    assert busy["delta_cost"] > 0
    assert "required_fte[busy]" in comp.periods.columns


def test_sensitivity_signs() -> None:
    s = settings_from_mapping(doc())
    sens = sensitivity_table(s).set_index("driver")
    assert list(sens.index) == ["service_level", "aht", "volume", "attrition_monthly"]
    assert (sens["required_fte_per_unit"].loc[["service_level", "aht", "volume"]] > 0).all()
    assert sens.loc["attrition_monthly", "required_fte_per_unit"] == 0.0
    # A higher requirement can never lower the optimised cost (budget + penalty). Attrition can:
    # it removes surplus salaries for free (the model has no layoffs), so it is not asserted.
    assert (sens["cost_per_unit"].loc[["service_level", "aht", "volume"]] >= -1e-6).all()
    assert sens.loc["aht", "step"] == 10.0


def test_scenario_apply_changes_only_what_it_names() -> None:
    s = settings_from_mapping(doc())
    t = Scenario("x", attrition_multiplier=2.0, service_level=0.9).apply(s)
    assert t.groups[0].attrition[0].monthly_rate == pytest.approx(0.04)
    assert t.targets.service_level == 0.9 and t.targets.answer_seconds == 20
    assert t.demand == s.demand and t.name == "x"
    u = Scenario("absence", shrinkage_unplanned_points=0.02).apply(s)
    assert u.demand.shrinkage_unplanned == (0.07,) * 12 and u.demand.shrinkage_planned == s.demand.shrinkage_planned
    with pytest.raises(InputError, match=r"scenario 'absence': 'shrinkage_planned' \+ 'shrinkage_unplanned'"):
        Scenario("absence", shrinkage_unplanned_points=0.9).apply(s)


def test_periods_csv_replaces_growth_and_seasonality(tmp_path: Path) -> None:
    starts = pd.date_range("2027-01-01", periods=6, freq="MS")
    pd.DataFrame({"period_start": starts.strftime("%Y-%m-%d"), "contacts": [31 * 1000 / 7 * 1.0] + [9000.0] * 5,
                  "aht_seconds": 300}).to_csv(tmp_path / "vol.csv", index=False)
    d = doc()
    d["demand"]["periods_csv"] = "vol.csv"
    s = settings_from_mapping(d, base_dir=tmp_path)
    r = plan(s)
    assert r.periods["contacts_per_week"].iloc[0] == pytest.approx(1000.0)
    assert r.periods["contacts_per_week"].iloc[1] == pytest.approx(9000 / 4)
    d["demand"]["periods_csv"] = "missing.csv"
    with pytest.raises(InputError, match="periods_csv: file .*missing.csv not found"):
        plan(settings_from_mapping(d, base_dir=tmp_path))


def test_cli_writes_plan_and_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.toml").write_text(SMALL)
    out = tmp_path / "plan.csv"
    code = main(["plan", str(tmp_path / "p.toml"), "-o", str(out), "--classes", str(tmp_path / "c.csv"),
                 "--scenarios", "--scenarios-csv", str(tmp_path / "s.csv"), "--xlsx", str(tmp_path / "p.xlsx")])
    assert code == 0
    text = capsys.readouterr().out
    assert "Plan 'base': 6 months from 2027-01-01" in text and "Scenarios side by side" in text and "busy" in text
    table = pd.read_csv(out)
    assert list(table.columns) == list(PERIOD_COLUMNS) and len(table) == 6
    assert table["period_start"].iloc[1] == "2027-02-01"
    book = pd.read_excel(tmp_path / "p.xlsx", sheet_name=None)
    assert list(book) == ["summary", "periods", "classes", "groups", "scenarios", "scenario_periods"]
    assert len(book["periods"]) == 6 and list(book["scenarios"]["scenario"]) == ["base", "busy"]
    budget = book["summary"].set_index("item").loc["budget", "value"]
    assert float(budget) == pytest.approx(table["cost_total"].sum(), rel=1e-6)


def test_cli_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.toml").write_text(SMALL.replace("class_max = 10", "class_max = -1"))
    assert main(["plan", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err
    assert "wfm plan: error:" in err and "groups[ft].hiring: 'class_max': expected a whole number >= 0" in err
    assert main(["plan", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: file not found" in capsys.readouterr().err


def test_cli_infeasible_hard_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SMALL.replace("paid_hours_per_fte_week = 37.5", "paid_hours_per_fte_week = 37.5\nallow_shortfall = false")
    text = text.replace("class_max = 10", "class_max = 2").replace("base_week_contacts = 3000", "base_week_contacts = 6000")
    (tmp_path / "p.toml").write_text(text)
    assert main(["plan", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err
    assert "wfm plan: error: plan 'base': infeasible" in err and "hiring.class_max" in err


def test_seasonality_estimated_from_history(tmp_path: Path) -> None:
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    contacts = np.where(days.month == 12, 110.0, 100.0)
    pd.DataFrame({"interval_start": days.strftime("%Y-%m-%dT00:00"), "channel": "voice", "contacts": contacts}).to_csv(
        tmp_path / "hist.csv", index=False)
    d = doc()
    d["demand"]["seasonality_history_csv"] = "hist.csv"
    d["demand"]["channel"] = "voice"
    s = settings_from_mapping(d, base_dir=tmp_path)
    dem = plan(s).periods
    mean_daily = (365 * 100 + 31 * 10) / 365
    # January index 100 / mean_daily; the base week is scaled by it (no growth).
    assert dem["contacts_per_week"].iloc[0] == pytest.approx(3000 * 100 / mean_daily)
    # A history missing months is refused, naming them.
    pd.DataFrame({"interval_start": days[:59].strftime("%Y-%m-%dT00:00"), "contacts": 5.0}).to_csv(
        tmp_path / "short.csv", index=False)
    d["demand"]["seasonality_history_csv"] = "short.csv"
    d["demand"].pop("channel")
    with pytest.raises(InputError, match=r"short.csv: no data for calendar month\(s\) \[3, 4, 5, 6, 7, 8, 9, 10, 11, 12\]"):
        plan(settings_from_mapping(d, base_dir=tmp_path))


def test_volume_from_forecast_per_period(tmp_path: Path) -> None:
    idx = pd.date_range("2027-01-04", periods=14 * 24, freq="h")
    open_ = (idx.hour >= 8) & (idx.hour < 18)
    fc = pd.DataFrame({"interval_start": idx[open_].strftime("%Y-%m-%dT%H:%M"), "contacts": 10.0,
                       "aht_seconds": np.where(idx[open_] < pd.Timestamp("2027-01-11"), 200.0, 400.0)})
    fc.to_csv(tmp_path / "fc.csv", index=False)
    text = SMALL.replace('start = 2027-01-01\nperiods = 6\nperiod = "month"', 'start = 2027-01-04\nperiods = 2\nperiod = "week"')
    text = text.replace("base_week_contacts = 3000\nbase_aht_seconds = 300",
                        'forecast_csv = "fc.csv"\nvolume_from_forecast = true')
    (tmp_path / "p.toml").write_text(text)
    r = plan(load_plan(tmp_path / "p.toml"))
    np.testing.assert_allclose(r.periods["contacts_per_week"], [700.0, 700.0])
    np.testing.assert_allclose(r.periods["aht_seconds"], [200.0, 400.0])
    assert r.periods["required_fte"].iloc[1] > r.periods["required_fte"].iloc[0]
    (tmp_path / "q.toml").write_text(text.replace("periods = 2", "periods = 3"))
    with pytest.raises(InputError, match=r"needs a forecast covering 2027-01-04..2027-01-24; it covers 2027-01-04..2027-01-17"):
        plan(load_plan(tmp_path / "q.toml"))


def test_seasonality_of_the_sample_history() -> None:
    from staffing.planning import monthly_seasonality

    hist = pd.read_csv(ROOT / "data" / "sample_history.csv")
    idx = monthly_seasonality(hist, channel="voice", source="sample_history.csv")
    # Values documented in the README (Capacity planning) (rounded to 2 decimals).
    np.testing.assert_allclose(idx.round(2), [1.04, 1.02, 1.06, 1.01, 0.95, 0.95, 0.96, 0.95, 0.99, 1.00, 1.02, 1.05])


def test_cli_plans_one_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.toml").write_text(SMALL)
    assert main(["plan", str(tmp_path / "p.toml"), "--scenario", "busy", "-o", str(tmp_path / "b.csv")]) == 0
    assert "Plan 'busy'" in capsys.readouterr().out
    base = plan(settings_from_mapping(doc()))
    busy = pd.read_csv(tmp_path / "b.csv")
    np.testing.assert_allclose(busy["contacts_per_week"], base.periods["contacts_per_week"] * 1.2, rtol=1e-6)
    assert main(["plan", str(tmp_path / "p.toml"), "--risk", "--risk-csv", str(tmp_path / "r.csv")]) == 0
    assert "Attrition risk (2,000 simulated futures" in capsys.readouterr().out
    risk = pd.read_csv(tmp_path / "r.csv")
    assert list(risk.columns)[:3] == ["period_start", "required_fte", "supply_fte_expected"] and len(risk) == 6
    assert main(["plan", str(tmp_path / "p.toml"), "--scenario", "quiet"]) == 2
    assert "no [[scenarios]] entry named 'quiet'; the plan has ['busy']" in capsys.readouterr().err
