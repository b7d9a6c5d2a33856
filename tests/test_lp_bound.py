"""LP bound of the roster model (staffing.scheduling.lp_bound): hand-computed value, validity
against CP-SAT optima, and the relaxation rules on hand-made CP-SAT models."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from ortools.sat.python import cp_model

from staffing.scheduling import build_roster, settings_from_mapping
from staffing.scheduling.lp_bound import (
    lagrangian_bound,
    lp_bound,
    lp_bound_of_proto,
    relax_proto,
    safe_dual_bound,
)

MONDAY = "2026-11-30"


def _requirement(interval_minutes: int, needs: dict[int, int]) -> pd.DataFrame:
    """A 7-day requirement from Monday 2026-11-30: ``needs`` maps interval index -> agents."""
    idx = pd.date_range(MONDAY, periods=7 * 1440 // interval_minutes, freq=f"{interval_minutes}min")
    need = np.zeros(len(idx), dtype=int)
    for t, n in needs.items():
        need[t] = n
    return pd.DataFrame({"interval_start": idx, "agents_to_schedule": need})


def _tiny_rules() -> dict:
    return {
        "solver": {"time_limit_seconds": 10, "num_workers": 2, "random_seed": 1, "warm_start": False},
        "objective": {"under_coverage_per_agent_hour": 100, "over_coverage_per_agent_hour": 5, "paid_hour_cost": 1,
                      "isolated_day_off": 0, "preferred_start_missed": 0, "preferred_day_off_missed": 0},
        "labor": {"min_rest_hours": 11},
        "shift": [{"name": "one", "earliest_start": "08:00", "latest_start": "08:00", "start_step_minutes": 60,
                   "paid_hours": [1]}],
        "contract": [{"name": "c", "shifts": ["one"], "min_paid_hours_per_week": 1.5}],
    }


def test_tiny_instance_hand_computed():
    # One agent, one 1-hour shift 08:00 on any day, at least 1.5 paid hours in the week, 1 agent
    # needed on Monday 08:00-09:00 only.  Weights per agent-hour: under 100, over 5, paid 1.
    # Integer optimum: Monday (paid 1, covers the need) + one more shift (paid 1 + 1 h over x 5)
    #   = 1 + 6 = 7.
    # LP optimum: Monday shift 1 (cost 1) + half a shift elsewhere (0.5 x 6 = 3) = 4.
    req = _requirement(60, {8: 1})
    settings = settings_from_mapping(_tiny_rules())
    agents = pd.DataFrame({"agent_id": ["A1"], "contract": ["c"]})
    lb = lp_bound(req, settings, agents)
    assert lb.status == "OPTIMAL"
    assert lb.bound == pytest.approx(4.0, abs=1e-9)
    assert lb.lp_objective == pytest.approx(4.0, abs=1e-6)
    assert lb.dropped_constraints == 0
    res = build_roster(req, settings, agents)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(7.0)
    assert lb.bound <= res.objective


def _small_rules(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "solver": {"time_limit_seconds": 20, "num_workers": 2, "random_seed": 1},
        "objective": {"under_coverage_per_agent_hour": 100, "over_coverage_per_agent_hour": float(rng.integers(1, 10)),
                      "paid_hour_cost": 1, "isolated_day_off": 2, "preferred_start_missed": 1,
                      "preferred_day_off_missed": 2},
        "labor": {"min_rest_hours": 11, "max_start_spread_hours": 2, "forbidden_successions": [["late", "early"]]},
        "shift": [
            {"name": "early", "earliest_start": "07:00", "latest_start": "09:00", "start_step_minutes": 60,
             "paid_hours": [4, 6]},
            {"name": "late", "earliest_start": "12:00", "latest_start": "14:00", "start_step_minutes": 60,
             "paid_hours": [4]},
        ],
        "break": [
            {"name": "pause", "duration_minutes": 30, "earliest_offset_minutes": 60, "latest_offset_minutes": 120},
            {"name": "lunch", "activity": "lunch", "paid": False, "duration_minutes": 30, "anchor": "end",
             "earliest_offset_minutes": -150, "latest_offset_minutes": -90, "min_shift_hours": 6},
        ],
        "contract": [
            {"name": "full", "shifts": ["early", "late"], "min_paid_hours_per_week": 16, "max_paid_hours_per_week": 24,
             "min_days_per_week": 3, "max_days_per_week": 5, "max_consecutive_days": 4,
             "min_consecutive_days_off": 2, "max_weekends": 1},
            {"name": "part", "shifts": ["early"], "min_paid_hours_per_week": 8, "max_paid_hours_per_week": 12,
             "max_days_per_week": 3},
        ],
    }


def _small_requirement(seed: int) -> pd.DataFrame:
    """A random week of 1-3 agents 08:00-18:00 on the 30-minute grid."""
    rng = np.random.default_rng(seed)
    needs = {}
    for d in range(7):
        peak = int(rng.integers(1, 4))
        for t in range(d * 48 + 16, d * 48 + 36):  # 08:00-18:00 on the 30-minute grid
            needs[t] = max(0, peak - int(rng.integers(0, 2)))
    return _requirement(30, needs)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lp_bound_below_cp_sat_optimum(seed):
    req = _small_requirement(seed)
    settings = settings_from_mapping(_small_rules(seed))
    agents = pd.DataFrame({"agent_id": ["F1", "F2", "P1"], "contract": ["full", "full", "part"],
                           "time_off": [pd.NA, f"{MONDAY}", pd.NA], "preferred_days_off": ["Sat;Sun", pd.NA, pd.NA]})
    lb = lp_bound(req, settings, agents)
    res = build_roster(req, settings, agents)
    assert res.status == "optimal"  # 3 agents: CP-SAT proves the optimum in a few seconds
    assert math.isfinite(lb.bound)
    # a valid lower bound: at most the proven optimum (measured 07:50 UTC: 2115.12 <= 2270.5,
    # 6303.33 <= 6384, 3792 <= 3820 for seeds 1-3; the values move as the engine's model changes)
    assert lb.bound <= res.objective
    # and not trivial: at least the paid hours every agent must work (16 + 16 + 8 h at cost 1)
    assert lb.bound >= 40.0 - 1e-9


def test_relaxation_rules_on_a_hand_made_model():
    # x, y booleans, z in [0, 10].  z >= 6 only if x (big-M: z + 6 (1 - x) >= 6);
    # x -> y (bool_or with enforcement: y + (1 - x) >= 1); minimise z + 2y - 5x + 5.
    # Integer: x=0 -> 5 (y=0, z=0); x=1 -> z=6, y=1: 6 + 2 - 5 + 5 = 8.  Optimum 5.
    # LP: z = 6x, y = x: 6x + 2x - 5x + 5 = 3x + 5 -> 5 at x = 0.
    m = cp_model.CpModel()
    x, y = m.new_bool_var("x"), m.new_bool_var("y")
    z = m.new_int_var(0, 10, "z")
    m.add(z >= 6).only_enforce_if(x)
    m.add_implication(x, y)
    m.minimize(z + 2 * y - 5 * x + 5)
    lp = relax_proto(m.proto)
    assert lp.dropped == 0
    assert lp.A.shape == (2, 3)
    res = lp_bound_of_proto(m.proto, scale=1)
    assert res.bound == pytest.approx(5.0)
    # the weak-duality bound holds for any multipliers: with zero duals it is sum of min(c_j l_j, c_j u_j)
    assert safe_dual_bound(lp, np.zeros(2)) == pytest.approx(0 + 0 - 5 + 5)


def test_negated_literals_and_at_most_one():
    # exactly one of a, b, not(c); minimise 3a + 2b + 4c  ->  integer optimum c = 0 (not c true): 0 ...
    # at most one of a, b as well.  With (not c) counted, LP optimum is 0 too; then force c = 1.
    m = cp_model.CpModel()
    a, b, c = (m.new_bool_var(n) for n in "abc")
    m.add_exactly_one([a, b, c.Not()])
    m.add(c == 1)
    m.minimize(3 * a + 2 * b + 4 * c)
    # c = 1 -> a + b = 1 -> cheapest b: 2 + 4 = 6 (also the LP value)
    assert lp_bound_of_proto(m.proto, scale=1).bound == pytest.approx(6.0)


def test_lagrangian_bound_tiny_reaches_the_integer_optimum():
    # Same tiny week as above: with the agent's week solved in integers the half shift is gone,
    # so the per-agent Lagrangian bound is the integer optimum 7 (LP bound 4).
    req = _requirement(60, {8: 1})
    settings = settings_from_mapping(_tiny_rules())
    out = lagrangian_bound(req, settings, pd.DataFrame({"agent_id": ["A1"], "contract": ["c"]}))
    assert out is not None
    bound, lp = out
    assert lp.bound == pytest.approx(4.0)
    assert bound == pytest.approx(7.0, abs=1e-3)


@pytest.mark.parametrize("seed", [1, 2])
def test_lagrangian_bound_between_lp_and_optimum(seed):
    rng = np.random.default_rng(seed)
    needs = {}
    for d in range(7):
        peak = int(rng.integers(1, 4))
        for t in range(d * 48 + 16, d * 48 + 36):
            needs[t] = max(0, peak - int(rng.integers(0, 2)))
    req = _requirement(30, needs)
    settings = settings_from_mapping(_small_rules(seed))
    agents = pd.DataFrame({"agent_id": ["F1", "F2", "P1"], "contract": ["full", "full", "part"],
                           "time_off": [pd.NA, f"{MONDAY}", pd.NA], "preferred_days_off": ["Sat;Sun", pd.NA, pd.NA]})
    out = lagrangian_bound(req, settings, agents)
    assert out is not None
    bound, lp = out
    res = build_roster(req, settings, agents)
    assert res.status == "optimal"
    assert bound <= res.objective + 1e-9
    # with the LP's own multipliers it is at least the LP bound, up to the 1/1000 coefficient rounding
    assert bound >= lp.bound - 0.01 * len(agents) * 7 * 10
