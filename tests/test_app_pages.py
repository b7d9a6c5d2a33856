"""Streamlit AppTest of every page: widgets present, a full run on the sample data, scenarios, bad uploads.

Each test uses its own SQLite file (``WFM_DB_PATH`` in a tmp folder), so nothing leaks
between tests or into the user's ``~/.wfm``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {
    "data": "app_pages/data.py",
    "forecast": "app_pages/forecast.py",
    "staffing": "app_pages/staffing_page.py",
    "schedule": "app_pages/schedule.py",
    "whatif": "app_pages/whatif.py",
    "budget": "app_pages/budget.py",
}


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = tmp_path / "wfm.sqlite"
    monkeypatch.setenv("WFM_DB_PATH", str(path))
    return path


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def _goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page])
    at.run()
    _no_failure(at)
    return at


def _no_failure(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = [e.value for e in at.error if "unexpectedly" in e.value]
    assert not unexpected, unexpected


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _make_forecast(at: AppTest) -> None:
    _goto(at, "forecast")
    at.selectbox(key="fc_model").set_value("callcentre")
    at.number_input(key="fc_horizon").set_value(7)
    at.button(key="fc_run").click()
    at.run()
    _no_failure(at)
    assert any("Forecast of" in s for s in _texts(at.success)), _texts(at.error)


def test_data_page_starts_on_the_sample(db):
    at = _app()
    _no_failure(at)
    assert at.title[0].value == "Data"
    assert at.file_uploader(key="history_upload") is not None
    import pandas as pd

    from wfm_app.adapters import validate_history

    sample = validate_history(pd.read_csv(ROOT / "data" / "sample_history.csv"), source="sample")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == f"{len(sample):,}"
    channels = sorted(sample["channel"].unique())
    assert metrics["Channels"] == str(len(channels))
    assert any(", ".join(channels) in c.value for c in at.caption)
    assert len(at.get("arrow_vega_lite_chart")) >= 1 or len(at.get("vega_lite_chart")) >= 1


def test_bad_uploads_are_rejected_and_keep_the_previous_data(db, monkeypatch):
    at = _app()
    before = {m.label: m.value for m in at.metric}["Rows"]
    bad = b"interval_start,channel,contacts,aht_seconds\n2026-01-05T08:00,voice,10,300\nyesterday,voice,12,300\n"
    at.file_uploader(key="history_upload").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    _no_failure(at)
    errors = _texts(at.error)
    assert any("bad.csv" in e and "row 2" in e for e in errors), errors
    assert {m.label: m.value for m in at.metric}["Rows"] == before
    assert any("previous data" in w for w in _texts(at.warning))
    # the offending row is shown
    assert any("yesterday" in str(df.value.to_dict()) for df in at.dataframe)

    # wrong columns
    at.file_uploader(key="history_upload").set_value(("cols.csv", b"when,how_many\n1,2\n", "text/csv"))
    at.run()
    assert any("cols.csv" in e for e in _texts(at.error)), _texts(at.error)
    assert {m.label: m.value for m in at.metric}["Rows"] == before

    # too large
    from wfm_app import io as wio

    monkeypatch.setattr(wio, "MAX_UPLOAD_BYTES", 1000)
    at.file_uploader(key="history_upload").set_value(("big.csv", b"a,b\n" + b"1,2\n" * 1000, "text/csv"))
    at.run()
    assert any("largest accepted upload" in e for e in _texts(at.error)), _texts(at.error)
    assert {m.label: m.value for m in at.metric}["Rows"] == before


def test_good_upload_replaces_the_history(db):
    at = _app()
    rows = "\n".join(f"2026-01-05T{8 + i // 4:02d}:{15 * (i % 4):02d},voice,{10 + i},300" for i in range(16))
    at.file_uploader(key="history_upload").set_value(
        ("mine.csv", ("interval_start,channel,contacts,aht_seconds\n" + rows + "\n").encode(), "text/csv"))
    at.run()
    _no_failure(at)
    assert {m.label: m.value for m in at.metric}["Rows"] == "16"
    assert any("mine.csv" in s for s in _texts(at.success))


@pytest.mark.parametrize("page", ["forecast", "staffing", "schedule", "whatif", "budget"])
def test_each_page_renders_with_its_widgets(db, page):
    at = _app()
    _goto(at, page)
    assert at.title[0].value.lower().replace("-", "") == page.replace("whatif", "whatif")
    if page == "forecast":
        assert at.selectbox(key="fc_model").value == "auto"
        assert at.button(key="fc_run") is not None
    elif page == "staffing":
        # the sample forecast (data/sample_forecast.csv) is used until the user makes one
        assert at.slider(key="t_voice_sl").value == 80
        assert at.slider(key="t_voice_shrink").value == 30
        assert at.selectbox(key="t_email_kind").value == "deferred"
        assert {m.label for m in at.metric} >= {"FTE to schedule", "Peak agents to schedule"}
    elif page == "schedule":
        assert at.button(key="sch_build") is not None
        assert at.radio(key="sch_agents_mode") is not None
        assert at.number_input(key="schr_time_limit") is not None
    elif page == "whatif":
        assert at.slider(key="wi_volume").value == 0
        assert at.selectbox(key="wi_sl").value == "keep"
    elif page == "budget":
        assert "Hires" in {m.label for m in at.metric}


def test_staffing_recomputes_when_a_target_changes(db):
    at = _app()
    _goto(at, "staffing")
    fte_80 = float({m.label: m.value for m in at.metric}["FTE to schedule"].replace(",", ""))
    at.slider(key="t_voice_sl").set_value(90)
    at.run()
    _no_failure(at)
    fte_90 = float({m.label: m.value for m in at.metric}["FTE to schedule"].replace(",", ""))
    assert fte_90 > fte_80
    # the setting persists: a new session on the same database starts from it
    at2 = _app()
    _goto(at2, "staffing")
    assert at2.slider(key="t_voice_sl").value == 90


def test_full_run_forecast_staffing_roster_scenarios(db):
    at = _app()
    _make_forecast(at)
    assert any("forecast page" in c.value for c in at.caption)
    at.radio(key="fc_measure").set_value("aht_seconds")
    at.run()
    _no_failure(at)

    _goto(at, "staffing")
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["FTE to schedule"].replace(",", "")) > 10

    _goto(at, "schedule")
    at.multiselect(key="sch_channels").set_value(["chat"])
    at.number_input(key="schr_time_limit").set_value(15)
    at.radio(key="sch_agents_mode").set_value("Generate a team")
    at.run()
    team = [ni for ni in at.number_input if str(ni.key).startswith("sch_gen_")]  # one per contract of data/rules.toml
    assert team
    for i, ni in enumerate(team):
        ni.set_value(10 if i == 0 else 5)
    at.run()
    at.button(key="sch_build").click()
    at.run(timeout=150)
    _no_failure(at)
    status = _texts(at.success) + _texts(at.info)
    assert any(s.startswith(("Roster found", "Proven optimal")) for s in status), status + _texts(at.error)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Agents rostered"]) > 0
    assert float(metrics["Paid hours"].replace(",", "")) > 0
    assert any(df.value.shape[0] > 0 for df in at.dataframe)

    # scenario 1: the current plan with its roster
    _goto(at, "whatif")
    sick = [df.value for df in at.dataframe if "roster as planned" in df.value.columns]
    assert sick, "sickness what-if table missing"
    under = sick[0].loc["Under-coverage (agent-hours)"]
    assert under.iloc[1] >= under.iloc[0]  # fewer agents never cover more
    groups = at.selectbox(key="wi_roster_group").options
    assert groups[0] == "all rostered agents" and len(groups) == len(team) + 1  # one group per contract
    at.selectbox(key="wi_roster_group").set_value(groups[-1])
    at.slider(key="wi_roster_sick").set_value(100)
    at.run()
    _no_failure(at)
    absent = [c.value for c in at.caption if c.value.startswith("Absent:")]
    assert absent and len(absent[0].split(",")) <= 5  # at most the 5 agents of the last contract
    at.slider(key="wi_roster_sick").set_value(10)
    at.selectbox(key="wi_roster_group").set_value("all rostered agents")
    at.run()
    at.text_input(key="wi_name").input("Base")
    at.form_submit_button[0].click()
    at.run()
    assert "Saved scenario 'Base'." in _texts(at.success)
    # scenario 2: +10 % volume
    at.slider(key="wi_volume").set_value(10)
    at.text_input(key="wi_name").input("Volume +10%")
    at.radio(key="wi_what").set_value("current plan with the knob changes above")
    at.form_submit_button[0].click()
    at.run()
    _no_failure(at)
    assert "Saved scenario 'Volume +10%'." in _texts(at.success)
    at.multiselect(key="wi_compare").set_value(["Base", "Volume +10%"])
    at.run()
    table = at.dataframe[-2].value
    assert list(table.columns) == ["Base", "Volume +10%", "Δ Volume +10%"]
    fte = table.loc["FTE to schedule"]
    assert fte["Δ Volume +10%"] > 0
    assert table.loc["Roster paid hours", "Base"] > 0

    # a restarted server sees the scenarios and the roster
    at2 = _app()
    _goto(at2, "whatif")
    assert set(at2.multiselect(key="wi_compare").options) >= {"Base", "Volume +10%"}
    _goto(at2, "schedule")
    assert "Agents rostered" in {m.label for m in at2.metric}


def test_budget_compares_scenarios(db):
    at = _app()
    _goto(at, "budget")
    at.toggle(key="plan_compare").set_value(True)
    at.run()
    _no_failure(at)
    frames = [df.value for df in at.dataframe]
    assert any("scenario" in f.columns and len(f) >= 2 for f in frames)
    assert any("cost_per_unit" in f.columns for f in frames)
    at.toggle(key="plan_risk").set_value(True)
    at.run()
    _no_failure(at)
    risk = [df.value for df in at.dataframe if "prob_short" in df.value.columns]
    assert risk and risk[0]["prob_short"].between(0, 1).all()


def test_budget_rejects_bad_plan_toml(db):
    at = _app()
    _goto(at, "budget")
    at.text_area(key="plan_toml_text").input("[plan\nstart = ")
    at.button(key="plan_apply").click()
    at.run()
    _no_failure(at)
    assert any("not valid TOML" in e for e in _texts(at.error))
    assert "Hires" in {m.label for m in at.metric}  # the previous plan is still shown


@pytest.mark.parametrize(("feature", "page"), [("PLANNING", "budget"), ("FORECASTING", "forecast"),
                                                ("SCHEDULING", "schedule")])
def test_missing_package_shows_a_notice(db, monkeypatch, feature, page):
    from wfm_app import availability

    monkeypatch.setattr(availability, feature, availability.Feature("staffing.not_built", (), "this package"))
    at = _app()
    _goto(at, page)
    assert any("not available in this build" in i for i in _texts(at.info)), _texts(at.info)


INFEASIBLE_RULES = b"""
[solver]
time_limit_seconds = 10
num_workers = 2

