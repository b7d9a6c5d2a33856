"""``wfm schedule`` end to end on a tiny week; bad inputs exit with code 2 and a clear message."""

from __future__ import annotations

import pandas as pd

from staffing.cli import main
from staffing.scheduling import check_roster, load_settings, read_agents
from tests.test_scheduling_solve import req_frame

RULES = """
[solver]
time_limit_seconds = 10
num_workers = 2
[labor]
min_rest_hours = 11
[[shift]]
name = "day"
earliest_start = "08:00"
latest_start = "10:00"
start_step_minutes = 60
paid_hours = [8]
[[break]]
name = "lunch"
activity = "lunch"
paid = false
duration_minutes = 30
anchor = "middle"
earliest_offset_minutes = -30
latest_offset_minutes = 30
[[contract]]
name = "ft"
shifts = ["day"]
max_days_per_week = 5
"""


def _files(tmp_path):
    req = req_frame([(d, "09:00", "17:00", 2) for d in range(7)], days=7)
    req.to_csv(tmp_path / "req.csv", index=False)
    (tmp_path / "rules.toml").write_text(RULES)
    pd.DataFrame({"agent_id": ["A1", "A2", "A3"], "contract": "ft"}).to_csv(tmp_path / "agents.csv", index=False)
    return tmp_path


def test_schedule_writes_roster_coverage_and_wide(tmp_path, capsys):
    d = _files(tmp_path)
    code = main(["schedule", str(d / "req.csv"), "--agents", str(d / "agents.csv"), "--rules", str(d / "rules.toml"),
                 "--time-limit", "10", "-o", str(d / "roster.csv"), "--coverage", str(d / "cov.csv"),
                 "--wide", str(d / "wide.csv")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "status: optimal" in out and "rule violations (independent check): 0" in out and "gap" in out
    roster = pd.read_csv(d / "roster.csv")
    assert list(roster.columns) == ["agent_id", "date", "activity", "start", "end", "template", "paid"]
    assert set(roster.activity) == {"shift", "lunch"}
    s = load_settings(d / "rules.toml")
    assert check_roster(roster, s, read_agents(d / "agents.csv", s)) == []
    cov = pd.read_csv(d / "cov.csv")
    assert len(cov) == 7 * 96 and {"required", "scheduled", "under", "over"} <= set(cov.columns)
    assert len(pd.read_csv(d / "wide.csv")) == 3


def test_schedule_headcount_mode(tmp_path, capsys):
    d = _files(tmp_path)
    code = main(["schedule", str(d / "req.csv"), "--rules", str(d / "rules.toml"), "-o", str(d / "roster.csv")])
    out = capsys.readouterr().out
    assert code == 0
    assert "headcount: ft " in out


def test_schedule_bad_inputs_exit_2(tmp_path, capsys):
    d = _files(tmp_path)
    (d / "bad.toml").write_text(RULES.replace("min_rest_hours = 11", "min_rest_hours = 'eleven'"))
    code = main(["schedule", str(d / "req.csv"), "--agents", str(d / "agents.csv"), "--rules", str(d / "bad.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "min_rest_hours" in err and "'eleven'" in err
    (d / "bad.csv").write_text("agent_id,contract\nA1,ft\nA2,pt\n")
    code = main(["schedule", str(d / "req.csv"), "--agents", str(d / "bad.csv"), "--rules", str(d / "rules.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "row 2 (CSV line 3)" in err and "'contract'" in err and "'pt'" in err
    (d / "req_bad.csv").write_text("interval_start,agents\n2026-11-30T00:00,3\n")
    code = main(["schedule", str(d / "req_bad.csv"), "--rules", str(d / "rules.toml")])
    assert code == 2 and "agents_to_schedule" in capsys.readouterr().err
