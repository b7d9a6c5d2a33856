"""Unit tests of the app's plain-Python helpers (wfm_app): store, uploads, downloads, comparison."""

from __future__ import annotations

import io
import sqlite3
import tomllib

import numpy as np
import pandas as pd
import pytest

from wfm_app import compare, roster_io, rules_tables, scenario, views
from wfm_app import io as wio
from wfm_app.store import Store, default_db_path


@pytest.fixture()
def store(tmp_path):
    return Store(tmp_path / "db" / "wfm.sqlite")


def _frame():
    return pd.DataFrame({
        "interval_start": pd.date_range("2026-11-30 08:00", periods=4, freq="15min"),
        "channel": ["voice"] * 4,
        "contacts": [10.0, 12.5, 0.0, 3.0],
    })


def test_db_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WFM_DB_PATH", str(tmp_path / "x.sqlite"))
    assert default_db_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("WFM_DB_PATH")
    assert default_db_path().name == "wfm.sqlite"


def test_frames_settings_roundtrip_and_survive_reopen(store):
    store.save_frame("history", _frame(), {"source": "test"})
    store.save_setting("targets", {"voice": {"service_level": 0.8}})
    again = Store(store.path)  # a restarted server
    got = again.load_frame("history")
    pd.testing.assert_frame_equal(got, _frame())
    assert again.frame_meta("history")["source"] == "test"
    assert again.load_setting("targets") == {"voice": {"service_level": 0.8}}
    assert again.load_setting("missing", 7) == 7
    again.delete_frame("history")
    assert again.load_frame("history") is None


def test_scenario_save_is_atomic(store, monkeypatch):
    store.save_scenario("base", {"a": 1}, {"fte": 10.0}, {"req": _frame()})
    assert [r.name for r in store.list_scenarios()] == ["base"]

    # a failure in the middle of a save must leave the previous version intact
    class Failing:
        def __init__(self, con):
            self.con = con

        def executemany(self, *args, **kwargs):
            raise sqlite3.OperationalError("disk full")

        def __getattr__(self, name):
            return getattr(self.con, name)

    real = Store._connect
    monkeypatch.setattr(Store, "_connect", lambda self: Failing(real(self)))
    with pytest.raises(sqlite3.OperationalError):
        store.save_scenario("base", {"a": 2}, {"fte": 99.0}, {"req": _frame()})
    monkeypatch.setattr(Store, "_connect", real)
    rec = store.scenario("base")
    assert rec.settings == {"a": 1} and rec.kpis == {"fte": 10.0}
    pd.testing.assert_frame_equal(store.scenario_frame("base", "req"), _frame())
    store.delete_scenario("base")
    assert store.list_scenarios() == [] and store.scenario_frame("base", "req") is None


def test_scenario_name_required(store):
    with pytest.raises(ValueError, match="name"):
        store.save_scenario("  ", {}, {})


def test_read_table_csv_and_excel():
    df = _frame()
    got = wio.read_table("h.csv", wio.to_csv_bytes(df))
    assert list(got.columns) == ["interval_start", "channel", "contacts"] and len(got) == 4
    xlsx = wio.to_excel_bytes({"history": df, "other": df.head(1)})
    book = pd.read_excel(io.BytesIO(xlsx), sheet_name=None)
    assert list(book) == ["history", "other"] and len(book["history"]) == 4
    assert wio.read_table("h.xlsx", xlsx)["contacts"].tolist() == [10.0, 12.5, 0.0, 3.0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("h.csv", b"", "empty"),
        ("h.pdf", b"%PDF", "unknown file type"),
        ("h.xlsx", b"not a zip", "could not be read"),
        ("h.csv", b"interval_start,contacts\n", "no data rows"),
    ],
)
def test_read_table_rejects_bad_files(name, data, message):
    with pytest.raises(wio.UploadError, match=message):
        wio.read_table(name, data)


