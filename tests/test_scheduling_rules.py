"""Rules TOML and agents CSV: every bad key, row and column gives a clear error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffing.errors import InputError
from staffing.scheduling import load_settings, read_agents, settings_from_mapping

ROOT = Path(__file__).resolve().parents[1]

BASE = {
    "shift": [{"name": "day", "earliest_start": "08:00", "latest_start": "10:00", "paid_hours": [8]}],
    "contract": [{"name": "full_time", "shifts": ["day"]}],
}


def _with(**changes):
    data = {k: [dict(x) for x in v] if isinstance(v, list) else dict(v) for k, v in BASE.items()}
    for path, value in changes.items():
        section, key = path.split("__")
        if section in ("shift", "contract", "break"):
            data.setdefault(section, [{}])[0][key] = value
        else:
            data.setdefault(section, {})[key] = value
    return data


def test_example_rules_file_loads():
    s = load_settings(ROOT / "data" / "rules.toml")
    assert {c.name for c in s.contracts} >= {"full_time", "part_time"}
    assert s.labor.min_rest_hours == 11
    assert s.solver.num_workers >= 1


def test_example_agents_file_loads():
    s = load_settings(ROOT / "data" / "rules.toml")
    agents = read_agents(ROOT / "data" / "agents.csv", s)
    assert len(agents) >= 20
    assert any(a.time_off for a in agents)
    assert any(a.preferred_start for a in agents)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"labor__min_rest_hours": -1}, ["[labor]", "min_rest_hours", "-1"]),
        ({"labor__min_rest_hour": 11}, ["[labor]", "unknown key", "min_rest_hour"]),
        ({"solver__num_workers": 0}, ["[solver]", "num_workers"]),
        ({"solver__time_limit_seconds": "fast"}, ["time_limit_seconds", "'fast'"]),
        ({"objective__under_coverage_per_agent_hour": -5}, ["[objective]", "under_coverage_per_agent_hour"]),
        ({"shift__earliest_start": "8am"}, ["shift 'day'", "earliest_start", "'8am'"]),
        ({"shift__latest_start": "07:00"}, ["shift 'day'", "latest_start"]),
        ({"shift__paid_hours": []}, ["shift 'day'", "paid_hours"]),
        ({"shift__days": ["Mon", "Funday"]}, ["shift 'day'", "days", "Funday"]),
        ({"contract__shifts": ["night"]}, ["contract 'full_time'", "shifts", "night"]),
        ({"contract__min_days_per_week": 6, "contract__max_days_per_week": 5}, ["max_days_per_week"]),
        ({"contract__max_consecutive_days": 0}, ["contract 'full_time'", "max_consecutive_days"]),
        ({"contract__colour": "blue"}, ["[[contract]] #1", "unknown key", "colour"]),
        ({"labor__forbidden_successions": [["late", "day"]]}, ["forbidden_successions", "late"]),
    ],
)
def test_bad_rules_name_the_key(changes, words):
    with pytest.raises(InputError) as exc:
        settings_from_mapping(_with(**changes), source="rules.toml")
    msg = str(exc.value)
    assert msg.startswith("rules.toml")
    for w in words:
        assert w in msg


def test_missing_required_key_and_unknown_section():
    data = _with()
    del data["shift"][0]["paid_hours"]
    with pytest.raises(InputError, match=r"\[\[shift\]\] #1: missing required key\(s\) \['paid_hours'\]"):
        settings_from_mapping(data)
    with pytest.raises(InputError, match="unknown top-level key"):
        settings_from_mapping({**_with(), "shifts": []})


def test_bad_toml_syntax_and_missing_file(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text("[labor\nmin_rest_hours = 11\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings(p)
    with pytest.raises(InputError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_overlapping_break_windows_are_rejected_at_build():
    from staffing.scheduling.model import shift_options

    s = settings_from_mapping({**_with(), "break": [
        {"name": "b1", "duration_minutes": 30, "earliest_offset_minutes": 60, "latest_offset_minutes": 120},
        {"name": "b2", "duration_minutes": 15, "earliest_offset_minutes": 120, "latest_offset_minutes": 180},
    ]})
    with pytest.raises(InputError, match="'b1' and 'b2': their windows overlap"):
        shift_options(s, 15)
    with pytest.raises(InputError, match="not a multiple of the 15-minute interval"):
        shift_options(settings_from_mapping(_with(shift__paid_hours=[7.9])), 15)


@pytest.mark.parametrize(
    "csv, words",
    [
        ("agent_id\nA1\n", ["missing column", "contract"]),
        ("agent_id,contract\nA1,full_time\nA1,full_time\n", ["row 2 (CSV line 3)", "agent_id", "duplicate", "A1"]),
        ("agent_id,contract\nA1,fulltime\n", ["row 1 (CSV line 2)", "contract", "fulltime", "full_time"]),
        ("agent_id,contract,available_days\nA1,full_time,Mon;Tus\n", ["available_days", "Tus"]),
        ("agent_id,contract,time_off\nA1,full_time,2026-13-45\n", ["CSV line 2", "time_off", "2026-13-45"]),
        ("agent_id,contract,time_off\nA1,full_time,2026-12-03/2026-12-01\n", ["time_off", "ends before"]),
        ("agent_id,contract,preferred_start\nA1,full_time,7-9\n", ["preferred_start", "HH:MM"]),
        ("agent_id,contract,hourly_cost\nA1,full_time,-3\n", ["hourly_cost", "-3"]),
        ("agent_id,contract,shoe_size\nA1,full_time,42\n", ["unknown column", "shoe_size"]),
        (",contract\n,full_time\n", ["missing column"]),
    ],
)
def test_bad_agents_csv_names_row_and_column(tmp_path, csv, words):
    p = tmp_path / "agents.csv"
    p.write_text(csv)
    with pytest.raises(InputError) as exc:
        read_agents(p, settings_from_mapping(_with()))
    for w in words:
        assert w in str(exc.value)


def test_agents_time_off_forms(tmp_path):
    p = tmp_path / "agents.csv"
    p.write_text("agent_id,contract,time_off,preferred_days_off,preferred_start\n"
                 "A1,full_time,2026-12-01;2026-12-03T09:00/2026-12-03T13:00,Sat;Sun,07:00-09:00\n"
                 "A2,full_time,2026-12-01/2026-12-02,,\n")
    a1, a2 = read_agents(p, settings_from_mapping(_with()))
    assert a1.time_off[0] == (pd.Timestamp("2026-12-01"), pd.Timestamp("2026-12-02"))
    assert a1.time_off[1] == (pd.Timestamp("2026-12-03 09:00"), pd.Timestamp("2026-12-03 13:00"))
    assert a1.preferred_start == (420, 540) and a1.preferred_days_off == ("Sat", "Sun")
    assert a2.time_off[0] == (pd.Timestamp("2026-12-01"), pd.Timestamp("2026-12-03"))  # inclusive dates