[[shift]]
name = "day"
earliest_start = "08:00"
latest_start = "08:00"
paid_hours = [8]
days = ["Mon"]

[[contract]]
name = "full_time"
shifts = ["day"]
min_days_per_week = 5
max_days_per_week = 5
"""


def test_schedule_rules_upload_agents_upload_and_infeasible_explanation(db):
    at = _app()
    _goto(at, "schedule")
    # a rules file that is not TOML is refused, the rules in force are kept
    at.file_uploader(key="sch_rules_upload").set_value(("bad.toml", b"[[shift]\nname=", "application/toml"))
    at.run()
    assert any("bad.toml" in e for e in _texts(at.error)), _texts(at.error)
    # rules where a full-timer must work 5 days but shifts exist on Monday only
    at.file_uploader(key="sch_rules_upload").set_value(("tight.toml", INFEASIBLE_RULES, "application/toml"))
    at.run()
    _no_failure(at)
    assert not [e for e in _texts(at.error) if "tight.toml" in e], _texts(at.error)
    # an agents file naming an unknown contract is refused with its row
    at.radio(key="sch_agents_mode").set_value("Upload a file")
    at.run()
    at.file_uploader(key="sch_agents_upload").set_value(
        ("agents.csv", b"agent_id,contract\nA1,full_time\nA2,night_owl\n", "text/csv"))
    at.run()
    assert any("agents.csv" in e and "night_owl" in e for e in _texts(at.error)), _texts(at.error)
    at.file_uploader(key="sch_agents_upload").set_value(
        ("agents_ok.csv", b"agent_id,contract\nA1,full_time\nA2,full_time\n", "text/csv"))
    at.run()
    assert any("2 agents accepted" in s for s in _texts(at.success))
    at.button(key="sch_build").click()
    at.run(timeout=150)
    _no_failure(at)
    texts = _texts(at.warning) + _texts(at.error)
    explanation = [t for t in texts if t.startswith("**Why the rules cannot all hold:**")]
    assert explanation and "at least 5 days per week" in explanation[0], texts


def test_per_contact_records_are_aggregated(db):
    at = _app()
    at.toggle(key="per_contact").set_value(True)
    at.run()
    lines = ["arrival_time,handle_seconds,channel"]
    lines += [f"2026-01-05T08:{m:02d}:10,{200 + m},voice" for m in range(0, 60, 3)]
    at.file_uploader(key="history_upload").set_value(("calls.csv", ("\n".join(lines) + "\n").encode(), "text/csv"))
    at.run()
    _no_failure(at)
    assert any("calls.csv: 4 rows accepted" in s for s in _texts(at.success)), _texts(at.success) + _texts(at.error)


def test_forecast_overrides_are_applied_and_shown(db):
    from wfm_app.store import Store

    Store(db).save_setting("forecast_settings", {
        "model": "callcentre", "horizon_days": 7, "country": "US", "interval_minutes": "as history",
        "gap_treatment": "seasonal",
        "events": [{"name": "Launch", "start": "2026-11-25", "end": "2026-11-25", "multiplier": 1.5}],
        "overrides": [{"note": "Mailing", "scale_percent": 20.0, "channel": "voice"}],
    })
    at = _app()
    _goto(at, "forecast")
    assert at.selectbox(key="fc_model").value == "callcentre"
    assert at.selectbox(key="fc_gaps").value == "seasonal"
    at.button(key="fc_run").click()
    at.run()
    _no_failure(at)
    summary = [df.value for df in at.dataframe if "override_note" in df.value.columns and "change_percent" in
               df.value.columns]
    assert summary, "override summary table missing"
    row = summary[0].iloc[0]
    assert row["override_note"].startswith("Mailing") and row["channel"] == "voice"
    assert row["change_percent"] == pytest.approx(20.0, abs=0.01)


def test_headcount_mode_reports_the_people_needed(db):
    at = _app()
    _goto(at, "schedule")
    at.multiselect(key="sch_channels").set_value(["email"])
    at.number_input(key="schr_time_limit").set_value(6)
    at.radio(key="sch_agents_mode").set_value("Headcount mode (no agent list)")
    at.run()
    at.button(key="sch_build").click()
    at.run(timeout=150)
    _no_failure(at)
    heads = [m.value for m in at.markdown if m.value.startswith("Headcount needed")]
    assert heads and "**" in heads[0], _texts(at.info) + _texts(at.error)


def test_ready_forecast_upload(db):
    at = _app()
    _goto(at, "forecast")
    bad = b"interval_start,channel,contacts,aht_seconds\n2026-12-07T08:00,voice,10,300\n2026-12-07T08:15,voice,-4,300\n"
    at.file_uploader(key="fc_upload").set_value(("fc_bad.csv", bad, "text/csv"))
    at.run()
    _no_failure(at)
    assert any("fc_bad.csv" in e and "row 2" in e and "contacts" in e for e in _texts(at.error)), _texts(at.error)
    rows = "\n".join(f"2026-12-07T{8 + i // 4:02d}:{15 * (i % 4):02d},voice,{20 + i},300" for i in range(8))
    at.file_uploader(key="fc_upload").set_value(
        ("fc.csv", ("interval_start,channel,contacts,aht_seconds\n" + rows + "\n").encode(), "text/csv"))
    at.run()
    _no_failure(at)
    assert any("fc.csv: 8 intervals accepted" in s for s in _texts(at.success)), _texts(at.success)
    _goto(at, "staffing")
    assert any("upload fc.csv" in c.value for c in at.caption)
