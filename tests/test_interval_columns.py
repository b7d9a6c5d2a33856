"""Column generation for interval-level cover (staffing.scheduling.interval_columns): the pricing
by labelling per start-time window against CP-SAT on the agent's own model, the Dantzig-Wolfe
bound between the compact LP bound and the proven optimum, and the dive's roster checked by the
independent checker."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ortools.sat.python import cp_model

from staffing.scheduling import build_roster, check_roster, settings_from_mapping
from staffing.scheduling import interval_columns as IC
from staffing.scheduling.agents import agents_from_frame
from staffing.scheduling.column_generation import PRICE_SCALE, _Pricer
from staffing.scheduling.heuristic import add_plan_hint
from staffing.scheduling.lp_bound import lp_bound
from staffing.scheduling.model import horizon_from_requirements
from staffing.scheduling.solve import build_model, extract_roster, model_agents
from tests.test_lp_bound import MONDAY, _small_requirement, _small_rules


def _instance(seed: int, isolated_day_off: float = 0.0):
    rules = _small_rules(seed)
    rules["objective"]["isolated_day_off"] = isolated_day_off  # part-timers' days off need not pair
    req = _small_requirement(seed)
    settings = settings_from_mapping(rules)
    frame = pd.DataFrame({"agent_id": ["F1", "F2", "P1"], "contract": ["full", "full", "part"],
                          "time_off": [pd.NA, f"{MONDAY}", pd.NA], "preferred_days_off": ["Sat;Sun", pd.NA, pd.NA],
                          "preferred_start": ["07:00-08:00", pd.NA, pd.NA]})
    agents = agents_from_frame(frame, settings)
    h = horizon_from_requirements(req)
    m, _ = build_model(settings, h, model_agents(settings, agents, h))
    return req, settings, agents, h, m


@pytest.mark.parametrize(("seed", "isolated"), [(1, 0.0), (2, 0.0), (1, 2.0), (3, 7.0)])
def test_window_pricing_matches_cp_sat_on_the_agents_own_model(seed, isolated):
    """The start-time spread (2 h) is not a day-level rule: the labeller runs once per window of
    start times; the cheapest over the windows must be CP-SAT's optimum of the agent's model,
    isolated days off (soft, priced by the labeller's run states) included."""
    _req, _s, _ag, _h, m = _instance(seed, isolated)
    classes = IC._agent_classes(m)
    assert not isinstance(classes, str)
    keys = list(m.on_shift)
    rng = np.random.default_rng(100 + seed)
    # full-timers: early 07-09 and late 12-14 cannot share a week, so two windows at least
    assert any(len(cls.labellers) >= 2 for cls in classes)
    for cls in classes:
        a = cls.agents[0]
        pricer = _Pricer(m, a, {}, 0)
        for _trial in range(3):
            pc = {k: int(c) for k, c in zip(keys, rng.integers(-1_500_000, 300_000, len(keys)))}
            bound, found, exact = cls.price(pc, 10.0)
            assert exact
            cp = pricer.sm.cp
            own_vars = [(k, v) for k, v in pricer.var_at.items()]
            cp.minimize(PRICE_SCALE * pricer.cost
                        + cp_model.LinearExpr.weighted_sum([v for _k, v in own_vars], [pc.get(k, 0) for k, _v in own_vars]))
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            assert solver.solve(cp) == cp_model.OPTIMAL
            assert bound == round(solver.objective_value)
            # the cheapest schedule found costs exactly the bound, and its cost is the agent's own
            # cost plus the prices
            best, plan = min(found, key=lambda f: f[0])
            assert best == bound
            assert best == cls.cost_of(plan) + sum(pc.get(x, 0) for x in plan.items())


@pytest.mark.parametrize(("seed", "isolated"), [(1, 0.0), (2, 0.0), (3, 0.0), (2, 2.0)])
def test_bound_between_compact_lp_and_optimum_and_roster_is_valid(seed, isolated):
    req, settings, agents, h, m = _instance(seed, isolated)
    res = IC.interval_column_generation(m, 20.0)
    assert isinstance(res, IC.IntervalColumnsResult)
    assert res.converged
    opt = build_roster(req, settings, agents)  # 3 agents: CP-SAT proves the optimum
    assert opt.status == "optimal"
    lb = lp_bound(req, settings, agents)
    bound = res.bound / 100
    # a valid lower bound, and at least the compact LP's (the Dantzig-Wolfe bound convexifies
    # each agent's week; here it is strictly stronger than the LP on every seed tried)
    assert bound <= opt.objective + 1e-9
    assert bound >= lb.bound - 1e-6
    # the dive's roster: rule-valid, and its value is the model's objective of that roster
    assert res.plan is not None and res.plan_objective is not None
    add_plan_hint(m, res.plan, res.breaks)
    assert m.hint.objective(m.cp.proto) == pytest.approx(res.plan_objective)
    roster = extract_roster(m, m.hint)
    assert check_roster(roster, settings, agents, horizon=h) == []
    assert res.plan_objective / 100 >= opt.objective - 1e-9


def test_not_applicable_explains_why():
    _req, settings, _agents, h, _m = _instance(1)
    m2, _ = build_model(settings, h, model_agents(settings, None, h))  # headcount mode
    assert IC.applicable(m2) == "headcount mode"
    assert IC.interval_column_generation(m2, 5.0) == "headcount mode"


def _cc_week(n_full: int, n_part: int, seconds: float):
    """A 15-minute week big enough for build_roster's column generation (>= 4,000 shift variables)."""
    from staffing.scheduling import Agent
    from tests.test_scheduling_scale import BREAKS
    from tests.test_scheduling_solve import req_frame, settings

    s = settings([{"name": "day", "earliest_start": "07:00", "latest_start": "12:00", "start_step_minutes": 30,
                   "paid_hours": [8]},
                  {"name": "part", "earliest_start": "07:00", "latest_start": "16:00", "start_step_minutes": 60,
                   "paid_hours": [4, 6]}],
                 [{"name": "ft", "shifts": ["day"], "min_days_per_week": 5, "max_days_per_week": 5,
                   "min_paid_hours_per_week": 40, "max_paid_hours_per_week": 40, "min_consecutive_days_off": 2},
                  {"name": "pt", "shifts": ["part"], "min_paid_hours_per_week": 12, "max_days_per_week": 4}],
                 breaks=BREAKS, labor={"min_rest_hours": 11, "max_start_spread_hours": 2},
                 objective={"under_coverage_per_agent_hour": 100, "over_coverage_per_agent_hour": 5,
                            "isolated_day_off": 2, "preferred_start_missed": 1},
                 seconds=seconds)
    rng = np.random.default_rng(5)
    req = req_frame([(d, f"{h:02d}:00", f"{h + 1:02d}:00", int(rng.integers(8, 26))) for d in range(7)
                     for h in range(7, 20)], days=7)
    ags = tuple(Agent(f"F{i}", "ft", preferred_start=(420, 480) if i % 4 == 0 else None) for i in range(n_full)) \
        + tuple(Agent(f"P{i}", "pt") for i in range(n_part))
    return req, s, ags


def test_build_roster_starts_from_the_dive_and_reports_the_bound():
    req, s, ags = _cc_week(32, 14, 15)
    res = build_roster(req, s, ags)
    ic = res.search["interval_columns"]
    assert ic is not None, res.search["interval_columns_skipped"]
    assert ic["rounds"] >= 5 and ic["classes"] == 3  # full-timers with and without a preferred start, part-timers
    assert res.status in ("feasible", "optimal") and res.violations == ()
    # the Dantzig-Wolfe bound is proven and joins the reported bound; the LNS never worsens the dive
    assert ic["bound"] <= res.objective + 1e-9
    assert res.bound >= ic["bound"] - 1e-9
    assert res.objective <= ic["roster_objective"] + 1e-9
    assert res.search["lns"]["objective_before"] == pytest.approx(ic["roster_objective"])


def test_an_agent_without_any_valid_week_leaves_the_diagnosis_to_cp_sat():
    from staffing.scheduling import Agent

    req, s, ags = _cc_week(32, 14, 10)
    # 40 h in 5 days, but available on two days only: no week satisfies the contract
    ags = ags + (Agent("X", "ft", available_days=("Mon", "Tue")),)
    res = build_roster(req, s, ags)
    assert res.search is None or res.search.get("interval_columns") is None
    assert res.status == "infeasible"
    assert "X" in res.explanation


def test_agents_with_other_hourly_costs_are_other_classes():
    """Agents identical but for their hourly cost must not share a class (nor its costs)."""
    from staffing.scheduling import Agent
    from staffing.scheduling.column_generation import _Pricer

    req, s, _ags = _cc_week(2, 0, 5)
    ags = (Agent("A", "ft", hourly_cost=20.0), Agent("B", "ft", hourly_cost=22.0), Agent("C", "ft", hourly_cost=20.0))
    h = horizon_from_requirements(req)
    m, _ = build_model(s, h, model_agents(s, ags, h))
    classes = IC._agent_classes(m)
    assert sorted(sorted(m.agents[a].agent_id for a in c.agents) for c in classes) == [["A", "C"], ["B"]]
    for cls in classes:
        for a in cls.agents:
            own = _Pricer(m, a, {}, 0).linear_and_isolated_cost()
            assert own is not None and cls.own == own[0] and cls.const == own[1]
