"""Infeasible rule sets are explained with the right rule groups; pre-checks speak plainly."""

from __future__ import annotations

import pandas as pd

from staffing.scheduling import Agent, build_roster
from tests.test_scheduling_solve import DAY8, agents, req_frame, settings


def test_time_off_against_minimum_days_names_both_rules():
    # A1 must work 5 days in the week but has Tue-Thu off: infeasible.
    s = settings([DAY8], [{"name": "ft", "shifts": ["day"], "min_days_per_week": 5}])
    req = req_frame([(d, "09:00", "17:00", 1) for d in range(7)], days=7)
    ags = (Agent("A1", "ft", time_off=((pd.Timestamp("2026-12-01"), pd.Timestamp("2026-12-04")),)),)
    res = build_roster(req, s, ags)
    assert res.status == "infeasible"
    text = res.explanation
    assert "contract ft: at least 5 days per week" in text
    assert "availability and time off of agent A1" in text
    assert "sufficient" in text and "not always minimal" in text
    assert "Suggested relaxation" in text
    assert any("Agent A1 (contract ft) must work at least 5 days" in w for w in res.warnings)
    assert len(res.roster) == 0


def test_seven_days_with_at_most_five_in_a_row():
    s = settings([DAY8], [{"name": "ft", "shifts": ["day"], "min_days_per_week": 7, "max_consecutive_days": 5}])
    req = req_frame([(d, "09:00", "17:00", 1) for d in range(7)], days=7)
    res = build_roster(req, s, agents(1, "ft"))
    assert res.status == "infeasible"
    assert "contract ft: at least 7 days per week" in res.explanation
    assert "contract ft: at most 5 consecutive working days" in res.explanation
    assert "minimum rest" not in res.explanation


def test_rest_against_total_hours():
    # only a late shift on Monday (ends 22:00) and an early one on Tuesday (06:00): 8 h rest < 11 h,
    # but the contract needs 16 paid hours in the two days.
    late = {"name": "late", "earliest_start": "14:00", "latest_start": "14:00", "paid_hours": [8], "days": ["Mon"]}
    early = {"name": "early", "earliest_start": "06:00", "latest_start": "06:00", "paid_hours": [8], "days": ["Tue"]}
    s = settings([late, early], [{"name": "c", "shifts": ["late", "early"], "min_paid_hours_total": 16}],
                 labor={"min_rest_hours": 11})
    req = req_frame([(0, "14:00", "22:00", 1), (1, "06:00", "14:00", 1)], days=2)
    res = build_roster(req, s, agents(1))
    assert res.status == "infeasible"
    assert "minimum rest of 11 h between shifts" in res.explanation
    assert "at least 16 paid hours in the horizon" in res.explanation
    # the same week with 8 h of rest allowed is feasible
    s8 = settings([late, early], [{"name": "c", "shifts": ["late", "early"], "min_paid_hours_total": 16}],
                  labor={"min_rest_hours": 8})
    assert build_roster(req, s8, agents(1)).status == "optimal"


def test_forbidden_succession_is_named():
    late = {"name": "late", "earliest_start": "14:00", "latest_start": "14:00", "paid_hours": [8]}
    early = {"name": "early", "earliest_start": "06:00", "latest_start": "06:00", "paid_hours": [8]}
    s = settings([late, early],
                 [{"name": "c", "shifts": ["late", "early"], "max_shifts_per_template": {"late": 1, "early": 1},
                   "min_paid_hours_total": 16}],
                 labor={"min_rest_hours": 0, "forbidden_successions": [["late", "early"], ["early", "late"]]})
    req = req_frame([(0, "06:00", "22:00", 1), (1, "06:00", "22:00", 1)], days=2)
    res = build_roster(req, s, agents(1))
    assert res.status == "infeasible"
    assert "forbidden succession" in res.explanation


def test_precheck_names_interval_and_numbers():
    s = settings([DAY8], [{"name": "c", "shifts": ["day"]}])
    req = req_frame([(0, "10:00", "11:00", 4)])
    res = build_roster(req, s, agents(3))
    assert "Mon 10:00 needs 4 agents; only 3 are available." in res.warnings
    assert res.status == "optimal"  # under-coverage is soft: a roster always comes back
    assert res.kpis.under_agent_hours == 1.0


def test_headcount_mode_contract_nobody_can_meet():
    # positions must work 6 days a week but at most 5 in a row and only Mon-Fri shifts exist
    weekdays = {**DAY8, "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]}
    s = settings([weekdays], [{"name": "ft", "shifts": ["day"], "min_days_per_week": 6, "headcount_max": 3}])
    req = req_frame([(d, "09:00", "17:00", 1) for d in range(7)], days=7)
    res = build_roster(req, s, None)
    # a position that is not hired works no day: the week is feasible with nobody hired
    assert res.status == "optimal" and res.headcount == {"ft": 0}
    assert len(res.roster) == 0 and res.kpis.under_agent_hours == 56 and res.kpis.paid_hours == 0
    assert any("Contract ft needs at least 6 days per week" in w for w in res.warnings)
