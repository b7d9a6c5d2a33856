"""The independent checker finds each kind of breach in hand-made rosters."""

from __future__ import annotations

import pandas as pd

from staffing.scheduling import Agent, check_roster
from tests.test_scheduling_solve import DAY8, settings

S = settings(
    [DAY8, {"name": "night", "earliest_start": "22:00", "latest_start": "22:00", "paid_hours": [8]}],
    [{"name": "c", "shifts": ["day", "night"], "max_consecutive_days": 3, "max_days_per_week": 4,
      "max_paid_hours_per_week": 32, "max_weekends": 0, "max_nights_per_week": 1}],
    breaks=[{"name": "lunch", "activity": "lunch", "paid": False, "duration_minutes": 30, "anchor": "middle",
             "earliest_offset_minutes": -30, "latest_offset_minutes": 30}],
    labor={"min_rest_hours": 11, "max_start_spread_hours": 1, "forbidden_successions": [["night", "day"]]},
)


def shift(aid, start, hours, lunch_after_minutes=None):
    s = pd.Timestamp(start)
    rows = [(aid, s.strftime("%Y-%m-%d"), "shift", s, s + pd.Timedelta(hours=hours), None, True)]
    if lunch_after_minutes is not None:
        b = s + pd.Timedelta(minutes=lunch_after_minutes)
        rows.append((aid, s.strftime("%Y-%m-%d"), "lunch", b, b + pd.Timedelta(minutes=30), None, False))
    return rows


def roster(*parts):
    rows = [r for p in parts for r in p]
    return pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end", "template", "paid"])


def rules(v):
    return sorted({x.rule for x in v})


def test_valid_roster_passes():
    r = roster(shift("A1", "2026-11-30 08:00", 8.5, 255), shift("A1", "2026-12-01 08:00", 8.5, 240))
    assert check_roster(r, S, (Agent("A1", "c"),)) == []


def test_each_breach_is_found():
    ag = (Agent("A1", "c", time_off=((pd.Timestamp("2026-12-03"), pd.Timestamp("2026-12-04")),)),)
    r = roster(
        shift("A1", "2026-11-30 22:00", 8.5, 255),   # night Mon
        shift("A1", "2026-12-01 08:00", 8.5, 255),   # day Tue: 1.5 h rest, night->day forbidden, spread
        shift("A1", "2026-12-02 22:00", 8.5, 255),   # 2nd night in the week
        shift("A1", "2026-12-03 09:00", 8.5, 100),   # time off, lunch outside its window, 4th day in a row
        shift("A1", "2026-12-05 08:00", 9),           # weekend; 9 h paid matches no template; no lunch
    )
    found = rules(check_roster(r, S, ag))
    for rule in ("min_rest", "forbidden_succession", "start_spread", "max_nights_per_week", "time_off", "breaks",
                 "max_consecutive_days", "max_days_per_week", "max_paid_hours_per_week", "max_weekends",
                 "shift_template"):
        assert rule in found, rule


def test_two_shifts_a_day_and_unknown_agent():
    r = roster(shift("A1", "2026-11-30 08:00", 8.5, 255), shift("A1", "2026-11-30 09:00", 8.5, 255),
               shift("B9", "2026-11-30 08:00", 8.5, 255))
    found = rules(check_roster(r, S, (Agent("A1", "c"),)))
    assert "one_shift_per_day" in found and "agent" in found


def test_minimum_days_and_hours_per_week_for_idle_agent():
    s = settings([DAY8], [{"name": "c", "shifts": ["day"], "min_days_per_week": 2, "min_paid_hours_per_week": 16}])
    r = roster(shift("A1", "2026-11-30 08:00", 8))
    v = check_roster(r, s, (Agent("A1", "c"), Agent("A2", "c")), horizon_start=pd.Timestamp("2026-11-30"), n_days=7)
    assert sorted((x.agent_id, x.rule) for x in v) == [
        ("A1", "min_days_per_week"), ("A1", "min_paid_hours_per_week"),
        ("A2", "min_days_per_week"), ("A2", "min_paid_hours_per_week")]
