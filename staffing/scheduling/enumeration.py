"""Exact completion of column generation: enumerate every schedule that can still be in a better
roster, then solve the master over them exactly.

After column generation has converged (:mod:`staffing.scheduling.column_generation`), each agent
``a`` has a Lagrangian cut ``S_a(x) >= B_a`` (``S_a`` its pricing objective: ``PRICE_SCALE x``
its own cost less the rounded cover prices of the shifts it works) and every roster satisfies
``PRICE_SCALE x objective >= sum_a S_a(x) + cover floor`` (the run's ``lagrangian_floor`` is
``sum_a B_a + cover floor``).  A roster of objective at most ``T`` therefore only uses schedules
with ``S_a(x) <= B_a + PRICE_SCALE T - lagrangian_floor``: when the Dantzig-Wolfe bound is tight
these are few (Curtois Instance 5 at ``T`` = the bound: 760 schedules for 16 employees).  The
labelling search of :mod:`staffing.scheduling.labelling` enumerates all of them for day-level
agents (0.5 s for Instance 5's level; CP-SAT's enumeration of each agent's own model, kept for
other agents, took about 7 s); the master LP over them discards every schedule whose reduced cost
under the LP's own duals exceeds the room left (:func:`lp_filter`), and the set-partitioning master
over the rest, solved to optimality by HiGHS, then either

* has a roster of objective ``<= T``: it is optimal, since every better roster is made of
  enumerated schedules; or
* has none: no roster of objective ``<= T`` exists and ``T + g`` is a proven lower bound
  (``g`` the objective's granularity).

``T`` starts at the column-generation bound and rises by ``g, 2g, 4g ...`` until a roster is found
or the enumeration outgrows its limits.  This is the enumeration step of Baldacci, Christofides &
Mingozzi (2008), *An exact algorithm for the vehicle routing problem based on the set partitioning
formulation with additional cuts*, Math. Prog. 115:351-385, with reduced-cost fixing of whole
columns (Nemhauser & Wolsey 1988, *Integer and Combinatorial Optimization*, I.2.3).
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from scipy import optimize

from staffing.errors import InputError
from staffing.scheduling import column_generation as CG
from staffing.scheduling import labelling as LB
from staffing.scheduling.heuristic import single_agent_model
from staffing.scheduling.model import RosterModel

MAX_SCHEDULES_PER_AGENT = 5_000  # an agent with more near-cheapest schedules ends the enumeration ...
MAX_SCHEDULES = 200_000  # ... and so does a master larger than this (columns)


@dataclass(frozen=True)
class EnumerationResult:
    """Outcome of :func:`enumerate_and_solve` (objective units of the CP-SAT model).

    Attributes
    ----------
    plan : dict or None
        Best roster found: agent index -> {day: shift option index}.
    plan_objective : float or None
        Its objective.
    bound : float
        Proven lower bound on the roster objective (at least the column-generation bound).
    proven_optimal : bool
        ``plan`` is optimal: the master over every schedule that could be in a better roster was
        solved to optimality.
    levels : tuple
        One ``(T, schedules enumerated, outcome)`` per level tried; outcome is ``"roster"``,
        ``"none"`` (bound raised past ``T``), ``"too many"``, ``"time"``, ``"stopped"`` or
        ``"master time"``.
    seconds : float
        Wall-clock time.
    """

    plan: dict[int, dict[int, int]] | None
    plan_objective: float | None
    bound: float
    proven_optimal: bool
    levels: tuple[tuple[float, int, str], ...]
    seconds: float


def applicable(m: RosterModel, cg: CG.ColumnGenerationResult) -> bool:
    """Column generation (nearly) converged with a floor and a cut for every agent (linear own costs)."""
    return (cg.near_converged and cg.bound is not None and cg.lagrangian_floor is not None
            and len(cg.cuts) == len(m.agents) == len(cg.own_costs))


def _agent_schedules(m: RosterModel, cut: tuple[int, dict[tuple[int, int], int], int, int], slack: int,
                     seconds: float, abort: threading.Event | None = None,
                     ) -> list[tuple[tuple[int, int], ...]] | None:
    """Every schedule of the cut's agent with ``S_a <= B_a + slack`` (sorted ``(day, option)`` pairs),
    or None when there are more than ``MAX_SCHEDULES_PER_AGENT``, the time runs out or ``abort`` is set
    (by another agent's failure or the caller's stop).  Day-level agents go to the labelling search
    (:mod:`staffing.scheduling.labelling`: on Curtois Instance 5 about 0.03 s per agent and level where
    CP-SAT took seconds), the others to CP-SAT."""
    if seconds <= 0 or (abort is not None and abort.is_set()):
        return None
    a, coefs, const, rhs = cut
    limit = rhs - const + slack
    if LB.unsupported(m, a) is None:
        lab = LB.Labeller(LB.rules_for(m, a))
        if lab.dp_entries <= LB.MAX_DP_ENTRIES:
            return lab.schedules_within(coefs, limit, MAX_SCHEDULES_PER_AGENT, seconds, abort)
    return cpsat_schedules(m, a, coefs, limit, seconds, abort)


def cpsat_schedules(m: RosterModel, a: int, coefs: dict[tuple[int, int], int], limit: int, seconds: float,
                    abort: threading.Event | None = None) -> list[tuple[tuple[int, int], ...]] | None:
    """Every schedule of agent ``a`` with ``sum coefs x <= limit``, by CP-SAT's enumeration of its own
    model (as :func:`_agent_schedules`; any rule the model has)."""
    sm = single_agent_model(m, m.agents[a])
    vs = [sm.shift[0][d][o] for (d, o) in coefs]
    sm.cp.add(cp_model.LinearExpr.weighted_sum(vs, list(coefs.values())) <= limit)
    shift_vars = [((d, o), var) for d, vd in enumerate(sm.shift[0]) for o, var in vd.items()]

    class _All(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.found: set[tuple[tuple[int, int], ...]] = set()
            self.overflow = False

        def on_solution_callback(self) -> None:
            self.found.add(tuple(k for k, var in shift_vars if self.boolean_value(var)))
            if len(self.found) > MAX_SCHEDULES_PER_AGENT:
                self.overflow = True
                self.stop_search()
            elif abort is not None and abort.is_set():
                self.stop_search()

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.linearization_level = 2  # the LP of the rules prunes the enumeration (~1.5x faster)
    cb = _All()
    code = solver.solve(sm.cp, cb)
    if cb.overflow or (abort is not None and abort.is_set()):
        return None
    if code == cp_model.INFEASIBLE:
        return []
    if code != cp_model.OPTIMAL:  # time out: the enumeration is incomplete
        return None
    return sorted(cb.found)


def lp_filter(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], R: int, A: int,
              q: np.ndarray, wu: np.ndarray, wo: np.ndarray, level: float,
              ) -> tuple[float, list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]]]:
    """``(z, kept)``: the master LP's value over ``cols`` and the columns that can be in a roster of
    objective ``<= level``.

    With the LP's optimal duals ``y`` every roster ``x`` has ``c x = y b + sum_j rc_j x_j`` (``rc``
    the reduced costs), so a roster no worse than ``level`` uses only columns with
    ``rc_j <= level - z`` (reduced-cost fixing, Nemhauser & Wolsey 1988, I.2.3, with the bounds'
    duals folded into ``z``).  A level with ``z > level`` is settled without the integer master; on
    Curtois Instance 5 the filter keeps 82-92 % of the listed schedules.  ``z = inf`` (and no
    columns) when the LP is infeasible.
    """
    if not cols:
        return math.inf, []
    a_eq, b_eq, cost, hi = CG._master_problem(cols, R, A, q, wu, wo)
    res = optimize.linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([np.zeros(len(cost)), hi]),
                           method="highs")
    if res.status != 0:
        return math.inf, []
    y = np.asarray(res.eqlin.marginals, float)
    rc = cost - a_eq.T @ y
    room = level - float(res.fun) + 1e-6 * max(1.0, abs(level))
    kept = [c for j, c in enumerate(cols) if rc[j] <= room]
    return float(res.fun), kept


def enumerate_and_solve(m: RosterModel, cg: CG.ColumnGenerationResult, upper: float, seconds: float, *,
                        workers: int = 2, stop_event: threading.Event | None = None) -> EnumerationResult:
    """Prove the incumbent optimal or find the optimum, level by level (see the module docstring).

    Parameters
    ----------
    m : RosterModel
        The model column generation ran on (day-level cover).
    cg : ColumnGenerationResult
        A (nearly) converged run (:func:`applicable`).
    upper : float
        Objective of the incumbent roster (model units); levels stop below it.
    seconds : float
        Wall-clock budget.
    workers : int
        Agents enumerated in parallel (CP-SAT releases the GIL).
    stop_event : threading.Event, optional
        Ends the enumeration (outcome ``"stopped"``).

    Returns
    -------
    EnumerationResult
    """
    t0 = time.perf_counter()
    if not applicable(m, cg) or cg.bound is None or cg.lagrangian_floor is None:
        raise InputError("enumerate_and_solve: expected a (nearly) converged column generation run with a bound, "
                         "a Lagrangian floor and a cut and a linear own cost for every agent; found "
                         f"near_converged={cg.near_converged}, bound={cg.bound}, floor={cg.lagrangian_floor}, "
                         f"{len(cg.cuts)} cuts and {len(cg.own_costs)} linear costs for {len(m.agents)} agents.")
    g, offset = CG.objective_granularity(m)
    # every objective value is offset + g k: rosters no worse than upper are no worse than this grid point
    upper = offset + g * math.floor((upper - offset) / g + 1e-9)
    rows, q, wu, wo = CG.cover_rows(m)
    R, A = len(q), len(m.agents)
    cost_of = {a: (coefs, const) for a, coefs, const in cg.own_costs}
    bound = float(cg.bound)
    step = g
    levels: list[tuple[float, int, str]] = []
    plan: dict[int, dict[int, int]] | None = None
    plan_obj: float | None = None
    proven = False

    deadline = t0 + seconds

    def left() -> float:
        return deadline - time.perf_counter()

    level = bound
    while level < upper - 1e-9 and left() > 0.5 and not (stop_event is not None and stop_event.is_set()):
        level = min(level, upper - g)
        slack = CG.reduced_cost_slack(level, int(cg.lagrangian_floor))
        abort = threading.Event()  # one agent's failure ends the level for all

        def one(cut: tuple[int, dict[tuple[int, int], int], int, int], s: int = slack,
                abort: threading.Event = abort) -> list[tuple[tuple[int, int], ...]] | None:
            if stop_event is not None and stop_event.is_set():
                abort.set()
            out = _agent_schedules(m, cut, s, deadline - time.perf_counter(), abort)
            if out is None:
                abort.set()
            return out

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            found = list(pool.map(one, cg.cuts))
        n_cols = sum(len(f) for f in found if f is not None)
        if any(f is None for f in found):  # an agent's enumeration timed out or overflowed
            stopped = stop_event is not None and stop_event.is_set()
            levels.append((level, n_cols, "stopped" if stopped else "time" if time.perf_counter() >= deadline
                           else "too many"))
            break
        if n_cols > MAX_SCHEDULES:
            levels.append((level, n_cols, "too many"))
            break
        cols = []
        for cut, scheds in zip(cg.cuts, found, strict=True):
            a = cut[0]
            coefs, const = cost_of[a]
            for sched in scheds or []:
                cost = (sum(coefs.get(k, 0) for k in sched) + const) / CG.PRICE_SCALE
                cols.append((a, sched, float(cost), np.array(CG.schedule_rows(m, rows, sched), dtype=np.int64)))
        z_lp, kept = lp_filter(cols, R, A, q, wu, wo, level) if len({c[0] for c in cols}) == A else (math.inf, [])
        if z_lp > level + 1e-6 or len({c[0] for c in kept}) < A:
            # no roster <= level: some agent has no schedule cheap enough, or the master LP over
            # every candidate is already above the level
            levels.append((level, n_cols, "none"))
            bound = level + g
        else:
            p, obj, status = CG.mip_master(kept, R, A, q, wu, wo, seconds=max(0.5, left()))
            if p is not None and obj is not None and (plan_obj is None or obj < plan_obj):
                plan, plan_obj = p, obj
            if status != 0:  # not solved to optimality in time: no conclusion at this level
                levels.append((level, n_cols, "master time"))
                break
            if obj is not None and obj <= level + 1e-9:
                levels.append((level, n_cols, "roster"))
                bound = max(bound, obj)  # the master's optimum over every candidate schedule
                proven = True
                break
            levels.append((level, n_cols, "none"))
            bound = level + g
        level = bound + step - g
        step *= 2
    if plan_obj is not None and plan_obj <= bound + 1e-9:
        proven = True
    if not proven and bound >= upper - 1e-9:  # nothing below the incumbent: it is optimal
        bound = upper
    return EnumerationResult(plan, plan_obj, bound, proven, tuple(levels), time.perf_counter() - t0)