def test_read_table_size_limit(monkeypatch):
    monkeypatch.setattr(wio, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(wio.UploadError, match="largest accepted upload is"):
        wio.read_table("h.csv", b"a,b\n" + b"1,2\n" * 100)


def test_excel_strips_timezones():
    df = pd.DataFrame({"t": pd.date_range("2026-01-01", periods=2, freq="h", tz="Europe/Paris"), "x": [1, 2]})
    book = pd.read_excel(io.BytesIO(wio.to_excel_bytes(df)))
    assert book["t"].iloc[0] == pd.Timestamp("2026-01-01 00:00")


def test_comparison_table_and_highlight():
    a = {"fte": 100.0, "service_level": 80.0, "contacts": 1000.0}
    b = {"fte": 110.0, "service_level": 90.0, "contacts": 1000.0}
    table = compare.comparison_table([("base", a), ("more", b)])
    assert list(table.columns) == ["base", "more", "Δ more"]
    assert table.loc[compare.label("fte"), "Δ more"] == pytest.approx(10.0)
    css = compare.highlight(table)
    # more FTE is worse (red), higher service level better (green), equal contacts unstyled
    assert "f8d7da" in css.loc[compare.label("fte"), "more"]
    assert "d4edda" in css.loc[compare.label("service_level"), "Δ more"]
    assert css.loc[compare.label("contacts"), "more"] == ""
    diff = compare.settings_diff([("base", {"t": {"sl": 0.8}, "x": 1}), ("more", {"t": {"sl": 0.9}, "x": 1})])
    assert list(diff.index) == ["t.sl"]


def test_knobs_move_the_inputs():
    fc = pd.DataFrame({"interval_start": ["2026-11-30T08:00"], "contacts": [100.0], "aht_seconds": [300.0],
                       "contacts_p90": [120.0]})
    settings = {"voice": scenario.default_targets("voice"), "email": scenario.default_targets("email")}
    k = scenario.Knobs(volume_pct=10, aht_delta_seconds=15, service_level=0.9, answer_seconds=20, shrinkage_delta=0.05)
    fc2, s2 = scenario.apply_knobs(fc, settings, k)
    assert fc2["contacts"].iloc[0] == pytest.approx(110.0) and fc2["contacts_p90"].iloc[0] == pytest.approx(132.0)
    assert fc2["aht_seconds"].iloc[0] == 315.0
    assert s2["voice"]["service_level"] == 0.9 and s2["email"]["service_level"] is None
    assert s2["voice"]["shrinkage"] == pytest.approx(0.35)
    assert "volume +10%" in k.describe()


def test_fte_summary_units():
    # one channel, 4 intervals of 15 min with 10 agents to schedule each: 10 agent-hours
    req = pd.DataFrame({
        "interval_start": pd.date_range("2026-11-30 08:00", periods=4, freq="15min"),
        "channel": "voice", "contacts": [10.0] * 4, "aht_seconds": 300.0, "agents_required": 8,
        "agents_to_schedule": 10, "service_level": [0.8, 0.9, 0.8, 0.9],
    })
    s = views.fte_summary(req, hours_per_fte_week=40.0)
    tot = s[s["channel"] == "TOTAL"].iloc[0]
    assert tot["agent_hours_to_schedule"] == pytest.approx(10.0)
    assert tot["agent_hours_required"] == pytest.approx(8.0)
    assert tot["weeks"] == pytest.approx(1 / 7)  # less than a day counts as one day
    assert tot["fte"] == pytest.approx(10.0 * 7 / 40.0)
    assert tot["volume_weighted_service_level"] == pytest.approx(0.85)
    kp = views.headline_kpis(s, cost_per_agent_hour=20.0)
    assert kp["staffing_cost"] == pytest.approx(200.0)


def test_rules_tables_roundtrip_through_the_library():
    from staffing.scheduling.rules import settings_from_mapping

    doc = tomllib.loads(rules_tables.MINIMAL_RULES_TOML)
    tables = rules_tables.to_tables(doc)
    assert list(tables["shift"]["name"]) == ["day8", "part"]
    assert tables["shift"]["paid_hours"].iloc[1] == "4; 5; 6"
    tables["contract"].loc[1, "max_days_per_week"] = 4.0
    back = rules_tables.from_tables(doc, tables)
    settings = settings_from_mapping(back)
    assert settings.contract("part_time").max_days_per_week == 4
    assert settings.shift("part").paid_hours == (4, 5, 6)
    tables["shift"]["start_step_minutes"] = tables["shift"]["start_step_minutes"].astype(object)
    tables["shift"].loc[0, "start_step_minutes"] = "soon"
    with pytest.raises(ValueError, match=r"\[\[shift\]\] row 1: column 'start_step_minutes'"):
        rules_tables.from_tables(doc, tables)
    toml_text = roster_io.to_toml(roster_io.jsonable(back))
    assert settings_from_mapping(tomllib.loads(toml_text)).contract("part_time").max_days_per_week == 4


def test_generate_agents():
    doc = tomllib.loads(rules_tables.MINIMAL_RULES_TOML)
    df = rules_tables.generate_agents(doc, {"full_time": 2, "part_time": 1})
    assert df["agent_id"].tolist() == ["A001", "A002", "A003"]
    with pytest.raises(ValueError, match="unknown contract"):
        rules_tables.generate_agents(doc, {"night": 1})


def test_jsonable():
    assert roster_io.jsonable({"a": (1, np.float64(2.5)), "b": float("nan")}) == {"a": [1, 2.5], "b": None}


def test_absent_agents_reproducible():
    roster = pd.DataFrame({"agent_id": [f"A{i}" for i in range(10)]})
    a = roster_io.absent_agents(roster, 0.3, seed=1)
    assert len(a) == 3 and a == roster_io.absent_agents(roster, 0.3, seed=1)
    assert roster_io.absent_agents(roster, 0.0) == []
    assert set(roster_io.absent_agents(roster, 1.0, among=["A1", "A2", "B9"])) == {"A1", "A2"}
    with pytest.raises(ValueError, match="share"):
        roster_io.absent_agents(roster, 1.5)


def test_save_bundle_is_one_transaction(store):
    store.save_frame("roster_simulation", _frame())
    store.save_bundle({"roster": _frame(), "roster_simulation": None}, {"roster_meta": {"status": "optimal"}})
    assert store.load_frame("roster_simulation") is None
    assert store.load_setting("roster_meta") == {"status": "optimal"}
    pd.testing.assert_frame_equal(store.load_frame("roster"), _frame())


def test_background_job_progress_stop_and_errors():
    import threading
    import time as _time

    from wfm_app.jobs import BackgroundJob

    class P:  # the scheduler's Progress shape
        def __init__(self, objective, bound, gap, solutions):
            self.objective, self.bound, self.gap, self.solutions = objective, bound, gap, solutions

    def solver(progress, stop_event: threading.Event):
        progress(P(100.0, 40.0, 0.6, 1))
        progress(P(None, 45.0, None, 1))  # a bound-only report keeps the best roster's objective
        while not stop_event.is_set():
            _time.sleep(0.01)
        return "best so far"

    job = BackgroundJob(func=solver, time_limit_seconds=30).start()
    deadline = _time.time() + 5
    while job.progress.objective is None and _time.time() < deadline:
        _time.sleep(0.01)
    while job.progress.bound != 45.0 and _time.time() < deadline:
        _time.sleep(0.01)
    assert job.running and job.progress.objective == 100.0 and job.progress.bound == 45.0
    assert job.progress.gap == pytest.approx(0.55) and job.progress.solutions == 1
    assert 0 <= job.fraction() < 1
    job.stop()
    assert job.wait(5) and job.result == "best so far" and job.error is None and job.fraction() == 1.0

    def broken(progress, stop_event):
        raise ValueError("rules: bad key 'x'")

    bad = BackgroundJob(func=broken).start()
    assert bad.wait(5) and isinstance(bad.error, ValueError) and bad.result is None


def test_plan_headline_keeps_derived_keys_out():
    from wfm_app import plan_doc

    doc = {"plan": {"start": "2027-01-01", "periods": 12}, "demand": {"forecast_csv": "f.csv"}, "targets": {}}
    shown = plan_doc.headline(doc)
    same = plan_doc.with_headline(doc, **{k: shown[k] for k in ("periods", "base_week_contacts", "base_aht_seconds",
                                                                "volume_growth_annual", "service_level",
                                                                "answer_seconds")})
    assert "base_week_contacts" not in same["demand"] and same["plan"]["periods"] == 12
    changed = plan_doc.with_headline(doc, periods=18, base_week_contacts=30000, base_aht_seconds=shown["base_aht_seconds"],
                                     volume_growth_annual=0.05, service_level=0.9, answer_seconds=20,
                                     attrition_multiplier=1.0)
    assert changed["demand"]["base_week_contacts"] == 30000 and changed["targets"]["service_level"] == 0.9
    assert "base_aht_seconds" not in changed["demand"] and changed["plan"]["periods"] == 18
