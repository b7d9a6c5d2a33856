"""The labelling search (exact single-agent schedules) checked against CP-SAT on the agent's own model."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from staffing.curtois_format import parse_curtois, read_curtois
from staffing.scheduling import enumeration as EN
from staffing.scheduling import labelling as LB
from staffing.scheduling.curtois import to_roster_problem
from staffing.scheduling.heuristic import single_agent_model
from staffing.scheduling.model import horizon_from_requirements
from staffing.scheduling.solve import build_model, model_agents
from tests.test_column_generation import SMALL

DATA = Path(__file__).resolve().parent / "data"


def _model(inst, *, published: bool = False, labor: dict | None = None, contract: dict | None = None):
    req, settings, agents, requests, covers = to_roster_problem(inst, runs_may_continue_before_start=published)
    if labor:
        settings = replace(settings, labor=replace(settings.labor, **labor))
    if contract:
        settings = replace(settings, contracts=tuple(replace(c, **contract) for c in settings.contracts))
    h = horizon_from_requirements(req)
    m, _ = build_model(settings, h, model_agents(settings, agents, h), requests=requests, shift_cover=covers)
    return m


def _cpsat_cheapest(m, a, costs) -> int:
    sm = single_agent_model(m, m.agents[a])
    sm.cp.minimize(sum(c * sm.shift[0][d][o] for (d, o), c in costs.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(sm.cp) == cp_model.OPTIMAL
    return round(solver.objective_value)


def _random_costs(m, a, rng) -> dict[tuple[int, int], int]:
    return {(d, o): rng.randint(-3000, 1500) for d, vd in enumerate(m.shift[a]) for o in vd}


def _instance(n: int):
    return read_curtois(DATA / f"curtois_Instance{n}.txt")


@pytest.mark.parametrize(("number", "published", "labor", "contract"), [
    (5, False, None, None),  # the benchmark's text: runs touching either edge are full runs
    (7, True, None, None),  # runs touching day 0 may be short
    (7, False, {"outside_horizon_is_off": False}, None),  # both edges exempt
    # weekly limits, nights per week, a minimum rest that forbids some successions (the 12-h
    # shifts of Instance 13 end at 12:00, 12 h before the next day's 00:00 starts)
    (13, False, {"min_rest_hours": 13.0},
     {"max_days_per_week": 6, "min_days_per_week": 2, "max_paid_hours_per_week": 50.0,
      "min_paid_hours_per_week": 16.0, "max_nights_per_week": 5}),
])
def test_cheapest_schedule_equals_cp_sat_optimum(number, published, labor, contract) -> None:
    m = _model(_instance(number), published=published, labor=labor, contract=contract)
    rng = random.Random(number)
    for a in range(0, len(m.agents), max(1, len(m.agents) // (3 if number == 13 else 6))):
        assert LB.unsupported(m, a) is None
        rules = LB.rules_for(m, a)
        costs = _random_costs(m, a, rng)
        best, found = LB.Labeller(rules).cheapest(costs)
        assert found and found[-1][0] == best
        assert LB.is_valid(rules, found[-1][1])
        assert best == _cpsat_cheapest(m, a, costs), (number, a)
        # every improving schedule met on the way is valid and costs what the search says
        for g, plan in found:
            assert LB.is_valid(rules, plan) and g == sum(costs[(d, o)] for d, o in plan.items())


def test_schedules_within_a_limit_equal_cp_sat_enumeration() -> None:
    m = _model(_instance(5))
    rng = random.Random(3)
    for a in (0, 7, 12):
        costs = _random_costs(m, a, rng)
        lab = LB.Labeller(LB.rules_for(m, a))
        best, _ = lab.cheapest(costs)
        limit = best + 2500
        got = lab.schedules_within(costs, limit, 10_000)
        want = EN.cpsat_schedules(m, a, costs, limit, 120.0)
        assert got is not None and want is not None
        assert sorted(got) == sorted(want) and len(want) > 3
        # one schedule too many for the cap: None, not a truncated list
        assert lab.schedules_within(costs, limit, len(want) - 1) is None
        # nothing below the cheapest
        assert lab.schedules_within(costs, best - 1, 10_000) == []


def test_every_valid_schedule_of_the_small_instance() -> None:
    # zero costs and an unbounded limit: the labeller lists exactly the schedules CP-SAT's
    # enumeration of the agent's own model finds, and the independent check accepts each
    m = _model(parse_curtois(SMALL))
    for a in range(len(m.agents)):
        lab = LB.Labeller(LB.rules_for(m, a))
        got = lab.schedules_within({}, 0, 100_000)
        want = EN.cpsat_schedules(m, a, {}, 0, 60.0)
        assert got is not None and want is not None and sorted(got) == sorted(want) and len(got) > 5
        assert all(LB.is_valid(lab.rules, dict(s)) for s in got)


def test_root_bound_is_a_lower_bound_and_unsupported_rules_are_named() -> None:
    m = _model(_instance(7), published=True)
    lab = LB.Labeller(LB.rules_for(m, 4))
    costs = _random_costs(m, 4, random.Random(9))
    V = lab.completion_bounds(costs)
    best, _ = lab.cheapest(costs)
    assert V[0][0][0][0] <= best
    spread = _model(_instance(7), published=True, labor={"max_start_spread_hours": 0.0})
    assert LB.unsupported(spread, 0) is None  # one start time: the spread cannot bind
    # no schedule at all: an unreachable minimum of paid hours
    m2 = _model(_instance(5), contract={"min_paid_hours_total": 5000.0, "max_paid_hours_total": 6000.0})
    best2, found2 = LB.Labeller(LB.rules_for(m2, 0)).cheapest({})
    assert best2 >= LB.INF and found2 == []


def test_template_multipliers_keep_the_bound_valid_and_close_ties() -> None:
    """Instance 13, employee 26, priced by its shift requests alone: the relaxed optimum works four
    'n2' shifts where at most two are allowed, and many schedules tie.  The multipliers raise the
    root bound without passing the optimum, and the search (which rounds its limit to the costs'
    granularity) finishes and meets CP-SAT's optimum."""
    from staffing.scheduling import column_generation as CG

    m = _model(_instance(13), published=True)
    rows, *_ = CG.cover_rows(m)
    lin, _const = CG._Pricer(m, 26, rows, 0).linear_cost
    lab = LB.Labeller(LB.rules_for(m, 26))
    assert lab.rules.template_max["n2"] == 2
    plain = int(lab.completion_bounds(lin)[0][0, 0, 0])
    assert lab._relaxed_counts(lab.completion_bounds(lin), lin)["n2"] > 2
    lam, V = lab.template_multipliers(lin, rounds=10)
    assert lam.get("n2", 0) > 0
    raised = int(V[0][0, 0, 0]) - sum(v * lab.rules.template_max[t] for t, v in lam.items())
    optimum = _cpsat_cheapest(m, 26, lin)
    assert plain < raised <= optimum
    best, found, complete = lab.cheapest_within(lin, 60.0)
    assert complete and best == optimum and LB.is_valid(lab.rules, found[-1][1])
