"""Reduced-cost limits and the exact enumeration after column generation, checked against brute force."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from ortools.sat.python import cp_model

from staffing.curtois_format import evaluate_roster, parse_curtois
from staffing.scheduling import enumeration as EN
from staffing.scheduling.column_generation import (
    PRICE_SCALE,
    add_reduced_cost_limits,
    column_generation,
)
from tests.test_column_generation import SMALL, _brute_force_optimum, _every_valid_schedule, _model


def _roster_frame(inst, m, plan) -> pd.DataFrame:
    rows = [(inst.staff[a].staff_id, d, m.options[o].template) for a, week in plan.items() for d, o in week.items()]
    return pd.DataFrame(rows, columns=["employee", "day", "shift"])


def test_floor_is_a_lower_bound_below_the_optimum() -> None:
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    cg = column_generation(_model(inst), 20.0, workers=1)
    assert cg.converged and cg.lagrangian_floor is not None and cg.bound is not None
    # the floor is a Lagrangian bound (prices rounded as in the pricing): at most the optimum, and it
    # must equal the sum of the cut right-hand sides plus a cover floor no larger than the cover cost
    # of the optimal roster's head counts
    assert cg.lagrangian_floor <= PRICE_SCALE * 100 * optimum
    assert cg.lagrangian_floor > PRICE_SCALE * 100 * (optimum - 1)  # tight here: the DW bound is the optimum


def test_limits_at_the_optimum_keep_it_and_below_it_leave_nothing_better() -> None:
    # limits set for rosters no worse than the optimum: CP-SAT still finds and proves the optimum;
    # set one unit below it, together with the objective capped there, no roster is left
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    limits = add_reduced_cost_limits(m, cg, 100 * optimum)
    assert limits is not None and len(limits.constraints) == 3
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(m.cp) == cp_model.OPTIMAL and round(solver.objective_value) == 100 * optimum
    # the limits live at fixed indices: rewriting them in a clone leaves the model's own untouched
    # (the proto's repeated fields do not support negative indices: [1] is the upper end)
    clone = m.cp.clone()
    own_end = [m.cp.proto.constraints[i].linear.domain[1] for i in limits.constraints]
    limits.apply(clone.proto, 100 * (optimum + 7))
    assert [clone.proto.constraints[i].linear.domain[1] - e for i, e in zip(limits.constraints, own_end)] \
        == [700 * PRICE_SCALE] * 3
    assert [m.cp.proto.constraints[i].linear.domain[1] for i in limits.constraints] == own_end
    limits.apply(m.cp.proto, 100 * (optimum - 1))
    ob = m.cp.proto.objective
    ob.domain.extend([-(2**40), int(100 * (optimum - 1) - ob.offset)])
    assert cp_model.CpSolver().solve(m.cp) == cp_model.INFEASIBLE


def test_agent_enumeration_with_a_wide_limit_is_every_valid_schedule() -> None:
    # with a slack no schedule can exceed, CP-SAT's enumeration returns exactly the schedules the
    # independent evaluator accepts (brute force over every day's choice)
    inst = parse_curtois(SMALL)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    for cut in cg.cuts:
        a = cut[0]
        got = EN._agent_schedules(m, cut, 10**12, 30.0)
        assert got is not None
        got_named = {tuple((d, m.options[o].template) for d, o in sched) for sched in got}
        want = {tuple(sorted(s.items())) for s in _every_valid_schedule(inst, inst.staff[a])}
        assert got_named == want and len(want) > 5


def _lowered(cg, units: int):
    """The same run with its bound lowered by ``units`` objective units (still a valid bound): on
    the small instance the Dantzig-Wolfe bound is already the optimum, so the levels below it are
    exercised this way."""
    return replace(cg, bound=cg.bound - 100 * units)


def test_enumeration_proves_the_enumerated_optimum_from_a_poor_incumbent() -> None:
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    assert EN.applicable(m, cg)
    res = EN.enumerate_and_solve(m, _lowered(cg, 3), 100 * (optimum + 25), 60.0, workers=2)
    # levels optimum-3 and optimum-2 hold no roster (the bound rises past them); the steps double,
    # and the next level, the optimum itself, holds the optimal roster
    assert [(t / 100, out) for t, _n, out in res.levels] == [(optimum - 3, "none"), (optimum - 2, "none"),
                                                             (optimum, "roster")]
    assert res.proven_optimal and res.plan_objective == 100 * optimum and res.bound == 100 * optimum
    assert evaluate_roster(inst, _roster_frame(inst, m, res.plan)) == ([], optimum)


def test_enumeration_below_an_optimal_incumbent_proves_it() -> None:
    # the incumbent is already optimal: every level below it is empty and the bound reaches it
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    res = EN.enumerate_and_solve(m, _lowered(cg, 2), 100 * optimum, 60.0, workers=2)
    assert res.bound == 100 * optimum and not res.proven_optimal and res.plan is None
    assert [(t / 100, out) for t, _n, out in res.levels] == [(optimum - 2, "none"), (optimum - 1, "none")]


def test_enumeration_stops_when_an_agent_has_too_many_schedules(monkeypatch) -> None:
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    monkeypatch.setattr(EN, "MAX_SCHEDULES_PER_AGENT", 0)
    res = EN.enumerate_and_solve(m, cg, 100 * (optimum + 5), 60.0, workers=2)
    assert [out for _t, _n, out in res.levels] == ["too many"] and res.plan is None
    assert res.bound == cg.bound and not res.proven_optimal


def test_enumeration_refuses_a_run_without_cuts() -> None:
    import pytest

    from staffing.errors import InputError

    inst = parse_curtois(SMALL)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    with pytest.raises(InputError, match="3 agents"):
        EN.enumerate_and_solve(m, replace(cg, cuts=()), 1000.0, 10.0)


def test_enumeration_master_rules_out_levels_with_candidate_schedules() -> None:
    # bound and floor both lowered by 3 units (still valid): every level now has candidate schedules
    # (those of the true levels 3 units higher), so the HiGHS master itself must show that the levels
    # below the optimum hold no roster, and then find the optimum
    inst = parse_curtois(SMALL)
    optimum = _brute_force_optimum(inst)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    low = replace(cg, bound=cg.bound - 300, lagrangian_floor=cg.lagrangian_floor - 300 * PRICE_SCALE)
    res = EN.enumerate_and_solve(m, low, 100 * (optimum + 25), 60.0, workers=2)
    assert [(t / 100, out) for t, _n, out in res.levels] == [(optimum - 3, "none"), (optimum - 2, "none"),
                                                             (optimum, "roster")]
    assert all(n >= 3 for _t, n, _out in res.levels)  # one schedule per employee at least, every level
    assert res.proven_optimal and res.plan_objective == 100 * optimum
    assert evaluate_roster(inst, _roster_frame(inst, m, res.plan)) == ([], optimum)


def test_enumeration_honours_the_stop_event() -> None:
    import threading

    inst = parse_curtois(SMALL)
    m = _model(inst)
    cg = column_generation(m, 20.0, workers=1)
    stop = threading.Event()
    stop.set()
    res = EN.enumerate_and_solve(m, replace(cg, bound=cg.bound - 300), cg.bound + 2500, 60.0, stop_event=stop)
    assert res.levels == () and res.plan is None and not res.proven_optimal


def test_near_converged_is_judged_against_the_master_lp() -> None:
    inst = parse_curtois(SMALL)
    cg = column_generation(_model(inst), 20.0, workers=1)
    assert cg.converged and cg.near_converged
    b = cg.bound
    assert replace(cg, converged=False, lp_value=b * 1.009).near_converged  # within 1 % of the LP
    assert not replace(cg, converged=False, lp_value=b * 1.02).near_converged
    assert not replace(cg, converged=False, bound=None).near_converged
