"""Search and bound pieces added for issue 6 (roster quality at scale): the agent-based
large-neighbourhood search (:func:`staffing.scheduling.heuristic.agent_lns`) and the parts of the
covering LP bound (:func:`staffing.scheduling.bounds.covering_lower_bound`).  Every roster goes
through the independent checker."""

from __future__ import annotations

import numpy as np
import pytest

from staffing.scheduling import Agent, check_roster
from staffing.scheduling.bounds import covering_lower_bound
from staffing.scheduling.heuristic import agent_lns, warm_start
from staffing.scheduling.model import horizon_from_requirements
from staffing.scheduling.solve import build_model, extract_roster, model_agents
from tests.test_scheduling_solve import req_frame, settings

BREAKS = [{"name": "b", "duration_minutes": 15, "earliest_offset_minutes": 90, "latest_offset_minutes": 150},
          {"name": "lunch", "activity": "lunch", "paid": False, "duration_minutes": 30, "anchor": "middle",
           "earliest_offset_minutes": -30, "latest_offset_minutes": 30, "min_shift_hours": 6}]


def _week():
    s = settings([{"name": "day", "earliest_start": "07:00", "latest_start": "12:00", "start_step_minutes": 30,
                   "paid_hours": [8]},
                  {"name": "part", "earliest_start": "07:00", "latest_start": "16:00", "start_step_minutes": 60,
                   "paid_hours": [4, 6]}],
                 [{"name": "ft", "shifts": ["day"], "min_days_per_week": 5, "max_days_per_week": 5,
                   "min_paid_hours_per_week": 40, "max_paid_hours_per_week": 40},
                  {"name": "pt", "shifts": ["part"], "min_paid_hours_per_week": 12, "max_days_per_week": 4}],
                 breaks=BREAKS, labor={"min_rest_hours": 11, "max_start_spread_hours": 2},
                 objective={"under_coverage_per_agent_hour": 100, "over_coverage_per_agent_hour": 5})
    rng = np.random.default_rng(11)
    req = req_frame([(d, f"{h:02d}:00", f"{h + 1:02d}:00", int(rng.integers(3, 12))) for d in range(7)
                     for h in range(7, 20)], days=7)
    ags = tuple(Agent(f"F{i}", "ft") for i in range(14)) + tuple(Agent(f"P{i}", "pt") for i in range(6))
    h = horizon_from_requirements(req)
    m, _ = build_model(s, h, model_agents(s, ags, h))
    return s, ags, h, m


def test_agent_lns_never_worsens_and_stays_rule_valid():
    s, ags, h, m = _week()
    warm_start(m, 1.0, seed=1)
    before = m.hint.objective(m.cp.proto)
    info = agent_lns(m, 4.0, seed=1)
    after = m.hint.objective(m.cp.proto)
    assert info["steps"] >= 1
    assert after <= before
    assert info["objective_after"] == pytest.approx(after / 100)
    roster = extract_roster(m, m.hint)
    assert check_roster(roster, s, ags, horizon=h) == []
    # every worked shift of the roster is one of the 20 agents' weeks: 14 full-timers x 5 days
    shifts = roster[roster["activity"] == "shift"]
    assert (shifts["agent_id"].str.startswith("F")).sum() == 14 * 5


def test_agent_lns_without_warm_start_does_nothing():
    _s, _ags, _h, m = _week()
    assert m.hint is None
    assert agent_lns(m, 2.0)["steps"] == 0


def test_covering_bound_parts_add_up_to_the_bound():
    # objective of the LP optimum = 100/h under + 5/h over + 1/h paid (hourly cost 1)
    _s, _ags, h, m = _week()
    parts: dict[str, float] = {}
    b = covering_lower_bound(m, parts)
    assert b is not None
    assert b == pytest.approx(100 * parts["under_agent_hours"] + 5 * parts["over_agent_hours"]
                              + parts["paid_hours"], rel=1e-6)
    # full-timers are held to exactly 40 h: 14 x 40 = 560 paid hours at least
    assert parts["paid_hours"] >= 560 - 1e-6
    # the LP optimum never exceeds the requirement's hours in under-coverage
    assert 0 <= parts["under_agent_hours"] <= h.required.sum() / 4
